"""Channel and job leases of a fleet on one archive: fair shares, the account's own channels first,
takeover once a lease expires, one worker per account, one sender at a time. Two Store objects on one
archive stand for two worker processes (each has its own connections, as separate processes do). Every
test runs on both backends: an archive file and a PostgreSQL database (`archive_location`)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from monitor.store import Location, Store, open_archive
from monitor.store.leases import AccountInUse, KnownChannel

LEASE = timedelta(seconds=30)
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
async def pair(archive_location: Location) -> AsyncIterator[tuple[Store, Store]]:
    first = await open_archive(archive_location)
    second = await open_archive(archive_location)
    yield first, second
    await first.close()
    await second.close()


def joined(*ids: int) -> list[KnownChannel]:
    return [KnownChannel(i, 1000 + i, True) for i in ids]


async def renew(store: Store, worker: str, account: str, now: datetime = T0, **kw):
    return await store.leases.renew(worker, account, now=now, lease=LEASE, state={}, **kw)


async def start(store: Store, worker: str, account: str, now: datetime = T0) -> None:
    await store.leases.register(worker, account, pid=1, host="", now=now, lease=LEASE)


async def test_two_workers_split_the_channels_each_taking_those_its_account_joined(pair):
    east, west = pair
    await start(east, "east", "1")
    await east.leases.offer("1", joined(1, 2, 3), T0)
    assert (await renew(east, "east", "1")).held == {1, 2, 3}  # alone: everything it knows
    await start(west, "west", "2")
    await west.leases.offer("2", joined(4, 5, 6), T0)
    assert (await renew(west, "west", "2")).held == {4, 5, 6}
    assert (await renew(east, "east", "1")).held == {1, 2, 3}
    holders = await east.leases.holders()
    assert {c: w for c, (w, _) in holders.items()} == {
        1: "east",
        2: "east",
        3: "east",
        4: "west",
        5: "west",
        6: "west",
    }


async def test_a_worker_above_its_share_gives_back_channels_its_account_has_not_joined(pair):
    east, west = pair
    await start(east, "east", "1")
    await east.leases.offer("1", [*joined(1, 2), KnownChannel(3, 7, False), KnownChannel(4, 8, False)], T0)
    assert (await renew(east, "east", "1")).held == {1, 2, 3, 4}
    await start(west, "west", "2")
    holding = await renew(east, "east", "1")
    assert holding.released == {3, 4} and holding.held == {1, 2}
    assert (await renew(west, "west", "2")).held == {3, 4}


async def test_an_expired_lease_is_taken_over_and_counted(pair):
    east, west = pair
    await start(east, "east", "1")
    await east.leases.offer("1", joined(1, 2), T0)
    await renew(east, "east", "1")
    await start(west, "west", "2")
    assert (await renew(west, "west", "2")).held == set()  # east holds both, its lease still runs
    later = T0 + LEASE + timedelta(seconds=1)  # east stopped renewing (killed)
    await start(west, "west", "2", later)
    holding = await renew(west, "west", "2", later)
    assert holding.held == {1, 2} and holding.taken_over == {1, 2}
    assert (await renew(east, "east", "1", later)).held == set()  # east comes back: nothing is its own


async def test_claims_from_many_tasks_never_give_one_channel_to_two_workers(archive_location: Location):
    stores = [await open_archive(archive_location) for _ in range(3)]
    try:
        for n, store in enumerate(stores):
            await start(store, f"w{n}", str(n))
        await stores[0].leases.offer("0", [KnownChannel(i, None, False) for i in range(60)], T0)
        holdings = await asyncio.gather(*(renew(s, f"w{n}", str(n)) for n, s in enumerate(stores)))
        sets = [h.held for h in holdings]
        assert sum(len(s) for s in sets) == len(set().union(*sets)) == 60
        assert all(len(s) == 20 for s in sets)
    finally:
        for store in stores:
            await store.close()


async def test_a_second_live_worker_with_the_same_account_is_refused(pair):
    east, west = pair
    await start(east, "east", "1")
    with pytest.raises(AccountInUse, match="already read by worker east"):
        await start(west, "west", "1")
    await start(west, "west", "1", T0 + LEASE + timedelta(seconds=1))  # east's lease lapsed: allowed


async def test_of_two_workers_starting_at_once_with_one_account_exactly_one_is_refused(pair):
    east, west = pair
    both = (start(east, "east", "1"), start(west, "west", "1"))
    outcomes = await asyncio.gather(*both, return_exceptions=True)
    refused = [o for o in outcomes if isinstance(o, AccountInUse)]
    assert len(refused) == 1 and outcomes.count(None) == 1, outcomes
    assert [w.name for w in await east.leases.workers()] == ["west" if outcomes[0] is refused[0] else "east"]


async def test_a_clean_stop_frees_every_lease_at_once(pair):
    east, west = pair
    await start(east, "east", "1")
    await east.leases.offer("1", joined(1, 2), T0)
    await renew(east, "east", "1")
    await east.leases.hold_job("sender", "east", now=T0, lease=LEASE)
    await east.leases.retire("east", T0)
    await start(west, "west", "2")
    assert (await renew(west, "west", "2")).held == {1, 2}
    assert await west.leases.hold_job("sender", "west", now=T0, lease=LEASE)


async def test_one_sender_at_a_time_until_its_lease_lapses(pair):
    east, west = pair
    assert await east.leases.hold_job("sender", "east", now=T0, lease=LEASE)
    assert not await west.leases.hold_job("sender", "west", now=T0 + timedelta(seconds=5), lease=LEASE)
    assert await east.leases.hold_job("sender", "east", now=T0 + timedelta(seconds=10), lease=LEASE)
    assert not await west.leases.hold_job("sender", "west", now=T0 + LEASE, lease=LEASE)
    lapsed = T0 + timedelta(seconds=10) + LEASE
    assert await west.leases.hold_job("sender", "west", now=lapsed, lease=LEASE)
    assert not await east.leases.hold_job("sender", "east", now=lapsed, lease=LEASE)
    assert (await east.leases.job_holder("sender"))[0] == "west"


async def test_workers_opening_a_new_archive_at_once_migrate_it_once(archive_location: Location):
    stores = await asyncio.gather(*(open_archive(archive_location) for _ in range(3)))
    try:
        await start(stores[0], "east", "1")
        assert [w.name for w in await stores[2].leases.workers()] == ["east"]
    finally:
        for store in stores:
            await store.close()


async def test_channels_two_accounts_joined_are_shared_fairly_and_go_to_the_other_joiner(
    archive_location: Location,
):
    stores = [await open_archive(archive_location) for _ in range(3)]
    joins = {"1": {1, 2, 3, 4}, "2": {3, 4, 5, 6}, "3": {5, 6, 1, 2}}  # every channel has two members
    try:
        for n, store in enumerate(stores, start=1):
            await start(store, f"w{n}", str(n))
            await store.leases.offer(str(n), joined(*joins[str(n)]), T0)
        for _ in range(3):  # a few rounds of renewals settle the shares
            held = [(await renew(s, f"w{n}", str(n))).held for n, s in enumerate(stores, start=1)]
        assert sorted(len(h) for h in held) == [2, 2, 2] and set().union(*held) == {1, 2, 3, 4, 5, 6}
        assert all(h <= joins[str(n)] for n, h in enumerate(held, start=1))
        later = T0 + LEASE + timedelta(seconds=1)  # w2 was killed: the others go on renewing
        for n in (1, 3):
            await start(stores[n - 1], f"w{n}", str(n), later)
        for _ in range(2):
            left = {n: (await renew(stores[n - 1], f"w{n}", str(n), later)).held for n in (1, 3)}
        assert left[1] | left[3] == {1, 2, 3, 4, 5, 6} and not left[1] & left[3]
        assert left[1] <= joins["1"] and left[3] <= joins["3"]  # each read live by an account in it
    finally:
        for store in stores:
            await store.close()


async def test_a_worker_starting_before_the_rest_of_its_fleet_takes_only_its_share(pair):
    east, _ = pair
    await start(east, "east", "1")
    await east.leases.offer("1", joined(1, 2, 3, 4), T0)
    early = await east.leases.renew("east", "1", now=T0, lease=LEASE, state={}, expected=2)
    assert len(early.held) == 2  # the configured fleet of two, though west has not started yet
    assert (await renew(east, "east", "1")).held == {1, 2, 3, 4}  # a lease later, alone: everything


async def test_a_non_member_holder_gives_a_channel_back_once_a_member_is_live_even_above_its_share(pair):
    east, west = pair
    await start(east, "east", "1")
    await east.leases.offer("1", [KnownChannel(5, 105, False)], T0)
    assert (await renew(east, "east", "1")).held == {5}  # no member is live: east polls it
    await start(west, "west", "2")
    await west.leases.offer("2", joined(1, 2, 3, 4, 5), T0)
    first = await renew(west, "west", "2")
    assert first.held == {1, 2, 3, 4} and len(first.held) > first.target  # above its share, 5 still east's
    given = await renew(east, "east", "1")
    assert given.released == {5} and given.held == set()
    assert (await west.leases.holders())[5][0] is None  # free between the give-back and the claim
    taken = await renew(west, "west", "2")
    assert taken.gained == {5} and taken.held == {1, 2, 3, 4, 5}
    assert (await renew(east, "east", "1")).held == set()  # east does not claim it back


async def test_after_a_kill_a_live_member_above_its_share_takes_the_channel_before_a_non_member(
    archive_location: Location,
):
    north, west, east = [await open_archive(archive_location) for _ in range(3)]
    try:
        for store, name, account, known in (
            (north, "north", "3", joined(5)),
            (west, "west", "2", joined(1, 2, 3, 4, 5)),
            (east, "east", "1", [KnownChannel(5, 105, False), KnownChannel(6, 106, False)]),
        ):
            await start(store, name, account)
            await store.leases.offer(account, known, T0)
            await renew(store, name, account)
        mid = T0 + timedelta(seconds=20)  # north is killed: only west and east renew
        assert (await renew(west, "west", "2", mid)).held == {1, 2, 3, 4}
        assert (await renew(east, "east", "1", mid)).held == {6}
        later = T0 + LEASE + timedelta(seconds=1)  # north's lease of 5 has expired
        polled = await renew(east, "east", "1", later)
        assert polled.held == {6} and polled.gained == set()  # east has room but west is a live member
        live = await renew(west, "west", "2", later)
        assert live.taken_over == {5} and live.held == {1, 2, 3, 4, 5} and len(live.held) > live.target
        again = [await renew(s, n, a, later) for s, n, a in ((east, "east", "1"), (west, "west", "2"))]
        assert all(not h.released and not h.gained for h in again)  # settled: nothing goes back and forth
    finally:
        for store in (north, west, east):
            await store.close()

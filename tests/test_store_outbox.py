"""The alert outbox: claim before sending, resend after a crash with the same random_id, retry, suppress.
Every test runs on both backends (an archive file and a PostgreSQL database)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from monitor.model import Analysis, Conflict, Match, Post, SentMessage
from monitor.store import ArchiveError, Location, Store, open_archive

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
LATER = T0 + timedelta(days=365 * 10)  # "now" for calls that must see every alert as due


def flagged(message_id: int, *conflicts: str) -> tuple[Post, Analysis]:
    post = Post(channel_id=100, message_id=message_id, date=T0, text=f"Газа {message_id}")
    matches = tuple(Match(c, "газа", "ru", 0, 4) for c in conflicts)
    return post, Analysis("ru", 0.9, matches, conflicts, "w1")


@pytest.fixture
async def store(archive_location: Location):
    opened = await open_archive(archive_location)
    yield opened
    await opened.close()


async def alert_ids(store: Store, *items: tuple[Post, Analysis]) -> list[int]:
    return [alert_id for outcome in await store.save(list(items)) for alert_id in outcome.new_alert_ids]


async def test_pending_alerts_come_oldest_first_with_their_post(store: Store) -> None:
    ids = await alert_ids(store, flagged(1, "israel-hamas"), flagged(2, "israel-hamas", "russia-ukraine"))
    items = await store.outbox.pending(LATER, 10)
    assert [item.alert.id for item in items] == ids
    assert [item.alert.status for item in items] == ["pending"] * 3
    assert items[0].post.post.text == "Газа 1" and items[0].claim_random_id is None
    assert [item.alert.id for item in await store.outbox.pending(LATER, 2)] == ids[:2]


async def test_interrupted_sends_come_first_then_live_alerts_then_late_ones(store: Store) -> None:
    late = await store.save([flagged(1, "israel-hamas")], late_seconds={(100, 1): 600.0})
    live = await store.save([flagged(2, "israel-hamas"), flagged(3, "israel-hamas")])
    [late_id] = late[0].new_alert_ids
    live_ids = [alert_id for outcome in live for alert_id in outcome.new_alert_ids]
    await store.outbox.claim([live_ids[1]], random_id=7)
    items = await store.outbox.pending(LATER, 10)
    assert [item.alert.id for item in items] == [live_ids[1], live_ids[0], late_id]


async def test_conflict_display_facts_come_with_the_item_once_stored(store: Store) -> None:
    await alert_ids(store, flagged(1, "israel-hamas"), flagged(2, "unknown-conflict"))
    await store.upsert_conflicts([Conflict("israel-hamas", "Israel – Hamas", "high")])
    first, second = await store.outbox.pending(LATER, 10)
    assert first.conflict == Conflict("israel-hamas", "Israel – Hamas", "high")
    assert second.conflict is None


async def test_a_sent_alert_leaves_the_outbox_and_stays_sent(store: Store) -> None:
    [alert_id] = await alert_ids(store, flagged(1, "israel-hamas"))
    await store.outbox.claim([alert_id], random_id=12345)
    await store.outbox.mark_sent([alert_id], chat_id=-1001, sent_message_id=55)
    assert await store.outbox.pending(LATER, 10) == []
    assert await store.outbox.depth() == 0

    await store.outbox.mark_retry([alert_id], LATER, "late network error")
    await store.outbox.mark_suppressed([alert_id], "muted")
    await store.outbox.mark_sent([alert_id], chat_id=-1001, sent_message_id=99)
    with pytest.raises(ArchiveError, match=str(alert_id)):
        await store.outbox.claim([alert_id], random_id=1)
    stats = await store.stats()
    assert stats["alerts"] == {"sent": 1}


async def test_a_send_cut_short_by_a_crash_is_resent_with_the_same_random_id(
    archive_location: Location,
) -> None:
    store = await open_archive(archive_location)
    ids = await alert_ids(store, flagged(1, "israel-hamas"), flagged(2, "israel-hamas"))
    await store.outbox.claim(ids, random_id=987654321)  # one digest for both, then the process dies
    await store.close()

    async with await open_archive(archive_location) as restarted:
        items = await restarted.outbox.pending(T0, 10)  # 'sending' rows are due whatever the time
        assert [(i.alert.id, i.alert.status, i.claim_random_id) for i in items] == [
            (ids[0], "sending", 987654321),
            (ids[1], "sending", 987654321),
        ]
        await restarted.outbox.claim(ids, random_id=987654321)  # claiming again with the same id is harmless
        with pytest.raises(ArchiveError, match="cannot be claimed"):
            await restarted.outbox.claim(ids, random_id=1)  # a new random_id could duplicate the message
        await restarted.outbox.mark_sent(ids, chat_id=-1001, sent_message_id=None, digest=True)
        assert await restarted.outbox.depth() == 0


async def test_a_failed_send_is_retried_later_and_keeps_its_random_id(store: Store) -> None:
    [alert_id] = await alert_ids(store, flagged(1, "israel-hamas"))
    await store.outbox.claim([alert_id], random_id=42)
    retry_at = T0 + timedelta(seconds=30)
    await store.outbox.mark_retry([alert_id], retry_at, "FloodWaitError: 30 s")

    assert await store.outbox.pending(retry_at - timedelta(seconds=1), 10) == []
    [item] = await store.outbox.pending(retry_at, 10)
    assert (item.alert.status, item.alert.attempts, item.claim_random_id) == ("pending", 1, 42)
    await store.outbox.claim([alert_id], random_id=42)
    assert (await store.outbox.pending(T0, 10))[0].alert.status == "sending"


async def test_a_claim_of_several_alerts_is_all_or_nothing(store: Store) -> None:
    first, second = await alert_ids(store, flagged(1, "israel-hamas"), flagged(2, "israel-hamas"))
    await store.outbox.claim([second], random_id=7)
    with pytest.raises(ArchiveError):
        await store.outbox.claim([first, second], random_id=8)
    statuses = {item.alert.id: item.alert.status for item in await store.outbox.pending(LATER, 10)}
    assert statuses == {first: "pending", second: "sending"}


async def test_suppressed_alerts_are_kept_but_never_sent(store: Store) -> None:
    [alert_id] = await alert_ids(store, flagged(1, "israel-hamas"))
    await store.outbox.mark_suppressed([alert_id], "muted until 14:00")
    assert await store.outbox.pending(LATER, 10) == []
    assert (await store.stats())["alerts"] == {"suppressed": 1}


async def test_outbox_depth_and_age_of_the_oldest_alert(store: Store) -> None:
    assert await store.outbox.depth() == 0
    assert await store.outbox.oldest_pending_age(T0) is None
    before = datetime.now(UTC)
    await alert_ids(store, flagged(1, "israel-hamas"), flagged(2, "israel-hamas"))
    assert await store.outbox.depth() == 2
    age = await store.outbox.oldest_pending_age(before + timedelta(seconds=60))
    assert 0 < age <= 60


async def test_an_alert_added_by_an_edit_knows_the_message_that_carries_its_post(store: Store) -> None:
    [first] = await alert_ids(store, flagged(1, "israel-hamas"))
    await store.outbox.claim([first], random_id=5)
    await store.outbox.mark_sent([first], chat_id=-1001, sent_message_id=55, digest=True)
    edited = Post(channel_id=100, message_id=1, date=T0, text="Газа 1 (upd)", edit_date=T0)
    matches = (Match("israel-hamas", "газа", "ru", 0, 4), Match("russia-ukraine", "газа", "ru", 0, 4))
    await store.save([(edited, Analysis("ru", 0.9, matches, ("israel-hamas", "russia-ukraine"), "w1"))])
    [added] = await store.outbox.pending(LATER, 10)
    assert added.earlier_message == SentMessage(chat_id=-1001, message_id=55, digest=True)

    [shown] = await store.outbox.needing_update(10)  # the edit flagged the alert already sent
    assert (shown.alert.id, shown.needs_update, shown.digest) == (first, True, True)
    await store.outbox.mark_updated(first)
    await store.outbox.mark_sent(
        [added.alert.id], chat_id=-1001, sent_message_id=55, digest=True, needs_update=True
    )
    both = await store.outbox.needing_update(10)
    assert [(i.alert.id, i.needs_update) for i in both] == [(first, False), (added.alert.id, True)]
    assert (await store.stats())["alerts"] == {"sent": 2}


async def test_two_senders_claiming_the_same_alerts_at_once_leave_them_to_one(
    store: Store, archive_location: Location
) -> None:
    ids = await alert_ids(store, flagged(1, "israel-hamas"), flagged(2, "israel-hamas"))
    async with await open_archive(archive_location) as other:  # a second process on the same archive
        claims = await asyncio.gather(
            store.outbox.claim(ids, random_id=111),
            other.outbox.claim(ids, random_id=222),
            return_exceptions=True,
        )
    refused = [claim for claim in claims if isinstance(claim, ArchiveError)]
    assert len(refused) == 1 and claims.count(None) == 1
    winner = 111 if claims[0] is None else 222
    assert {item.claim_random_id for item in await store.outbox.pending(T0, 10)} == {winner}

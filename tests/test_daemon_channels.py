"""Channel references end to end: the daemon resolves usernames, t.me links, numeric ids and invite links
against the sandbox with the real Telethon client, joins when told to, warns once about a channel it
cannot read, and restarts from the archive's access hashes without resolving usernames again.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from monitor.config import Config, load_config
from monitor.daemon import Daemon
from monitor.logs import KeyValueFormatter
from monitor.sandbox import api
from monitor.sandbox.faults import parse_faults
from monitor.sandbox.scenario import Scenario, parse_scenario
from monitor.sandbox.server import RunningSandbox
from monitor.sandbox.world import World
from tests.support import sandbox_of, until, write_config

ALPHA = "alpha_wire"
BETA = "beta_wire"
PRIVATE_ID = 1100000023  # no username; the account is a member, so its dialogs carry the access hash
INVITED_ID = 1100000024  # no username; reachable only through its invite link, not joined yet
INVITE = "DeltaJoin42"
INVITE_LINK = f"https://t.me/+{INVITE}"
GHOST = "ghost_wire"
RESOLVING = ("contacts.resolveUsername", "messages.checkChatInvite", "messages.importChatInvite")

FOUR_WAYS = {
    f"@{ALPHA}": ALPHA,
    f"https://t.me/{BETA}": BETA,
    f"-100{PRIVATE_ID}": PRIVATE_ID,
    INVITE_LINK: INVITED_ID,
}


def scenario() -> Scenario:
    return parse_scenario(
        {
            "name": "channels",
            "channels": [
                {"id": 1100000021, "username": ALPHA, "title": "Alpha wire"},
                {"id": 1100000022, "username": BETA, "title": "Beta wire"},
                {"id": PRIVATE_ID, "title": "Private wire"},
                {"id": INVITED_ID, "title": "Invited wire", "invite": INVITE, "joined": False},
            ],
        }
    )


@pytest.fixture
async def sandbox() -> AsyncIterator[RunningSandbox]:
    running = await sandbox_of(scenario())
    try:
        yield running
    finally:
        await running.stop()


def channels_config(
    sandbox: RunningSandbox, directory: Path, monkeypatch: pytest.MonkeyPatch, entries: list[str]
) -> Config:
    """The operator's config file with the given [[channels]] entries, loaded the way `monitor run` does."""
    path, env = write_config(dataclasses.replace(sandbox, channels=()), directory)
    with path.open("a", encoding="utf-8") as out:
        out.write("\n[reading]\nrequests_per_hour = 360000\nburst = 100\nspacing_seconds = 0\n")
        out.write("".join(f"\n[[channels]]\n{entry}\nbackfill = 5\n" for entry in entries))
    for key in ("E2E_API_HASH", "E2E_SESSION", "E2E_BOT_SESSION"):
        monkeypatch.setenv(key, env[key])
    return load_config(path)


def ref_entry(ref: str) -> str:
    return f'ref = "{ref}"'


@contextlib.asynccontextmanager
async def daemon_on(config: Config) -> AsyncIterator[Daemon]:
    """A daemon running in-process until the block ends, then shut down (its errors surface here)."""
    daemon = Daemon(config)
    stop = asyncio.Event()
    task = asyncio.create_task(daemon.run(stop))
    ready = asyncio.create_task(daemon.ready.wait())
    await asyncio.wait({task, ready}, timeout=20, return_when=asyncio.FIRST_COMPLETED)
    if not daemon.ready.is_set():
        ready.cancel()
        stop.set()
        await asyncio.wait_for(task, 15)  # raises the start-up error, if there was one
        pytest.fail("the daemon did not become ready within 20 s")
    try:
        yield daemon
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)


def count_requests(world: World, monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Count every API request the sandbox answers, by TL method name."""
    counts: Counter[str] = Counter()
    original = world.handle

    async def counted(link: Any, request: Any) -> Any:
        counts[api.method_name(request)] += 1
        return await original(link, request)

    monkeypatch.setattr(world, "handle", counted)
    return counts


async def publish_everywhere(world: World, targets: list[str | int], text: str) -> dict[int, int]:
    """One live post in each channel; returns channel id -> message id."""
    return {world.channel(t).id: await world.publish(t, f"{text} ({t})") for t in targets}


async def wait_stored(daemon: Daemon, posts: dict[int, int]) -> None:
    async def all_stored() -> bool:
        return all([await daemon.store.get_post(c, m) for c, m in posts.items()])

    await until(all_stored, f"posts {posts} in the archive")


def warnings_naming(caplog: pytest.LogCaptureFixture, text: str) -> list[str]:
    """The warning lines (as the daemon's formatter writes them) that mention `text`."""
    formatter = KeyValueFormatter()
    lines = [formatter.format(r) for r in caplog.records if r.levelno >= logging.WARNING]
    return [line for line in lines if text in line]


async def test_four_kinds_of_reference_are_resolved_the_invite_joined_and_live_posts_stored(
    sandbox: RunningSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = sandbox.world
    config = channels_config(sandbox, tmp_path, monkeypatch, [ref_entry(r) for r in FOUR_WAYS])
    assert all(c.join for c in config.channels if c.target.kind == "invite")  # join defaults to true
    assert sandbox.user_id not in world.channel(INVITED_ID).members
    async with daemon_on(config) as daemon:
        watched = {w.settings.ref: w.id for w in daemon.state.channels}
        assert watched == {ref: world.channel(t).id for ref, t in FOUR_WAYS.items()}
        assert daemon.state.unavailable == []
        assert sandbox.user_id in world.channel(INVITED_ID).members
        for ref, target in FOUR_WAYS.items():
            cached = await daemon.store.channel_for_ref(ref)
            assert cached is not None and cached.access_hash == world.channel(target).access_hash
        await wait_stored(daemon, await publish_everywhere(world, list(FOUR_WAYS.values()), "Live post"))


async def test_invite_link_with_join_false_warns_once_and_the_others_go_on(
    sandbox: RunningSandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    world = sandbox.world
    entries = [ref_entry(f"@{ALPHA}"), f"{ref_entry(INVITE_LINK)}\njoin = false", ref_entry(f"{BETA}")]
    config = channels_config(sandbox, tmp_path, monkeypatch, entries)
    async with daemon_on(config) as daemon:
        assert [w.settings.ref for w in daemon.state.channels] == [f"@{ALPHA}", BETA]
        assert [u.settings.ref for u in daemon.state.unavailable] == [INVITE_LINK]
        assert sandbox.user_id not in world.channel(INVITED_ID).members
        await wait_stored(daemon, await publish_everywhere(world, [ALPHA, BETA], "Still monitored"))
    (warning,) = warnings_naming(caplog, INVITE_LINK)
    assert "join" in warning and "not a member" in warning


async def test_restart_uses_stored_access_hashes_and_resolves_no_username(
    sandbox: RunningSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = sandbox.world
    config = channels_config(sandbox, tmp_path, monkeypatch, [ref_entry(r) for r in FOUR_WAYS])
    targets = list(FOUR_WAYS.values())
    first = count_requests(world, monkeypatch)
    async with daemon_on(config) as daemon:
        await wait_stored(daemon, await publish_everywhere(world, targets, "Before the restart"))
    # Joined channels come from the dialog list; only the invite needed a look-up of its own.
    assert first["messages.getDialogs"] >= 1 and first["messages.importChatInvite"] == 1
    assert first["contacts.resolveUsername"] == 0
    while_down = await publish_everywhere(world, targets, "While the daemon was down")
    second = count_requests(world, monkeypatch)
    async with daemon_on(config) as daemon:
        assert {w.settings.ref for w in daemon.state.channels} == set(FOUR_WAYS)
        await wait_stored(daemon, while_down)
        await wait_stored(daemon, await publish_everywhere(world, targets, "After the restart"))
    assert {method: second[method] for method in RESOLVING} == dict.fromkeys(RESOLVING, 0)
    assert second["messages.getHistory"] + second["updates.getChannelDifference"] > 0  # it did talk


async def test_missing_username_gets_exactly_one_warning_and_the_others_go_on(
    sandbox: RunningSandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    world = sandbox.world
    entries = [ref_entry(f"@{GHOST}"), ref_entry(f"@{ALPHA}"), ref_entry(f"https://t.me/{BETA}")]
    config = channels_config(sandbox, tmp_path, monkeypatch, entries)
    async with daemon_on(config) as daemon:
        assert [w.settings.ref for w in daemon.state.channels] == [f"@{ALPHA}", f"https://t.me/{BETA}"]
        (missing,) = daemon.state.unavailable
        assert missing.settings.ref == f"@{GHOST}" and "no channel has this username" in missing.reason
        await wait_stored(daemon, await publish_everywhere(world, [ALPHA, BETA], "Still monitored"))
    (warning,) = warnings_naming(caplog, GHOST)
    assert "channel_unavailable" in warning and "no channel has this username" in warning


async def test_one_channel_named_twice_is_watched_once_and_an_unknown_id_warns(
    sandbox: RunningSandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    world = sandbox.world
    alpha_id = world.channel(ALPHA).id
    unknown = "-1001100000099"
    entries = [ref_entry(f"@{ALPHA}"), ref_entry(f"-100{alpha_id}"), ref_entry(unknown), ref_entry(BETA)]
    config = channels_config(sandbox, tmp_path, monkeypatch, entries)
    async with daemon_on(config) as daemon:
        assert [w.settings.ref for w in daemon.state.channels] == [f"@{ALPHA}", BETA]
        assert [u.settings.ref for u in daemon.state.unavailable] == [unknown]
        posts = await publish_everywhere(world, [ALPHA, BETA], "Stored once")
        await wait_stored(daemon, posts)
    (duplicate,) = warnings_naming(caplog, f"-100{alpha_id}")
    assert "channel_duplicate" in duplicate and f"same_as=@{ALPHA}" in duplicate
    (missing,) = warnings_naming(caplog, unknown)
    assert "not a member" in missing


async def test_a_stale_access_hash_is_resolved_again_and_the_channel_caught_up(
    sandbox: RunningSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = sandbox.world
    config = channels_config(sandbox, tmp_path, monkeypatch, [ref_entry(f"@{ALPHA}"), ref_entry(f"@{BETA}")])
    alpha = world.channel(ALPHA)
    async with daemon_on(config) as daemon:
        await daemon.looked.wait()
        await wait_stored(daemon, await publish_everywhere(world, [ALPHA, BETA], "Before the restart"))
        stale = dataclasses.replace(
            await daemon.store.channel_for_ref(f"@{ALPHA}"), access_hash=alpha.access_hash + 1
        )
        await daemon.store.upsert_channel(stale)  # as if another account's hash had been stored
    while_down = await publish_everywhere(world, [ALPHA, BETA], "While the daemon was down")
    counts = count_requests(world, monkeypatch)
    async with daemon_on(config) as daemon:
        await wait_stored(daemon, while_down)
        fresh = await daemon.store.channel_for_ref(f"@{ALPHA}")
        assert fresh is not None and fresh.access_hash == alpha.access_hash
        assert {w.id for w in daemon.state.channels} == {alpha.id, world.channel(BETA).id}
    assert counts["contacts.resolveUsername"] == 1  # only the channel whose hash was refused


async def test_a_flood_waited_resolve_stays_pending_with_its_wait_then_the_channel_is_joined_and_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scene = parse_scenario(
        {
            "name": "not joined",
            "channels": [
                {"id": 1100000031, "username": ALPHA, "title": "Alpha wire"},
                {"id": 1100000032, "username": "gamma_wire", "title": "Gamma wire", "joined": False},
            ],
        }
    )
    sandbox = await sandbox_of(scene, faults="flood=contacts.resolveUsername:2")
    try:
        world = sandbox.world
        config = channels_config(
            sandbox, tmp_path, monkeypatch, [ref_entry(f"@{ALPHA}"), ref_entry("@gamma_wire")]
        )
        async with daemon_on(config) as daemon:
            assert [w.settings.ref for w in daemon.state.channels] == [f"@{ALPHA}"]
            (pending,) = daemon.resolver.describe_pending()
            assert pending.startswith("@gamma_wire: waiting to resolve, flood wait until")
            assert any("waiting to resolve" in (row.problem or "") for row in daemon.status().channels)
            world.faults = parse_faults("")
            await until(
                lambda: len(daemon.state.channels) == 2, "the flood-waited channel resolved after its wait"
            )
            await until(lambda: sandbox.user_id in world.channel("gamma_wire").members, "the channel joined")
            await wait_stored(daemon, await publish_everywhere(world, ["gamma_wire"], "Read at last"))
            assert daemon.state.unavailable == []
    finally:
        await sandbox.stop()


async def test_a_channel_that_is_not_joined_is_polled_by_history_and_shown_as_such(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scene = parse_scenario(
        {
            "name": "one not joined",
            "channels": [
                {"id": 1100000041, "username": ALPHA, "title": "Alpha wire"},
                {"id": 1100000042, "username": "delta_wire", "title": "Delta wire", "joined": False},
            ],
        }
    )
    sandbox = await sandbox_of(scene)
    try:
        world = sandbox.world
        entries = [ref_entry(f"@{ALPHA}"), f"{ref_entry('@delta_wire')}\njoin = false"]
        config = channels_config(sandbox, tmp_path, monkeypatch, entries)
        async with daemon_on(config) as daemon:
            await daemon.looked.wait()
            delta = world.channel("delta_wire").id
            assert daemon.state.not_joined == [delta] and daemon.resolver.pending == []
            assert sandbox.user_id not in world.channel("delta_wire").members  # join = false is respected
            (row,) = [r for r in daemon.status().channels if r.channel.id == delta]
            assert row.problem == "not joined: polled by history"
            posts = await publish_everywhere(world, [ALPHA, "delta_wire"], "Polled or pushed")
            daemon.look_soon()
            await wait_stored(daemon, posts)
    finally:
        await sandbox.stop()


async def test_a_flood_wait_on_the_first_dialog_list_is_waited_out_recorded_and_no_username_is_resolved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox = await sandbox_of(scenario(), faults="flood=messages.getDialogs:2")
    world = sandbox.world
    config = channels_config(sandbox, tmp_path, monkeypatch, [ref_entry(f"@{ALPHA}"), ref_entry(f"@{BETA}")])
    counts = count_requests(world, monkeypatch)
    daemon = Daemon(config)
    stop = asyncio.Event()
    task = asyncio.create_task(daemon.run(stop))

    async def recorded() -> list[str]:
        if daemon.kit is None:
            return []
        return [p.subject for p in await daemon.kit.store.problems.last() if p.state == "flood_wait"]

    try:
        flooded = await until(recorded, "the dialog list's flood wait recorded for health")
        assert flooded == ["flood:messages.getDialogs"]
        assert not daemon.ready.is_set() and not task.done()  # waiting, not failed
        world.faults = parse_faults("")
        await asyncio.wait_for(daemon.ready.wait(), 20)
        assert {w.channel.username for w in daemon.state.channels} == {ALPHA, BETA}
        await wait_stored(daemon, await publish_everywhere(world, [ALPHA, BETA], "After the wait"))
        assert counts["contacts.resolveUsername"] == 0  # the list was waited for, not replaced by resolves
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
        await sandbox.stop()

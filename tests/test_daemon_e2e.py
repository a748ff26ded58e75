"""The daemon end to end: the real Telethon client against the sandbox, the real archive on a tmp path.

Each test waits for observable outcomes (archive rows, analyst chat messages) with a deadline.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from asyncio.subprocess import PIPE
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.config import Config, Secret
from monitor.daemon import Daemon, acquire_locks, release_locks
from monitor.demo import sandbox_config
from monitor.health import HealthLimits, judge, snapshot
from monitor.model import Post, utcnow
from monitor.sandbox.faults import parse_faults
from monitor.sandbox.server import RunningSandbox, start_sandbox
from monitor.store import ArchiveError, Location, Store, open_archive
from monitor.telegram.client import SessionError, is_session_file, lock_path_for
from monitor.telegram.guard import AccountFault
from tests.postgres import PostgresServer
from tests.support import (
    FAST_READING,
    FLAGGED,
    NEWS,
    NO_PACING,
    RARE_JOBS,
    alerts_for,
    own_messages,
    sandbox_of,
    scenario,
    start_daemon,
    until,
    write_config,
)


@dataclass
class Running:
    sandbox: RunningSandbox
    daemon: Daemon

    @property
    def store(self) -> Store:
        return self.daemon.store


@pytest.fixture
async def running(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Running]:
    options = getattr(request, "param", {})
    sandbox = await sandbox_of(options.get("scenario", scenario()), options.get("faults", ""))
    config = sandbox_config(
        sandbox,
        tmp_path / "archive.db",
        alerts=options.get("alerts", NO_PACING),
        schedule=RARE_JOBS,
        backfill=options.get("backfill", 10),
        reading=FAST_READING,
    )
    server: PostgresServer | None = (
        request.getfixturevalue("postgres_server") if options.get("postgresql") else None
    )
    if server is not None:  # the archive in a PostgreSQL database; the file path keeps the locks
        config = replace(config, archive_url=await server.create_database())
    daemon = Daemon(config)
    stop = asyncio.Event()
    task = asyncio.create_task(daemon.run(stop))
    await asyncio.wait_for(daemon.looked.wait(), 20)
    try:
        yield Running(sandbox, daemon)
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
        await sandbox.stop()
        if server is not None and config.archive_url is not None:
            await server.drop_database(config.archive_url)


# Both backends, for tests that run the whole pipeline: ingest, archive, outbox, sending.
ON_BOTH_BACKENDS = pytest.mark.parametrize(
    "running", [{}, {"postgresql": True}], ids=["sqlite", "postgresql"], indirect=True
)


async def stored(run: Running, channel_id: int, message_id: int):  # type: ignore[no-untyped-def]
    return await run.store.get_post(channel_id, message_id)


@ON_BOTH_BACKENDS
async def test_live_post_is_stored_and_alerted_once(running: Running) -> None:
    world = running.sandbox.world
    message_id = await world.publish(NEWS, FLAGGED)
    channel_id = world.channel(NEWS).id
    post = await until(lambda: stored(running, channel_id, message_id), "the post in the archive")
    assert post.post.text == FLAGGED and "russia-ukraine" in post.analysis.conflicts
    await until(lambda: alerts_for(running.sandbox, NEWS, message_id), "the alert in the chat")
    quiet = await world.publish(NEWS, "Сегодня в городе солнечно, обещают тёплые выходные")
    await until(lambda: stored(running, channel_id, quiet), "the unflagged post in the archive")
    (alert,) = alerts_for(running.sandbox, NEWS, message_id)
    assert "late" not in alert.text
    assert alerts_for(running.sandbox, NEWS, quiet) == []


@ON_BOTH_BACKENDS
async def test_edit_keeps_a_revision_and_updates_the_alert(running: Running) -> None:
    world = running.sandbox.world
    channel_id = world.channel(NEWS).id
    message_id = await world.publish(NEWS, FLAGGED)
    await until(lambda: alerts_for(running.sandbox, NEWS, message_id), "the first alert")
    await world.edit_post(NEWS, message_id, FLAGGED + " (уточнено: трое раненых)")

    async def revised() -> bool:
        return bool(await running.store.revisions(channel_id, message_id))

    await until(revised, "a revision of the edited post")
    assert (await running.store.revisions(channel_id, message_id))[0][1] == FLAGGED
    await until(
        lambda: [m for m in own_messages(running.sandbox) if "edited" in m.text.lower()],
        "the alert update about the edit",
    )
    assert len(alerts_for(running.sandbox, NEWS, message_id)) == 1


@ON_BOTH_BACKENDS
async def test_deletion_keeps_a_tombstone_and_annotates_the_alert(running: Running) -> None:
    world = running.sandbox.world
    channel_id = world.channel(NEWS).id
    message_id = await world.publish(NEWS, FLAGGED)
    await until(lambda: alerts_for(running.sandbox, NEWS, message_id), "the alert")
    await world.delete_posts(NEWS, [message_id])

    async def tombstoned():  # type: ignore[no-untyped-def]
        post = await running.store.get_post(channel_id, message_id)
        return post if post and post.deleted_at else None

    post = await until(tombstoned, "the tombstone")
    assert post.post.text == FLAGGED
    await until(
        lambda: [m for m in own_messages(running.sandbox) if "deleted" in m.text.lower()],
        "the alert annotation about the deletion",
    )
    assert len(alerts_for(running.sandbox, NEWS, message_id)) == 1


async def test_posts_missed_across_a_dropped_connection_are_recovered_and_alerted_once(
    running: Running,
) -> None:
    world, server = running.sandbox.world, running.sandbox.server
    channel_id = world.channel(NEWS).id
    world.faults = parse_faults("withhold=1")  # the burst never reaches the client live
    burst = [await world.publish(NEWS, f"{FLAGGED} (сводка {i})") for i in range(8)]
    assert await server.drop_connections() > 0
    world.faults = parse_faults("")

    async def all_stored() -> bool:
        return all([await running.store.get_post(channel_id, i) for i in burst])

    await until(all_stored, "every post of the burst in the archive")
    for message_id in burst:
        await until(lambda m=message_id: alerts_for(running.sandbox, NEWS, m), f"alert {message_id}")
    for message_id in burst:
        (alert,) = alerts_for(running.sandbox, NEWS, message_id)
        assert "late by" not in alert.text  # caught up within seconds: well inside the late threshold
    assert running.daemon.state.reconnects >= 1


async def test_a_look_finds_edits_and_deletions_whose_updates_were_lost_and_dates_the_tombstone_when_seen(
    running: Running,
) -> None:
    world = running.sandbox.world
    channel_id = world.channel(NEWS).id
    edited, deleted = (await world.publish(NEWS, FLAGGED), await world.publish(NEWS, "Обычная новость дня"))
    await until(lambda: stored(running, channel_id, deleted), "both posts archived")
    world.faults = parse_faults("withhold=1")  # the edit and the deletion never arrive live
    await world.edit_post(NEWS, edited, FLAGGED + " (исправлено)")
    await world.delete_posts(NEWS, [deleted])
    before_look = utcnow()
    result = await running.daemon.sweep.look(running.daemon.state.channels)
    assert channel_id in result.caught_up
    assert (await running.store.revisions(channel_id, edited))[0][1] == FLAGGED
    assert (await running.store.get_post(channel_id, edited)).post.text.endswith("(исправлено)")
    tombstone = (await running.store.get_post(channel_id, deleted)).deleted_at
    assert tombstone is not None and tombstone >= before_look  # when it was noticed, not a guess


def flood_answers(requests: Path) -> list[str]:
    """The FLOOD_WAIT answers the sandbox recorded (quota waits and injected ones alike)."""
    lines = [json.loads(line) for line in requests.read_text(encoding="utf-8").splitlines()]
    return [line["method"] for line in lines if line["outcome"].startswith("FLOOD_WAIT_")]


async def test_every_flood_wait_is_counted_with_the_shipped_client_settings(tmp_path: Path) -> None:
    requests = tmp_path / "requests.jsonl"
    sandbox = await start_sandbox(
        scenario(history=250),
        host="127.0.0.1",
        port=0,
        faults=parse_faults("flood=messages.getHistory:1:0.5"),
        seed=7,
        record_requests=requests,
    )
    config = sandbox_config(
        sandbox, tmp_path / "archive.db", alerts=NO_PACING, schedule=RARE_JOBS, backfill=10
    )
    daemon = Daemon(config)
    stop = asyncio.Event()
    task = asyncio.create_task(daemon.run(stop))
    try:
        await asyncio.wait_for(daemon.ready.wait(), 20)
        channel_id = sandbox.world.channel(NEWS).id

        async def backfilled() -> bool:
            state = await daemon.store.sync_state(channel_id)
            return bool(state.get("backfill_done"))

        await until(backfilled, "the backfill to finish", timeout=60)
        assert (await daemon.store.stats(channel=channel_id))["posts"] == 10  # despite the flood waits
        live = await sandbox.world.publish(NEWS, FLAGGED)
        await until(lambda: daemon.store.get_post(channel_id, live), "a live post while history floods")
        answered = flood_answers(requests)
        assert "messages.getHistory" in answered, "the sandbox answered no flood wait"
        clients = {id(c): c for c in (daemon.kit.user, daemon.sender_client)}.values()
        assert sum(c.guard.flood.count for c in clients) == len(answered)
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
        await sandbox.stop()


@pytest.mark.parametrize(
    "running", [{"scenario": scenario(title="Front <b>news</b> & <i>co</i>")}], indirect=True
)
async def test_alert_escapes_html_from_post_and_channel_title(running: Running) -> None:
    world = running.sandbox.world
    text = FLAGGED + " <script>alert(1)</script> & <b>not bold</b>"
    message_id = await world.publish(NEWS, text)
    (alert,) = await until(lambda: alerts_for(running.sandbox, NEWS, message_id), "the alert")
    # Telethon parsed the alert's HTML: escaped tags survive as literal text, unescaped ones would vanish.
    assert "<script>alert(1)</script>" in alert.text
    assert "Front <b>news</b> & <i>co</i>" in alert.text


def session_from_file(config: Config, secret_file: Path) -> Config:
    """The config with its StringSession read from `secret_file`, as `session_file = ...` gives it."""
    secret_file.write_text(config.telegram.session.reveal(), encoding="utf-8")
    session = Secret(config.telegram.session.reveal(), f"file {secret_file}")
    return replace(config, telegram=replace(config.telegram, session=session))


async def test_second_process_on_the_same_session_is_refused(tmp_path: Path) -> None:
    sandbox = await sandbox_of(scenario())
    try:
        shared = tmp_path / "shared" / "user.session.txt"
        shared.parent.mkdir()
        config = session_from_file(sandbox_config(sandbox, tmp_path / "one" / "archive.db"), shared)
        locks = acquire_locks(config)
        try:
            other = session_from_file(sandbox_config(sandbox, tmp_path / "two" / "archive.db"), shared)
            with pytest.raises(SessionError, match="already in use"):
                acquire_locks(other)
            with pytest.raises(SessionError, match="already in use"):  # same archive, session from env
                acquire_locks(sandbox_config(sandbox, tmp_path / "one" / "archive.db"))
        finally:
            release_locks(locks)
        release_locks(acquire_locks(config))  # free again once released
    finally:
        await sandbox.stop()


def test_session_locks_live_next_to_the_session_or_the_archive(tmp_path: Path) -> None:
    archive = tmp_path / "data" / "archive.db"
    assert is_session_file(str(tmp_path / "u.session")) and not is_session_file("1AbCd")
    assert lock_path_for(Secret(str(tmp_path / "u.session")), archive) == tmp_path / "u.session.lock"
    held = Secret("1AbCd", f"file {tmp_path / 'secrets' / 'session'}")
    assert lock_path_for(held, archive) == tmp_path / "secrets" / "session.lock"
    from_env = lock_path_for(Secret("1AbCd", "env MONITOR_SESSION"), archive)
    assert from_env.parent == archive.parent and from_env.name.startswith("archive.db.session-")
    assert from_env != lock_path_for(Secret("1XyZw", "env MONITOR_SESSION"), archive)


# -- the daemon as a process: SIGKILL mid-burst, restart ---------------------------------------------------


async def test_daemon_killed_mid_burst_and_restarted_loses_nothing_and_sends_no_duplicate(
    tmp_path: Path, archive_location: Location
) -> None:
    sandbox = await sandbox_of(scenario())
    world = sandbox.world
    config, env = write_config(sandbox, tmp_path)
    if isinstance(archive_location, str):  # a PostgreSQL database instead of the config's file
        env["MONITOR_ARCHIVE"] = archive_location
    log = tmp_path / "daemon.log"
    channel_id = world.channel(NEWS).id
    process = await start_daemon(config, env, log)
    try:
        first = await world.publish(NEWS, FLAGGED)

        async def archived(message_id: int) -> bool:
            try:
                async with await open_archive(archive_location, readonly=True) as store:
                    return await store.get_post(channel_id, message_id) is not None
            except ArchiveError:  # not created or not migrated yet by the starting daemon
                return False

        await until(lambda: archived(first), "the first post archived", timeout=30)
        burst = [await world.publish(NEWS, f"{FLAGGED} (волна {i})") for i in range(10)]
        await until(lambda: archived(burst[3]), "the daemon busy with the burst")
        process.send_signal(signal.SIGKILL)
        await process.wait()
        burst += [await world.publish(NEWS, f"{FLAGGED} (волна {i})") for i in range(10, 20)]
        process = await start_daemon(config, env, log)
        for message_id in [first, *burst]:
            await until(lambda m=message_id: archived(m), f"post {message_id} archived", timeout=30)
            await until(lambda m=message_id: alerts_for(sandbox, NEWS, m), f"alert {message_id}")
        duplicates = [m for m in [first, *burst] if len(alerts_for(sandbox, NEWS, m)) != 1]
        assert duplicates == []
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 15) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await sandbox.stop()


async def test_without_a_bot_the_user_account_sends_the_first_alert_at_the_first_attempt(
    tmp_path: Path,
) -> None:
    sandbox = await sandbox_of(scenario())
    config = sandbox_config(sandbox, tmp_path / "archive.db", alerts=NO_PACING, schedule=RARE_JOBS)
    config = replace(config, telegram=replace(config.telegram, bot_session=None))
    daemon = Daemon(config)
    stop = asyncio.Event()
    task = asyncio.create_task(daemon.run(stop))
    try:
        await asyncio.wait_for(daemon.ready.wait(), 20)
        assert daemon.sender_client is daemon.kit.user
        message_id = await sandbox.world.publish(NEWS, FLAGGED)
        (alert,) = await until(
            lambda: alerts_for(sandbox, NEWS, message_id), "the alert from the user account"
        )
        assert alert.sender_id == sandbox.user_id
        await until(lambda: daemon.sender.stats.sent == 1, "the alert recorded as sent")
        assert daemon.sender.stats.last_error is None  # no failed round before it
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
        await sandbox.stop()


# -- accounts that die: revoked, banned, duplicated ---------------------------------------------------------


# The daemon's tasks that run for its whole life; anything else is work in progress.
SERVING_TASKS = {"alert_sender", "live_ingest", "resolver"}
# The idle daemon's own account check follows a heartbeat after this much quiet: short, so the test is.
QUICK_CHECKS = replace(RARE_JOBS, heartbeat_seconds=1.0)


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("revoked", "AUTH_KEY_UNREGISTERED"),
        ("banned", "USER_DEACTIVATED_BAN"),
        ("duplicated", "AUTH_KEY_DUPLICATED"),
    ],
)
async def test_a_dead_user_key_stops_an_idle_daemon_and_health_names_the_reason(
    tmp_path: Path, kind: str, error: str
) -> None:
    sandbox = await sandbox_of(scenario())
    config = sandbox_config(sandbox, tmp_path / "archive.db", alerts=NO_PACING, schedule=QUICK_CHECKS)
    daemon = Daemon(config)
    task = asyncio.create_task(daemon.run(asyncio.Event()))
    try:
        await asyncio.wait_for(daemon.ready.wait(), 20)
        channel_id = sandbox.world.channel(NEWS).id

        async def idle() -> bool:  # catch-up and backfill done: the daemon asks Telegram nothing now
            state = await daemon.store.sync_state(channel_id)
            return bool(state.get("backfill_done")) and not [
                t for t in daemon._tasks if t.get_name() not in SERVING_TASKS
            ]

        await until(idle, "the daemon idle after its catch-up")
        sandbox.world.fail_account(kind)  # no request follows by itself: only the daemon's own check sees it
        await until(task.done, f"the daemon to stop on a {kind} key", timeout=30)
        with pytest.raises(AccountFault) as stopped:
            await task
        assert stopped.value.state == kind and stopped.value.error == error
    finally:
        task.cancel()
        await sandbox.stop()
    async with await Store.open(config.archive_path, readonly=True) as store:
        now = datetime.now(UTC)
        problems = judge(await snapshot(store, now), now, HealthLimits())
    assert any(p.startswith(f"Telegram account: {kind}: the user account cannot be used") for p in problems)


async def test_monitor_run_exits_4_on_a_revoked_key_and_health_says_why(tmp_path: Path) -> None:
    sandbox = await sandbox_of(scenario(), faults="auth=revoked")
    try:
        config, env = write_config(sandbox, tmp_path)
        process = await start_daemon(config, env, tmp_path / "daemon.log")
        assert await asyncio.wait_for(process.wait(), 60) == 4
        log = (tmp_path / "daemon.log").read_text(encoding="utf-8")
        assert "revoked (AUTH_KEY_UNREGISTERED)" in log and "monitor login" in log
        monitor = Path(sys.executable).with_name("monitor")
        health = await asyncio.create_subprocess_exec(
            str(monitor), "health", "--config", str(config), env={**os.environ, **env}, stdout=PIPE
        )
        out, _ = await health.communicate()
        assert health.returncode == 1
        assert "unhealthy: Telegram account: revoked" in out.decode()
    finally:
        await sandbox.stop()


@pytest.mark.parametrize("running", [{"scenario": scenario(history=0)}], indirect=True)
async def test_a_channel_empty_when_first_seen_still_gets_a_post_lost_between_two_live_ones(
    running: Running,
) -> None:
    world, daemon = running.sandbox.world, running.daemon
    channel_id = world.channel(NEWS).id
    (watched,) = [w for w in daemon.state.channels if w.id == channel_id]
    assert (await running.store.sync_state(channel_id))["top_at_first_seen"] == 0
    daemon.live.stop()  # the test plays the live path: the first and third posts arrive, the second not
    first, lost, third = [await world.publish(NEWS, text) for text in ("Первая новость", FLAGGED, "Третья")]
    for message_id in (first, third):
        message = world.message(NEWS, message_id)
        await daemon.kit.ingestor.ingest([Post(channel_id, message_id, message.date, message.text)])
    assert await stored(running, channel_id, lost) is None
    assert await daemon.kit.reconciler.reconcile(watched) == 1
    assert (await stored(running, channel_id, lost)).post.text == FLAGGED
    await until(lambda: alerts_for(running.sandbox, NEWS, lost), "the late alert for the recovered post")


@pytest.mark.parametrize("running", [{"alerts": replace(NO_PACING, backfill_alert_hours=0)}], indirect=True)
async def test_posts_recovered_after_the_news_window_are_archived_and_announced_in_one_summary(
    running: Running,
) -> None:
    world = running.sandbox.world
    channel_id = world.channel(NEWS).id
    world.faults = parse_faults("withhold=1")  # the outage: nothing reaches the daemon live
    missed = [await world.publish(NEWS, f"{FLAGGED} (выпуск {i})") for i in range(4)]
    world.faults = parse_faults("")
    await running.daemon.sweep.look(running.daemon.state.channels)
    store = running.daemon.kit.store
    kept = await store.notices.open_outage()  # the counts outlive a crash before the summary
    assert sum(kept["by_channel"].values()) == 4
    await running.daemon.announce_outage()
    for message_id in missed:
        assert "russia-ukraine" in (await stored(running, channel_id, message_id)).analysis.conflicts
        assert alerts_for(running.sandbox, NEWS, message_id) == []

    def summaries() -> list:
        return [m for m in own_messages(running.sandbox) if "Recovered after an outage" in m.text]

    await until(summaries, "the outage summary delivered by the sender")
    assert await store.notices.open_outage() == {}
    await until(lambda: _no_notices(store), "the summary taken off the queue")
    (summary,) = summaries()
    assert (
        "4 posts" in summary.text and "russia-ukraine 4" in summary.text and "monitor export" in summary.text
    )
    assert "4 posts recovered after the news window" in running.daemon.status().reading


async def _no_notices(store: Store) -> bool:
    return await store.notices.pending() == []


async def test_a_look_resets_telethons_no_updates_timer_for_the_channels_it_found_in_step(
    running: Running,
) -> None:
    world, daemon = running.sandbox.world, running.daemon
    channel_id = world.channel(NEWS).id
    message_id = await world.publish(NEWS, "Обычная новость дня")
    await until(lambda: stored(running, channel_id, message_id), "the live post")
    box = daemon.kit.user._message_box
    assert channel_id in box.map  # Telethon tracks the channel since its first live update
    box.map[channel_id].deadline = asyncio.get_running_loop().time() + 60  # as if silent for 14 minutes
    await daemon.sweep.look(daemon.state.channels)
    # the look found it in step: Telethon's own difference request for it is 15 minutes away again
    assert box.map[channel_id].deadline > asyncio.get_running_loop().time() + 14 * 60

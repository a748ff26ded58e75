"""The daemon's other commands and policies: `monitor health`, `login`, `backfill`, `demo`, `run` with a
missing channel, engagement over time and the news window for history, against the in-process sandbox.

CLI commands run through click's CliRunner in a worker thread (they start their own event loop) while
the sandbox keeps serving on the test's loop; `demo` and `run` run as real processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import sys
from collections.abc import AsyncIterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from click.testing import CliRunner, Result

from monitor.cli import main
from monitor.config import AlertPolicy
from monitor.daemon import Daemon
from monitor.demo import sandbox_config
from monitor.health import ArchiveSnapshot, ChannelActivity, HealthLimits, judge
from monitor.model import Analysis, Channel, Match, Post, TelegramProblem
from monitor.sandbox.scenario import Scenario, parse_scenario
from monitor.sandbox.server import RunningSandbox
from monitor.store import ArchiveError, Store
from monitor.telegram.client import build_client
from tests.support import (
    CALM,
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

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
PASSWORD = "correct-horse-battery"
GHOST = "ghost_channel_404"
DAY = 86400


# -- helpers ------------------------------------------------------------------------------------------


async def invoke(
    args: list[str], *, env: Mapping[str, str] | None = None, stdin: str | None = None
) -> Result:
    """Run a CLI command in a worker thread, so the sandbox on this loop keeps answering it."""
    runner = CliRunner()
    return await asyncio.to_thread(runner.invoke, main, args, input=stdin, env=dict(env or {}))


@contextlib.asynccontextmanager
async def daemon_for(
    sandbox: RunningSandbox, archive: Path, *, alerts: AlertPolicy = NO_PACING
) -> AsyncIterator[Daemon]:
    """An in-process daemon on the sandbox, ready when entered and shut down on exit."""
    daemon = Daemon(
        sandbox_config(sandbox, archive, alerts=alerts, schedule=RARE_JOBS, backfill=10, reading=FAST_READING)
    )
    stop = asyncio.Event()
    task = asyncio.create_task(daemon.run(stop))
    try:
        await asyncio.wait_for(daemon.ready.wait(), 20)
        yield daemon
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)


@contextlib.asynccontextmanager
async def sandbox_with(scene: Scenario, relaxed: bool = False) -> AsyncIterator[RunningSandbox]:
    sandbox = await sandbox_of(scene, relaxed=relaxed)
    try:
        yield sandbox
    finally:
        await sandbox.stop()


# -- monitor health -----------------------------------------------------------------------------------


def flagged_analysis() -> Analysis:
    return Analysis("ru", 0.9, (Match("russia-ukraine", "удар", "ru", 0, 4),), ("russia-ukraine",), "t")


async def archive_with(
    path: Path,
    *,
    beat: datetime | None,
    posts_every: timedelta | None = None,
    last_post: datetime | None = None,
    pending_alert: bool = False,
) -> None:
    """Build the archive state a daemon would leave: a heartbeat, a channel's rhythm, an undelivered alert."""
    async with await Store.open(path) as store:
        if beat is not None:
            await store.heartbeat(beat)
        channel = Channel(1200000001, "Rhythm", "rhythm_news", access_hash=5)
        await store.upsert_channel(channel, ref="@rhythm_news")
        if posts_every is not None and last_post is not None:
            posts = [
                (Post(channel.id, 20 - i, last_post - i * posts_every, f"сводка {i}"), Analysis("ru", 0.9))
                for i in range(20)
            ]
            await store.save(posts, alert=False)
        if pending_alert:
            await store.save([(Post(channel.id, 500, datetime.now(UTC), "удар"), flagged_analysis())])


async def test_health_is_healthy_right_after_a_heartbeat_with_a_channel_on_its_rhythm(tmp_path: Path) -> None:
    archive = tmp_path / "archive.db"
    now = datetime.now(UTC)
    await archive_with(
        archive, beat=now, posts_every=timedelta(minutes=10), last_post=now - timedelta(minutes=5)
    )
    result = await invoke(["health", "--archive", str(archive)])
    assert (result.exit_code, result.stdout.strip()) == (0, "healthy")


async def test_health_fails_naming_a_stale_heartbeat(tmp_path: Path) -> None:
    archive = tmp_path / "archive.db"
    await archive_with(archive, beat=datetime.now(UTC) - timedelta(minutes=10))
    result = await invoke(["health", "--archive", str(archive), "--max-age", "60"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == ["unhealthy: heartbeat is 600 s old (limit 60 s)"]


async def test_health_fails_naming_a_channel_silent_far_beyond_its_rhythm(tmp_path: Path) -> None:
    archive = tmp_path / "archive.db"
    now = datetime.now(UTC)
    # Every 10 minutes for three hours, then nothing for nine days: longer than the rhythm window.
    await archive_with(
        archive, beat=now, posts_every=timedelta(minutes=10), last_post=now - timedelta(days=9)
    )
    result = await invoke(["health", "--archive", str(archive)])
    assert result.exit_code == 1
    (line,) = result.stdout.splitlines()
    assert line.startswith("unhealthy: channel rhythm_news silent for 216.0 h")
    assert "usually posts every 10 min" in line


async def test_health_fails_naming_a_stuck_outbox(tmp_path: Path) -> None:
    archive = tmp_path / "archive.db"
    await archive_with(archive, beat=datetime.now(UTC), pending_alert=True)
    healthy = await invoke(["health", "--archive", str(archive)])
    assert healthy.exit_code == 0  # a fresh pending alert is normal
    stuck = await invoke(["health", "--archive", str(archive), "--max-outbox-age", "0"])
    assert stuck.exit_code == 1
    assert stuck.stdout.startswith("unhealthy: outbox stuck: oldest pending alert waited")


async def test_health_without_an_archive_or_heartbeat_is_unhealthy(tmp_path: Path) -> None:
    missing = await invoke(["health", "--archive", str(tmp_path / "none.db")])
    assert missing.exit_code == 1 and "does not exist" in missing.stdout
    await archive_with(tmp_path / "archive.db", beat=None)
    never = await invoke(["health", "--archive", str(tmp_path / "archive.db")])
    assert never.exit_code == 1 and "no heartbeat recorded" in never.stdout


async def test_health_fails_naming_a_dead_account_and_notes_a_flood_wait(tmp_path: Path) -> None:
    archive = tmp_path / "archive.db"
    now = datetime.now(UTC)
    await archive_with(archive, beat=now)
    flood = TelegramProblem(
        "flood:messages.getHistory", "flood_wait", "26 s left", now, now + timedelta(seconds=26), fatal=False
    )
    async with await Store.open(archive) as store:
        await store.problems.report([flood])
    noted = await invoke(["health", "--archive", str(archive)])
    assert noted.exit_code == 0
    assert noted.stdout.splitlines()[0].startswith(
        "note: Telegram flood:messages.getHistory: flood_wait until"
    )
    dead = TelegramProblem("account", "revoked", "the user account cannot be used: revoked", now)
    async with await Store.open(archive) as store:
        await store.problems.report([dead])
    failed = await invoke(["health", "--archive", str(archive)])
    assert failed.exit_code == 1
    assert failed.stdout.splitlines() == [
        "unhealthy: Telegram account: revoked: the user account cannot be used: revoked"
    ]


def test_judge_counts_outbox_waiting_only_outside_quiet_hours() -> None:
    quiet = HealthLimits(outbox_seconds=900, quiet_hours=(time(23, 0), time(7, 0)))

    def problems(hour: int, minute: int, limits: HealthLimits = quiet) -> list[str]:
        now = NOW.replace(hour=hour, minute=minute)
        return judge(ArchiveSnapshot(now, NOW.replace(hour=1), ()), now, limits)

    # Queued at 01:00 in quiet hours: at 07:10 it has waited 10 minutes of sending time, at 07:20 too long.
    assert problems(3, 0) == []
    assert problems(7, 10) == []
    assert problems(7, 20) == ["outbox stuck: oldest pending alert waited 1200 s (limit 900 s)"]
    assert problems(7, 10, HealthLimits(outbox_seconds=900)) == [
        "outbox stuck: oldest pending alert waited 22200 s (limit 900 s)"
    ]


def test_judge_needs_enough_history_before_calling_a_channel_silent() -> None:
    limits = HealthLimits(min_posts=10)
    hourly = tuple(NOW - timedelta(days=3, hours=h) for h in range(12, 0, -1))
    few = ChannelActivity("few", hourly[:5])
    regular = ChannelActivity("regular", hourly)
    problems = judge(ArchiveSnapshot(NOW, None, (few, regular)), NOW, limits)
    assert problems == ["channel regular silent for 73.0 h (usually posts every 60 min)"]
    # The floor keeps a busy channel's ordinary lull (here two hours) from alarming.
    busy = ChannelActivity("busy", tuple(NOW - timedelta(hours=2, minutes=m) for m in range(30, 0, -1)))
    assert judge(ArchiveSnapshot(NOW, None, (busy,)), NOW, limits) == []


# -- monitor login ------------------------------------------------------------------------------------


async def test_login_with_code_and_2fa_password_writes_a_private_working_session(tmp_path: Path) -> None:
    scene = parse_scenario(
        {
            "name": "login",
            "user": {"id": 5000001, "first_name": "Sandbox", "phone": "15550000001", "password": PASSWORD},
            "channels": [{"id": 1100000001, "username": NEWS, "title": "Front news"}],
        }
    )
    async with sandbox_with(scene) as sandbox:
        session = tmp_path / "user.session"
        config, env = write_config(sandbox, tmp_path, session_file=session)
        result = await invoke(
            ["login", "--config", str(config)], env=env, stdin=f"+1 555 000 0001\n12345\n{PASSWORD}\n"
        )
        assert result.exit_code == 0, result.output
        assert f"session written to {session}" in result.stdout
        assert session.stat().st_mode & 0o777 == 0o600
        assert PASSWORD not in result.output
        client = build_client(str(session), sandbox_config(sandbox, tmp_path / "unused.db").telegram)
        await client.connect()
        try:
            assert await client.is_user_authorized()
            assert (await client.get_me()).id == sandbox.user_id
            secret = client.session.auth_key.key.hex()
        finally:
            await client.disconnect()
        assert secret not in result.output and secret.upper() not in result.output


async def test_login_refuses_a_session_that_is_not_a_file(tmp_path: Path) -> None:
    async with sandbox_with(scenario()) as sandbox:
        config, env = write_config(sandbox, tmp_path)
        result = await invoke(["login", "--config", str(config)], env=env)
    assert result.exit_code == 2
    assert "session_file" in result.output
    assert sandbox.user_session not in result.output


# -- monitor backfill ---------------------------------------------------------------------------------


def history_scene() -> Scenario:
    """Flagged posts one per day for 20 days (3 to 22 days ago) in one channel, nothing in the other."""
    return parse_scenario(
        {
            "name": "history",
            "channels": [
                {"id": 1100000001, "username": NEWS, "title": "Front news"},
                {"id": 1100000002, "username": CALM, "title": "Calm news"},
            ],
            "history": [
                {"channel": NEWS, "ago": (3 + d) * DAY, "text": f"{FLAGGED} ({d})"} for d in range(20)
            ],
        }
    )


async def test_backfill_stores_history_since_a_date_without_alerts_and_shows_progress(tmp_path: Path) -> None:
    async with sandbox_with(history_scene()) as sandbox:
        config, env = write_config(sandbox, tmp_path, channels=(CALM,))
        since = (datetime.now(UTC) - timedelta(days=10)).date()
        args = ["backfill", f"@{NEWS}", "--since", since.isoformat(), "--config", str(config)]
        result = await invoke([*args, "--archive", str(tmp_path / "other.db")], env=env)
        assert result.exit_code == 0, result.output
        channel_id = sandbox.world.channel(NEWS).id
        async with await Store.open(tmp_path / "other.db", readonly=True) as store:
            dates = [s.post.date.date() async for s in store.iter_posts(channel=channel_id)]
            stats = await store.stats()
        posted = [sandbox.world.message(NEWS, i).date.date() for i in sandbox.world.post_ids(NEWS)]
        expected = [d for d in posted if d >= since]
        assert sorted(dates) == sorted(expected) and 6 <= len(dates) <= 8
        assert stats["alerts"] == {}
        assert own_messages(sandbox) == []
        assert f"{len(dates)} posts fetched back to {since}" in result.stdout
        assert f"backfill @{NEWS}" in result.stderr and f"{len(dates)} posts" in result.stderr


async def test_backfill_of_an_unknown_channel_is_one_clear_error(tmp_path: Path) -> None:
    async with sandbox_with(history_scene()) as sandbox:
        config, env = write_config(sandbox, tmp_path)
        result = await invoke(
            ["backfill", f"@{GHOST}", "--since", "2026-01-01", "--config", str(config)], env=env
        )
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if GHOST in line]
    assert lines == [
        f"error: channel @{GHOST} cannot be read: no channel has this username (renamed or deleted?)"
    ]


async def test_backfill_is_refused_while_the_daemon_holds_the_archive(tmp_path: Path) -> None:
    async with sandbox_with(history_scene()) as sandbox, daemon_for(sandbox, tmp_path / "archive.db"):
        config, env = write_config(sandbox, tmp_path)
        result = await invoke(
            ["backfill", f"@{NEWS}", "--since", "2026-01-01", "--config", str(config)], env=env
        )
    assert result.exit_code == 1
    assert "already in use by pid" in result.stderr
    assert result.stdout == ""


# -- engagement over time -----------------------------------------------------------------------------


async def test_engagement_is_recorded_once_at_each_configured_age_in_one_batched_read(tmp_path: Path) -> None:
    ages = (1.0, 3.0)  # seconds
    hours = tuple(a / 3600 for a in ages)
    # Relaxed: the test itself runs the recheck every 10 ms until both ages are recorded, which the
    # channels.getMessages quota (30 per 10 s) flood-waits; the daemon's own schedule is not at issue here.
    relaxed = sandbox_with(scenario(), relaxed=True)
    async with relaxed as sandbox, daemon_for(sandbox, tmp_path / "archive.db") as daemon:
        world, store = sandbox.world, daemon.store
        channel_id = world.channel(NEWS).id
        (watched,) = [w for w in daemon.state.channels if w.id == channel_id]
        snapshot = daemon.kit.reconciler.snapshot_engagement
        await daemon.looked.wait()
        assert await snapshot(watched, hours) == 0  # nothing has come of age: no request
        ids = [await world.publish(NEWS, f"Обычная новость дня {i}") for i in range(3)]
        for message_id in ids:
            await until(lambda m=message_id: store.get_post(channel_id, m), "the posts archived")
            world.set_views(NEWS, message_id, views=5000, forwards=7)
        spent = daemon.kit.budget.stats.spent

        async def every_age_recorded() -> bool:
            await snapshot(watched, hours)
            rows = [await store.engagement(channel_id, m) for m in ids]
            return all(len(r) >= len(ages) for r in rows)

        before = spent["channels.getMessages"]
        await until(every_age_recorded, "an engagement row at each age for every post", timeout=10)
        assert spent["channels.getMessages"] - before <= 2 * len(ages)  # batched: not one read per post
        for message_id in ids:
            rows = await store.engagement(channel_id, message_id)
            posted = world.message(NEWS, message_id).date
            recorded_at = [(at - posted).total_seconds() for at, _, _ in rows]
            assert recorded_at[0] >= ages[0] and recorded_at[1] >= ages[1]
            assert all(views >= 5000 and forwards >= 7 for _, views, forwards in rows)
        assert await snapshot(watched, hours) == 0  # each age is recorded once, with no further read
        assert all([len(await store.engagement(channel_id, m)) == 2 for m in ids])


# -- the news window for pre-existing history ---------------------------------------------------------


def recent_history_scene(*hours_ago: float) -> Scenario:
    """Flagged posts made the given hours before the monitor first sees the channel."""
    return parse_scenario(
        {
            "name": "recent",
            "channels": [
                {"id": 1100000001, "username": NEWS, "title": "Front news"},
                {"id": 1100000002, "username": CALM, "title": "Calm news"},
            ],
            "history": [{"channel": NEWS, "ago": h * 3600, "text": f"{FLAGGED} ({h} ч)"} for h in hours_ago],
        }
    )


async def backfilled(store: Store, channel_id: int) -> bool:
    return bool((await store.sync_state(channel_id)).get("backfill_done"))


async def test_history_is_not_alerted_with_a_zero_news_window(tmp_path: Path) -> None:
    alerts = replace(NO_PACING, backfill_alert_hours=0)
    async with (
        sandbox_with(recent_history_scene(2, 3)) as sandbox,
        daemon_for(sandbox, tmp_path / "archive.db", alerts=alerts) as daemon,
    ):
        channel_id = sandbox.world.channel(NEWS).id
        await until(lambda: backfilled(daemon.store, channel_id), "the backfill")
        stats = await daemon.store.stats(channel=channel_id)
        live = await sandbox.world.publish(NEWS, FLAGGED)
        await until(lambda: alerts_for(sandbox, NEWS, live), "the live post's alert")
    assert stats["posts"] == 2 and stats["conflicts"] == {"russia-ukraine": 2}
    assert stats["alerts"] == {}
    assert [m for m in own_messages(sandbox) if f"t.me/{NEWS}/{live}" not in m.text] == []


async def test_history_within_a_wide_news_window_is_alerted_late(tmp_path: Path) -> None:
    alerts = replace(NO_PACING, backfill_alert_hours=72)
    async with (
        sandbox_with(recent_history_scene(30, 40)) as sandbox,  # beyond the default day
        daemon_for(sandbox, tmp_path / "archive.db", alerts=alerts) as daemon,
    ):
        ids = sandbox.world.post_ids(NEWS)
        for message_id in ids:
            await until(lambda m=message_id: alerts_for(sandbox, NEWS, m), f"alert {message_id}")
        assert await backfilled(daemon.store, sandbox.world.channel(NEWS).id)
    for message_id in ids:
        (alert,) = alerts_for(sandbox, NEWS, message_id)
        assert "late by" in alert.text


# -- monitor demo -------------------------------------------------------------------------------------


async def test_demo_json_is_one_summary_on_stdout_with_the_transcript_on_stderr() -> None:
    monitor = Path(sys.executable).with_name("monitor")
    process = await asyncio.create_subprocess_exec(
        str(monitor),
        "demo",
        "--duration",
        "5",
        "--json",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, stderr.decode()
    summary = json.loads(stdout.decode())  # the one document on stdout: the transcript is on stderr
    assert summary["posts_stored"] > 0 and summary["alerts_sent"] > 0
    assert len(summary["channels"]) >= 2
    human = stderr.decode()
    assert "to the analyst chat ──" in human
    assert "https://t.me/" in human and "<b>" not in human  # rendered text, not raw HTML
    assert f"{summary['alerts_sent']} alerts sent" in human


# -- monitor run with a channel that does not exist ---------------------------------------------------


async def test_run_warns_once_about_a_missing_channel_and_monitors_the_others(tmp_path: Path) -> None:
    async with sandbox_with(scenario()) as sandbox:
        config, env = write_config(sandbox, tmp_path, channels=(NEWS, GHOST, CALM))
        log = tmp_path / "daemon.log"
        process = await start_daemon(config, env, log)
        try:
            await until(lambda: "daemon_ready" in log.read_text(), "the daemon ready", timeout=30)
            channel_ids = [sandbox.world.channel(name).id for name in (NEWS, CALM)]
            posts = [
                (cid, await sandbox.world.publish(name, FLAGGED))
                for cid, name in zip(channel_ids, (NEWS, CALM), strict=True)
            ]

            async def archived() -> bool:
                try:
                    async with await Store.open(tmp_path / "archive.db", readonly=True) as store:
                        return all([await store.get_post(c, m) for c, m in posts])
                except ArchiveError:
                    return False

            await until(archived, "a post of each good channel archived", timeout=20)
            process.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(process.wait(), 15) == 0
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    mentions = [line for line in log.read_text().splitlines() if GHOST in line]
    assert len(mentions) == 1
    assert "channel_unavailable" in mentions[0] and "no channel has this username" in mentions[0]

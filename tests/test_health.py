"""`monitor health` cannot be fooled: it judges with the limits the daemon recorded (no config), and names
a clean stop, a stale heartbeat, an archive the daemon cannot use and a long disconnection from Telegram.

`judge` is tested at fixed clocks; the daemon's side runs end to end against the sandbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import sqlite3
import sys
from asyncio.subprocess import PIPE
from collections.abc import AsyncIterator, Awaitable
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from monitor.cli import main
from monitor.cli.daemon import check_health
from monitor.daemon import Daemon
from monitor.demo import sandbox_config
from monitor.health import ArchiveSnapshot, HealthLimits, figures, judge, notes, recorded_limits
from monitor.model import TelegramProblem
from monitor.sandbox.server import RunningSandbox
from monitor.store import ArchiveError, Location, Store, open_archive
from monitor.store.daemon_record import ArchiveFailure, ArchiveFailures, DaemonRecord
from monitor.telegram import client as telegram_client
from tests.support import NO_PACING, RARE_JOBS, sandbox_of, scenario, start_daemon, until, write_config

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def record(**changes: Any) -> DaemonRecord:
    """A daemon that started an hour before NOW, beating every 30 s, connected since its start."""
    started = NOW - timedelta(hours=1)
    base = DaemonRecord(
        started_at=started,
        pid=4242,
        heartbeat_seconds=30.0,
        outbox_seconds=600.0,
        disconnect_seconds=300.0,
        quiet_hours=None,
        channel_ids=(1100000001,),
        connected=True,
        connection_since=started,
    )
    return replace(base, **changes)


def verdict(state: ArchiveSnapshot, now: datetime = NOW) -> list[str]:
    return judge(state, now, recorded_limits(state.daemon, HealthLimits()))


def ago(seconds: float) -> datetime:
    return NOW - timedelta(seconds=seconds)


# -- judge, at fixed clocks -------------------------------------------------------------------------------


def test_a_daemon_stopped_two_minutes_ago_is_stale_by_its_own_recorded_heartbeat() -> None:
    state = ArchiveSnapshot(ago(120), None, (), record())
    # Without the record the old default (120 s) would call this healthy; the daemon beat every 30 s.
    assert judge(state, NOW, HealthLimits(heartbeat_seconds=121)) == []
    assert verdict(state) == ["heartbeat is 120 s old (limit 90 s)"]
    assert verdict(replace(state, heartbeat=ago(80))) == []


def test_a_clean_stop_is_named_even_while_the_last_heartbeat_is_fresh() -> None:
    state = ArchiveSnapshot(ago(5), None, (), record(stopped_at=ago(3)))
    assert verdict(state) == ["the daemon stopped at 2026-03-02 11:59:57 UTC (3 s ago, a clean stop)"]


def test_recent_archive_file_errors_are_named_and_old_ones_forgotten() -> None:
    failure = ArchiveFailure("archive.db: the archive is corrupt (malformed)", ago(600), ago(2), 300)
    state = ArchiveSnapshot(ago(1), None, (), record(), failure)
    (reason,) = verdict(state)
    assert reason.startswith("the daemon cannot use its archive: 300 file error(s) since 2026-03-02 11:50:00")
    assert reason.endswith("the last 2 s ago: archive.db: the archive is corrupt (malformed)")
    # A window (the longer of a minute and the heartbeat limit, 90 s) without a new error: working again.
    assert verdict(replace(state, failure=replace(failure, last_at=ago(91)))) == []


def test_a_disconnection_counts_only_beyond_its_limit_and_only_while_running() -> None:
    def state(since: float, **changes: Any) -> ArchiveSnapshot:
        return ArchiveSnapshot(
            ago(1), None, (), record(connected=False, connection_since=ago(since), **changes)
        )

    assert verdict(state(299)) == []
    assert verdict(state(301)) == ["disconnected from Telegram for 301 s (limit 300 s)"]
    stopped = verdict(state(1000, stopped_at=ago(1)))
    assert len(stopped) == 1 and "clean stop" in stopped[0]
    connected = ArchiveSnapshot(ago(1), None, (), record(connection_since=ago(1000)))
    assert verdict(connected) == []


def test_every_reason_lands_in_one_verdict_with_its_figures() -> None:
    failure = ArchiveFailure("archive.db: cannot write: the disk is full", ago(10), ago(1), 4)
    daemon = record(connected=False, connection_since=ago(400))
    state = ArchiveSnapshot(ago(200), ago(1000), (), daemon, failure)
    reasons = verdict(state)
    assert [r.split(" ")[0] for r in reasons] == ["heartbeat", "the", "disconnected", "outbox"]
    facts = figures(state, NOW)
    assert facts["heartbeat_age_seconds"] == 200.0
    assert facts["oldest_pending_alert_seconds"] == 1000.0
    assert (facts["connected"], facts["connection_state_seconds"]) == (False, 400.0)
    assert (facts["archive_errors"], facts["last_archive_error"]) == (4, failure.error)


def test_telegram_account_problems_and_the_daemons_own_are_reasons_of_one_verdict() -> None:
    revoked = TelegramProblem("account", "revoked", "the key was revoked", ago(30))
    flood = TelegramProblem(
        "flood:messages.getHistory", "flood wait", "30 s", ago(5), NOW + timedelta(seconds=25), False
    )
    state = ArchiveSnapshot(ago(20), None, (), record(stopped_at=ago(20)), problems=(revoked, flood))
    assert verdict(state) == [
        "Telegram account: revoked: the key was revoked",
        "the daemon stopped at 2026-03-02 11:59:40 UTC (20 s ago, a clean stop)",
    ]
    assert notes(state, NOW) == ["Telegram flood:messages.getHistory: flood wait until 12:00:25 UTC: 30 s"]


def test_recorded_quiet_hours_hold_the_outbox_without_a_config() -> None:
    night = NOW.replace(hour=2)
    state = ArchiveSnapshot(night, night - timedelta(hours=2), (), record(quiet_hours=(time(23), time(7))))
    assert verdict(state, night) == []
    assert verdict(replace(state, daemon=record()), night)[0].startswith("outbox stuck")


# -- what the daemon writes -------------------------------------------------------------------------------


async def test_the_record_keeps_its_connection_since_until_the_state_changes(
    archive_location: Location,
) -> None:
    store = await open_archive(archive_location)
    assert await store.daemon.last() is None
    await store.daemon.started(record(quiet_hours=(time(23, 30), time(6))))
    await store.daemon.connection(True, ago(10))
    assert (await store.daemon.last()) == record(quiet_hours=(time(23, 30), time(6)))
    await store.daemon.connection(False, ago(5))
    await store.daemon.connection(False, ago(1))
    offline = await store.daemon.last()
    assert offline is not None and (offline.connected, offline.connection_since) == (False, ago(5))
    await store.daemon.stopped(NOW)
    stopped = await store.daemon.last()
    await store.close()
    assert stopped is not None and stopped.stopped_at == NOW


async def test_notices_queued_by_two_processes_at_once_are_all_kept(archive_location: Location) -> None:
    first, second = await open_archive(archive_location), await open_archive(archive_location)
    try:
        texts = [f"Сводка о сбое {n}" for n in range(12)]
        await asyncio.gather(
            *(
                store.notices.close_outage(text)
                for store, text in zip([first, second] * 6, texts, strict=True)
            )
        )
        queued = await first.notices.pending()
        assert sorted(notice.text for notice in queued) == sorted(texts)
        await second.notices.mark_sent(queued[0].random_id)
        assert [n.random_id for n in await first.notices.pending()] == [n.random_id for n in queued[1:]]
    finally:
        await first.close()
        await second.close()


def test_file_errors_count_as_one_run_until_a_quiet_gap(tmp_path: Path) -> None:
    failures = ArchiveFailures(tmp_path / "archive.db", gap=timedelta(minutes=5))
    assert failures.last() is None
    failures.record("corrupt", ago(700))
    failures.record("corrupt again", ago(698))
    assert failures.last() == ArchiveFailure("corrupt again", ago(700), ago(698), 2)
    failures.record("full", NOW)  # 698 s later: past the gap, a new run
    assert failures.last() == ArchiveFailure("full", NOW, NOW, 1)
    assert [p.name for p in tmp_path.iterdir()] == ["archive.db.failure.json"]
    failures.path.write_text('{"error": "cut sh', encoding="utf-8")
    with pytest.raises(ValueError, match=r"archive\.db\.failure\.json: not a record of file errors"):
        failures.last()  # a damaged record is named, not taken for no errors


def test_a_file_system_that_refuses_the_side_file_too_is_logged_not_raised(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    failures = ArchiveFailures(tmp_path / "gone" / "archive.db")  # no such directory: every write fails
    failures.report(ArchiveError("archive.db: cannot write: the disk is full"))
    assert "archive_failure_not_recorded" in caplog.text
    assert failures.last() is None


# -- the daemon, end to end -------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def daemon_on(sandbox: RunningSandbox, archive: Path, url: str | None = None) -> AsyncIterator[Daemon]:
    """A daemon beating every 0.2 s; stopped (cleanly) on the way out. With `url` its archive is that
    PostgreSQL database (`archive` then only places its lock and sessions)."""
    schedule = replace(RARE_JOBS, heartbeat_seconds=0.2)
    config = sandbox_config(sandbox, archive, alerts=NO_PACING, schedule=schedule, backfill=10)
    config = replace(config, archive_url=url)
    daemon = Daemon(config)
    stop = asyncio.Event()
    task = asyncio.create_task(daemon.run(stop))
    await asyncio.wait_for(daemon.ready.wait(), 20)
    try:
        yield daemon
    finally:
        stop.set()
        await asyncio.wait_for(task, 20)


async def health(archive: Location, **given: float) -> dict[str, Any]:
    return await check_health(archive, HealthLimits(), given, None)


async def test_a_running_daemon_is_healthy_without_a_config_and_unhealthy_once_stopped(
    tmp_path: Path, archive_location: Location
) -> None:
    archive = archive_location
    url = archive if isinstance(archive, str) else None
    sandbox = await sandbox_of(scenario())
    try:
        async with daemon_on(sandbox, tmp_path / "archive.db", url):
            running = await until(lambda: _healthy(archive), "a healthy verdict from the running daemon")
            assert running["limits"]["heartbeat_seconds"] == 3 * 0.2
            assert running["figures"]["connected"] is True
        stopped = await health(archive)
    finally:
        await sandbox.stop()
    assert stopped["status"] == "unhealthy"
    (reason,) = stopped["reasons"]
    assert "a clean stop" in reason


async def _healthy(archive: Location) -> dict[str, Any] | None:
    report = await health(archive)
    return report if report["status"] == "healthy" else None


async def test_an_archive_the_daemon_cannot_read_makes_it_unhealthy_while_its_heartbeat_is_fresh(
    tmp_path: Path,
) -> None:
    archive = tmp_path / "archive.db"
    async with await Store.open(archive):
        pass
    corrupt_alert_pages(archive)  # the sender reads these every round; the heartbeat's table is intact
    sandbox = await sandbox_of(scenario())
    try:
        async with daemon_on(sandbox, archive):

            async def named() -> list[str]:
                report = await health(archive)
                return [r for r in report["reasons"] if "cannot use its archive" in r]

            (reason,) = await until(named, "health naming the archive's file errors", timeout=30)
            assert "corrupt" in reason
            report = await health(archive)
            assert report["figures"]["heartbeat_age_seconds"] < report["limits"]["heartbeat_seconds"]
    finally:
        await sandbox.stop()


def corrupt_alert_pages(path: Path) -> None:
    """Overwrite the root pages of the alerts table and its indexes, as a failing disk would."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        tables = (
            "SELECT rootpage FROM sqlite_master WHERE tbl_name = 'alerts' AND rootpage > 0"  # no triggers
        )
        roots = [row[0] for row in db.execute(tables)]
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with path.open("r+b") as file:
        for root in roots:
            file.seek((root - 1) * page_size)
            file.write(b"\xa5" * page_size)


async def test_a_long_disconnection_from_telegram_is_named_with_its_length(
    tmp_path: Path, archive_location: Location
) -> None:
    archive = archive_location
    sandbox = await sandbox_of(scenario())
    stopped = False
    try:
        async with daemon_on(sandbox, tmp_path / "archive.db", archive if isinstance(archive, str) else None):
            await sandbox.stop()  # Telegram is gone: every reconnect is refused
            stopped = True

            async def named() -> list[str]:
                report = await health(archive, disconnect_seconds=0.5)
                return [r for r in report["reasons"] if r.startswith("disconnected from Telegram")]

            (reason,) = await until(named, "health naming the disconnection")
            assert reason.endswith("s (limit 0.5 s)")
            report = await health(archive)  # the recorded limit (300 s) is not reached yet
            assert not [r for r in report["reasons"] if r.startswith("disconnected")], report["reasons"]
            assert report["figures"]["connected"] is False
    finally:
        if not stopped:
            await sandbox.stop()


async def test_the_heartbeat_goes_on_while_telegram_is_gone_so_health_names_the_disconnection(
    tmp_path: Path,
) -> None:
    archive = tmp_path / "archive.db"
    sandbox = await sandbox_of(scenario())
    async with daemon_on(sandbox, archive):
        await sandbox.stop()  # every reconnect is refused from now on

        async def beating_while_gone() -> dict[str, Any] | None:
            report = await health(archive)
            seen = report["figures"]
            # A heartbeat written well after the connection was lost: the daemon is alive, only offline.
            beat_after_loss = seen["connection_state_seconds"] - seen["heartbeat_age_seconds"]
            return report if seen["connected"] is False and beat_after_loss > 2.0 else None

        report = await until(beating_while_gone, "a heartbeat written while disconnected", timeout=30)
        assert not [r for r in report["reasons"] if r.startswith("heartbeat")], report["reasons"]


async def test_a_client_telethon_gave_up_on_connects_again_once_telegram_is_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(telegram_client, "CONNECTION_RETRIES", 1)  # Telethon gives up within seconds
    archive = tmp_path / "archive.db"
    sandbox = await sandbox_of(scenario())
    try:
        async with daemon_on(sandbox, archive) as daemon:
            user = daemon.kit.user if daemon.kit is not None else None
            assert user is not None
            await sandbox.server.stop()  # an outage longer than Telethon's own reconnecting
            await until(lambda: not user.is_connected(), "Telethon giving up on the connection")
            await sandbox.server.start()

            async def connected_again() -> bool:
                return user.is_connected() and (await health(archive))["figures"]["connected"] is True

            await until(connected_again, "the daemon connected again", timeout=30)
    finally:
        await sandbox.stop()


# -- the command ------------------------------------------------------------------------------------------


async def test_health_json_is_one_document_with_status_reasons_figures_and_the_recorded_limits(
    archive_location: Location,
) -> None:
    archive = archive_location
    async with await open_archive(archive) as store:
        await store.heartbeat(datetime.now(UTC) - timedelta(seconds=100))
        await store.daemon.started(record(started_at=datetime.now(UTC) - timedelta(hours=1)))
    result = await asyncio.to_thread(
        CliRunner().invoke, main, ["health", "--archive", str(archive), "--json"]
    )
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["status"] == "unhealthy"
    assert report["limits"] == {
        "heartbeat_seconds": 90.0,
        "outbox_seconds": 600.0,
        "disconnect_seconds": 300.0,
        "quiet_hours": None,
    }
    (reason,) = report["reasons"]
    assert reason.startswith("heartbeat is 100 s old (limit 90 s)")
    assert report["notes"] == []
    assert 100 <= report["figures"]["heartbeat_age_seconds"] < 110
    overridden = await asyncio.to_thread(
        CliRunner().invoke, main, ["health", "--archive", str(archive), "--max-age", "3600"]
    )
    assert (overridden.exit_code, overridden.stdout) == (0, "healthy\n")


async def test_health_notes_the_channels_the_daemon_recorded_as_not_fully_watched(tmp_path: Path) -> None:
    """The reading state written at each heartbeat reaches `monitor health`, as notes beside a healthy
    verdict: the daemon retries the waiting channels and polls the unjoined ones by itself."""
    archive = tmp_path / "archive.db"
    waiting = "@harbour_watch: waiting to resolve, flood wait until 13:20:05 UTC"
    gone = "@closed_desk: the channel is private"
    async with await Store.open(archive) as store:
        await store.heartbeat(datetime.now(UTC))
        await store.daemon.started(record(started_at=datetime.now(UTC) - timedelta(hours=1)))
        await store.record_reading(
            {"pending": [waiting], "not_joined": ["@river_news"], "unavailable": [gone]}
        )
    args = ["health", "--archive", str(archive)]
    result = await asyncio.to_thread(CliRunner().invoke, main, [*args, "--json"])
    assert result.exit_code == 0, result.stdout
    report = json.loads(result.stdout)
    assert (report["status"], report["reasons"]) == ("healthy", [])
    assert report["notes"] == [
        f"channel {waiting}",
        "channel @river_news: not joined, read by polling within the request budget",
        f"channel unavailable, not watched: {gone}",
    ]
    facts = report["figures"]
    assert (facts["channels_waiting"], facts["channels_not_joined"], facts["channels_unavailable"]) == (
        1,
        1,
        1,
    )
    text = await asyncio.to_thread(CliRunner().invoke, main, args)
    assert text.exit_code == 0
    assert text.stdout.splitlines() == [*(f"note: {n}" for n in report["notes"]), "healthy"]


async def test_health_names_an_archive_server_it_cannot_reach_without_its_password() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql://monitor:hidden-pw-4411@127.0.0.1:{port}/monitor"
    result = await asyncio.to_thread(CliRunner().invoke, main, ["health", "--archive", url])
    assert result.exit_code == 1
    assert (
        f"the archive cannot be read: archive url postgresql://monitor:***@127.0.0.1:{port}" in result.output
    )
    assert "hidden-pw-4411" not in result.output


async def test_health_names_an_unreadable_archive_instead_of_failing(tmp_path: Path) -> None:
    archive = tmp_path / "archive.db"
    archive.write_bytes(b"not an archive at all " * 100)
    result = await asyncio.to_thread(
        CliRunner().invoke, main, ["health", "--archive", str(archive), "--json"]
    )
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["status"] == "unhealthy"
    assert report["reasons"][0].startswith("the archive cannot be read:")


async def test_a_killed_monitor_run_is_unhealthy_by_its_recorded_heartbeat_and_a_terminated_one_by_its_stop(
    tmp_path: Path,
) -> None:
    """The container's case: `monitor health` without a config, against real `monitor run` processes."""
    sandbox = await sandbox_of(scenario())
    config, env = write_config(sandbox, tmp_path)  # heartbeat every second: stale after 3 s
    archive = tmp_path / "archive.db"
    monitor = Path(sys.executable).with_name("monitor")

    async def verdict_of_command() -> dict[str, Any]:
        process = await asyncio.create_subprocess_exec(
            str(monitor), "health", "--archive", str(archive), "--json", stdout=PIPE, env=os.environ.copy()
        )
        out, _ = await process.communicate()
        report = json.loads(out)
        assert process.returncode == (0 if report["status"] == "healthy" else 1)
        return report

    async def reason(prefix: str) -> str | None:
        return next((r for r in (await verdict_of_command())["reasons"] if r.startswith(prefix)), None)

    try:
        rounds = (
            (signal.SIGKILL, "heartbeat is", "s old (limit 3 s)"),
            (signal.SIGTERM, "the daemon stopped at", "a clean stop)"),  # after a restart made it healthy
        )
        for stop, expected, detail in rounds:
            process = await start_daemon(config, env, tmp_path / "daemon.log")
            try:
                healthy = await until(
                    lambda: _is_healthy(verdict_of_command()),
                    "a healthy verdict of the running daemon",
                    timeout=30,
                )
                assert healthy["limits"]["heartbeat_seconds"] == 3.0
                process.send_signal(stop)
                await asyncio.wait_for(process.wait(), 20)
            finally:
                if process.returncode is None:
                    process.kill()
                    await process.wait()
            found = await until(lambda e=expected: reason(e), f"health naming '{expected}'", timeout=30)
            assert found.endswith(detail)
    finally:
        await sandbox.stop()


async def _is_healthy(report: Awaitable[dict[str, Any]]) -> dict[str, Any] | None:
    value = await report
    return value if value["status"] == "healthy" else None


def space(free_blocks: int, *, read_only: bool = False) -> os.statvfs_result:
    """A file system of 4 KiB blocks as os.statvfs describes it: 10,000 blocks, `free_blocks` of them free."""
    flags = os.ST_RDONLY if read_only else 0
    return os.statvfs_result((4096, 4096, 10_000, free_blocks, free_blocks, 1000, 500, 500, flags, 255))


async def test_a_full_or_read_only_file_system_under_a_fresh_archive_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Such a file system refuses the daemon's side file too: a stale heartbeat would be all there is to see.
    archive = tmp_path / "archive.db"
    async with await Store.open(archive) as store:
        await store.heartbeat(datetime.now(UTC))
        await store.daemon.started(record(started_at=datetime.now(UTC) - timedelta(hours=1)))
    seen = {"full": space(3), "read-only": space(5000, read_only=True), "roomy": space(5000)}

    verdicts = {}
    for name, stats in seen.items():
        monkeypatch.setattr(os, "statvfs", lambda _path, stats=stats: stats)
        verdicts[name] = await health(archive)

    full, read_only, roomy = verdicts["full"], verdicts["read-only"], verdicts["roomy"]
    assert full["reasons"] == [
        "the archive's file system is full (12288 bytes free): the daemon cannot write"
    ]
    assert full["figures"]["archive_free_bytes"] == 12288
    # Read-only may be only how health sees it (a read-only mount beside the daemon): a note, the heartbeat
    # being what tells whether the daemon can write.
    assert read_only["status"] == "healthy"
    assert read_only["notes"] == ["the archive's file system is read-only here"]
    assert (roomy["status"], roomy["notes"], roomy["figures"]["archive_free_bytes"]) == (
        "healthy",
        [],
        4096 * 5000,
    )

"""`monitor run` as an operator's process manager sees it: SIGTERM honoured at any moment, including
during a first connect that hangs or a flood wait at start-up, a flood wait at start-up waited out rather
than fatal, and a crash ending in one structured log line."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor import daemon
from monitor.cli import main
from monitor.sandbox.faults import parse_faults
from monitor.sandbox.server import RunningSandbox
from monitor.store import ArchiveError, Store
from tests.support import NEWS, sandbox_of, scenario, session_string, until, write_config

MONITOR = Path(sys.executable).with_name("monitor")


async def start_run(
    config: Path, env: dict[str, str], log: Path, *options: str
) -> asyncio.subprocess.Process:
    with log.open("wb") as out:
        return await asyncio.create_subprocess_exec(
            str(MONITOR), "run", "--config", str(config), *options,
            env={**os.environ, **env}, stdout=out, stderr=out,
        )  # fmt: skip


async def kill_and_stop(process: asyncio.subprocess.Process, sandbox: RunningSandbox) -> None:
    """Leave nothing running: the daemon killed if a test ended before it did, then the server."""
    if process.returncode is None:
        process.kill()
        await process.wait()
    await sandbox.stop()


async def test_sigterm_during_a_hanging_first_connect_stops_the_daemon_cleanly(tmp_path: Path) -> None:
    sandbox = await sandbox_of(scenario(), faults="slow=120")  # every answer, the first one too, hangs
    config, env = write_config(sandbox, tmp_path)
    log = tmp_path / "daemon.log"
    process = await start_run(config, env, log)
    try:
        await until(lambda: sandbox.server.links, "the daemon connecting", timeout=30)
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 15) == 0, log.read_text()
    finally:
        await kill_and_stop(process, sandbox)
    text = log.read_text()
    assert "daemon_stopped" in text and "Traceback" not in text and "daemon_ready" not in text


async def health_notes(archive: Path) -> list[str]:
    """The notes of `monitor health --archive ARCHIVE --json`, run in a worker thread (it starts its own
    event loop) while the sandbox keeps answering on this one."""
    result = await asyncio.to_thread(
        CliRunner().invoke, main, ["health", "--archive", str(archive), "--json"]
    )
    return list(json.loads(result.stdout)["notes"]) if result.stdout.startswith("{") else []


async def flood_noted(archive: Path) -> list[str]:
    return [note for note in await health_notes(archive) if "flood:users.getUsers: flood_wait" in note]


async def test_a_flood_wait_on_the_first_request_is_waited_out_shown_by_health_then_posts_are_stored(
    tmp_path: Path,
) -> None:
    # Telethon's connect asks users.getUsers (get_me) first; Telegram answers it with a flood wait.
    sandbox = await sandbox_of(scenario(), faults="flood=users.getUsers:3")
    config, env = write_config(sandbox, tmp_path)
    archive, log = tmp_path / "archive.db", tmp_path / "daemon.log"
    process = await start_run(config, env, log)
    try:
        (note,) = await until(lambda: flood_noted(archive), "health noting the start-up flood wait", 30)
        assert "until" in note and process.returncode is None and "daemon_ready" not in log.read_text()
        sandbox.world.faults = parse_faults("")  # the wait is over: Telegram answers again
        await until(lambda: "daemon_ready" in log.read_text(), "the daemon ready after the wait", 30)
        channel_id = sandbox.world.channel(NEWS).id
        message_id = await sandbox.world.publish(NEWS, "Утренняя сводка: обстрелов за ночь не было")

        async def archived() -> bool:
            try:
                async with await Store.open(archive, readonly=True) as store:
                    return await store.get_post(channel_id, message_id) is not None
            except ArchiveError:
                return False

        await until(archived, "a live post archived after the start-up wait", 30)
        await until(lambda: _no_flood_note(archive), "the flood wait gone from health once over", 30)
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 15) == 0, log.read_text()
    finally:
        await kill_and_stop(process, sandbox)
    text = log.read_text()
    assert "event=flood_wait" in text and "Traceback" not in text and "event=fatal" not in text


async def _no_flood_note(archive: Path) -> bool:
    return not await flood_noted(archive)


async def test_sigterm_during_a_flood_wait_at_start_stops_the_daemon_promptly_and_cleanly(
    tmp_path: Path,
) -> None:
    sandbox = await sandbox_of(scenario(), faults="flood=users.getUsers:60")
    config, env = write_config(sandbox, tmp_path)
    log = tmp_path / "daemon.log"
    process = await start_run(config, env, log)
    try:
        await until(lambda: "event=flood_wait" in log.read_text(), "the start-up flood wait", 30)
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 15) == 0, log.read_text()
    finally:
        await kill_and_stop(process, sandbox)
    text = log.read_text()
    assert "daemon_stopped" in text and "daemon_ready" not in text
    assert "Traceback" not in text and "event=fatal" not in text


async def test_an_archive_that_cannot_be_opened_ends_run_with_one_structured_line(tmp_path: Path) -> None:
    sandbox = await sandbox_of(scenario())
    config, env = write_config(sandbox, tmp_path)
    (tmp_path / "archive.db").write_text("not a database", encoding="utf-8")
    log = tmp_path / "daemon.log"
    process = await start_run(config, env, log)
    try:
        assert await asyncio.wait_for(process.wait(), 30) == 1
    finally:
        await kill_and_stop(process, sandbox)
    (fatal,) = [line for line in log.read_text().splitlines() if "event=fatal" in line]
    assert fatal.startswith("ts=") and " level=critical " in fatal
    assert "not an SQLite database" in fatal and "Traceback" not in log.read_text()


def test_an_unexpected_crash_is_one_json_line_carrying_its_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "monitor.toml"
    config.write_text(
        '[telegram]\napi_id = 1\napi_hash_env = "CRASH_API_HASH"\nsession_env = "CRASH_SESSION"\n'
        "[analyst]\nchat_id = -1001\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("CRASH_API_HASH", "0123456789abcdef")
    monkeypatch.setenv("CRASH_SESSION", session_string())

    async def crash(_config: object, _worker: object = None) -> None:
        raise RuntimeError("the unexpected\nhappened")

    monkeypatch.setattr(daemon, "run_daemon", crash)
    result = CliRunner().invoke(main, ["run", "--config", str(config), "--log-json"])
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    record = json.loads(line)
    assert record["event"] == "fatal" and record["level"] == "critical"
    assert record["error"] == "RuntimeError: the unexpected\nhappened"
    assert record["exc"].startswith("Traceback") and "in crash" in record["exc"]

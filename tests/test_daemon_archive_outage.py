"""A PostgreSQL archive whose server is down when the daemon starts or goes down while it runs: the daemon
names the archive (never its password), waits, and stores and alerts every post once when the server is
back. Each test has a server of its own, so stopping it leaves the other tests' server alone."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from pathlib import Path

import pytest

from monitor.daemon import Daemon
from monitor.demo import sandbox_config
from monitor.logs import KeyValueFormatter
from tests.postgres import SUPERUSER, start_server
from tests.support import (
    FAST_READING,
    FLAGGED,
    NEWS,
    NO_PACING,
    RARE_JOBS,
    alerts_for,
    sandbox_of,
    scenario,
    until,
)

PASSWORD = "never-in-a-log-7f3a"  # local connections are trusted: the server ignores it, logs must too


async def test_the_archive_server_down_mid_run_is_named_waited_for_and_nothing_is_lost(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    server = await asyncio.to_thread(start_server)
    sandbox = await sandbox_of(scenario())
    try:
        url = (await server.create_database()).replace(f"{SUPERUSER}@", f"{SUPERUSER}:{PASSWORD}@")
        config = sandbox_config(
            sandbox,
            tmp_path / "archive.db",
            alerts=NO_PACING,
            schedule=RARE_JOBS,
            backfill=10,
            reading=FAST_READING,
        )
        daemon = Daemon(replace(config, archive_url=url))
        stop = asyncio.Event()
        task = asyncio.create_task(daemon.run(stop))
        await asyncio.wait_for(daemon.looked.wait(), 20)
        world = sandbox.world
        channel_id = world.channel(NEWS).id
        before = await world.publish(NEWS, FLAGGED)
        await until(lambda: alerts_for(sandbox, NEWS, before), "the alert of the post before the outage")

        await asyncio.to_thread(server.pause)
        during = await world.publish(NEWS, f"{FLAGGED} (во время сбоя)")
        await until(lambda: "archive_unavailable" in caplog.text, "the daemon naming the failing archive")
        await asyncio.to_thread(server.resume)

        async def stored() -> bool:
            return await daemon.store.get_post(channel_id, during) is not None

        await until(stored, "the post of the outage in the archive", timeout=60)
        await until(
            lambda: alerts_for(sandbox, NEWS, during), "the alert of the post of the outage", timeout=30
        )
        stop.set()
        await asyncio.wait_for(task, 20)
    finally:
        await sandbox.stop()
        await asyncio.to_thread(server.stop)

    lines = [KeyValueFormatter().format(record) for record in caplog.records]  # as the daemon writes them
    unavailable = [line for line in lines if "archive_unavailable" in line]
    assert unavailable and all(f"127.0.0.1:{server.port}" in line for line in unavailable)
    assert any("archive_available" in line for line in lines)
    assert not [line for line in lines if PASSWORD in line]
    assert len(alerts_for(sandbox, NEWS, before)) == 1 and len(alerts_for(sandbox, NEWS, during)) == 1


async def test_a_daemon_started_while_the_archive_server_is_down_waits_for_it_and_then_runs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server = await asyncio.to_thread(start_server)
    sandbox = await sandbox_of(scenario())
    try:
        url = (await server.create_database()).replace(f"{SUPERUSER}@", f"{SUPERUSER}:{PASSWORD}@")
        await asyncio.to_thread(server.pause)
        config = sandbox_config(
            sandbox, tmp_path / "archive.db", alerts=NO_PACING, schedule=RARE_JOBS, backfill=10
        )
        daemon = Daemon(replace(config, archive_url=url))
        stop = asyncio.Event()
        task = asyncio.create_task(daemon.run(stop))
        await until(lambda: "archive_unreachable" in caplog.text, "the daemon naming the unreachable archive")
        assert not daemon.ready.is_set() and not task.done()
        await asyncio.to_thread(server.resume)
        await asyncio.wait_for(daemon.looked.wait(), 40)
        message_id = await sandbox.world.publish(NEWS, FLAGGED)
        await until(
            lambda: alerts_for(sandbox, NEWS, message_id), "the alert of a post once the archive is up"
        )
        stop.set()
        await asyncio.wait_for(task, 20)
    finally:
        await sandbox.stop()
        await asyncio.to_thread(server.stop)

    lines = [KeyValueFormatter().format(record) for record in caplog.records]
    unreachable = [line for line in lines if "archive_unreachable" in line]
    assert unreachable and all("archive url postgresql://" in line for line in unreachable)
    assert not [line for line in lines if PASSWORD in line]

"""Session files hold an account's auth key: they are created 0600 whatever the umask."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.config import Secret
from monitor.daemon import Daemon
from monitor.demo import sandbox_config
from monitor.sandbox.server import RunningSandbox
from monitor.telegram.client import build_client
from tests.support import NO_PACING, RARE_JOBS, StartSandbox, scenario


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    previous = os.umask(0)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_session_file_is_private_under_a_permissive_umask(
    tmp_path: Path, sandbox: RunningSandbox, permissive_umask: None
) -> None:
    config = sandbox_config(sandbox, tmp_path / "archive.db")
    path = tmp_path / "user.session"
    client = build_client(str(path), config.telegram)
    client.session.save()
    client.session.close()
    assert mode(path) == 0o600


def test_an_existing_session_file_readable_by_others_is_made_private(
    tmp_path: Path, sandbox: RunningSandbox
) -> None:
    path = tmp_path / "user.session"
    path.touch()
    path.chmod(0o644)
    build_client(str(path), sandbox_config(sandbox, tmp_path / "archive.db").telegram).session.close()
    assert mode(path) == 0o600


async def test_the_bot_session_made_from_a_token_is_private(
    tmp_path: Path, start_sandbox_for: StartSandbox, permissive_umask: None
) -> None:
    sandbox = await start_sandbox_for(scenario())
    config = sandbox_config(sandbox, tmp_path / "archive.db", alerts=NO_PACING, schedule=RARE_JOBS)
    token = sandbox.world.bot.bot_token
    telegram = dataclasses.replace(config.telegram, bot_session=None, bot_token=Secret(token))
    daemon = Daemon(dataclasses.replace(config, telegram=telegram))
    stop = asyncio.Event()
    task = asyncio.create_task(daemon.run(stop))
    try:
        await asyncio.wait_for(daemon.ready.wait(), 20)
        bot_session = tmp_path / "archive.db.bot.session"
        assert mode(bot_session) == 0o600
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)

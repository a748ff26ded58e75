"""Fixtures for the alert sender and analyst command tests: an archive on a temporary path, and a sandbox
with the bot's real Telethon client connected to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from monitor.store import Store
from tests.support_alerts import BORDER, CHANNEL, SCENARIO, SEA, Desk, sending_client

if TYPE_CHECKING:
    from tests.fixtures_sandbox import StartSandbox


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    archive = await Store.open(tmp_path / "archive.db")
    await archive.upsert_channel(CHANNEL, f"@{CHANNEL.username}")
    await archive.upsert_conflicts([BORDER, SEA])
    yield archive
    await archive.close()


@pytest.fixture
async def desk(start_sandbox_for: StartSandbox, store: Store, tmp_path: Path) -> AsyncIterator[Desk]:
    chat_path = tmp_path / "chat.jsonl"
    sandbox = await start_sandbox_for(SCENARIO, record_chat=chat_path)
    bot = sending_client(sandbox.bot_session)
    await bot.connect()
    yield Desk(sandbox, store, bot, chat_path)
    await bot.disconnect()

"""Fixtures shared across the suite: the sandbox run in-process on 127.0.0.1 (a free port), clients
connected to it, and the alert desk built on it (an archive on a temporary path, the bot's real client).

`sandbox` is the built-in demo scenario; `start_sandbox_for` starts any scenario, faults or records.
Both add the sandbox's RSA key to Telethon, so clients only need `StringSession(sandbox.user_session)`
or, for a fresh login, `client.session.set_dc(2, sandbox.host, sandbox.port)`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from telethon import TelegramClient
from telethon.crypto import rsa
from telethon.sessions import StringSession

from monitor.sandbox import strictness
from monitor.sandbox.faults import Faults
from monitor.sandbox.scenario import Scenario, builtin_demo
from monitor.sandbox.server import RunningSandbox, start_sandbox
from monitor.store import Store
from tests.postgres import PostgresServer, start_server
from tests.support import BORDER, CHANNEL, DESK_SCENARIO, SEA, Connect, Desk, StartSandbox, sending_client


@pytest.fixture
async def start_sandbox_for() -> AsyncIterator[StartSandbox]:
    """Start sandboxes with `await start_sandbox_for(scenario, faults=..., record_posts=...,
    record_requests=..., seed=..., relaxed=...)`. Sandboxes are as strict as Telegram unless `relaxed`."""
    started: list[RunningSandbox] = []

    async def start(
        scenario: Scenario | None = None,
        *,
        faults: Faults | None = None,
        record_posts: Path | None = None,
        record_chat: Path | None = None,
        record_requests: Path | None = None,
        seed: int = 0,
        relaxed: bool = False,
    ) -> RunningSandbox:
        running = await start_sandbox(
            scenario or builtin_demo(),
            host="127.0.0.1",
            port=0,
            faults=faults,
            record_posts=record_posts,
            record_chat=record_chat,
            record_requests=record_requests,
            seed=seed,
            strictness=strictness.relaxed() if relaxed else None,
        )
        started.append(running)
        rsa.add_key(running.rsa_public_key, old=False)
        return running

    yield start
    for running in reversed(started):
        await running.stop()


@pytest.fixture
async def sandbox(start_sandbox_for: StartSandbox) -> RunningSandbox:
    """The demo sandbox, started for one test and stopped after it."""
    return await start_sandbox_for()


@pytest.fixture
async def connect() -> AsyncIterator[Connect]:
    """Connected Telethon clients with fail-fast settings: `await connect(sandbox_or_server, session="")`
    (no session: a fresh login through the handshake); all are disconnected afterwards."""
    clients: list[TelegramClient] = []

    async def make(endpoint: RunningSandbox | object, session: str = "", **options: object) -> TelegramClient:
        host, port = endpoint.host, endpoint.port  # type: ignore[attr-defined]
        settings = {"connection_retries": 3, "retry_delay": 0.05, "timeout": 5, **options}
        client = TelegramClient(StringSession(session), api_id=1, api_hash="0" * 32, **settings)
        if not session:
            client.session.set_dc(2, host, port)
        clients.append(client)
        await client.connect()
        return client

    yield make
    for client in clients:
        await client.disconnect()


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    """An archive on a temporary path that knows CHANNEL and the BORDER and SEA conflicts."""
    archive = await Store.open(tmp_path / "archive.db")
    await archive.upsert_channel(CHANNEL, f"@{CHANNEL.username}")
    await archive.upsert_conflicts([BORDER, SEA])
    yield archive
    await archive.close()


@pytest.fixture
async def desk(start_sandbox_for: StartSandbox, store: Store, tmp_path: Path) -> AsyncIterator[Desk]:
    """The alert desk's sandbox (recording the analyst chat), the archive and the bot's connected client."""
    chat_path = tmp_path / "chat.jsonl"
    sandbox = await start_sandbox_for(DESK_SCENARIO, record_chat=chat_path)
    bot = sending_client(sandbox.bot_session)
    await bot.connect()
    yield Desk(sandbox, store, bot, chat_path)
    await bot.disconnect()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One real PostgreSQL server for the whole run (tests/postgres.py), stopped at the end."""
    server = start_server()
    yield server
    server.stop()


@pytest.fixture
async def postgres_url(postgres_server: PostgresServer) -> AsyncIterator[str]:
    """The URL of a fresh, empty database on the test server, dropped after the test."""
    url = await postgres_server.create_database()
    yield url
    await postgres_server.drop_database(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def archive_location(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """Where a new archive goes, once per backend: a file path, or a fresh PostgreSQL database's URL."""
    if request.param == "sqlite":
        return tmp_path / "archive.db"
    return request.getfixturevalue("postgres_url")

"""Shared pieces of the alert sender and analyst command tests: the scenario (an analyst chat that also holds
an outsider), the bot's client as the sender needs it, and small helpers."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from telethon import TelegramClient, errors, functions, types
from telethon.sessions import StringSession

from monitor.config import AlertPolicy
from monitor.model import Analysis, Channel, Conflict, Match, Post
from monitor.sandbox.scenario import parse_scenario
from monitor.sandbox.server import RunningSandbox
from monitor.store import Store

CHANNEL = Channel(id=1234567, title="Border <News> & Co", username="bordernews", access_hash=1)
OUTSIDER = 5000009
BORDER = Conflict("border", "Border clashes", "high")
SEA = Conflict("sea", "Sea lanes", "medium")
POLICY = AlertPolicy(per_minute=600, burst=10, digest_after=5, quiet_hours=None, muted=(), summary="off")
SCENARIO = parse_scenario(
    {
        "name": "alerts",
        "channels": [{"id": CHANNEL.id, "title": CHANNEL.title, "username": CHANNEL.username}],
        "chat": {
            "id": 1900000001,
            "title": "Analyst desk",
            "members": [{"id": OUTSIDER, "first_name": "Outsider", "username": "outsider"}],
        },
    }
)


async def until(condition: Callable[[], Awaitable[bool] | bool], timeout: float = 15.0) -> None:
    """Poll a condition with a deadline (the sender and the sandbox work in their own tasks)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = condition()
        if value if isinstance(value, bool) else await value:
            return
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


def sending_client(session: str) -> TelegramClient:
    """A client as the sender needs it: Telegram's answers (RANDOM_ID_DUPLICATE, flood waits) raised to the
    caller, not slept through or retried away."""
    return TelegramClient(
        StringSession(session),
        1,
        "sandbox",
        raise_last_call_error=True,
        flood_sleep_threshold=0,
        request_retries=0,
        connection_retries=1,
        retry_delay=0,
        timeout=5,
    )


async def flag(
    store: Store, message_id: int, text: str = "Clashes at the border overnight", **kw
) -> list[int]:
    """Store a post of CHANNEL the watchlist flagged (at the word 'border'); returns its new alert ids."""
    conflicts = kw.pop("conflicts", ("border",))
    start = text.find("border")
    matches = tuple(Match(c, "border", "en", start, start + 6) for c in conflicts) if start >= 0 else ()
    post = Post(CHANNEL.id, message_id, kw.pop("date", datetime.now(UTC)), text, **kw)
    (outcome,) = await store.save([(post, Analysis("en", 0.9, matches, conflicts))])
    return list(outcome.new_alert_ids)


@dataclass
class Desk:
    """The sandbox, the archive and the bot's connected client."""

    sandbox: RunningSandbox
    store: Store
    bot: TelegramClient
    chat_path: Path

    def bot_messages(self) -> list:
        return [m for m in self.sandbox.world.chat_messages() if m.sender_id == self.sandbox.bot_id]


class RecordingClient:
    """Answers like Telegram: a new message per random_id, RANDOM_ID_DUPLICATE for a repeated one, and
    scripted errors first."""

    def __init__(self) -> None:
        self.messages: dict[int, str] = {}
        self.edits: list[tuple[int, str]] = []
        self.random_ids: set[int] = set()
        self.failures: list[BaseException] = []

    async def get_input_entity(self, chat: int) -> types.InputPeerChannel:
        return types.InputPeerChannel(channel_id=9000000001, access_hash=1)

    async def __call__(self, request: object) -> object:
        if self.failures:
            raise self.failures.pop(0)
        if isinstance(request, functions.messages.EditMessageRequest):
            self.edits.append((request.id, request.message))
            return types.Updates(updates=[], users=[], chats=[], date=datetime.now(UTC), seq=0)
        assert isinstance(request, functions.messages.SendMessageRequest)
        if request.random_id in self.random_ids:
            raise errors.RandomIdDuplicateError(request=request)
        self.random_ids.add(request.random_id)
        message_id = len(self.messages) + 100
        self.messages[message_id] = request.message
        update = types.UpdateMessageID(id=message_id, random_id=request.random_id)
        return types.Updates(updates=[update], users=[], chats=[], date=datetime.now(UTC), seq=0)

"""JSON-lines records of what the sandbox published, what clients said in chats and what they asked.

Each line is flushed as it is written so an outside checker (or a crash) sees everything that happened.
Posts file (`--record-posts`): channel (username), channel_id (bare positive id), message_id, date
(ISO 8601 UTC), text, event post|edit|delete, plus grouped_id / forward_from when set.
Chat file (`--record-chat`): chat_id (-100-marked, as clients address it), message_id, date, text,
event send|edit|delete, sender (user id), sender_username.
Requests file (`--record-requests`): one line per API request answered: ts (Unix seconds), account
(the user id as a string, "" before login), method (the TL name of the innermost request), outcome
("ok" or the rpc error's message, e.g. FLOOD_WAIT_26).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from monitor.sandbox.scenario import Person
from monitor.sandbox.state import ChannelState, StoredMessage, telegram_now


class Recorder:
    """Writes the posts, chat and request records; any file may be absent."""

    def __init__(
        self, posts: IO[str] | None = None, chat: IO[str] | None = None, requests: IO[str] | None = None
    ) -> None:
        self._posts = posts
        self._chat = chat
        self._requests = requests

    @classmethod
    def open(
        cls, posts: Path | None = None, chat: Path | None = None, requests: Path | None = None
    ) -> Recorder:
        """Open (truncate) the record files; None skips that record."""
        return cls(_open(posts), _open(chat), _open(requests))

    def request(self, ts: float, account: int | None, method: str, outcome: str) -> None:
        """One answered API request: who asked what, and whether it was answered or refused."""
        if self._requests is None:
            return
        record = {
            "ts": round(ts, 3),
            "account": "" if account is None else str(account),
            "method": method,
            "outcome": outcome,
        }
        _write(self._requests, record)

    def post(
        self,
        event: str,
        *,
        channel: str | None,
        channel_id: int,
        message_id: int,
        date: datetime,
        text: str,
        **extra: Any,
    ) -> None:
        if self._posts is None:
            return
        record = {
            "event": event,
            "channel": channel,
            "channel_id": channel_id,
            "message_id": message_id,
            "date": date.isoformat(),
            "text": text,
        }
        record.update({k: v for k, v in extra.items() if v is not None})
        _write(self._posts, record)

    def chat(
        self,
        event: str,
        *,
        chat_id: int,
        message_id: int,
        date: datetime,
        text: str,
        sender: int,
        sender_username: str | None,
    ) -> None:
        if self._chat is None:
            return
        record = {
            "event": event,
            "chat_id": chat_id,
            "message_id": message_id,
            "date": date.isoformat(),
            "text": text,
            "sender": sender,
            "sender_username": sender_username,
        }
        _write(self._chat, record)

    def channel_post(
        self, event: str, state: ChannelState, msg: StoredMessage, date: datetime | None = None
    ) -> None:
        """Record a channel message as published, edited or deleted (`date`: when, if not its own)."""
        origin = msg.fwd_from
        self.post(
            event,
            channel=state.username,
            channel_id=state.id,
            message_id=msg.id,
            date=date or (msg.edit_date if event == "edit" and msg.edit_date else msg.date),
            text=msg.text,
            grouped_id=msg.grouped_id,
            forward_from=(getattr(origin.from_id, "channel_id", None) or origin.from_name)
            if origin
            else None,
        )

    def chat_message(self, event: str, state: ChannelState, msg: StoredMessage, sender: Person) -> None:
        """Record what a client sent, edited or deleted in a supergroup."""
        dates = {"send": msg.date, "edit": msg.edit_date, "delete": telegram_now()}
        self.chat(
            event,
            chat_id=state.marked_id,
            message_id=msg.id,
            date=dates[event] or msg.date,
            text=msg.text,
            sender=sender.id,
            sender_username=sender.username,
        )

    def close(self) -> None:
        for stream in (self._posts, self._chat, self._requests):
            if stream is not None:
                stream.close()
        self._posts = self._chat = self._requests = None


def _open(path: Path | None) -> IO[str] | None:
    if path is None:
        return None
    return Path(path).open("w", encoding="utf-8")


def _write(stream: IO[str], record: dict[str, Any]) -> None:
    stream.write(json.dumps(record, ensure_ascii=False) + "\n")
    stream.flush()

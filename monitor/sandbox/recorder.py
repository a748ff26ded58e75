"""JSON-lines records of what the sandbox published and what clients said in chats.

Each line is flushed as it is written so an outside checker (or a crash) sees everything that happened.
Posts file (`--record-posts`): channel (username), channel_id (bare positive id), message_id, date
(ISO 8601 UTC), text, event post|edit|delete, plus grouped_id / forward_from when set.
Chat file (`--record-chat`): chat_id (-100-marked, as clients address it), message_id, date, text,
event send|edit|delete, sender (user id), sender_username.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from monitor.sandbox.scenario import Person
from monitor.sandbox.state import ChannelState, StoredMessage, telegram_now


class Recorder:
    """Writes the posts and chat records; either file may be absent."""

    def __init__(self, posts: IO[str] | None = None, chat: IO[str] | None = None) -> None:
        self._posts = posts
        self._chat = chat

    @classmethod
    def open(cls, posts: Path | None = None, chat: Path | None = None) -> Recorder:
        """Open (truncate) the record files; None skips that record."""
        return cls(_open(posts), _open(chat))

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
        for stream in (self._posts, self._chat):
            if stream is not None:
                stream.close()
        self._posts = self._chat = None


def _open(path: Path | None) -> IO[str] | None:
    if path is None:
        return None
    return Path(path).open("w", encoding="utf-8")


def _write(stream: IO[str], record: dict[str, Any]) -> None:
    stream.write(json.dumps(record, ensure_ascii=False) + "\n")
    stream.flush()

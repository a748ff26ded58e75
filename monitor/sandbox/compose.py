"""Scenario descriptions turned into stored state: the channels the world opens with, their quiet
history, and each channel post composed from its description (ids, keys, albums, forwards, URL entities).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from telethon.tl import types

from monitor.sandbox.access import access_hash
from monitor.sandbox.scenario import ChannelSpec, Person, PostSpec, Scenario
from monitor.sandbox.state import ChannelState, StoredMessage, find_channel

URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:!?)\]]")

RecordPost = Callable[..., None]  # (event, state, msg, date=None): how the world records a post


class PostComposer:
    """Composes the next message of a channel from a post description; remembers keys and album ids."""

    def __init__(self, channels: dict[int, ChannelState], rng: random.Random) -> None:
        self.keys: dict[str, tuple[int, int]] = {}  # scenario post key -> (channel id, message id)
        self._channels = channels
        self._rng = rng
        self._groups: dict[str, int] = {}

    def compose(
        self,
        state: ChannelState,
        spec: PostSpec,
        date: datetime,
        *,
        forward_from: str | int | None = None,
        grouped_id: int | None = None,
    ) -> StoredMessage:
        """The next message of a channel from a post description (ids, album, forward header)."""
        state.last_id += 1
        if spec.key:
            self.keys[spec.key] = (state.id, state.last_id)
        if spec.group and grouped_id is None:
            grouped_id = self._groups.setdefault(spec.group, self._rng.randrange(1, 2**62))
        return StoredMessage(
            id=state.last_id,
            date=date,
            text=spec.text,
            entities=url_entities(spec.text),
            views=spec.views if spec.views is not None else self._rng.randrange(50, 500),
            forwards=spec.forwards or 0,
            fwd_from=self._forward_header(spec, date, forward_from),
            media=spec.media or ("photo" if grouped_id is not None else None),
            grouped_id=grouped_id,
        )

    def _forward_header(
        self, spec: PostSpec, date: datetime, forward_from: str | int | None
    ) -> types.MessageFwdHeader | None:
        if forward_from is not None:
            try:
                source = find_channel(self._channels, forward_from)
            except LookupError:
                return types.MessageFwdHeader(date=date, from_name=str(forward_from))
            return types.MessageFwdHeader(
                date=date,
                from_id=types.PeerChannel(source.id),
                channel_post=source.alive[-1] if source.alive else None,
            )
        if spec.forward_channel is not None:
            return self._forward_header(spec, date, spec.forward_channel)
        if spec.forward_name is not None:
            return types.MessageFwdHeader(date=date, from_name=spec.forward_name)
        return None


def people_of(scenario: Scenario) -> list[Person]:
    """Every account of the scenario: the user, the bot, the analyst and the chat's other members."""
    return [scenario.user, *scenario.readers, scenario.bot, scenario.analyst, *scenario.chat.members]


def opening_channels(scenario: Scenario, start: datetime) -> dict[int, ChannelState]:
    """The scenario's channels and its analyst chat (a supergroup of every account), still empty."""
    channels = {
        spec.id: _channel_state(scenario, spec, index, start) for index, spec in enumerate(scenario.channels)
    }
    chat = scenario.chat
    channels[chat.id] = ChannelState(
        id=chat.id,
        access_hash=access_hash(scenario, chat.id),
        title=chat.title,
        about=chat.about,
        created=ago(start, 86400 * 30),
        megagroup=True,
        members={person.id for person in people_of(scenario)},
    )
    return channels


def _channel_state(scenario: Scenario, spec: ChannelSpec, index: int, start: datetime) -> ChannelState:
    """A channel as it opens; a joined one has `scenario.members` members among the reading accounts."""
    accounts = scenario.accounts
    return ChannelState(
        id=spec.id,
        access_hash=access_hash(scenario, spec.id),
        title=spec.title,
        username=spec.username,
        about=spec.about,
        participants=spec.participants,
        views_per_minute=spec.views_per_minute,
        invite=spec.invite,
        created=ago(start, 86400 * 365),
        members={accounts[(index + k) % len(accounts)].id for k in range(scenario.members)}
        if spec.joined
        else set(),
    )


def load_history(
    scenario: Scenario,
    channels: dict[int, ChannelState],
    composer: PostComposer,
    start: datetime,
    record: RecordPost,
) -> None:
    """Post the initial history quietly (no pushes), oldest first, then apply its edits and deletions."""
    ordered = sorted(scenario.history, key=lambda h: -h.ago)
    posted: list[tuple[ChannelState, int]] = []
    for item in ordered:
        state = channels[item.post.channel_id]
        msg = composer.compose(state, item.post, ago(start, item.ago))
        state.messages[msg.id] = msg
        state.alive.append(msg.id)
        state.log_event("new", (msg.id,), msg.date)
        record("post", state, msg)
        posted.append((state, msg.id))
    for item, (state, message_id) in zip(ordered, posted, strict=True):
        msg = state.messages[message_id]
        if item.edited is not None:
            edited_at = ago(start, item.ago / 2)
            msg = replace(msg, text=item.edited, entities=url_entities(item.edited), edit_date=edited_at)
            state.messages[msg.id] = msg
            state.log_event("edit", (msg.id,), edited_at)
            record("edit", state, msg)
        if item.deleted:
            state.alive.remove(msg.id)
            state.log_event("delete", (msg.id,), start)
            record("delete", state, msg, date=start)


def ago(start: datetime, seconds: float) -> datetime:
    return datetime.fromtimestamp(int(start.timestamp() - seconds), UTC)


def url_entities(text: str) -> tuple[types.MessageEntityUrl, ...]:
    """URL entities as Telegram detects them; offsets count UTF-16 code units."""
    return tuple(
        types.MessageEntityUrl(offset=_utf16_len(text[: m.start()]), length=_utf16_len(m.group()))
        for m in URL.finditer(text)
    )


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2

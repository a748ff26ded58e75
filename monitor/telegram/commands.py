"""Analyst commands in the analyst chat: /status, /mute, /unmute, /search, /digest, /help.

Only messages in the analyst chat are read, and only from the configured admins (from any member when
no admins are configured); everything else is ignored and logged. Replies are HTML with every value
from posts, channels and the command itself escaped, and go out through the alert sender's pacing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from telethon import TelegramClient, events

from monitor.alerts import markup, messages
from monitor.alerts.markup import Fragment, bold, concat, text
from monitor.logs import log_event
from monitor.model import Channel, Conflict, StoredPost, TelegramProblem, utcnow
from monitor.store import ArchiveError, Store
from monitor.telegram.send import AlertSender, period_summary

log = logging.getLogger(__name__)

SEARCH_RESULTS = 5
DIGEST_PERIOD = timedelta(days=1)
MAX_MUTE = timedelta(days=365)
_DURATION = re.compile(r"(\d+)([smhdw])")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
HELP = (
    ("/status", "channels, lag, last posts, outbox depth, flood waits; a fleet's workers"),
    (
        "/mute CONFLICT DURATION",
        "stop alerts of a conflict for a while, e.g. /mute border 2h (30m, 1d, 1h30m)",
    ),
    ("/unmute CONFLICT", "alerts of the conflict resume"),
    ("/search QUERY", f"the {SEARCH_RESULTS} best matching archived posts"),
    ("/digest", "a summary of the last 24 hours now"),
    ("/help", "this list"),
)


@dataclass(frozen=True, slots=True)
class ChannelStatus:
    """One watched channel as the daemon sees it."""

    channel: Channel
    last_post_at: datetime | None
    lag_seconds: float | None  # how long since the archive was last known complete for this channel
    problem: str | None = None  # e.g. "not found", "banned": why it is not being read


@dataclass(frozen=True, slots=True)
class DaemonStatus:
    """The reading side of the daemon; the sending side reports through AlertSender.stats."""

    started_at: datetime
    channels: tuple[ChannelStatus, ...]
    flood_waits: int
    flood_wait_seconds: float
    reconnects: int
    problems: tuple[TelegramProblem, ...] = ()  # what Telegram is doing to the monitor now
    reading: str = ""  # the reading account's request budget and what recovery archived without alerts


class StatusSource(Protocol):
    """Implemented by the daemon so `/status` can show what only it knows."""

    def status(self) -> DaemonStatus: ...

    async def fleet_status(self) -> list[str]:
        """One line per worker of the fleet this daemon belongs to; none for a daemon on its own."""


def problem_line(problem: TelegramProblem, now: datetime) -> Fragment:
    """One Telegram problem: what it affects, its state and, for a wait, how long it still lasts."""
    left = (
        f", {ago((problem.until - now).total_seconds())} left"
        if problem.until and problem.until > now
        else ""
    )
    head = bold(f"{'⛔' if problem.fatal else '⏳'} {problem.subject}: {problem.state}")
    return head + text(f"{left} · {markup.clip(problem.detail, 200)}")


def parse_duration(value: str) -> timedelta | None:
    """'2h', '30m', '1d', '1h30m' -> timedelta; None when it is not a positive duration."""
    value = value.strip().lower()
    parts = _DURATION.findall(value)
    if not parts or "".join(n + u for n, u in parts) != value:
        return None
    seconds = sum(int(n) * _UNITS[u] for n, u in parts)
    try:
        return timedelta(seconds=seconds) if seconds > 0 else None
    except OverflowError:  # more days than a timedelta holds: not a duration anyone means
        return None


def ago(seconds: float | None) -> str:
    if seconds is None:
        return "never"
    seconds = max(0, int(seconds))
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    if seconds < 172800:
        return f"{seconds // 3600} h {seconds % 3600 // 60} min"
    return f"{seconds // 86400} d"


def last_time(moment: datetime | None, now: datetime) -> str:
    return "never" if moment is None else ago((now - moment).total_seconds()) + " ago"


def split_command(message: str) -> tuple[str, str]:
    """'/mute@monitor_bot border 2h' -> ('mute', 'border 2h')."""
    head, _, rest = message.strip().partition(" ")
    return head[1:].split("@", 1)[0].lower(), rest.strip()


Reply = Callable[[str], Awaitable[str]]


class CommandHandler:
    """Answers analyst commands; register it on the client that sends the alerts with start()."""

    def __init__(
        self,
        client: TelegramClient,
        store: Store,
        status: StatusSource,
        sender: AlertSender,
        *,
        chat_id: int,
        admins: Iterable[int] = (),
        conflicts: Mapping[str, Conflict] | None = None,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self.client = client
        self.store = store
        self.source = status
        self.sender = sender
        self.chat_id = chat_id
        self.admins = frozenset(admins)
        self.conflicts = conflicts
        self._now = now
        self._event = events.NewMessage(chats=[chat_id])
        self._commands: dict[str, Reply] = {
            "status": self.status,
            "mute": self.mute,
            "unmute": self.unmute,
            "search": self.search,
            "digest": self.digest,
            "help": self.help,
            "start": self.help,
        }

    def start(self) -> None:
        self.client.add_event_handler(self.on_message, self._event)

    def stop(self) -> None:
        self.client.remove_event_handler(self.on_message, self._event)

    def authorised(self, chat_id: int | None, sender_id: int | None) -> bool:
        return chat_id == self.chat_id and (not self.admins or sender_id in self.admins)

    async def on_message(self, event: events.NewMessage.Event) -> None:
        message = event.raw_text or ""
        if not message.startswith("/"):
            return
        name, _ = split_command(message)
        if not self.authorised(event.chat_id, event.sender_id):
            log_event(
                log,
                "command_ignored",
                level=logging.WARNING,
                command=name,
                sender=event.sender_id,
                chat=event.chat_id,
            )
            return
        log_event(log, "command", command=name, sender=event.sender_id)
        await self.sender.send_html(await self.answer(message), reply_to=event.id)

    async def answer(self, message: str) -> str:
        """The HTML reply to one command line."""
        name, argument = split_command(message)
        command = self._commands.get(name)
        if command is None:
            return (text("Unknown command /") + text(name) + text("; /help lists the commands.")).html
        return await command(argument)

    # -- commands ---------------------------------------------------------------------------------------

    async def help(self, _: str) -> str:
        rows = [bold(usage) + text(f" — {what}") for usage, what in HELP]
        legend = [bold(mark) + text(f" — {what}") for mark, what in messages.ALERT_LEGEND]
        return concat([bold("Commands"), *rows, text(""), bold("In an alert"), *legend], markup.NEWLINE).html

    async def status(self, _: str) -> str:
        now = self._now()
        daemon = self.source.status()
        sent = self.sender.stats
        depth = await self.store.outbox.depth()
        oldest = await self.store.outbox.oldest_pending_age(now)
        mutes = await self.store.outbox.mutes(now)
        lines = [
            bold("Status")
            + text(
                f" · up {ago((now - daemon.started_at).total_seconds())} · reconnects {daemon.reconnects}"
            ),
            text(f"Outbox: {depth} pending (oldest {ago(oldest) if oldest is not None else '-'})"),
            text(f"Sent: {sent.sent} alerts, {sent.digests} digests, {sent.updates} updates, ")
            + text(f"{sent.suppressed} muted; last {last_time(sent.last_sent_at, now)}"),
            text(f"Flood waits: sending {sent.flood_waits} ({sent.flood_wait_seconds:.0f} s), ")
            + text(f"reading {daemon.flood_waits} ({daemon.flood_wait_seconds:.0f} s)"),
        ]
        lines += [problem_line(problem, now) for problem in daemon.problems]
        if fleet := await self.source.fleet_status():
            lines += [bold(f"Fleet ({len(fleet)})"), *(text(line) for line in fleet)]
        if daemon.reading:
            lines.append(text("Reading: ") + text(daemon.reading))
        if sent.last_error:
            lines.append(text("Last send error: ") + text(markup.clip(sent.last_error, 200)))
        if mutes:
            lines.append(
                text("Muted: ") + text(", ".join(f"{c} until {messages.utc(u)}" for c, u in mutes.items()))
            )
        return fit_lines(lines, channel_lines(daemon.channels, now))

    async def mute(self, argument: str) -> str:
        conflict, _, duration_text = argument.partition(" ")
        duration = parse_duration(duration_text)
        if not conflict or duration is None:
            return (text("Usage: /mute CONFLICT DURATION, e.g. /mute border 2h")).html
        unknown = self._unknown(conflict)
        if unknown:
            return unknown
        until = self._now() + min(duration, MAX_MUTE)
        await self.store.outbox.set_mute(conflict, until)
        log_event(log, "conflict_muted", conflict=conflict, until=until.isoformat())
        self.sender.notify()
        return (text("Muted ") + bold(conflict) + text(f" until {messages.utc(until)}.")).html

    async def unmute(self, argument: str) -> str:
        conflict = argument.strip()
        if not conflict:
            return text("Usage: /unmute CONFLICT").html
        await self.store.outbox.set_mute(conflict, None)
        log_event(log, "conflict_unmuted", conflict=conflict)
        self.sender.notify()
        return (text("Alerts of ") + bold(conflict) + text(" resume.")).html

    async def search(self, argument: str) -> str:
        query = argument.strip()
        if not query:
            return text("Usage: /search QUERY").html
        try:
            found = await self.store.search(query, limit=SEARCH_RESULTS)
        except ArchiveError as error:
            return (text("Search failed: ") + text(str(error))).html
        if not found:
            return (text("No posts match ") + bold(query) + text(".")).html
        head = bold(f"Top {len(found)}") + text(" for ") + bold(query)
        return concat([head, *(search_result(stored, query) for stored in found)], text("\n\n")).html

    async def digest(self, _: str) -> str:
        return await period_summary(self.store, self._now(), DIGEST_PERIOD)

    def _unknown(self, conflict: str) -> str | None:
        if self.conflicts is None or conflict in self.conflicts:
            return None
        known = ", ".join(sorted(self.conflicts)) or "none"
        return (text("Unknown conflict ") + bold(conflict) + text(f"; known: {known}")).html


def channel_lines(channels: Iterable[ChannelStatus], now: datetime) -> list[Fragment]:
    """Channels with problems first, then the most lagging; the newest post time of each."""
    ordered = sorted(channels, key=lambda c: (c.problem is None, -(c.lag_seconds or 0)))
    lines = []
    for status in ordered:
        channel = status.channel
        name = (
            f"@{channel.username}" if channel.username else markup.clip(channel.title, messages.TITLE_CHARS)
        )
        last = last_time(status.last_post_at, now)
        line = text(name) + text(f" · last post {last} · lag {ago(status.lag_seconds)}")
        if status.problem:
            line += text(" · ") + bold(status.problem)
        lines.append(line)
    return lines


def fit_lines(head: list[Fragment], rows: list[Fragment]) -> str:
    """The status header and as many channel rows as fit one message."""
    title = bold(f"Channels ({len(rows)})")
    kept: list[Fragment] = []
    budget = messages.MESSAGE_LIMIT - concat([*head, title], markup.NEWLINE).size - 40
    for row in rows:
        if budget - row.size - 1 < 0:
            break
        kept.append(row)
        budget -= row.size + 1
    tail = [text(f"… and {len(rows) - len(kept)} more")] if len(kept) < len(rows) else []
    return concat([*head, title, *kept, *tail], markup.NEWLINE).html


def search_result(stored: StoredPost, query: str) -> Fragment:
    """A found post: its channel and time, a snippet with the query words in bold, and its t.me link
    written out (as in an alert), so it shows and can be copied in any client."""
    post = stored.post
    channel = stored.channel or Channel(id=post.channel_id, title=f"channel {post.channel_id}")
    label = text(f"{markup.clip(channel.title, messages.TITLE_CHARS)} · {messages.utc(post.date)}")
    deleted = text(" (deleted)") if stored.deleted_at else text("")
    body = markup.snippet(post.text, word_spans(post.text, query), 200)
    return concat([label + deleted, body, text(channel.post_link(post.message_id))], markup.NEWLINE)


def word_spans(body: str, query: str) -> list[tuple[int, int]]:
    """Where the query's words occur in the text, ignoring case."""
    spans = []
    for word in {w for w in re.findall(r"\w+", query.lower()) if len(w) > 1}:
        spans += [(m.start(), m.end()) for m in re.finditer(re.escape(word), body, re.IGNORECASE)]
    return spans

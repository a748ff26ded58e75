"""Where a post enters: Telethon messages become `model.Post`s, are analysed and stored, live or recovered.

Albums are stored consistently as their parts (one post per message, sharing `grouped_id`), because
Telegram numbers, edits and deletes the parts one by one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

from telethon import TelegramClient, events, utils
from telethon.tl import types

from monitor.analysis import Analyzer
from monitor.analysis.links import with_text_links
from monitor.logs import log_event
from monitor.model import Analysis, Channel, ChannelContext, Post, SaveOutcome, utcnow
from monitor.store import ArchiveError, Store
from monitor.telegram.held_back import Handover, PushBuffer

log = logging.getLogger(__name__)

_DOCUMENT_KINDS = (
    (types.DocumentAttributeSticker, "sticker"),
    (types.DocumentAttributeAnimated, "animation"),
    (types.DocumentAttributeVideo, "video"),
    (types.DocumentAttributeAudio, "audio"),
)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# ---------------------------------------------------------------------------------------------
# conversion


def to_post(message: types.Message, channel_id: int) -> Post:
    """Convert one Telethon channel message into the archive's vocabulary (no I/O)."""
    text = message.message or ""
    return Post(
        channel_id=channel_id,
        message_id=message.id,
        date=_utc(message.date) or utcnow(),
        text=text,
        edit_date=_utc(message.edit_date),
        views=message.views,
        forwards=message.forwards,
        replies=message.replies.replies if message.replies else None,
        reactions=reactions_of(message.reactions),
        forward_origin=forward_origin(message.fwd_from),
        media_kind=media_kind(message.media),
        links=links_of(text, message.entities or ()),
        grouped_id=message.grouped_id,
        reply_to=reply_to(message.reply_to),
    )


def reply_to(header: object) -> int | None:
    """The id of the post (same channel) a message answers; a reply to another chat has none here."""
    if isinstance(header, types.MessageReplyHeader) and header.reply_to_peer_id is None:
        return header.reply_to_msg_id
    return None


def channel_from_entity(entity: types.Channel) -> Channel:
    """The archive's record of a resolved channel, keeping the access hash for later restarts."""
    return Channel(id=entity.id, title=entity.title, username=entity.username, access_hash=entity.access_hash)


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def reactions_of(reactions: types.MessageReactions | None) -> tuple[tuple[str, int], ...]:
    """Reaction counts as (emoji, count); custom emoji are named by document id, paid ones as "paid"."""
    if reactions is None:
        return ()
    counts: list[tuple[str, int]] = []
    for result in reactions.results:
        reaction = result.reaction
        if isinstance(reaction, types.ReactionEmoji):
            counts.append((reaction.emoticon, result.count))
        elif isinstance(reaction, types.ReactionCustomEmoji):
            counts.append((f"custom:{reaction.document_id}", result.count))
        else:
            counts.append(("paid", result.count))
    return tuple(counts)


def forward_origin(header: types.MessageFwdHeader | None) -> str | None:
    """Where a forwarded post came from: "channel:ID/POST", "user:ID" or the hidden sender's name."""
    if header is None:
        return None
    origin = header.from_id
    if isinstance(origin, types.PeerChannel):
        return f"channel:{origin.channel_id}" + (f"/{header.channel_post}" if header.channel_post else "")
    if isinstance(origin, types.PeerUser):
        return f"user:{origin.user_id}"
    if isinstance(origin, types.PeerChat):
        return f"chat:{origin.chat_id}"
    return header.from_name or header.post_author or "hidden"


def media_kind(media: object) -> str | None:
    """A short name for the attached media: photo, video, audio, voice, sticker, document, webpage, poll..."""
    if media is None or isinstance(media, types.MessageMediaEmpty):
        return None
    if isinstance(media, types.MessageMediaDocument):
        return _document_kind(media)
    name = type(media).__name__.removeprefix("MessageMedia")
    return name.lower() or None


def _document_kind(media: types.MessageMediaDocument) -> str:
    if media.voice:
        return "voice"
    if media.round:
        return "video_note"
    document = media.document
    attributes = document.attributes if isinstance(document, types.Document) else []
    for attribute_type, kind in _DOCUMENT_KINDS:
        if any(isinstance(a, attribute_type) for a in attributes):
            return kind
    return "video" if media.video else "document"


def links_of(text: str, entities: Sequence[object]) -> tuple[str, ...]:
    """URLs in the post: bare-URL entities (sliced in UTF-16 units, as Telegram counts), text links and
    URLs only written in the text."""
    encoded = text.encode("utf-16-le")
    links: list[str] = []
    for entity in entities:
        if isinstance(entity, types.MessageEntityTextUrl):
            links.append(entity.url)
        elif isinstance(entity, types.MessageEntityUrl):
            piece = encoded[2 * entity.offset : 2 * (entity.offset + entity.length)]
            links.append(piece.decode("utf-16-le", errors="replace"))
    return with_text_links(links, text)


def event_channel_id(marked_id: int | None) -> int | None:
    """Telethon's event chat ids are -100-marked; the archive keys channels by the bare positive id."""
    if marked_id is None:
        return None
    bare, peer_type = utils.resolve_id(marked_id)
    return bare if peer_type is types.PeerChannel else None


# ---------------------------------------------------------------------------------------------
# analyse and store


class Ingestor:
    """Analyses and stores posts from any path (live, reconcile, backfill, recheck) the same way.

    Analysis runs on one worker thread so a big batch never blocks the event loop (and the detector is
    never used from two threads); a per-channel lock keeps live saves and recovered saves in order.
    """

    def __init__(self, store: Store, analyzer: Analyzer) -> None:
        self.store = store
        self.analyzer = analyzer
        # Set by the daemon once its alert sender exists: wakes the sender when an alert may be due.
        self.on_change: Callable[[], None] | None = None
        self.last_post_at: dict[int, datetime] = {}
        # Channel context (see Store.context): fixed priors per channel id from the config; the rest learned
        # from the archive unless learning is off.
        self.fixed_context: dict[int, ChannelContext] = {}
        self.learn_context = True
        self._locks: dict[int, asyncio.Lock] = {}
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="analysis")

    def lock(self, channel_id: int) -> asyncio.Lock:
        return self._locks.setdefault(channel_id, asyncio.Lock())

    async def analyze(self, texts: list[str], contexts: list[ChannelContext] | None = None) -> list[Analysis]:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self.analyzer.analyze_many, texts, contexts)

    async def ingest(
        self, posts: Sequence[Post], *, late: bool = False, alert: bool = True
    ) -> list[SaveOutcome]:
        """Analyse and store posts, of one channel or of many (live posts over a thousand channels come one a
        channel: analysed and saved together, in one transaction); recovered (late) posts carry their delay
        into the alert, counted from the edit for an edited post (an edit that newly flags a post is news
        when made)."""
        if not posts:
            return []
        contexts = await self.store.context.for_posts(posts, self.fixed_context, learn=self.learn_context)
        analyses = await self.analyze([post.text for post in posts], contexts)
        now = utcnow()
        delays = (
            {
                (p.channel_id, p.message_id): max(0.0, (now - (p.edit_date or p.date)).total_seconds())
                for p in posts
            }
            if late
            else None
        )
        async with contextlib.AsyncExitStack() as locks:
            for channel_id in sorted({post.channel_id for post in posts}):  # in one order: no deadlock
                await locks.enter_async_context(self.lock(channel_id))
            outcomes = await self.store.save(
                list(zip(posts, analyses, strict=True)), late_seconds=delays, alert=alert
            )
        for post in posts:
            if post.date > self.last_post_at.get(post.channel_id, _EPOCH):
                self.last_post_at[post.channel_id] = post.date
        if any(o.new_alert_ids or o.status == "edited" for o in outcomes):
            self._changed()
        return outcomes

    async def delete(self, channel_id: int, message_ids: Sequence[int]) -> int:
        """Tombstone deleted posts (text kept); alerts already sent get annotated by the sender."""
        if not message_ids:
            return 0
        async with self.lock(channel_id):
            marked = await self.store.mark_deleted(channel_id, list(message_ids), utcnow())
        if marked:
            self._changed()
        return marked

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


# ---------------------------------------------------------------------------------------------
# live handlers


def advance_pts(known: dict[int, int], channel_id: int, update: object) -> None:
    """Move a channel's pts along an unbroken chain of live updates only: an update whose pts does not
    follow the known one leaves it behind, so change detection sees the gap and reads the difference
    (Telethon fills pts gaps itself but drops the edits and deletions it finds there)."""
    pts, count = getattr(update, "pts", 0), getattr(update, "pts_count", 0)
    have = known.get(channel_id)
    if pts and have is not None and pts - count == have:
        known[channel_id] = pts


@dataclass(frozen=True, slots=True)
class LiveItem:
    """One live event waiting to be stored: a new or edited post, or deleted ids, with its raw update."""

    channel_id: int
    post: Post | None
    deleted: tuple[int, ...]
    update: object


LIVE_QUEUE = 2_000  # events waiting at most; beyond it the handlers wait (backpressure), memory stays bounded
LIVE_BATCH = 200  # events stored per round: a surge is analysed and written in batches, not one by one
# Waits between attempts to store while the archive fails (its server is down, say): doubling up to the last.
ARCHIVE_RETRY_SECONDS = (1.0, 30.0)


class LiveIngest:
    """Telethon event handlers for new, edited and deleted posts of the watched channels.

    Handlers only queue the event; `run()` stores what is queued in batches, in arrival order. A full
    queue makes the handlers wait, so a surge costs a bounded amount of memory and comes out as larger
    batches; events still queued at shutdown are found by the first look after the restart. Events of
    the `others` (a worker's channels held by another worker) are kept in `held_back` until handed over.
    """

    def __init__(self, client: TelegramClient, ingestor: Ingestor) -> None:
        self.client = client
        self.ingestor = ingestor
        self.watched: set[int] = set()
        self.others: set[int] = set()
        self.held_back = PushBuffer()
        self.pts: dict[int, int] = {}
        self.queue: asyncio.Queue[LiveItem] = asyncio.Queue(LIVE_QUEUE)
        self._handlers = (
            (self._on_message, events.NewMessage()),
            (self._on_message, events.MessageEdited()),
            (self._on_deleted, events.MessageDeleted()),
        )

    def start(self) -> None:
        for callback, event in self._handlers:
            self.client.add_event_handler(callback, event)

    def stop(self) -> None:
        """Stop intake: no more live events are processed after this."""
        for callback, event in self._handlers:
            self.client.remove_event_handler(callback, type(event))

    async def run(self) -> None:
        """Store queued events until cancelled: up to LIVE_BATCH at a time, grouped by channel and kind."""
        while True:
            items = [await self.queue.get()]
            while len(items) < LIVE_BATCH and not self.queue.empty():
                items.append(self.queue.get_nowait())
            for group in live_groups(items):
                await self._store_when_possible(group)

    async def _store_when_possible(self, group: list[LiveItem]) -> None:
        """Store a group, waiting out an archive that fails (its server down or restarting) with the events
        kept in hand: the queue fills meanwhile and holds the handlers, and what Telegram sends beyond it
        stays in the channels' history for the next look. Saving is idempotent, so a retry of a group that
        was half stored changes nothing twice."""
        delay, longest = ARCHIVE_RETRY_SECONDS
        failing = False
        while True:
            try:
                await self._store(group)
            except ArchiveError as error:  # names the archive (a URL without its password) and the cause
                log_event(
                    log,
                    "archive_unavailable",
                    level=logging.ERROR,
                    error=str(error),
                    waiting_events=len(group) + self.queue.qsize(),
                    retry_seconds=delay,
                )
                failing = True
                await asyncio.sleep(delay)
                delay = min(delay * 2, longest)
                continue
            if failing:
                log_event(log, "archive_available", stored_events=len(group))
            return

    async def _store(self, group: list[LiveItem]) -> None:
        posts = [item.post for item in group if item.post is not None]
        if posts:
            outcomes = await self.ingestor.ingest(posts)
            for post, outcome in zip(posts, outcomes, strict=True):
                log_event(
                    log, "post_live", channel=post.channel_id, message=post.message_id, status=outcome.status
                )
        deleted: dict[int, list[int]] = {}
        for item in group:
            deleted.setdefault(item.channel_id, []).extend(item.deleted)
        for channel_id, ids in deleted.items():
            if ids:
                marked = await self.ingestor.delete(channel_id, ids)
                log_event(log, "posts_deleted", channel=channel_id, messages=len(ids), marked=marked)
        for item in group:
            advance_pts(self.pts, item.channel_id, item.update)

    def read_only(
        self, watched: set[int], others: set[int], marks: Mapping[int, int] | None = None
    ) -> dict[int, Handover]:
        """Store the `watched` channels' events and keep those of the `others` for a takeover. Each watched
        channel in `marks` (one just gained, with the archive's pts for it) has what was kept of it above
        its mark queued for storing at once, ahead of its next live event, and its live pts starts at the
        mark, so storing the kept chain carries it to where Telegram is (a gap leaves it behind, for change
        detection and the catch-up). Nothing is awaited here: no live event can slip in between."""
        self.watched, self.others = watched, others - watched
        handed = {c: self._hand_over(c, mark) for c, mark in (marks or {}).items() if c in watched}
        self.held_back.forget(self.held_back.channels() - self.others)
        return handed

    def _hand_over(self, channel_id: int, mark: int) -> Handover:
        handover = self.held_back.take(channel_id, mark)
        if mark > 0:
            self.pts[channel_id] = mark
        for item in handover.items:
            try:
                self.queue.put_nowait(item)
            except asyncio.QueueFull:  # a surge: what could not be queued is read by the catch-up
                return Handover(handover.items, gap=True)
        return handover

    async def _on_message(self, event: events.NewMessage.Event) -> None:
        channel_id = event_channel_id(event.chat_id)
        if channel_id is None or not self._wanted(channel_id) or not isinstance(event.message, types.Message):
            return
        post = to_post(event.message, channel_id)
        await self._arrived(LiveItem(channel_id, post, (), event.original_update))

    async def _on_deleted(self, event: events.MessageDeleted.Event) -> None:
        channel_id = event_channel_id(event.chat_id)
        if channel_id is None or not self._wanted(channel_id):
            return
        await self._arrived(LiveItem(channel_id, None, tuple(event.deleted_ids), event.original_update))

    def _wanted(self, channel_id: int) -> bool:
        return channel_id in self.watched or channel_id in self.others

    async def _arrived(self, item: LiveItem) -> None:
        if item.channel_id in self.watched:
            await self.queue.put(item)
        elif item.channel_id in self.others:
            self.held_back.keep(item)


def live_groups(items: list[LiveItem]) -> list[list[LiveItem]]:
    """Consecutive events of one kind (posts and edits, or deletions), of any channels, each message at
    most once per group (an edit right after its post is stored after it, not merged with it)."""
    groups: list[list[LiveItem]] = []
    seen: set[tuple[int, int]] = set()
    for item in items:
        ids = [item.post.message_id] if item.post is not None else item.deleted
        keys = {(item.channel_id, message_id) for message_id in ids}
        last = groups[-1] if groups else None
        if last is not None and (last[0].post is None) == (item.post is None) and not keys & seen:
            last.append(item)
        else:
            groups.append([item])
            seen = set()
        seen |= keys
    return groups

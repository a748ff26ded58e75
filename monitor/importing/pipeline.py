"""Import post files into the archive: read, resolve each post's channel, analyse, save in batches.

`import_files` reads like the whole algorithm: records from the files in order, a Post for each (or a
reported problem), analysis of a batch (here, or in worker processes while the previous batch is saved),
then one archive transaction per batch (two in flight on PostgreSQL: in_flight.py). Importing the same
files twice changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import multiprocessing
from collections import Counter, deque
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from monitor.analysis import Analyzer
from monitor.analysis.links import with_text_links
from monitor.config import ChannelRef, parse_channel_ref
from monitor.importing.files import MAX_ID, InputFileError, InputProblem, InputRecord, read_posts
from monitor.importing.in_flight import InFlight
from monitor.model import Analysis, Channel, ChannelContext, Post, SaveOutcome
from monitor.store import Store

T = TypeVar("T")

IMPORT_BATCH = 1000
MAX_PROBLEMS_SHOWN = 50
LOCAL_CHANNEL_ID_BASE = 10**15  # above any Telegram channel id: posts whose channel is known only by name


@dataclass
class PostFiles:
    """Reads post files in order, reporting each problem through `report` and counting them.

    Problems are reported in file order, as each record is reached, and the caller reports its own
    (`problem`) before it asks for the next record, so they stay in order too. Past
    MAX_PROBLEMS_SHOWN per file they are counted, not shown, so one broken file cannot flood the
    terminal; a line after the file says how many were not shown. With `require_date`, a record whose
    `date` is malformed is skipped; otherwise it is kept and the problem reported.
    """

    report: Callable[[str], None]
    require_date: bool = False
    malformed: int = 0
    flawed: int = 0
    unreadable: int = 0
    _shown: int = 0

    def records(self, paths: Iterable[Path]) -> Iterator[InputRecord]:
        for path in paths:
            self._shown = 0
            try:
                for item in read_posts(path):
                    if isinstance(item, InputProblem):
                        self.problem(item)
                    elif self.require_date and item.date_problem:
                        self.problem(InputProblem(item.location, item.date_problem))
                    else:
                        self._note(item)
                        yield item
            except InputFileError as exc:
                self.unreadable += 1
                self.report(f"error: {exc}")
            if self._shown > MAX_PROBLEMS_SHOWN:
                self.report(f"{path}: {self._shown - MAX_PROBLEMS_SHOWN} more problem(s) not shown")

    def problem(self, problem: InputProblem) -> None:
        """A record that is skipped: malformed, or well-formed but unusable for this purpose."""
        self.malformed += 1
        self._show(f"skipped {problem}")

    def _note(self, record: InputRecord) -> None:
        notes = [*record.notes, *([record.date_problem] if record.date_problem else [])]
        if notes:
            self.flawed += 1
            self._show(f"kept {record.location}: {'; '.join(notes)}")

    def _show(self, line: str) -> None:
        self._shown += 1
        if self._shown <= MAX_PROBLEMS_SHOWN:
            self.report(line)


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass(frozen=True)
class AnalyzerSpec:
    """What a worker process needs to build its own analyser."""

    conflicts: Path | None = None
    backend: str = "langdetect"

    def build(self) -> Analyzer:
        return Analyzer.from_files(self.conflicts, self.backend)


@dataclass
class ImportCounts:
    """Posts saved by outcome (new, edited, unchanged)."""

    statuses: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return self.statuses.total()


async def import_files(
    paths: Iterable[Path],
    store: Store,
    files: PostFiles,
    *,
    analyzer: Analyzer,
    spec: AnalyzerSpec = AnalyzerSpec(),
    default_channel: ChannelRef | None = None,
    jobs: int = 1,
    advance: Callable[[int], object] = lambda _: None,
    learn_context: bool = True,
) -> ImportCounts:
    """Store every post of `paths` with its analysis; imported posts never alert. The posts are saved with
    their search indexes deferred (store/exact_index.py, store/word_forms.py), so they are in the archive
    sooner; the exact index is built before this returns, the word-form index is left to catch_up.py.

    With `jobs` above 1, batches are analysed in that many processes (built from `spec`) while earlier
    batches are saved; in any case a batch is saved while the next one's records are read (in_flight.py).
    `advance` is told how many records each saved batch covered. Each post is analysed
    with its channel's context as learned so far (unless `learn_context` is False) and the flags of the
    post it replies to or forwards, when archived.
    """
    counts = ImportCounts()
    channels = ChannelResolver(store, default_channel)
    pending: deque[tuple[int, list[Post], asyncio.Future[list[Analysis]]]] = deque()

    def saved(size: int, outcomes: list[SaveOutcome]) -> None:
        counts.statuses.update(outcome.status for outcome in outcomes)
        advance(size)

    saves = InFlight(store, saved)

    async def save_oldest() -> None:
        size, posts, analyses = pending.popleft()
        await saves.add(size, list(zip(posts, await analyses, strict=True)))

    with _analysis_pool(jobs, spec) as pool:
        analyse = _Analyse(analyzer, pool, jobs)
        try:
            async for size, posts in _post_batches(files.records(paths), channels, files):
                # Context as the archive knows it before this batch (learned priors, answered posts): with
                # as many earlier batches not stored yet as analysis runs ahead, in flight or not.
                await saves.settle(analyse.ahead - len(pending))
                contexts = await store.context.for_posts(posts, learn=learn_context)
                pending.append((size, posts, analyse.submit([post.text for post in posts], contexts)))
                if len(pending) > analyse.ahead:
                    await save_oldest()
            while pending:
                await save_oldest()
            await saves.settle()
        finally:
            for _, _, analyses in pending:
                analyses.cancel()
            await saves.close()
    await store.upkeep.build_exact_index()
    return counts


async def _post_batches(
    records: Iterable[InputRecord], channels: ChannelResolver, files: PostFiles
) -> AsyncIterator[tuple[int, list[Post]]]:
    """Posts in batches of IMPORT_BATCH records, each record turned into a Post as soon as it is read so
    that its problems are reported in file order."""
    size, posts = 0, []
    for record in records:
        size += 1
        if post := await _post(record, channels, files):
            posts.append(post)
        if size == IMPORT_BATCH:
            yield size, posts
            size, posts = 0, []
    if size:
        yield size, posts


async def _post(record: InputRecord, channels: ChannelResolver, files: PostFiles) -> Post | None:
    """The archive's Post for a record, or None (reported) when an id, a date or the channel is missing."""
    message_id, when = record.message_id, record.when
    if message_id is None:
        reason = "no message id (a number in 'id' or 'message_id')"
    elif abs(message_id) > MAX_ID:
        reason = f"message id {message_id} is out of range (an archived id fits in 64 bits)"
    elif when is None:
        reason = "no 'date'"
    elif (channel_id := await channels.resolve(record)) is None:
        reason = "no channel: give 'channel' or 'channel_id' in the post, or --channel"
    else:
        return Post(
            channel_id=channel_id,
            message_id=message_id,
            date=when,
            text=record.text,
            edit_date=record.edited,
            forward_origin=record.forward_origin,
            media_kind=record.media_kind,
            links=with_text_links(record.links, record.text),
            reply_to=record.reply_to,
        )
    files.problem(InputProblem(record.location, reason))
    return None


_WORKER: dict[str, Analyzer] = {}  # the analyser of a worker process, built once per process


def _start_worker(spec: AnalyzerSpec) -> None:
    _WORKER["analyzer"] = spec.build()


def _analyse_in_worker(texts: list[str], contexts: list[ChannelContext]) -> list[Analysis]:
    return _WORKER["analyzer"].analyze_many(texts, contexts)


@contextlib.contextmanager
def _analysis_pool(jobs: int, spec: AnalyzerSpec) -> Iterator[Executor | None]:
    """Worker processes for jobs above 1 (spawned: forking a process that runs threads is unsafe)."""
    if jobs == 1:
        yield None
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(jobs, context, _start_worker, (spec,)) as pool:
        yield pool


@dataclass(frozen=True)
class _Analyse:
    """Analyses a batch here, or in the pool so that the archive is written meanwhile."""

    analyzer: Analyzer
    pool: Executor | None
    jobs: int

    @property
    def ahead(self) -> int:
        """How many batches may be in analysis while an earlier one is saved: one per worker."""
        return 0 if self.pool is None else self.jobs

    def submit(self, texts: list[str], contexts: list[ChannelContext]) -> asyncio.Future[list[Analysis]]:
        if self.pool is None:
            done: asyncio.Future[list[Analysis]] = asyncio.get_running_loop().create_future()
            done.set_result(self.analyzer.analyze_many(texts, contexts))
            return done
        return asyncio.wrap_future(self.pool.submit(_analyse_in_worker, texts, contexts))


class ChannelResolver:
    """Finds the channel id of imported posts, registering channels the archive does not know yet."""

    def __init__(self, store: Store, default: ChannelRef | None) -> None:
        self.store = store
        self.default = default
        self.known: dict[object, int] = {}

    async def resolve(self, record: InputRecord) -> int | None:
        if record.channel_id is not None:
            return await self._by_id(
                record.channel_id, record.channel if isinstance(record.channel, str) else None
            )
        if isinstance(record.channel, str):
            return await self._by_name(record.channel.strip())
        if self.default is None:
            return None
        if isinstance(self.default.value, int):
            return await self._by_id(self.default.value, None)
        return await self._by_name(self.default.value)

    async def _by_id(self, channel_id: int, title: str | None) -> int:
        if channel_id not in self.known:
            if await self.store.channel(channel_id) is None:
                await self.store.upsert_channel(Channel(channel_id, title or str(channel_id)))
            self.known[channel_id] = channel_id
        return channel_id

    async def _by_name(self, name: str) -> int:
        """A channel known only by name: the archive's channel of that username, else a stable local id."""
        username = _username(name)
        key = (username or name).lower().removeprefix("@")
        if key not in self.known:
            found = [
                c.id for c in await self.store.channels() if username and (c.username or "").lower() == key
            ]
            if found:
                self.known[key] = found[0]
            else:
                digest = hashlib.blake2b(key.encode("utf-8", "replace"), digest_size=8).digest()
                channel_id = LOCAL_CHANNEL_ID_BASE + int.from_bytes(digest) % LOCAL_CHANNEL_ID_BASE
                if await self.store.channel(channel_id) is None:
                    await self.store.upsert_channel(Channel(channel_id, name, username))
                self.known[key] = channel_id
        return self.known[key]


def _username(name: str) -> str | None:
    try:
        ref = parse_channel_ref(name)
    except ValueError:
        return None
    return ref.value if isinstance(ref.value, str) and ref.kind == "username" else None

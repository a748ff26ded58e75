"""Offline commands: analyse post files, import them into the archive, query, export, evaluate, check config.

They work without Telegram, so analysts can tune watchlists on history before going live and study the
archive afterwards. Exit codes follow monitor/cli/__init__.py: 2 for an unreadable input file or bad
usage (the other files are still processed), 3 when some records were malformed and skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import functools
import hashlib
import json
import multiprocessing
import os
import re
import sys
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

from monitor.inputs import InputFileError, InputProblem, InputRecord, read_posts
from monitor.model import Analysis, Channel, Post

if TYPE_CHECKING:
    from monitor.analysis import Analyzer, Watchlist
    from monitor.config import ChannelRef, Config
    from monitor.evaluation import Evaluation
    from monitor.store import Store, StoredPost

T = TypeVar("T")

ANALYZE_BATCH = 256
IMPORT_BATCH = 1000
MAX_PROBLEMS_SHOWN = 50
LOCAL_CHANNEL_ID_BASE = 10**15  # above any Telegram channel id: posts whose channel is known only by name


class CommandFailed(click.ClickException):
    """A one-line error for the user, with the exit code documented in monitor/cli/__init__.py."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


# ---------------------------------------------------------------------------------------------
# shared options and plumbing

_archive_option = click.option(
    "--archive",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="MONITOR_ARCHIVE",
    default="monitor.db",
    show_default=True,
    show_envvar=True,
    help="The archive file.",
)
_conflicts_option = click.option(
    "--conflicts",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Watchlist file (default: the bundled config/conflicts.toml).",
)
_backend_option = click.option(
    "--backend", default="langdetect", show_default=True, help="Language detection backend."
)
_files_argument = click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))


def _filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The filters shared by search, export and stats."""
    options = [
        click.option("--channel", help="Channel id, @username or t.me link."),
        click.option("--conflict", help="Conflict id, e.g. russia-ukraine."),
        click.option("--lang", help="Language code, e.g. ru."),
        click.option("--since", help="From this date or time (UTC, inclusive), e.g. 2026-01-31."),
        click.option("--until", help="Up to this date (inclusive) or time (exclusive), UTC."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _filters(
    channel: str | None, conflict: str | None, lang: str | None, since: str | None, until: str | None
) -> dict[str, Any]:
    return {
        "channel": channel,
        "conflict": conflict,
        "lang": lang,
        "since": _when("--since", since, end_of_day=False),
        "until": _when("--until", until, end_of_day=True),
    }


def _when(option: str, value: str | None, *, end_of_day: bool) -> datetime | None:
    """Parse a UTC date or time; a bare date as --until includes that whole day."""
    if value is None:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            day = date.fromisoformat(value.strip()) + timedelta(days=1 if end_of_day else 0)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        problem = f"{value!r} is not a date (2026-01-31) or time (2026-01-31T12:00)"
        raise click.BadParameter(problem, param_hint=option) from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _analyzer(conflicts: Path | None, backend: str) -> Analyzer:
    from monitor.analysis import Analyzer, WatchlistError

    try:
        return Analyzer.from_files(conflicts, backend)
    except (WatchlistError, ValueError, OSError) as exc:
        raise CommandFailed(str(exc), 2) from None


def _run(work: Callable[[], Awaitable[T]]) -> T:
    """Run an archive coroutine, turning archive errors into one line and exit status 1."""
    from monitor.store import ArchiveError

    try:
        return asyncio.run(work())
    except ArchiveError as exc:
        raise CommandFailed(str(exc), 1) from None


async def _open_store(path: Path, *, readonly: bool) -> Store:
    from monitor.store import Store

    return await Store.open(path, readonly=readonly)


def _closed_pipe_quiet(command: Callable[..., None]) -> Callable[..., None]:
    """`monitor export | head` is normal use: when the reader leaves, stop without a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            command(*args, **kwargs)
        except BrokenPipeError:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)

    return wrapper


def _out(line: str) -> None:
    sys.stdout.write(line + "\n")


def _json(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, default=str)


@dataclass
class _Inputs:
    """Reads the input files in order, reporting each problem on stderr and remembering the exit status."""

    echo: Callable[[str], None] = field(default=lambda line: click.echo(line, err=True))
    malformed: int = 0
    unreadable: int = 0

    def records(self, paths: Iterable[Path]) -> Iterator[InputRecord]:
        for path in paths:
            shown = 0
            try:
                for item in read_posts(path):
                    if isinstance(item, InputRecord):
                        yield item
                        continue
                    self.malformed += 1
                    shown += 1
                    if shown <= MAX_PROBLEMS_SHOWN:
                        self.echo(f"skipped {item}")
                if shown > MAX_PROBLEMS_SHOWN:
                    self.echo(f"{path}: {shown - MAX_PROBLEMS_SHOWN} more malformed records not shown")
            except InputFileError as exc:
                self.unreadable += 1
                self.echo(f"error: {exc}")

    def problem(self, problem: InputProblem) -> None:
        """A record that is well-formed JSON but unusable for this command."""
        self.malformed += 1
        self.echo(f"skipped {problem}")

    def finish(self) -> None:
        if self.unreadable:
            raise CommandFailed(f"{self.unreadable} input file(s) could not be read", 2)
        if self.malformed:
            raise CommandFailed(f"{self.malformed} malformed record(s) skipped", 3)


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _matches(analysis: Analysis) -> list[dict[str, Any]]:
    return [
        {"conflict": m.conflict, "term": m.term, "lang": m.lang, "start": m.start, "end": m.end}
        for m in analysis.matches
    ]


# ---------------------------------------------------------------------------------------------
# analyze


@click.command("analyze")
@_files_argument
@_conflicts_option
@_backend_option
@_closed_pipe_quiet
def analyze(files: tuple[Path, ...], conflicts: Path | None, backend: str) -> None:
    """Analyse posts and print one JSON line per post, in input order.

    FILES are JSONL (one post per line: `text`, optional `id` or `message_id`, `channel`, `date`),
    JSON arrays of such posts, or Telegram Desktop exports (result.json). Each output line has `id`
    (as given), `lang`, `lang_confidence`, `conflicts`, `matches` and `channel`/`date` when given.
    Malformed records are reported on stderr and skipped (exit status 3).

    \b
    Example:
      monitor analyze config/sample_posts.jsonl
    """
    analyzer = _analyzer(conflicts, backend)
    inputs = _Inputs()
    for batch in _batches(inputs.records(files), ANALYZE_BATCH):
        for record, analysis in zip(batch, analyzer.analyze_many(r.text for r in batch), strict=True):
            _out(_json(_analysis_line(record, analysis)))
    sys.stdout.flush()
    inputs.finish()


def _analysis_line(record: InputRecord, analysis: Analysis) -> dict[str, Any]:
    line: dict[str, Any] = {"id": record.id}
    if record.channel is not None:
        line["channel"] = record.channel
    if record.date is not None:
        line["date"] = record.date
    line.update(
        lang=analysis.lang,
        lang_confidence=round(analysis.lang_confidence, 4),
        conflicts=list(analysis.conflicts),
        matches=_matches(analysis),
    )
    return line


# ---------------------------------------------------------------------------------------------
# import


@click.command("import")
@_files_argument
@_archive_option
@click.option("--channel", help="Channel for posts that name none: a numeric id or a @username.")
@_conflicts_option
@_backend_option
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Processes that analyse posts while this one writes the archive (up to the number of cores).",
)
def import_(
    files: tuple[Path, ...],
    archive: Path,
    channel: str | None,
    conflicts: Path | None,
    backend: str,
    jobs: int,
) -> None:
    """Analyse posts and store them in the archive (idempotent: importing twice changes nothing).

    Takes the same files as `analyze`. Each post needs a message id, a date and a channel: the post's
    `channel_id`/`sender_id`/`channel`, the export's chat, or --channel. Imported posts never alert.

    \b
    Example:
      monitor import result.json --archive monitor.db
      monitor import posts.jsonl --channel @some_channel
      monitor import exports/*.json --jobs 2
    """
    from tqdm import tqdm

    default = _channel_option(channel)
    analyzer = _analyzer(conflicts, backend)
    progress = tqdm(unit=" posts", file=sys.stderr, disable=None, dynamic_ncols=True)
    inputs = _Inputs(echo=lambda line: progress.write(line, file=sys.stderr))
    try:
        with _analysis_pool(jobs, conflicts, backend) as pool:
            analyse = _Analyse(analyzer, pool, jobs)
            counts = _run(lambda: _import(files, archive, default, analyse, inputs, progress.update))
    finally:
        progress.close()
    click.echo(
        f"imported {counts.total()} posts into {archive}: {counts['new']} new, {counts['edited']} edited, "
        f"{counts['unchanged']} unchanged"
    )
    inputs.finish()


def _channel_option(value: str | None) -> ChannelRef | None:
    from monitor.config import parse_channel_ref

    if value is None:
        return None
    try:
        ref = parse_channel_ref(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--channel") from None
    if ref.kind == "invite":
        raise click.BadParameter("an invite link does not say which channel it is", param_hint="--channel")
    return ref


_WORKER: dict[str, Analyzer] = {}  # the analyser of an --jobs worker process, built once per process


def _start_worker(conflicts: Path | None, backend: str) -> None:
    from monitor.analysis import Analyzer

    _WORKER["analyzer"] = Analyzer.from_files(conflicts, backend)


def _analyse_in_worker(texts: list[str]) -> list[Analysis]:
    return _WORKER["analyzer"].analyze_many(texts)


@contextlib.contextmanager
def _analysis_pool(jobs: int, conflicts: Path | None, backend: str) -> Iterator[Executor | None]:
    """Worker processes for --jobs above 1 (spawned: forking a process that runs threads is unsafe)."""
    if jobs == 1:
        yield None
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(jobs, context, _start_worker, (conflicts, backend)) as pool:
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

    def submit(self, texts: list[str]) -> asyncio.Future[list[Analysis]]:
        if self.pool is None:
            done: asyncio.Future[list[Analysis]] = asyncio.get_running_loop().create_future()
            done.set_result(self.analyzer.analyze_many(texts))
            return done
        return asyncio.wrap_future(self.pool.submit(_analyse_in_worker, texts))


async def _import(
    files: tuple[Path, ...],
    archive: Path,
    default: ChannelRef | None,
    analyse: _Analyse,
    inputs: _Inputs,
    advance: Callable[[int], object],
) -> Counter[str]:
    counts: Counter[str] = Counter()
    pending: deque[tuple[int, list[Post], asyncio.Future[list[Analysis]]]] = deque()

    async def save_oldest() -> None:
        size, posts, analyses = pending.popleft()
        outcomes = await store.save(list(zip(posts, await analyses, strict=True)), alert=False)
        counts.update(outcome.status for outcome in outcomes)
        advance(size)

    async with await _open_store(archive, readonly=False) as store:
        channels = _ChannelResolver(store, default)
        try:
            for batch in _batches(inputs.records(files), IMPORT_BATCH):
                posts = [post for record in batch if (post := await _post(record, channels, inputs))]
                pending.append((len(batch), posts, analyse.submit([post.text for post in posts])))
                if len(pending) > analyse.ahead:
                    await save_oldest()
            while pending:
                await save_oldest()
        finally:
            for _, _, analyses in pending:
                analyses.cancel()
    return counts


async def _post(record: InputRecord, channels: _ChannelResolver, inputs: _Inputs) -> Post | None:
    """The archive's Post for a record, or None (reported) when an id, a date or the channel is missing."""
    message_id, when = record.message_id, record.when
    if message_id is None:
        reason = "no message id (a number in 'id' or 'message_id')"
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
            links=record.links,
        )
    inputs.problem(InputProblem(record.location, reason))
    return None


class _ChannelResolver:
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
    from monitor.config import parse_channel_ref

    try:
        ref = parse_channel_ref(name)
    except ValueError:
        return None
    return ref.value if isinstance(ref.value, str) and ref.kind == "username" else None


# ---------------------------------------------------------------------------------------------
# search, export, stats

EXPORT_FIELDS = (
    "channel_id",
    "channel",
    "channel_username",
    "channel_title",
    "message_id",
    "date",
    "edit_date",
    "text",
    "lang",
    "lang_confidence",
    "conflicts",
    "matches",
    "views",
    "forwards",
    "replies",
    "reactions",
    "forward_origin",
    "media_kind",
    "links",
    "grouped_id",
    "deleted",
    "deleted_at",
    "revisions",
)


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when else None


def _export_row(stored: StoredPost, revisions: list[tuple[datetime | None, str]]) -> dict[str, Any]:
    post, channel, analysis = stored.post, stored.channel, stored.analysis
    username = channel.username if channel else None
    return {
        "channel_id": post.channel_id,
        "channel": username,
        "channel_username": username,
        "channel_title": channel.title if channel else None,
        "message_id": post.message_id,
        "date": _iso(post.date),
        "edit_date": _iso(post.edit_date),
        "text": post.text,
        "lang": analysis.lang if analysis else None,
        "lang_confidence": analysis.lang_confidence if analysis else None,
        "conflicts": list(analysis.conflicts) if analysis else [],
        "matches": _matches(analysis) if analysis else [],
        "views": post.views,
        "forwards": post.forwards,
        "replies": post.replies,
        "reactions": dict(post.reactions),
        "forward_origin": post.forward_origin,
        "media_kind": post.media_kind,
        "links": list(post.links),
        "grouped_id": post.grouped_id,
        "deleted": stored.deleted_at is not None,
        "deleted_at": _iso(stored.deleted_at),
        "revisions": [{"edit_date": _iso(when), "text": text} for when, text in revisions],
    }


async def _rows(store: Store, posts: Iterable[StoredPost]) -> list[dict[str, Any]]:
    return [await _row(store, stored) for stored in posts]


async def _row(store: Store, stored: StoredPost) -> dict[str, Any]:
    revisions = (
        await store.revisions(stored.post.channel_id, stored.post.message_id) if stored.revisions else []
    )
    return _export_row(stored, revisions)


@click.command("search")
@click.argument("query")
@_archive_option
@_filter_options
@click.option(
    "--limit", type=click.IntRange(min=1), default=50, show_default=True, help="At most this many posts."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per post (the export format).")
@_closed_pipe_quiet
def search(query: str, archive: Path, limit: int, as_json: bool, **filters: str | None) -> None:
    """Full-text search of the archive, newest first (FTS5 syntax: words, "phrases", OR, prefix*).

    \b
    Example:
      monitor search 'Херсон OR Kherson' --conflict russia-ukraine --since 2026-01-01
    """
    where = _filters(**filters)

    async def work() -> list[dict[str, Any]]:
        async with await _open_store(archive, readonly=True) as store:
            return await _rows(store, await store.search(query, limit=limit, **where))

    for row in _run(work):
        _out(_json(row) if as_json else _search_line(row))


def _search_line(row: dict[str, Any]) -> str:
    where = f"@{row['channel']}" if row["channel"] else (row["channel_title"] or str(row["channel_id"]))
    flags = ",".join(row["conflicts"]) or "-"
    text = " ".join(row["text"].split())
    text = text if len(text) <= 120 else text[:119] + "…"
    return f"{row['date']}  {where}/{row['message_id']}  [{row['lang']}] {flags}  {text}"


@click.command("export")
@_archive_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@_filter_options
@click.option(
    "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout."
)
@_closed_pipe_quiet
def export(archive: Path, fmt: str, output: Path | None, **filters: str | None) -> None:
    """Write archived posts (by date) as JSONL or CSV, with analysis, engagement, tombstones and revisions.

    In JSONL `revisions` lists earlier texts; in CSV it is their count and lists are JSON-encoded.

    \b
    Example:
      monitor export --archive monitor.db --format csv --conflict israel-hamas --output hamas.csv
    """
    where = _filters(**filters)

    async def work(sink: IO[str]) -> int:
        write = _csv_writer(sink) if fmt == "csv" else (lambda row: sink.write(_json(row) + "\n"))
        count = 0
        async with await _open_store(archive, readonly=True) as store:
            async for stored in store.iter_posts(**where):
                write(await _row(store, stored))
                count += 1
        return count

    if output is None:
        _run(lambda: work(sys.stdout))
        return
    try:
        with output.open("w", encoding="utf-8", newline="") as sink:
            count = _run(lambda: work(sink))
    except OSError as exc:
        raise CommandFailed(f"{output}: cannot write: {exc.strerror or exc}", 1) from None
    click.echo(f"exported {count} posts to {output}", err=True)


def _csv_writer(sink: IO[str]) -> Callable[[dict[str, Any]], None]:
    writer = csv.DictWriter(sink, fieldnames=EXPORT_FIELDS)
    writer.writeheader()

    def write(row: dict[str, Any]) -> None:
        flat = {**row, "revisions": len(row["revisions"])}
        writer.writerow({k: _json(v) if isinstance(v, list | dict) else v for k, v in flat.items()})

    return write


@click.command("stats")
@_archive_option
@_filter_options
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
def stats(archive: Path, as_json: bool, **filters: str | None) -> None:
    """Counts over the archive: posts, deletions, edits, per channel, conflict, language and alert status.

    \b
    Example:
      monitor stats --since 2026-01-01 --conflict russia-ukraine
    """
    where = _filters(**filters)

    async def work() -> dict[str, Any]:
        async with await _open_store(archive, readonly=True) as store:
            return await store.stats(**where)

    figures = _run(work)
    if as_json:
        _out(_json(figures))
        return
    for key, value in figures.items():
        if key == "channels":
            _out(f"{key}:")
            for ch in value:
                name = f"@{ch['username']}" if ch["username"] else ch["title"]
                _out(f"  {ch['posts']:>8}  {name} ({ch['id']})")
        elif isinstance(value, dict):
            _out(f"{key}:" + ("" if value else " none"))
            for name, count in value.items():
                _out(f"  {count:>8}  {name}")
        else:
            _out(f"{key}: {value}")


# ---------------------------------------------------------------------------------------------
# evaluate


@click.command("evaluate")
@click.argument("labeled", type=click.Path(path_type=Path))
@_conflicts_option
@_backend_option
@click.option("--json", "as_json", is_flag=True, help="Print the scores as one JSON object.")
@click.option("--mistakes", is_flag=True, help="Also list each false positive and missed post by id.")
def evaluate(labeled: Path, conflicts: Path | None, backend: str, as_json: bool, mistakes: bool) -> None:
    """Score the watchlists on posts with gold `labels` (conflict ids) and optional gold `lang`.

    Prints precision, recall and F1 per conflict, micro-averaged scores, language accuracy over the
    posts that give `lang`, and the counts behind them.

    \b
    Example:
      monitor evaluate tests/data/eval.jsonl --mistakes
    """
    from monitor.evaluation import Judged
    from monitor.evaluation import evaluate as score

    analyzer = _analyzer(conflicts, backend)
    inputs = _Inputs()

    def judged() -> Iterator[Judged]:
        for record in inputs.records([labeled]):
            if record.labels is None:
                inputs.problem(InputProblem(record.location, "no 'labels' (a list of conflict ids)"))
                continue
            analysis = analyzer.analyze(record.text)
            yield Judged(
                record.id, frozenset(record.labels), frozenset(analysis.conflicts), record.lang, analysis.lang
            )

    result = score(judged(), analyzer.conflicts)
    if as_json:
        _out(_json(result.as_dict()))
    else:
        _print_evaluation(result)
    if mistakes:
        for kind, conflict, post_id in result.mistakes:
            _out(f"{kind:<15} {conflict:<20} id={_json(post_id)}")
    inputs.finish()


def _print_evaluation(result: Evaluation) -> None:
    def pct(value: float | None) -> str:
        return "     -" if value is None else f"{value:6.3f}"

    _out(f"posts: {result.posts}")
    _out(f"{'conflict':<24}{'precision':>10}{'recall':>10}{'F1':>10}{'TP':>7}{'FP':>7}{'FN':>7}")
    rows = [*result.per_conflict.items(), ("micro", result.micro)]
    for name, s in rows:
        scores = f"{pct(s.precision):>10}{pct(s.recall):>10}{pct(s.f1):>10}"
        _out(f"{name:<24}{scores}{s.tp:>7}{s.fp:>7}{s.fn:>7}")
    _out(
        f"language accuracy: {pct(result.lang_accuracy).strip()} ({result.lang_correct}/{result.lang_total})"
    )


# ---------------------------------------------------------------------------------------------
# check-config


@click.command("check-config")
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    envvar="MONITOR_CONFIG",
    required=True,
    show_envvar=True,
    help="The config file.",
)
def check_config(config_path: Path) -> None:
    """Validate a config file and the watchlist it names, then print a summary (never secrets).

    Every problem is listed as FILE:LINE: key: problem; any problem gives exit status 2.

    \b
    Example:
      export MONITOR_API_ID=12345 MONITOR_API_HASH=... MONITOR_BOT_TOKEN=...
      monitor check-config --config config/monitor.example.toml
    """
    from monitor.analysis import WatchlistError, load_watchlist
    from monitor.config import ConfigError, load_config

    try:
        config = load_config(config_path)
    except ConfigError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        raise CommandFailed(f"{config_path}: {len(exc.problems)} problem(s)", 2) from None
    try:
        watchlist = load_watchlist(config.analysis.conflicts_path)
    except WatchlistError as exc:
        raise CommandFailed(str(exc), 2) from None
    unknown = [cid for cid in config.alerts.muted if cid not in watchlist.conflicts]
    if unknown:
        raise CommandFailed(f"{config_path}: alerts.muted: unknown conflict(s) {', '.join(unknown)}", 2)
    for line in _config_summary(config, watchlist):
        _out(line)


def _config_summary(config: Config, watchlist: Watchlist) -> Iterator[str]:
    tg = config.telegram
    yield f"config: {config.path} (valid)"
    yield f"telegram: api_id {tg.api_id}, api_hash from {tg.api_hash.source}"
    for name, secret in (
        ("session", tg.session),
        ("bot_token", tg.bot_token),
        ("bot_session", tg.bot_session),
    ):
        yield f"  {name}: {secret.source if secret else 'not set'}"
    if tg.server:
        yield f"  server: {tg.server.host}:{tg.server.port} (dc {tg.server.dc_id})"
    yield f"archive: {config.archive_path}"
    admins = ", ".join(map(str, config.analyst.admins)) or "none"
    yield f"analyst chat: {config.analyst.chat_id} (admins: {admins})"
    yield f"channels: {len(config.channels)}"
    for ch in config.channels:
        extra = "".join(
            [
                f", backfill {ch.backfill}" if ch.backfill is not None else "",
                f", since {ch.backfill_since}" if ch.backfill_since else "",
                ", join" if ch.join else "",
            ]
        )
        yield f"  {ch.ref}: {ch.target.kind} {ch.target.value}{extra}"
    source = config.analysis.conflicts_path
    yield f"conflicts: {len(watchlist.conflicts)} from {source} (version {watchlist.version})"
    counts = watchlist.term_counts()
    for cid, conflict in watchlist.conflicts.items():
        terms = ", ".join(f"{lang} {n}" for lang, n in sorted(counts.get(cid, {}).items())) or "no terms"
        yield f"  {cid} ({conflict.name}, {conflict.severity}): {terms}"
    yield f"language backend: {config.analysis.language_backend}"
    policy = config.alerts
    quiet = "-".join(t.strftime("%H:%M") for t in policy.quiet_hours) if policy.quiet_hours else "none"
    yield (
        f"alerts: {policy.per_minute}/min, burst {policy.burst}, digest after {policy.digest_after}, "
        f"quiet hours {quiet}, muted {', '.join(policy.muted) or 'none'}, summary {policy.summary}"
    )
    sched = config.schedule
    yield (
        f"schedule: reconcile every {sched.reconcile_seconds:g}s "
        f"({sched.busy_reconcile_seconds:g}s when busy), "
        f"engagement at {', '.join(f'{h:g}' for h in sched.engagement_hours)} h, "
        f"recheck {sched.recheck_hours:g} h, heartbeat {sched.heartbeat_seconds:g}s"
    )


COMMANDS = [analyze, import_, search, export, stats, evaluate, check_config]

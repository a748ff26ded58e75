"""What the command-line modules share: the common options, exit-status errors and output helpers."""

from __future__ import annotations

import asyncio
import functools
import json
import os
import re
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from monitor.model import Analysis

if TYPE_CHECKING:
    from monitor.analysis import Analyzer
    from monitor.importing.pipeline import PostFiles
    from monitor.store.opening import Archive

T = TypeVar("T")


class CommandFailed(click.ClickException):
    """A one-line error for the user, with the exit code documented in monitor/cli/__init__.py."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


# ---------------------------------------------------------------------------------------------
# shared options and plumbing


class ArchiveLocation(click.ParamType):
    """An archive file, or a postgresql:// URL (the archive is then that PostgreSQL database)."""

    name = "path|url"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path | str:
        if isinstance(value, Path):
            return value
        text = str(value)
        if text.lower().startswith(("postgresql://", "postgres://")):
            return text
        path = Path(text)
        if path.is_dir():
            self.fail(f"{text!r} is a directory, not an archive file", param, ctx)
        return path


archive_option = click.option(
    "--archive",
    type=ArchiveLocation(),
    envvar="MONITOR_ARCHIVE",
    default="monitor.db",
    show_default=True,
    show_envvar=True,
    help="The archive file, or a postgresql://user@host/db URL.",
)
# The daemon's commands take a config, whose archive --archive overrides; both come from the environment
# too, in every command, so a container sets MONITOR_CONFIG and MONITOR_ARCHIVE once.
config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="MONITOR_CONFIG",
    show_envvar=True,
    help="Config file (TOML).",
)
archive_override_option = click.option(
    "--archive",
    type=ArchiveLocation(),
    envvar="MONITOR_ARCHIVE",
    show_envvar=True,
    help="Archive file or postgresql:// URL (overrides the config's archive.path or archive.url).",
)
conflicts_option = click.option(
    "--conflicts",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Watchlist file (default: the bundled one, monitor/analysis/conflicts.toml).",
)
# The choices are spelled out rather than imported: `monitor --help` should not load the detector.
# A test checks them against monitor.analysis.language.BACKENDS; load_analyzer still refuses others.
backend_option = click.option(
    "--backend",
    type=click.Choice(["langdetect", "fast"]),
    default="langdetect",
    show_default=True,
    help="Language detection backend: langdetect (more accurate) or fast (model-free, for bulk work).",
)
files_argument = click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))


def _thresholds(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> dict[str, float]:
    thresholds: dict[str, float] = {}
    for value in values:
        conflict, _, number = value.partition("=")
        try:
            thresholds[conflict.strip()] = float(number)
        except ValueError:
            raise click.BadParameter(f"expected CONFLICT=SCORE, got {value!r}") from None
        if not conflict.strip() or thresholds[conflict.strip()] <= 0:
            raise click.BadParameter(f"expected CONFLICT=SCORE with a positive score, got {value!r}")
    return thresholds


threshold_option = click.option(
    "--threshold",
    "thresholds",
    multiple=True,
    callback=_thresholds,
    metavar="CONFLICT=SCORE",
    help="Score a conflict needs to be flagged, overriding the watchlist's (repeatable).",
)


def filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
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


def filter_values(
    channel: str | None, conflict: str | None, lang: str | None, since: str | None, until: str | None
) -> dict[str, Any]:
    return {
        "channel": _channel_filter(channel),
        "conflict": conflict,
        "lang": lang,
        "since": _when("--since", since, end_of_day=False),
        "until": _when("--until", until, end_of_day=True),
    }


def _channel_filter(value: str | None) -> str | None:
    """A numeric channel must fit the archive's 64-bit ids; names and links are resolved by the archive."""
    from monitor.config import parse_channel_ref

    if value is not None and re.fullmatch(r"\s*-?\d+\s*", value):
        try:
            parse_channel_ref(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--channel") from None
    return value


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


async def check_filters(store: Archive, where: dict[str, Any]) -> None:
    """Refuse a conflict or language that nothing knows: it would match nothing and look like an empty
    answer. The cheap sources are asked first; the whole archive is read only on the way to an error."""
    from monitor.analysis import DEFAULT_CONFLICTS
    from monitor.analysis.language import known_languages
    from monitor.analysis.watchlist import watchlist_ids

    conflict, lang = where["conflict"], where["lang"]
    if conflict is not None:
        known = {*await store.conflict_ids(), *watchlist_ids(DEFAULT_CONFLICTS)}
        if conflict not in known and not await store.flagged(conflict):
            choices = ", ".join(sorted(known)) or "none"
            raise click.BadParameter(
                f"unknown conflict {conflict!r} (known: {choices})", param_hint="--conflict"
            )
    if lang is not None and lang not in known_languages():
        stored = await store.languages()
        if lang not in stored:
            choices = ", ".join(sorted({*known_languages(), *stored}))
            raise click.BadParameter(f"unknown language {lang!r} (known: {choices})", param_hint="--lang")


def load_analyzer(
    conflicts: Path | None, backend: str, thresholds: dict[str, float] | None = None
) -> Analyzer:
    from monitor.analysis import Analyzer, WatchlistError

    try:
        analyzer = Analyzer.from_files(conflicts, backend, thresholds)
    except (WatchlistError, ValueError, OSError) as exc:
        raise CommandFailed(str(exc), 2) from None
    unknown = sorted(set(thresholds or {}) - set(analyzer.conflicts))
    if unknown:
        raise CommandFailed(
            f"--threshold: unknown conflict {unknown[0]!r} (known: {', '.join(analyzer.conflicts)})", 2
        )
    return analyzer


def run_archive(work: Callable[[], Awaitable[T]]) -> T:
    """Run an archive coroutine, turning archive errors into one line and exit status 1."""
    from monitor.store import ArchiveError, QueryError

    try:
        return asyncio.run(work())
    except QueryError as exc:
        raise click.UsageError(str(exc)) from None
    except ArchiveError as exc:
        raise CommandFailed(str(exc), 1) from None


def archive_file(location: Path | str, command: str) -> Path:
    """The archive file a file-only command works on; a PostgreSQL archive is refused by name (without
    its password), with the server's own tool for the job."""
    if isinstance(location, Path):
        return location
    from monitor.store.postgres.url import redact

    raise CommandFailed(
        f"{command} works on an archive file, not on the PostgreSQL archive {redact(location)} "
        "(use the server's own tools: pg_dump, psql)",
        2,
    )


async def open_store(location: Path | str, *, readonly: bool) -> Archive:
    """The archive a command works on: a file or a PostgreSQL database (store.open_archive)."""
    from monitor.store import open_archive

    return await open_archive(location, readonly=readonly)


def closed_pipe_quiet(command: Callable[..., None]) -> Callable[..., None]:
    """`monitor export | head` is normal use: when the reader leaves, stop without a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            command(*args, **kwargs)
        except BrokenPipeError:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)

    return wrapper


def out(line: str) -> None:
    sys.stdout.write(line + "\n")


def to_json(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, default=str)


def matches_of(analysis: Analysis, body: str) -> list[dict[str, Any]]:
    """Each match with `text`, the words as the post writes them (what an analyst reads), beside `term`,
    the watchlist pattern that found them (what a watchlist author tunes)."""
    return [
        {
            "conflict": m.conflict,
            "text": body[m.start : m.end],
            "term": m.term,
            "lang": m.lang,
            "start": m.start,
            "end": m.end,
        }
        for m in analysis.matches
    ]


def scores_of(analysis: Analysis) -> list[dict[str, Any]]:
    """Each conflict with evidence: its score, the threshold it was held to, and the evidence."""
    return [
        {
            "conflict": s.conflict,
            "score": s.score,
            "threshold": s.threshold,
            "flagged": s.flagged,
            "evidence": [
                {
                    "kind": e.kind,
                    "text": e.text,
                    "points": e.points,
                    **({"detail": e.detail} if e.detail else {}),
                }
                for e in s.evidence
            ],
        }
        for s in analysis.scores
    ]


def post_files() -> PostFiles:
    """A reader of post files that reports each problem on stderr."""
    from monitor.importing.pipeline import PostFiles

    return PostFiles(report=lambda line: click.echo(line, err=True))


def finish(files: PostFiles) -> None:
    """Exit 2 when a file could not be read, 3 when records were skipped (after all output). Records kept
    with a repaired problem are counted on stderr but keep exit status 0: every post was processed."""
    if files.flawed:
        click.echo(f"{files.flawed} record(s) kept with a problem (reported above)", err=True)
    if files.unreadable:
        raise CommandFailed(f"{files.unreadable} input file(s) could not be read", 2)
    if files.malformed:
        raise CommandFailed(f"{files.malformed} malformed record(s) skipped", 3)

"""Commands that query the archive: full-text search, export, statistics and browsing (read-only)."""

from __future__ import annotations

import csv
import importlib.util
import json
import sys
from collections.abc import Callable, Iterable
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from monitor.cli.common import (
    CommandFailed,
    archive_file,
    archive_option,
    check_filters,
    closed_pipe_quiet,
    filter_options,
    filter_values,
    matches_of,
    open_store,
    out,
    run_archive,
    to_json,
)
from monitor.model import StoredPost

if TYPE_CHECKING:
    from monitor.store.opening import Archive

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
        "matches": matches_of(analysis, post.text) if analysis else [],
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


async def _rows(store: Archive, posts: Iterable[StoredPost]) -> list[dict[str, Any]]:
    return [await _row(store, stored) for stored in posts]


async def _row(store: Archive, stored: StoredPost) -> dict[str, Any]:
    revisions = (
        await store.revisions(stored.post.channel_id, stored.post.message_id) if stored.revisions else []
    )
    return _export_row(stored, revisions)


@click.command("search")
@click.argument("query")
@archive_option
@filter_options
@click.option(
    "--limit", type=click.IntRange(min=1), default=50, show_default=True, help="At most this many posts."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per post (the export format).")
@click.option("--exact", is_flag=True, help="Match words as written, not their other forms.")
@closed_pipe_quiet
def search(query: str, archive: Path, limit: int, as_json: bool, exact: bool, **filters: str | None) -> None:
    """Full-text search of the archive, newest first (FTS5 syntax: words, "phrases", OR, prefix*).

    Words find their other forms in Russian, Ukrainian and English: Херсон finds Херсона and Херсоні.
    Forms are found by stem, so some different words meet (Газа, Gaza, and газ, gas): --exact
    matches the words as written.

    \b
    Example:
      monitor search 'Херсон OR Kherson' --conflict russia-ukraine --since 2026-01-01
      monitor search Газа --exact
    """
    where = filter_values(**filters)

    async def work() -> list[dict[str, Any]]:
        async with await open_store(archive, readonly=True) as store:
            await check_filters(store, where)
            return await _rows(
                store, await store.search(query, limit=limit, strict=True, exact=exact, **where)
            )

    for row in run_archive(work):
        out(to_json(row) if as_json else _search_line(row))


def _search_line(row: dict[str, Any]) -> str:
    where = f"@{row['channel']}" if row["channel"] else (row["channel_title"] or str(row["channel_id"]))
    flags = ",".join(row["conflicts"]) or "-"
    text = " ".join(row["text"].split())
    text = text if len(text) <= 120 else text[:119] + "…"
    return f"{row['date']}  {where}/{row['message_id']}  [{row['lang']}] {flags}  {text}"


@click.command("export")
@archive_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@filter_options
@click.option(
    "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout."
)
@click.option("--excel", is_flag=True, help="CSV for Excel: starts with a UTF-8 byte order mark.")
@closed_pipe_quiet
def export(archive: Path, fmt: str, output: Path | None, excel: bool, **filters: str | None) -> None:
    """Write archived posts (by date) as JSONL or CSV, with analysis, engagement, tombstones and revisions.

    In JSONL `revisions` lists earlier texts; in CSV it is their count, lists are JSON-encoded and
    booleans are true/false. Excel reads a CSV file without a byte order mark in the system's code
    page, which garbles Cyrillic, Arabic and Hebrew: --excel writes the mark.

    \b
    Example:
      monitor export --archive monitor.db --format csv --conflict israel-hamas --output hamas.csv
      monitor export --format csv --excel --channel @some_channel --output channel.csv
    """
    if excel and fmt != "csv":
        raise click.UsageError("--excel applies to --format csv only")
    where = filter_values(**filters)

    async def work(sink: IO[str]) -> int:
        if excel:
            sink.write("\ufeff")
        write = _csv_writer(sink) if fmt == "csv" else (lambda row: sink.write(to_json(row) + "\n"))
        count = 0
        async with await open_store(archive, readonly=True) as store:
            await check_filters(store, where)
            async for stored in store.iter_posts(**where):
                write(await _row(store, stored))
                count += 1
        return count

    if output is None:
        run_archive(lambda: work(sys.stdout))
        return
    try:
        with output.open("w", encoding="utf-8", newline="") as sink:
            count = run_archive(lambda: work(sink))
    except OSError as exc:
        raise CommandFailed(f"{output}: cannot write: {exc.strerror or exc}", 1) from None
    click.echo(f"exported {count} posts to {output}", err=True)


def _csv_writer(sink: IO[str]) -> Callable[[dict[str, Any]], None]:
    writer = csv.DictWriter(sink, fieldnames=EXPORT_FIELDS)
    writer.writeheader()

    def write(row: dict[str, Any]) -> None:
        flat = {**row, "revisions": len(row["revisions"])}
        writer.writerow({k: _csv_value(v) for k, v in flat.items()})

    return write


def _csv_value(value: object) -> object:
    """Lists and objects as JSON, booleans as JSON's true/false (not Python's True/False)."""
    return to_json(value) if isinstance(value, list | dict | bool) else value


@click.command("stats")
@archive_option
@filter_options
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
def stats(archive: Path, as_json: bool, **filters: str | None) -> None:
    """Counts over the archive: posts, deletions, edits, per channel, conflict, language and alert status.

    \b
    Example:
      monitor stats --since 2026-01-01 --conflict russia-ukraine
    """
    where = filter_values(**filters)

    async def work() -> dict[str, Any]:
        async with await open_store(archive, readonly=True) as store:
            await check_filters(store, where)
            return await store.stats(**where)

    figures = run_archive(work)
    if as_json:
        out(to_json(figures))
        return
    for key, value in figures.items():
        if key == "channels":
            out(f"{key}:")
            for ch in value:
                name = f"@{ch['username']}" if ch["username"] else ch["title"]
                out(f"  {ch['posts']:>8}  {name} ({ch['id']})")
        elif isinstance(value, dict):
            out(f"{key}:" + ("" if value else " none"))
            for name, count in value.items():
                out(f"  {count:>8}  {name}")
        else:
            out(f"{key}: {value}")


@click.command("browse")
@archive_option
@click.option("--port", type=click.IntRange(min=0), default=8001, show_default=True, help="0: any free port.")
def browse(archive: Path | str, port: int) -> None:
    """Open the archive in datasette on 127.0.0.1 (read-only): search, facets, links and analyst views.

    Needs datasette: pip install 'monitor[browse]'. The metadata it is given (monitor/store/datasette.json)
    names the full-text index and the facets; the views flagged_posts, alert_states and daily_mentions
    answer the usual questions. Stop with Ctrl-C.

    \b
    Example:
      monitor browse --archive monitor.db     # then open http://127.0.0.1:8001
    """
    archive = archive_file(archive, "browse")
    if importlib.util.find_spec("datasette") is None:
        raise CommandFailed("datasette is not installed: pip install 'monitor[browse]'", 2)

    async def check() -> None:
        async with await open_store(archive, readonly=True):
            pass

    run_archive(check)
    # In this process (not a child): Ctrl-C and SIGTERM stop the server, and nothing is left running.
    import uvicorn
    from datasette.app import Datasette

    app = Datasette([str(archive)], metadata=datasette_metadata(archive.stem)).app()
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="info")


def datasette_metadata(database: str) -> dict[str, Any]:
    """The packaged datasette metadata, for the database datasette names after the file (its stem)."""
    text = resources.files("monitor.store").joinpath("datasette.json").read_text(encoding="utf-8")
    metadata = json.loads(text)
    metadata["databases"] = {database: metadata["databases"]["monitor"]}
    return metadata


COMMANDS = [search, export, stats, browse]

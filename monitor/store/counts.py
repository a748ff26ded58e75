"""Counts over the archive (`monitor stats`): whole days from the summary tables, partial days from posts.

post_counts and alert_counts (0004_archive_for_analysts.sql) hold counts per day, channel, language and
conflicts, kept by triggers (an import's batch adds its posts at once, writes.py), so a count adds up a
few rows per day instead of reading every post. A period that starts or ends inside a day counts those
partial days from the posts themselves (at most a day's posts each, along the date index).
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import aiosqlite

from monitor.store.codec import to_iso
from monitor.store.database import fetch


@dataclass(frozen=True, slots=True)
class Filters:
    """Which posts a listing or `stats` covers: `since` inclusive, `until` exclusive; None means no limit."""

    channel_id: int | None = None
    conflict: str | None = None
    lang: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(slots=True)
class Counts:
    """Counts being added up, from summary rows and partial days alike (both backends)."""

    posts: int = 0
    deleted: int = 0
    edited: int = 0
    channels: Counter[int] = field(default_factory=Counter)
    conflicts: Counter[str] = field(default_factory=Counter)
    langs: Counter[str | None] = field(default_factory=Counter)
    alerts: Counter[str] = field(default_factory=Counter)

    def add_summary(
        self, channel_id: int, lang: str, conflicts: str, posts: int, deleted: int, edited: int
    ) -> None:
        """Add one grouped row of post_counts (lang '' is none, conflicts a JSON array)."""
        self.posts += posts
        self.deleted += deleted
        self.edited += edited
        self.channels[channel_id] += posts
        self.langs[lang or None] += posts
        for conflict in json.loads(conflicts):
            self.conflicts[conflict] += posts

    def add(self, other: Counts) -> None:
        self.posts += other.posts
        self.deleted += other.deleted
        self.edited += other.edited
        self.channels.update(other.channels)
        self.conflicts.update(other.conflicts)
        self.langs.update(other.langs)
        self.alerts.update(other.alerts)


async def count(db: aiosqlite.Connection, filters: Filters) -> dict[str, object]:
    """The figures of Store.stats (its docstring lists the keys)."""
    total = await add_up(
        filters,
        functools.partial(_from_summary, db, filters),
        functools.partial(_from_posts, db, filters),
    )
    return await _report(db, total)


async def add_up(
    filters: Filters,
    whole_days: Callable[[date | None, date | None], Awaitable[Counts]],
    partial_day: Callable[[datetime | None, datetime | None], Awaitable[Counts]],
) -> Counts:
    """The counts of the filters' period, as a backend reads them: its whole days (first, last) from the
    summary tables, each partial day (start, end) from the posts."""
    total = Counts()
    days, partial = split_days(filters.since, filters.until)
    if days is not None:
        total.add(await whole_days(*days))
    for start, end in partial:
        total.add(await partial_day(start, end))
    return total


def split_days(
    since: datetime | None, until: datetime | None
) -> tuple[tuple[date | None, date | None] | None, list[tuple[datetime | None, datetime | None]]]:
    """The whole UTC days in [since, until) (None: none at all; a None bound: open) and the partial rest."""
    first = _day_at_or_after(since) if since is not None else None
    last = until.astimezone(UTC).date() if until is not None else None
    if first is not None and last is not None and first >= last:
        return None, [(since, until)] if since < until else []  # type: ignore[operator]
    partial: list[tuple[datetime | None, datetime | None]] = []
    if since is not None and first is not None and since < _midnight(first):
        partial.append((since, _midnight(first)))
    if until is not None and last is not None and _midnight(last) < until:
        partial.append((_midnight(last), until))
    return (first, last), partial


def _day_at_or_after(when: datetime) -> date:
    day = when.astimezone(UTC).date()
    return day if _midnight(day) == when else day + timedelta(days=1)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


async def _from_summary(
    db: aiosqlite.Connection, f: Filters, first: date | None, last: date | None
) -> Counts:
    where, params = _summary_where(f, first, last, conflict_column="pc.conflicts")
    found = Counts()
    # One pass over the rows, grouped to a few per channel; the rest is added up here.
    sql = (
        "SELECT pc.channel_id, pc.lang, pc.conflicts, sum(pc.posts), sum(pc.deleted), sum(pc.edited) "
        f"FROM post_counts AS pc WHERE 1 {where} GROUP BY 1, 2, 3"
    )
    for row in await fetch(db, sql, params):
        found.add_summary(*row)
    alert_where, alert_params = _summary_where(f, first, last, conflict_column=None)
    sql = f"SELECT status, sum(alerts) FROM alert_counts AS pc WHERE 1 {alert_where} GROUP BY 1"
    rows = await fetch(db, sql, alert_params)
    found.alerts.update(dict(rows))
    return found


def _summary_where(
    f: Filters, first: date | None, last: date | None, *, conflict_column: str | None
) -> tuple[str, list[object]]:
    """Conditions on a summary table `pc`; conflict_column None: the table has one `conflict` per row."""
    clauses: list[tuple[str, object]] = []
    if f.channel_id is not None:
        clauses.append(("pc.channel_id = ?", f.channel_id))
    if f.lang is not None:
        clauses.append(("pc.lang = ?", f.lang))
    if f.conflict is not None:
        if conflict_column is None:
            clauses.append(("pc.conflict = ?", f.conflict))
        else:
            in_set = f"EXISTS (SELECT 1 FROM json_each({conflict_column}) WHERE value = ?)"
            clauses.append((in_set, f.conflict))
    if first is not None:
        clauses.append(("pc.day >= ?", first.isoformat()))
    if last is not None:
        clauses.append(("pc.day < ?", last.isoformat()))
    return "".join(f" AND {sql}" for sql, _ in clauses), [value for _, value in clauses]


async def _from_posts(
    db: aiosqlite.Connection, f: Filters, start: datetime | None, end: datetime | None
) -> Counts:
    """The same counts read from the posts of a partial day."""
    clauses: list[tuple[str, object]] = []
    if f.channel_id is not None:
        clauses.append(("p.channel_id = ?", f.channel_id))
    if f.lang is not None:
        clauses.append(("p.lang = ?", f.lang))
    if start is not None:
        clauses.append(("p.date >= ?", to_iso(start)))
    if end is not None:
        clauses.append(("p.date < ?", to_iso(end)))
    alert_where = "".join(f" AND {sql}" for sql, _ in clauses)
    alert_params = [value for _, value in clauses]
    if f.conflict is not None:
        clauses.append(("EXISTS (SELECT 1 FROM json_each(p.conflicts) WHERE value = ?)", f.conflict))
    where = "".join(f" AND {sql}" for sql, _ in clauses)
    params = [value for _, value in clauses]
    edited = (
        "EXISTS (SELECT 1 FROM revisions AS r "
        "WHERE r.channel_id = p.channel_id AND r.message_id = p.message_id)"
    )
    found = Counts()
    totals = f"SELECT count(*), count(p.deleted_at), coalesce(sum({edited}), 0) FROM posts AS p WHERE 1"
    totals += where
    (found.posts, found.deleted, found.edited), *_ = await fetch(db, totals, params)
    groups = {"channels": "p.channel_id", "langs": "p.lang", "conflicts": "j.value"}
    for name, column in groups.items():
        joined = ", json_each(p.conflicts) AS j" if name == "conflicts" else ""
        sql = f"SELECT {column}, count(*) FROM posts AS p{joined} WHERE 1 {where} GROUP BY 1"
        getattr(found, name).update(dict(await fetch(db, sql, params)))
    if f.conflict is not None:
        alert_where += " AND a.conflict = ?"
        alert_params.append(f.conflict)
    rows = await fetch(
        db,
        "SELECT a.status, count(*) FROM alerts AS a JOIN posts AS p "
        f"ON p.channel_id = a.channel_id AND p.message_id = a.message_id WHERE 1 {alert_where} GROUP BY 1",
        alert_params,
    )
    found.alerts.update(dict(rows))
    return found


async def _report(db: aiosqlite.Connection, counts: Counts) -> dict[str, object]:
    ids = [cid for cid, n in counts.channels.items() if n > 0]
    names = await fetch(
        db,
        "SELECT id, username, title FROM channels WHERE id IN (SELECT value FROM json_each(?))",
        [f"[{','.join(map(str, ids))}]"],
    )
    return report(counts, {row[0]: (row[1], row[2]) for row in names})


def report(counts: Counts, names: dict[int, tuple[str | None, str | None]]) -> dict[str, object]:
    """The figures as Store.stats returns them; `names` gives each counted channel's (username, title)."""
    channels = {cid: n for cid, n in counts.channels.items() if n > 0}
    return {
        "posts": counts.posts,
        "deleted": counts.deleted,
        "edited": counts.edited,
        "channels": [
            {"id": cid, "username": names[cid][0], "title": names[cid][1], "posts": n}
            for cid, n in sorted(channels.items(), key=lambda item: (-item[1], item[0]))
        ],
        "conflicts": _ranked(counts.conflicts),
        "langs": _ranked(counts.langs),
        "alerts": {status: n for status, n in sorted(counts.alerts.items()) if n > 0},
    }


def _ranked(counter: Counter[str] | Counter[str | None]) -> dict:
    """Most first, then by name (None first, as SQLite sorts NULL); zero counts left out."""
    items = [(key, n) for key, n in counter.items() if n > 0]
    return dict(sorted(items, key=lambda item: (-item[1], item[0] is not None, item[0] or "")))

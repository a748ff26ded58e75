"""Counts over a PostgreSQL archive (`monitor stats`): whole days from the summary tables that the
triggers of 0004_archive_for_analysts.sql keep, partial days from the posts; the adding up and the
report are shared with SQLite (store/counts.py)."""

from __future__ import annotations

import functools
from datetime import date, datetime

import asyncpg

from monitor.store.codec import to_iso
from monitor.store.counts import Counts, Filters, add_up, report
from monitor.store.postgres.sql import Params

__all__ = ["Filters", "count"]

_CONFLICTS_OF_POST = "jsonb_array_elements_text(coalesce(p.conflicts, '[]')::jsonb) AS j (value)"


async def count(db: asyncpg.Connection, filters: Filters) -> dict[str, object]:
    """The figures of Store.stats (its docstring lists the keys)."""
    total = await add_up(
        filters,
        functools.partial(_from_summary, db, filters),
        functools.partial(_from_posts, db, filters),
    )
    ids = [cid for cid, n in total.channels.items() if n > 0]
    names = await db.fetch("SELECT id, username, title FROM channels WHERE id = ANY($1::bigint[])", ids)
    return report(total, {row[0]: (row[1], row[2]) for row in names})


async def _from_summary(db: asyncpg.Connection, f: Filters, first: date | None, last: date | None) -> Counts:
    found = Counts()
    params = Params()
    where = _summary_where(params, f, first, last, conflicts_column=True)
    sql = (
        "SELECT pc.channel_id, pc.lang, pc.conflicts, sum(pc.posts)::bigint, sum(pc.deleted)::bigint, "
        f"sum(pc.edited)::bigint FROM post_counts AS pc WHERE true {where} GROUP BY 1, 2, 3"
    )
    for row in await db.fetch(sql, *params.values):
        found.add_summary(*row)
    params = Params()
    where = _summary_where(params, f, first, last, conflicts_column=False)
    sql = f"SELECT status, sum(alerts)::bigint FROM alert_counts AS pc WHERE true {where} GROUP BY 1"
    found.alerts.update({row[0]: row[1] for row in await db.fetch(sql, *params.values)})
    return found


def _summary_where(
    params: Params, f: Filters, first: date | None, last: date | None, *, conflicts_column: bool
) -> str:
    """Conditions on a summary table `pc`: post_counts has a set of conflicts, alert_counts one each."""
    clauses = []
    if f.channel_id is not None:
        clauses.append(f"pc.channel_id = {params.add(f.channel_id)}")
    if f.lang is not None:
        clauses.append(f"pc.lang = {params.add(f.lang)}")
    if f.conflict is not None:
        column = "pc.conflicts::jsonb ?" if conflicts_column else "pc.conflict ="
        clauses.append(f"{column} {params.add(f.conflict)}")
    if first is not None:
        clauses.append(f"pc.day >= {params.add(first.isoformat())}")
    if last is not None:
        clauses.append(f"pc.day < {params.add(last.isoformat())}")
    return "".join(f" AND {clause}" for clause in clauses)


async def _from_posts(
    db: asyncpg.Connection, f: Filters, start: datetime | None, end: datetime | None
) -> Counts:
    """The same counts read from the posts of a partial day."""
    params = Params()
    clauses = []
    if f.channel_id is not None:
        clauses.append(f"p.channel_id = {params.add(f.channel_id)}")
    if f.lang is not None:
        clauses.append(f"p.lang = {params.add(f.lang)}")
    if start is not None:
        clauses.append(f"p.date >= {params.add(to_iso(start))}")
    if end is not None:
        clauses.append(f"p.date < {params.add(to_iso(end))}")
    alerts_where = "".join(f" AND {clause}" for clause in clauses)
    where = alerts_where
    if f.conflict is not None:
        conflict = params.add(f.conflict)
        where += f" AND p.conflicts::jsonb ? {conflict}"
        alerts_where += f" AND a.conflict = {conflict}"
    found = Counts()
    totals = await db.fetchrow(
        "SELECT count(*), count(p.deleted_at), coalesce(sum(post_edited(p.channel_id, p.message_id)), 0) "
        f"FROM posts AS p WHERE true {where}",
        *params.values,
    )
    found.posts, found.deleted, found.edited = totals[0], totals[1], totals[2]
    groups = {
        "channels": ("p.channel_id", ""),
        "langs": ("p.lang", ""),
        "conflicts": (
            "j.value",
            ", jsonb_array_elements_text(coalesce(p.conflicts, '[]')::jsonb) AS j (value)",
        ),
    }
    for name, (column, joined) in groups.items():
        sql = f"SELECT {column}, count(*) FROM posts AS p{joined} WHERE true {where} GROUP BY 1"
        getattr(found, name).update({row[0]: row[1] for row in await db.fetch(sql, *params.values)})
    rows = await db.fetch(
        "SELECT a.status, count(*) FROM alerts AS a JOIN posts AS p "
        "ON p.channel_id = a.channel_id AND p.message_id = a.message_id "
        f"WHERE true {alerts_where} GROUP BY 1",
        *params.values,
    )
    found.alerts.update({row[0]: row[1] for row in rows})
    return found

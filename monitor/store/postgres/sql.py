"""Building PostgreSQL statements whose conditions depend on the caller: numbered parameters ($1, $2 ...)
added as conditions are, and the filters every listing of posts takes."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from monitor.store.codec import to_iso


@dataclass(slots=True)
class Params:
    """Values of a statement in order; `add` returns the placeholder that stands for the value."""

    values: list[object] = field(default_factory=list)

    def add(self, value: object) -> str:
        self.values.append(value)
        return f"${len(self.values)}"


def post_filters(
    params: Params,
    channel_id: int | None,
    conflict: str | None,
    lang: str | None,
    since: datetime | None,
    until: datetime | None,
) -> str:
    """Conditions (each starting with AND) on posts `p`; `since` is inclusive, `until` exclusive."""
    clauses = []
    if channel_id is not None:
        clauses.append(f"p.channel_id = {params.add(channel_id)}")
    if conflict is not None:
        clauses.append(f"p.conflicts::jsonb ? {params.add(conflict)}")
    if lang is not None:
        clauses.append(f"p.lang = {params.add(lang)}")
    if since is not None:
        clauses.append(f"p.date >= {params.add(to_iso(since))}")
    if until is not None:
        clauses.append(f"p.date < {params.add(to_iso(until))}")
    return "".join(f" AND {clause}" for clause in clauses)


def named(sql: str, values: Mapping[str, object]) -> tuple[str, list[object]]:
    """A statement written with named parameters (:name, as SQLite takes them) as PostgreSQL takes it:
    each name becomes one numbered parameter, however often it appears. Casts (`::type`) stay."""
    statement, names = numbered(sql)
    return statement, [values[name] for name in names]


@functools.lru_cache(maxsize=512)
def numbered(sql: str) -> tuple[str, tuple[str, ...]]:
    """The statement with its names numbered, and the names in the order of their numbers (the same
    statements run again and again: each is numbered once)."""
    numbers: dict[str, str] = {}

    def number(match: re.Match[str]) -> str:
        return numbers.setdefault(match.group(1), f"${len(numbers) + 1}")

    return _NAMED.sub(number, sql), tuple(numbers)


_NAMED = re.compile(r"(?<![:\w]):([a-z_]+)\b")

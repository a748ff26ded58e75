"""Checks of TOML values, each problem reported as FILE:LINE: key: problem.

tomllib keeps no positions, so the lines of tables and keys are found in the text first.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from monitor.config.settings import KeyPath

_TABLE = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")
_ARRAY_TABLE = re.compile(r"^\s*\[\[\s*([^\[\]]+?)\s*\]\]\s*(?:#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_.\"' -]+?)\s*=")


def _split_dotted(name: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in name.split("."))


def key_lines(text: str) -> dict[KeyPath, int]:
    """Map each table and key path to its 1-based line; arrays of tables are indexed from 0."""
    lines: dict[KeyPath, int] = {}
    counts: dict[tuple[str, ...], int] = {}
    table: KeyPath = ()
    for number, line in enumerate(text.splitlines(), start=1):
        if m := _ARRAY_TABLE.match(line):
            name = _split_dotted(m.group(1))
            index = counts.get(name, 0)
            counts[name] = index + 1
            table = (*name, index)
            lines.setdefault(table, number)
        elif m := _TABLE.match(line):
            table = _split_dotted(m.group(1))
            lines.setdefault(table, number)
        elif m := _KEY.match(line):
            lines.setdefault((*table, *_split_dotted(m.group(1))), number)
    return lines


# ---------------------------------------------------------------------------------------------
# reading tables


class Problems:
    """Collects problems with their file position so the caller can report them all at once."""

    def __init__(self, path: Path, lines: dict[KeyPath, int]) -> None:
        self.path = path
        self.lines = lines
        self.items: list[str] = []
        self.notes: list[str] = []  # worth knowing, not wrong: the config still loads

    def add(self, key: KeyPath, problem: str) -> None:
        self.items.append(self._placed(key, problem))

    def note(self, key: KeyPath, note: str) -> None:
        self.notes.append(self._placed(key, note))

    def _placed(self, key: KeyPath, text: str) -> str:
        line = self._line(key)
        where = f"{self.path}:{line}" if line else str(self.path)
        return f"{where}: {_dotted(key)}: {text}"

    def _line(self, key: KeyPath) -> int | None:
        for end in range(len(key), 0, -1):
            if key[:end] in self.lines:
                return self.lines[key[:end]]
        return None


def _dotted(key: KeyPath) -> str:
    text = ""
    for part in key:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


class Table:
    """One TOML table being read; keys not taken by the end are reported as unknown."""

    def __init__(self, problems: Problems, key: KeyPath, data: object) -> None:
        self.problems = problems
        self.key = key
        if not isinstance(data, dict):
            problems.add(key, "expected a table")
            data = {}
        self.data: dict[str, Any] = dict(data)

    def has(self, name: str) -> bool:
        return name in self.data

    def take(
        self, name: str, check: Callable[[Any], Any], default: Any = None, *, required: bool = False
    ) -> Any:
        """Pop and convert one value; on a problem record it and return the default."""
        if name not in self.data:
            if required:
                self.problems.add((*self.key, name), "missing (required)")
            return default
        value = self.data.pop(name)
        try:
            return check(value)
        except ValueError as exc:
            self.problems.add((*self.key, name), str(exc))
            return default

    def retire(self, name: str, why: str) -> None:
        """Accept a key older configs set that nothing reads any more, with a note saying so."""
        if self.data.pop(name, None) is not None:
            self.problems.note((*self.key, name), f"no longer used ({why}); it can be removed")

    def table(self, name: str) -> Table:
        return Table(self.problems, (*self.key, name), self.data.pop(name, {}))

    def finish(self) -> None:
        for name in self.data:
            self.problems.add((*self.key, name), "unknown key")


def integer(minimum: int | None = None) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"expected an integer, got {value!r}")
        if minimum is not None and value < minimum:
            raise ValueError(f"must be at least {minimum}, got {value}")
        return value

    return check


def real_number(value: Any) -> float:
    if _not_finite(value) or value <= 0:
        raise ValueError(f"expected a positive number, got {value!r}")
    return float(value)


def non_negative(value: Any) -> float:
    if _not_finite(value) or value < 0:
        raise ValueError(f"expected a number of 0 or more, got {value!r}")
    return float(value)


def _not_finite(value: Any) -> bool:
    """TOML has nan and inf; neither is a duration or a rate."""
    return isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value)


def at_most(check: Callable[[Any], float], maximum: float, unit: str) -> Callable[[Any], float]:
    """A bound on a duration, so that 1e308 is refused here rather than overflowing a date later."""

    def bounded(value: Any) -> float:
        number = check(value)
        if number > maximum:
            raise ValueError(f"must be at most {maximum:g} {unit}, got {value!r}")
        return number

    return bounded


def string(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected a non-empty string, got {value!r}")
    return value


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {value!r}")
    return value


def list_of(check: Callable[[Any], Any]) -> Callable[[Any], tuple[Any, ...]]:
    def check_list(value: Any) -> tuple[Any, ...]:
        if not isinstance(value, list):
            raise ValueError(f"expected a list, got {value!r}")
        return tuple(check(item) for item in value)

    return check_list


def calendar_date(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"expected a date like 2026-01-31, got {value!r}")


def hour_range(value: Any) -> tuple[time, time] | None:
    if value == "":
        return None
    m = (
        re.fullmatch(r"\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*", value)
        if isinstance(value, str)
        else None
    )
    try:
        start, end = (time.fromisoformat(m.group(i).zfill(5)) for i in (1, 2)) if m else (None, None)
    except ValueError:
        start = end = None
    if start is None or end is None:
        raise ValueError(f'expected "HH:MM-HH:MM" (UTC) or "", got {value!r}')
    if start == end:
        raise ValueError("start and end are equal")
    return start, end


def listen_address(value: Any) -> tuple[str, int]:
    """An address to listen on, "HOST:PORT" (an IPv6 host in brackets); port 0 picks a free port."""
    m = (
        re.fullmatch(r"(?:\[([0-9A-Fa-f:.]+)\]|([^:\s\[\]]+)):(\d{1,5})", value)
        if isinstance(value, str)
        else None
    )
    if m is None or int(m.group(3)) > 65535:
        raise ValueError(f'expected "HOST:PORT" such as "127.0.0.1:9464", got {value!r}')
    return m.group(1) or m.group(2), int(m.group(3))


def choice(*options: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value not in options:
            raise ValueError(f"expected one of {', '.join(options)}, got {value!r}")
        return value

    return check


# ---------------------------------------------------------------------------------------------
# secrets

"""The Telegram problems the running daemon last reported (a dead account, flood waits, a chat it may not
write to), kept as one JSON value in the meta table so `monitor health` can name them after the daemon
itself has stopped. Reached as `Store.problems` (and `PgStore.problems`, over the same MetaTable)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

from monitor.model import TelegramProblem
from monitor.store.codec import to_iso, to_iso_optional
from monitor.store.meta import MetaTable, put

_KEY = "telegram_problems"


class Problems:
    """Replaced as a whole by each report, so a problem that is over disappears with the next one."""

    def __init__(self, meta: MetaTable) -> None:
        self._meta = meta

    async def report(self, problems: Iterable[TelegramProblem]) -> None:
        await put(
            self._meta, _KEY, json.dumps([_as_dict(problem) for problem in problems], ensure_ascii=False)
        )

    async def last(self) -> list[TelegramProblem]:
        value = await self._meta.get(_KEY)
        return [_from_dict(entry) for entry in json.loads(value)] if value else []


def _as_dict(problem: TelegramProblem) -> dict[str, object]:
    return {
        "subject": problem.subject,
        "state": problem.state,
        "detail": problem.detail,
        "since": to_iso(problem.since),
        "until": to_iso_optional(problem.until),
        "fatal": problem.fatal,
    }


def _from_dict(entry: dict[str, object]) -> TelegramProblem:
    until = entry.get("until")
    return TelegramProblem(
        str(entry["subject"]),
        str(entry["state"]),
        str(entry["detail"]),
        datetime.fromisoformat(str(entry["since"])),
        datetime.fromisoformat(str(until)) if until else None,
        bool(entry.get("fatal", True)),
    )

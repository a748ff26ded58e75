"""Figures about the archive that monitoring scrapes often, each cheap at any archive size. The queries
take no parameters and read the same on SQLite and PostgreSQL, so one class serves both backends."""

from __future__ import annotations

from monitor.store.rows import Reader

ALERT_STATES = ("pending", "sending", "sent", "suppressed")


class Figures:
    """Read-only counts for the metrics endpoint (`store.figures`, sharing the store's connection)."""

    def __init__(self, database: Reader) -> None:
        self._database = database

    async def posts_stored(self) -> int:
        """Posts are never removed (a deletion is a tombstone) and ids are assigned in order, so the
        highest id is the count, read from the end of the primary key rather than by a scan."""
        return int(str(await self._database.value("SELECT coalesce(max(id), 0) FROM posts")))

    async def alerts_by_state(self) -> dict[str, int]:
        """Every state, those without alerts at 0, so a scrape always shows the same series."""
        rows = await self._database.rows("SELECT status, count(*) FROM alerts GROUP BY status")
        counts = dict.fromkeys(ALERT_STATES, 0)
        counts.update({status: int(count) for status, count in rows})
        return counts

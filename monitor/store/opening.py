"""Opening an archive from where it is: a file path (SQLite, the embedded default) or a postgresql:// URL.

Every command and the daemon open their archive here, so `--archive`, MONITOR_ARCHIVE and the config's
`[archive] path` / `url` mean the same everywhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from monitor.store.archive import Store
from monitor.store.postgres.url import is_postgres_url

if TYPE_CHECKING:
    from typing import TypeAlias

    from monitor.store.postgres.archive import PgStore

    # The two backends have the same public methods (the archive's tests run on both). A name for type
    # annotations only: importing PgStore loads the PostgreSQL driver.
    Archive: TypeAlias = Store | PgStore
Location = str | Path


async def open_archive(location: Location, *, readonly: bool = False) -> Archive:
    """The archive at `location`: a PostgreSQL database when it is a postgresql:// URL, else a file."""
    if is_postgres_url(location):
        # Imported here: the driver is loaded only by processes whose archive is a PostgreSQL database.
        from monitor.store.postgres.archive import PgStore

        return await PgStore.open(str(location), readonly=readonly)
    return await Store.open(Path(location), readonly=readonly)


def parse_location(value: str | Path) -> Location:
    """A location as given on the command line or in the environment: a URL stays text, the rest a path."""
    return str(value) if is_postgres_url(str(value)) else Path(value)

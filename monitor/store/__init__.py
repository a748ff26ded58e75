"""The archive: posts, analysis, revisions, engagement, alert outbox and full-text search, in an SQLite
file (store/) or a PostgreSQL database (store/postgres/), opened from either by `open_archive`."""

from monitor.store.archive import Store
from monitor.store.errors import ArchiveError, ArchiveUnreachable, QueryError
from monitor.store.opening import Location, open_archive, parse_location
from monitor.store.outbox import Outbox
from monitor.store.postgres.url import is_postgres_url

__all__ = [
    "ArchiveError",
    "ArchiveUnreachable",
    "Location",
    "Outbox",
    "QueryError",
    "Store",
    "is_postgres_url",
    "open_archive",
    "parse_location",
]

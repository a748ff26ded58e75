"""The SQLite archive: posts, analysis, revisions, engagement, alert outbox and full-text search."""

from monitor.store.archive import Store
from monitor.store.errors import ArchiveError, QueryError
from monitor.store.outbox import Outbox

__all__ = ["ArchiveError", "Outbox", "QueryError", "Store"]

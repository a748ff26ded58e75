"""The SQLite archive: posts, analysis, revisions, engagement, alert outbox and full-text search."""

from monitor.store.archive import Store
from monitor.store.records import ArchiveError, OutboxItem, SaveOutcome, SentMessage, StoredPost

__all__ = ["ArchiveError", "OutboxItem", "SaveOutcome", "SentMessage", "Store", "StoredPost"]

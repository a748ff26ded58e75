"""The errors the archive raises to its callers, and SQLite's failures of the file named as such."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path


class ArchiveError(Exception):
    """The archive file cannot be used as asked; the message is one line naming the file."""


class ArchiveUnreachable(ArchiveError):
    """The archive's server cannot be reached now (not running, starting up, shutting down): worth waiting
    for, unlike a wrong password or database."""


class QueryError(ArchiveError):
    """A full-text query that is not valid FTS5 syntax: the caller's mistake, not the archive's."""

    def __init__(self, query: str, reason: str) -> None:
        reason = reason.removeprefix("fts5: ").replace('near ""', "at the end")
        super().__init__(
            f"{query!r} is not a valid search ({reason}); put words such as AND, OR, NOT in double quotes "
            "to search for them, e.g. '\"AND\"'"
        )


# SQLite's primary result codes for what is wrong with the file or its disk rather than with a query.
_CORRUPT, _NOTADB = 11, 26
_READONLY, _FULL, _IOERR, _CANTOPEN = 8, 13, 10, 14
FILE_ERRORS = frozenset({_CORRUPT, _NOTADB, _READONLY, _FULL, _IOERR, _CANTOPEN})


def is_file_error(exc: sqlite3.Error) -> bool:
    """A failure of the file or the disk; other errors are mistakes in a query and keep their traceback."""
    return (getattr(exc, "sqlite_errorcode", 0) & 0xFF) in FILE_ERRORS


def file_error(path: Path, exc: sqlite3.Error) -> ArchiveError:
    """One line naming the file and what is wrong with it: corrupt, read-only, full or unreadable."""
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    if code in (_CORRUPT, _NOTADB):
        return ArchiveError(
            f"{path}: the archive is corrupt ({exc}); restore it from a backup, or salvage what is left "
            f"with: sqlite3 {path} .recover"
        )
    if code == _READONLY or (code == _CANTOPEN and not os.access(path.parent, os.W_OK)):
        return ArchiveError(f"{path}: cannot write: the file or its file system is read-only ({exc})")
    if code == _FULL:
        return ArchiveError(f"{path}: cannot write: the disk is full ({exc})")
    if code == _CANTOPEN:
        return ArchiveError(f"{path}: cannot open the archive ({exc})")
    return ArchiveError(f"{path}: cannot read or write the archive: input/output error ({exc})")

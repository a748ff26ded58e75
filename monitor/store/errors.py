"""The errors the archive raises to its callers."""


class ArchiveError(Exception):
    """The archive file cannot be used as asked; the message is one line naming the file."""


class QueryError(ArchiveError):
    """A full-text query that is not valid FTS5 syntax: the caller's mistake, not the archive's."""

    def __init__(self, query: str, reason: str) -> None:
        reason = reason.removeprefix("fts5: ").replace('near ""', "at the end")
        super().__init__(
            f"{query!r} is not a valid search ({reason}); put words such as AND, OR, NOT in double quotes "
            "to search for them, e.g. '\"AND\"'"
        )

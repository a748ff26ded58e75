"""The one error the archive raises to its callers."""


class ArchiveError(Exception):
    """The archive file cannot be used as asked; the message is one line naming the file."""

"""Commands: filled in by the archive work."""

COMMANDS: list = []

"""Commands: filled in by the daemon work."""

COMMANDS: list = []

"""Commands: filled in by the sandbox work."""

COMMANDS: list = []

"""Fixtures shared across the suite: the in-process sandbox and the alert desk built on it."""

pytest_plugins = ("tests.fixtures_sandbox", "tests.fixtures_alerts")

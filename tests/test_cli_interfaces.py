"""The command line as scripts use it: --json is one document on stdout and nothing else, a filter that
nothing knows and an invalid search are usage errors naming the choices, and every command finds its
config and archive in MONITOR_CONFIG and MONITOR_ARCHIVE."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from monitor.analysis.language import BACKENDS
from monitor.cli import main

SAMPLES = Path(__file__).parent / "data" / "samples"


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)


def test_backend_help_names_every_backend() -> None:
    result = run("analyze", "--help")

    backend = result.stdout.split("--backend")[1]
    assert backend.startswith(f" [{'|'.join(BACKENDS)}]")

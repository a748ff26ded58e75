"""The command line as scripts use it: --json is one document on stdout and nothing else, a filter that
nothing knows and an invalid search are usage errors naming the choices, and every command finds its
config and archive in MONITOR_CONFIG and MONITOR_ARCHIVE."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from monitor.analysis.language import BACKENDS
from monitor.cli import main

SAMPLES = Path(__file__).parent / "data" / "samples"


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "archive.db"
    assert run("import", SAMPLES / "posts.jsonl", "--archive", path).exit_code == 0
    return path


@pytest.mark.parametrize("command", ["search Херсон", "export", "stats"])
def test_an_unknown_conflict_is_a_usage_error_naming_the_known_ones(archive: Path, command: str) -> None:
    result = run(*command.split(), "--archive", archive, "--conflict", "russia-ukrain")

    assert result.exit_code == 2 and result.stdout == ""
    assert "unknown conflict 'russia-ukrain'" in result.stderr
    assert "russia-ukraine" in result.stderr and "israel-hamas" in result.stderr


@pytest.mark.parametrize("command", ["search Херсон", "export", "stats"])
def test_an_unknown_language_is_a_usage_error_naming_the_known_ones(archive: Path, command: str) -> None:
    result = run(*command.split(), "--archive", archive, "--lang", "xx")

    assert result.exit_code == 2 and result.stdout == ""
    assert "unknown language 'xx'" in result.stderr and " ru," in result.stderr


def test_a_known_conflict_and_language_without_posts_are_an_empty_answer(archive: Path) -> None:
    result = run("stats", "--archive", archive, "--json", "--conflict", "israel-hezbollah", "--lang", "ka")

    assert result.exit_code == 0 and json.loads(result.stdout)["posts"] == 0


def test_a_conflict_only_an_imported_watchlist_knew_is_accepted(tmp_path: Path) -> None:
    watchlist = tmp_path / "mine.toml"
    watchlist.write_text(
        'version = "1"\n[conflicts.soups]\nname = "Soups"\nseverity = "low"\n'
        '[conflicts.soups.strong]\nru = ["борщ"]\n',
        encoding="utf-8",
    )
    path = tmp_path / "a.db"
    run("import", SAMPLES / "posts.jsonl", "--archive", path, "--conflicts", watchlist)

    result = run("stats", "--archive", path, "--json", "--conflict", "soups")

    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["posts"] == 1


@pytest.mark.parametrize("query", ["Херсон AND", '"unclosed', "(Газа"])
def test_an_invalid_search_is_a_usage_error_naming_the_problem(archive: Path, query: str) -> None:
    result = run("search", query, "--archive", archive)

    assert result.exit_code == 2 and result.stdout == ""
    assert f"{query!r} is not a valid search" in result.stderr
    assert "Traceback" not in result.stderr


def test_backend_help_names_every_backend() -> None:
    result = run("analyze", "--help")

    backend = result.stdout.split("--backend")[1]
    assert backend.startswith(f" [{'|'.join(BACKENDS)}]")


def broken_config(tmp_path: Path) -> Path:
    path = tmp_path / "monitor.toml"
    path.write_text("[telegram]\napi_id = 1\n\n[analyst]\nchat_id = 5\ncolour = 'red'\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "command", ["run", "health", "check-config", "login", "backfill @x --since 2026-01-01"]
)
def test_every_config_command_reads_monitor_config(tmp_path: Path, command: str) -> None:
    path = broken_config(tmp_path)

    result = run(*command.split(), env={"MONITOR_CONFIG": str(path)})

    assert result.exit_code == 2
    assert f"{path}:6: analyst.colour: unknown key" in result.stderr


def test_health_reads_monitor_archive(tmp_path: Path) -> None:
    result = run("health", env={"MONITOR_ARCHIVE": str(tmp_path / "gone.db")})

    assert result.exit_code == 1 and f"archive {tmp_path / 'gone.db'} does not exist" in result.stdout


def test_a_command_without_a_config_says_where_one_comes_from() -> None:
    result = run("run", env={"MONITOR_CONFIG": ""})

    assert result.exit_code == 2 and "give --config FILE or set MONITOR_CONFIG" in result.stderr


def test_check_config_json_is_one_document_with_every_problem(tmp_path: Path) -> None:
    path = broken_config(tmp_path)

    result = run("check-config", "--config", path, "--json")

    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["valid"] is False and "summary" not in report
    assert f"{path}:6: analyst.colour: unknown key" in report["problems"]
    assert any("api_hash" in problem for problem in report["problems"])


def test_check_config_json_of_a_valid_config_summarises_it_without_secrets(tmp_path: Path) -> None:
    path = tmp_path / "monitor.toml"
    path.write_text(
        '[telegram]\napi_id = 1\napi_hash_env = "T_HASH"\n\n[archive]\npath = "a.db"\n\n'
        '[analyst]\nchat_id = 5\n\n[[channels]]\nref = "@news"\n',
        encoding="utf-8",
    )

    result = run("check-config", "--config", path, "--json", env={"T_HASH": "0123456789abcdef-secret"})

    assert result.exit_code == 0, result.stdout
    report = json.loads(result.stdout)
    assert report["valid"] is True and report["problems"] == []
    summary = report["summary"]
    assert summary["telegram"]["api_hash"] == "env T_HASH"
    assert summary["channels"][0]["ref"] == "@news" and summary["archive"] == str(tmp_path / "a.db")
    assert "russia-ukraine" in summary["conflicts"]["ids"]
    assert summary["workers"]["sessions"] == {}
    assert "0123456789abcdef-secret" not in result.stdout and report["notes"] == []


VALID = (
    '[telegram]\napi_id = 1\napi_hash_env = "T_HASH"\n\n[archive]\npath = "a.db"\n\n'
    '[analyst]\nchat_id = 5\n\n[[channels]]\nref = "@news"\n'
)


def test_check_config_checks_the_archive_monitor_archive_names(tmp_path: Path) -> None:
    path = tmp_path / "monitor.toml"
    path.write_text(VALID, encoding="utf-8")
    env = {"T_HASH": "0123456789abcdef-secret", "MONITOR_ARCHIVE": str(tmp_path / "data" / "monitor.db")}

    missing = run("check-config", "--config", path, "--json", env=env)
    (tmp_path / "data").mkdir()
    present = run("check-config", "--config", path, "--json", env=env)

    assert missing.exit_code == 2, missing.stdout
    assert json.loads(missing.stdout)["problems"] == [
        f"{path}:5: archive: directory {tmp_path / 'data'} does not exist (the archive given by --archive "
        "or MONITOR_ARCHIVE)"
    ]
    assert (
        present.exit_code == 0 and json.loads(present.stdout)["summary"]["archive"] == env["MONITOR_ARCHIVE"]
    )


@pytest.mark.parametrize("command", ["run", "backfill @news --since 2026-01-01"])
def test_a_daemon_command_refuses_an_archive_override_in_a_missing_directory(
    tmp_path: Path, command: str
) -> None:
    path = tmp_path / "monitor.toml"
    path.write_text(VALID, encoding="utf-8")
    env = {"T_HASH": "0123456789abcdef-secret", "MONITOR_CONFIG": str(path)}

    result = run(*command.split(), "--archive", tmp_path / "unmounted" / "monitor.db", env=env)

    assert result.exit_code == 2
    assert f"directory {tmp_path / 'unmounted'} does not exist" in result.stderr
    assert not (tmp_path / "unmounted").exists()


def test_a_retired_key_of_an_older_config_loads_with_a_note_that_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "monitor.toml"
    path.write_text(
        '[telegram]\napi_id = 1\napi_hash_env = "T_HASH"\n\n[archive]\npath = "a.db"\n\n'
        "[analyst]\nchat_id = 5\n\n[schedule]\nbusy_reconcile_seconds = 15\nrecheck_hours = 48\n",
        encoding="utf-8",
    )
    hash_env = {"T_HASH": "0123456789abcdef-secret"}

    result = run("check-config", "--config", path, env=hash_env)
    report = json.loads(run("check-config", "--config", path, "--json", env=hash_env).stdout)

    assert result.exit_code == 0 and report["valid"] is True
    assert report["notes"] == [
        f"{path}:12: schedule.busy_reconcile_seconds: no longer used (busy channels are read by the look, "
        "not on a timer of their own); it can be removed",
        f"{path}:13: schedule.recheck_hours: no longer used (missed edits come from each channel's pts "
        "difference); it can be removed",
    ]
    assert [f"note: {note}" for note in report["notes"]] == result.stderr.splitlines()


def test_import_json_is_one_document_with_the_counts(tmp_path: Path) -> None:
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": 1, "text": "x", "date": "2026-01-01T00:00:00Z"}\n{oops\n', encoding="utf-8")

    result = run("import", SAMPLES / "posts.jsonl", broken, "--archive", tmp_path / "a.db", "--json")

    report = json.loads(result.stdout)
    assert result.exit_code == 3
    assert report["posts"] == report["new"] == 4 and report["skipped"] == 2
    assert f"skipped {broken}:2: invalid JSON" in result.stderr

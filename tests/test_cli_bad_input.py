"""Bad input through the real CLI: every bad record named FILE:LINE, in file order, capped, the rest
processed, never a traceback."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from monitor.cli import main
from monitor.importing.pipeline import MAX_PROBLEMS_SHOWN
from tests.support import archive_of, corrupt_pages, corrupt_table


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)


def write_jsonl(path: Path, lines: list[object]) -> Path:
    text = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
    path.write_text(text, encoding="utf-8")
    return path


def test_analyze_keeps_a_post_whose_optional_date_is_malformed_and_says_so(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "in.jsonl",
        [
            {"id": 1, "text": "one", "date": "yesterday"},
            {"id": 2, "text": "two", "date": "0001-01-01T00:00:00+14:00"},
        ],
    )

    result = run("analyze", path)

    assert result.exit_code == 0
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [1, 2]
    assert f"kept {path}:1: 'date' 'yesterday' is not an ISO 8601 date" in result.stderr
    assert f"kept {path}:2: 'date' '0001-01-01T00:00:00+14:00' is out of range in UTC" in result.stderr
    assert "2 record(s) kept with a problem" in result.stderr


def test_import_skips_posts_with_bad_dates_or_ids_over_64_bits_and_stores_the_rest(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "in.jsonl",
        [
            {"id": 1, "text": "one", "date": "0001-01-01T00:00:00+14:00"},
            {"id": 2**64, "text": "two", "date": "2026-01-01T00:00:00Z"},
            {"id": 3, "text": "three", "date": "2026-01-01T00:00:00Z", "channel_id": 2**70},
            {"id": 4, "text": "four", "date": "2026-01-01T00:00:00Z"},
        ],
    )

    result = run("import", path, "--archive", tmp_path / "a.db", "--channel", "1234567")

    assert result.exit_code == 3, result.stderr
    assert "1 new" in result.stdout
    lines = result.stderr.splitlines()
    assert lines[0] == f"skipped {path}:1: 'date' '0001-01-01T00:00:00+14:00' is out of range in UTC"
    assert (
        lines[1] == f"skipped {path}:2: message id {2**64} is out of range (an archived id fits in 64 bits)"
    )
    assert lines[2].startswith(f"skipped {path}:3: 'channel_id' {2**70} is out of range")
    assert "Traceback" not in result.stderr


def test_import_reports_problems_in_file_order_capped_with_a_count(tmp_path: Path) -> None:
    # Alternate problems found by the reader (bad JSON) with problems found by the import (no date).
    lines: list[object] = []
    for number in range(1, 301):
        lines.append("{broken" if number % 2 else {"id": number, "text": "no date"})
    lines.append({"id": 999, "text": "fine", "date": "2026-01-01T00:00:00Z"})
    path = write_jsonl(tmp_path / "in.jsonl", lines)

    result = run("import", path, "--archive", tmp_path / "a.db", "--channel", "1234567")

    shown = [line for line in result.stderr.splitlines() if line.startswith("skipped ")]
    numbers = [int(line.split(":")[1]) for line in shown]
    assert numbers == list(range(1, MAX_PROBLEMS_SHOWN + 1))
    assert f"{path}: {300 - MAX_PROBLEMS_SHOWN} more problem(s) not shown" in result.stderr
    assert "Error: 300 malformed record(s) skipped" in result.stderr
    assert result.exit_code == 3 and "1 new" in result.stdout


def test_analyze_reports_invalid_utf8_by_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"id": 1, "text": "ok"}\n{"id": 2, "text": "bad \xff byte"}\n')

    result = run("analyze", path)

    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 2
    assert f"kept {path}:2: 'text': invalid UTF-8 or a lone surrogate, replaced by U+FFFD" in result.stderr


def test_check_config_of_a_deeply_nested_file_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "monitor.toml"
    path.write_text("channels = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")

    result = run("check-config", "--config", path)

    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert f"{path}: invalid TOML: nested too deeply to read" in result.stderr


@pytest.mark.parametrize("command", ["stats", "export", "search сводка", "import"])
def test_a_corrupt_archive_page_is_one_line_naming_the_file(tmp_path: Path, command: str) -> None:
    path = tmp_path / "archive.db"
    asyncio.run(archive_of(path, 2000))
    # stats adds up summary rows and search reads only the newest matches: damage what they read too.
    summary = {"stats": "post_counts", "search сводка": "post_stems_data"}
    if command in summary:
        corrupt_table(path, summary[command])
    corrupt_pages(path)
    # Re-importing the archive's own posts reads every page of the posts table.
    again = [{"id": i, "text": "t", "date": "2026-01-01"} for i in range(1, 2001)]
    posts = write_jsonl(tmp_path / "p.jsonl", again)
    args = [posts, "--channel", "1300000001"] if command == "import" else []

    result = run(*command.split(), *args, "--archive", path)

    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1].startswith(f"Error: {path}: the archive is corrupt")


@pytest.mark.parametrize("command", ["stats", "export", "search x", "import"])
def test_a_channel_id_over_64_bits_is_a_usage_error(tmp_path: Path, command: str) -> None:
    posts = write_jsonl(tmp_path / "p.jsonl", [{"id": 1, "text": "t", "date": "2026-01-01"}])
    archive = tmp_path / "a.db"
    run("import", posts, "--archive", archive, "--channel", "1234567")
    args = [posts] if command == "import" else []

    result = run(*command.split(), *args, "--archive", archive, "--channel", "99999999999999999999")

    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert "99999999999999999999 is not a channel id (too large for 64 bits)" in result.stderr

"""The offline commands end to end through the real CLI: analyze, import, search, export, stats, evaluate,
check-config, with their output contracts, error lines and exit codes."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from monitor.cli import main
from monitor.cli.archive import EXPORT_FIELDS
from monitor.model import Channel
from monitor.store import Location, Store, open_archive
from tests.postgres import PASSWORD_USER, PostgresServer

ROOT = Path(__file__).parents[1]
SAMPLES = Path(__file__).parent / "data" / "samples"
WAR_RU = "Вооружённые силы Украины атаковали Белгородскую область беспилотниками, сообщили в Минобороны."
WAR_GAZA = "Israeli troops continued operations in the Gaza Strip against Hamas targets overnight."
GAS = "Цены на газ в Европе снова выросли на фоне холодной погоды."
API_HASH = "feedfacefeedface0123456789abcdef"
BOT_TOKEN = "777000:AAH-very-secret-bot-token"


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)


def jsonl(result: Result) -> list[dict[str, object]]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def write_jsonl(path: Path, lines: list[object]) -> Path:
    path.write_text(
        "".join(
            (line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n" for line in lines
        ),
        encoding="utf-8",
    )
    return path


# ---------------------------------------------------------------------------------------------
# analyze


def test_analyze_contract_ids_in_order_malformed_line_reported_exit_3(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "in.jsonl",
        [
            {"id": "a1", "text": WAR_RU},
            {"id": "a2", "text": WAR_GAZA},
            "{not json",
            {"id": 7, "text": GAS},
            {"message_id": 8, "text": "🔥🔥🔥"},
        ],
    )

    result = run("analyze", path)

    assert result.exit_code == 3
    out = jsonl(result)
    assert [o["id"] for o in out] == ["a1", "a2", 7, 8]
    assert f"{path}:3:" in result.stderr
    for line, text in zip(out, [WAR_RU, WAR_GAZA, GAS, "🔥🔥🔥"], strict=True):
        assert {"lang", "lang_confidence", "conflicts", "matches"} <= line.keys()
        for match in line["matches"]:
            assert {"conflict", "text", "term", "lang", "start", "end"} <= match.keys()
            assert 0 <= match["start"] < match["end"] <= len(text)
            assert match["text"] == text[match["start"] : match["end"]]
    assert "russia-ukraine" in out[0]["conflicts"]
    assert "israel-hamas" in out[1]["conflicts"]
    assert out[2]["conflicts"] == []
    assert out[3]["lang"] == "und"


def test_analyze_shows_the_matched_words_as_written_beside_the_pattern(tmp_path: Path) -> None:
    body = "Путину доложили: ВСУ атаковали БЕЛГОРОДСКУЮ область."
    path = write_jsonl(tmp_path / "inflected.jsonl", [{"id": 1, "text": body}])

    (line,) = jsonl(run("analyze", path))

    words = {m["text"]: m["term"] for m in line["matches"]}
    assert {"Путину", "ВСУ", "БЕЛГОРОДСКУЮ"} <= words.keys()
    assert words["Путину"] != "Путину" and words["БЕЛГОРОДСКУЮ"] != "БЕЛГОРОДСКУЮ"  # patterns, not words


def test_analyze_echoes_channel_and_date_only_when_given(tmp_path: Path) -> None:
    result = run("analyze", SAMPLES / "posts.jsonl")
    bare = run("analyze", write_jsonl(tmp_path / "bare.jsonl", [{"text": "x"}]))

    assert result.exit_code == 0, result.stderr
    first = jsonl(result)[0]
    assert first["channel"] == "test_feed" and first["date"] == "2026-02-01T10:00:00+00:00"
    assert [o["id"] for o in jsonl(result)] == [101, "102", 7, 8]
    (line,) = jsonl(bare)
    assert "channel" not in line and "date" not in line and line["id"] is None


def test_analyze_reads_a_telegram_desktop_export_with_entity_lists() -> None:
    result = run("analyze", SAMPLES / "td_export.json")

    assert result.exit_code == 0, result.stderr
    out = jsonl(result)
    assert [o["id"] for o in out] == [2, 3, 4]
    assert out[0]["channel"] == "Test Frontline Feed"
    assert "russia-ukraine" in out[0]["conflicts"]
    assert "israel-hamas" in out[2]["conflicts"]
    text = "Hamas fighters clashed with the IDF in Gaza City."
    spans = {text[m["start"] : m["end"]] for m in out[2]["matches"]}
    assert "Hamas" in spans


def test_analyze_an_unreadable_file_exits_2_after_the_others(tmp_path: Path) -> None:
    result = run("analyze", tmp_path / "missing.jsonl", SAMPLES / "posts.jsonl")

    assert result.exit_code == 2
    assert len(jsonl(result)) == 4
    assert f"{tmp_path / 'missing.jsonl'}: cannot read" in result.stderr
    assert "Traceback" not in result.stderr


def test_analyze_with_an_unknown_backend_is_a_usage_error() -> None:
    result = run("analyze", SAMPLES / "posts.jsonl", "--backend", "tea-leaves")

    assert result.exit_code == 2
    assert "tea-leaves" in result.stderr and result.stdout == ""


def test_analyze_with_a_broken_watchlist_names_it(tmp_path: Path) -> None:
    bad = tmp_path / "conflicts.toml"
    bad.write_text('version = "1"\n[conflicts.x]\nname = "X"\nseverity = "apocalyptic"\n', encoding="utf-8")

    result = run("analyze", SAMPLES / "posts.jsonl", "--conflicts", bad)

    assert result.exit_code == 2
    assert str(bad) in result.stderr and "severity" in result.stderr


# ---------------------------------------------------------------------------------------------
# import, search, export, stats


def imported(location: Location, tmp_path: Path, *files: Path) -> Location:
    """`monitor import` the files into the archive at `location`. A PostgreSQL archive gets them through
    an SQLite one: import learns channel context, which PostgreSQL does not keep yet; the posts are
    then saved into it as imported, channels included."""
    if isinstance(location, Path):
        result = run("import", *files, "--archive", location)
        assert result.exit_code in (0, 3), result.stderr
        return location
    staging = tmp_path / "staging.db"
    assert run("import", *files, "--archive", staging).exit_code in (0, 3)

    async def copy() -> None:
        async with await Store.open(staging, readonly=True) as source, await open_archive(location) as dest:
            for channel in await source.channels():
                await dest.upsert_channel(channel)
            posts = [(stored.post, stored.analysis) async for stored in source.iter_posts()]
            await dest.save(posts, alert=False)

    asyncio.run(copy())
    return location


def export_rows(archive: Location, *extra: str) -> list[dict[str, object]]:
    result = run("export", "--archive", archive, "--format", "jsonl", *extra)
    assert result.exit_code == 0, result.stderr
    return jsonl(result)


def test_import_twice_stores_each_post_once(tmp_path: Path) -> None:
    archive = tmp_path / "archive.db"
    files = (SAMPLES / "posts.jsonl", SAMPLES / "td_export.json")

    first = run("import", *files, "--archive", archive)
    second = run("import", *files, "--archive", archive)

    assert first.exit_code == 0, first.stderr
    assert "7 new" in first.stdout
    assert second.exit_code == 0 and "0 new" in second.stdout and "7 unchanged" in second.stdout
    rows = export_rows(archive)
    keys = [(r["channel_id"], r["message_id"]) for r in rows]
    assert len(keys) == 7 and len(set(keys)) == 7


def test_export_lines_carry_the_documented_fields(tmp_path: Path, archive_location: Location) -> None:
    archive = imported(archive_location, tmp_path, SAMPLES / "td_export.json", SAMPLES / "posts.jsonl")

    rows = export_rows(archive)

    assert all(list(row) == list(EXPORT_FIELDS) for row in rows)
    by_id = {(r["channel_title"], r["message_id"]): r for r in rows}
    td = by_id[("Test Frontline Feed", 2)]
    assert td["channel_id"] == 1555000111 and td["channel"] is None
    assert td["links"] == ["https://example.org/news/2"] and "russia-ukraine" in td["conflicts"]
    assert td["date"] == "2026-01-10T09:05:00+00:00" and td["deleted"] is False and td["revisions"] == []
    assert td["matches"] and all(
        m["text"] == td["text"][m["start"] : m["end"]] and m["text"].strip() for m in td["matches"]
    )
    feed = by_id[("test_feed", 7)]
    assert feed["channel"] == feed["channel_username"] == "test_feed"
    assert by_id[("Test Frontline Feed", 3)]["edit_date"] == "2026-01-10T10:30:00+00:00"


def test_import_uses_channel_option_for_posts_without_one(tmp_path: Path) -> None:
    archive = tmp_path / "archive.db"
    posts = write_jsonl(
        tmp_path / "p.jsonl",
        [
            {"message_id": 1, "date": "2026-01-01T00:00:00Z", "text": WAR_RU},
            {"id": "x", "text": "no number id"},
        ],
    )

    without = run("import", posts, "--archive", archive)
    with_channel = run("import", posts, "--archive", archive, "--channel", "-1001999888777")

    assert without.exit_code == 3 and f"{posts}:1: no channel" in without.stderr
    assert f"{posts}:2: no message id" in without.stderr
    assert with_channel.exit_code == 3 and "1 new" in with_channel.stdout
    (row,) = export_rows(archive)
    assert row["channel_id"] == 1999888777 and row["message_id"] == 1


def test_a_channel_named_by_link_is_the_archived_channel_of_that_username(tmp_path: Path) -> None:
    archive = tmp_path / "archive.db"

    async def seed() -> None:
        async with await Store.open(archive) as store:
            await store.upsert_channel(Channel(4242, "Known feed", "known_feed"))

    asyncio.run(seed())
    posts = write_jsonl(
        tmp_path / "p.jsonl",
        [
            {
                "message_id": 1,
                "date": "2026-01-01T00:00:00Z",
                "text": "one",
                "channel": "https://t.me/Known_Feed",
            },
            {"message_id": 2, "date": "2026-01-01T00:00:00Z", "text": "two", "channel": "@known_feed"},
        ],
    )

    assert run("import", posts, "--archive", archive).exit_code == 0
    assert {(r["channel_id"], r["message_id"]) for r in export_rows(archive)} == {(4242, 1), (4242, 2)}


def test_imports_never_create_alerts(tmp_path: Path, archive_location: Location) -> None:
    archive = imported(archive_location, tmp_path, SAMPLES / "posts.jsonl")

    result = run("stats", "--archive", archive, "--json")

    figures = json.loads(result.stdout)
    assert figures["posts"] == 4 and figures["conflicts"] and figures["alerts"] == {}


def test_search_export_and_stats_filter_by_conflict_language_channel_and_date(
    tmp_path: Path, archive_location: Location
) -> None:
    archive = imported(archive_location, tmp_path, SAMPLES / "posts.jsonl", SAMPLES / "td_export.json")

    hamas = export_rows(archive, "--conflict", "israel-hamas")
    russian = export_rows(archive, "--lang", "ru")
    january = export_rows(archive, "--since", "2026-01-10", "--until", "2026-01-10")
    feed = export_rows(archive, "--channel", "1555000111")
    search = run("search", "Hamas", "--archive", archive, "--json")
    stats = json.loads(run("stats", "--archive", archive, "--json", "--conflict", "russia-ukraine").stdout)

    assert {r["message_id"] for r in hamas} == {4, 102}
    assert all("israel-hamas" in r["conflicts"] for r in hamas)
    assert russian and all(r["lang"] == "ru" for r in russian)
    assert {r["message_id"] for r in january} == {2, 3, 4}
    assert {r["channel_id"] for r in feed} == {1555000111}
    assert search.exit_code == 0 and {r["message_id"] for r in jsonl(search)} == {
        r["message_id"] for r in hamas
    }
    assert stats["posts"] == 2 and set(stats["conflicts"]) >= {"russia-ukraine"}


def test_search_prints_readable_lines(tmp_path: Path, archive_location: Location) -> None:
    archive = imported(archive_location, tmp_path, SAMPLES / "td_export.json")

    result = run("search", "Запорожью", "--archive", archive)

    assert result.exit_code == 0
    (line,) = result.stdout.splitlines()
    assert "Test Frontline Feed/2" in line and "[ru]" in line and "russia-ukraine" in line


def test_export_csv_to_a_file(tmp_path: Path, archive_location: Location) -> None:
    archive, out = imported(archive_location, tmp_path, SAMPLES / "td_export.json"), tmp_path / "out.csv"

    result = run("export", "--archive", archive, "--format", "csv", "--output", out)

    assert result.exit_code == 0 and "exported 3 posts" in result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [int(r["message_id"]) for r in rows] == [2, 3, 4]
    assert json.loads(rows[0]["links"]) == ["https://example.org/news/2"] and rows[0]["revisions"] == "0"


def test_archive_comes_from_the_environment(tmp_path: Path) -> None:
    archive = tmp_path / "env.db"

    run("import", SAMPLES / "posts.jsonl", env={"MONITOR_ARCHIVE": str(archive)})
    result = run("stats", "--json", env={"MONITOR_ARCHIVE": str(archive)})

    assert archive.exists() and json.loads(result.stdout)["posts"] == 4


def test_a_postgresql_archive_comes_from_the_environment_too(tmp_path: Path, postgres_url: str) -> None:
    imported(postgres_url, tmp_path, SAMPLES / "posts.jsonl")

    result = run("stats", "--json", env={"MONITOR_ARCHIVE": postgres_url})

    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["posts"] == 4


@pytest.mark.parametrize("query", ["Херсон AND", '"unclosed', "(Газа", "Газа NOT"])
def test_an_invalid_search_is_a_usage_error_on_postgresql_too(
    tmp_path: Path, postgres_url: str, query: str
) -> None:
    archive = imported(postgres_url, tmp_path, SAMPLES / "posts.jsonl")

    result = run("search", query, "--archive", archive)

    assert result.exit_code == 2 and result.stdout == ""
    assert f"{query!r} is not a valid search" in result.stderr and "Traceback" not in result.stderr


def test_a_wrong_archive_password_is_one_line_without_the_password(postgres_server: PostgresServer) -> None:
    url = postgres_server.url("postgres", user=PASSWORD_USER, password="not-the-password-7")

    result = run("stats", "--archive", url)

    assert result.exit_code == 1 and "not-the-password-7" not in result.stderr + result.stdout
    assert (
        f"archive url postgresql://{PASSWORD_USER}:***@127.0.0.1:{postgres_server.port}/postgres"
        in result.stderr
    )


def test_backup_refuses_a_postgresql_archive_by_name(postgres_url: str, tmp_path: Path) -> None:
    result = run("backup", tmp_path / "copy.db", "--archive", postgres_url)

    assert (
        result.exit_code == 2 and "works on an archive file, not on the PostgreSQL archive" in result.stderr
    )


def test_reading_a_missing_archive_is_one_clear_line(tmp_path: Path) -> None:
    result = run("stats", "--archive", tmp_path / "nope.db")

    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {tmp_path / 'nope.db'}: no archive at this path"
    assert not (tmp_path / "nope.db").exists()


def test_a_bad_date_filter_is_a_usage_error(tmp_path: Path) -> None:
    result = run("export", "--archive", tmp_path / "a.db", "--since", "last tuesday")

    assert result.exit_code == 2 and "last tuesday" in result.stderr


# ---------------------------------------------------------------------------------------------
# evaluate


def test_evaluate_prints_scores_per_conflict_and_language_accuracy(tmp_path: Path) -> None:
    labeled = write_jsonl(
        tmp_path / "labeled.jsonl",
        [
            {"id": 1, "text": WAR_RU, "labels": ["russia-ukraine"], "lang": "ru"},
            {"id": 2, "text": WAR_GAZA, "labels": ["israel-hamas"], "lang": "en"},
            {"id": 3, "text": GAS, "labels": []},
            {"id": 4, "text": "Sunny weather all week.", "labels": ["israel-hezbollah"]},
        ],
    )

    text = run("evaluate", labeled)
    as_json = run("evaluate", labeled, "--json", "--mistakes")

    assert text.exit_code == 0, text.stderr
    assert "language accuracy: 1.000 (2/2)" in text.stdout
    assert any(line.startswith("russia-ukraine") and "1.000" in line for line in text.stdout.splitlines())
    (scores,) = jsonl(as_json)
    assert scores["posts"] == 4
    assert scores["conflicts"]["israel-hezbollah"] == {
        "tp": 0,
        "fp": 0,
        "fn": 1,
        "precision": None,
        "recall": 0.0,
        "f1": 0.0,
    }
    assert scores["micro"]["tp"] == 2 and scores["micro"]["fn"] == 1 and scores["micro"]["precision"] == 1.0
    assert scores["mistakes"] == [
        {
            "kind": "missed",
            "conflict": "israel-hezbollah",
            "id": 4,
            "channel": None,
            "snippet": "Sunny weather all week.",
            "matched": [],
            "score": 0.0,
            "threshold": 1.0,
        }
    ]


def test_evaluate_mistakes_name_the_channel_a_snippet_and_the_matched_words(tmp_path: Path) -> None:
    filler = "Прогноз погоды на выходные обещает дождь и ветер. " * 8
    wrong = f"{filler}Фильм о штурме Бахмута и обстрелах Херсона получил приз кинофестиваля в Берлине."
    labeled = write_jsonl(
        tmp_path / "labeled.jsonl",
        [
            {"id": "ok", "text": WAR_RU, "labels": ["russia-ukraine"], "channel": "@front"},
            {"id": "fp", "text": wrong, "labels": [], "channel": "@sport_news"},
            {"id": "miss", "text": "Sunny weather all week.", "labels": ["israel-hezbollah"]},
        ],
    )

    result = run("evaluate", labeled, "--mistakes")

    lines = result.stdout.splitlines()
    start = lines.index('false positive  russia-ukraine       id="fp" channel="@sport_news"')
    snippet, matched = lines[start + 1 : start + 3]
    assert snippet.startswith("    …") and "штурме Бахмута" in snippet and len(snippet) < 200
    assert matched.startswith("    matched: Бахмута, Херсона (score ") and matched.endswith(" / 1)")
    assert lines[start + 3 :] == [
        'missed          israel-hezbollah     id="miss"',
        "    Sunny weather all week.",
        "    matched: nothing (score 0 / 1)",
    ]
    assert not any('"ok"' in line for line in lines)


def test_the_evaluate_help_examples_name_files_that_exist() -> None:
    help_text = run("evaluate", "--help").stdout
    examples = [
        line.split()[2] for line in help_text.splitlines() if line.strip().startswith("monitor evaluate")
    ]
    assert examples and all((ROOT / example).is_file() for example in examples)


def test_evaluate_reports_posts_without_labels(tmp_path: Path) -> None:
    labeled = write_jsonl(
        tmp_path / "l.jsonl", [{"id": 1, "text": GAS, "labels": []}, {"id": 2, "text": GAS}]
    )

    result = run("evaluate", labeled)

    assert result.exit_code == 3 and f"{labeled}:2: no 'labels'" in result.stderr
    assert "posts: 1" in result.stdout


# ---------------------------------------------------------------------------------------------
# check-config


@pytest.fixture
def secrets_env() -> dict[str, str]:
    return {"CC_API_ID": "4242", "CC_API_HASH": API_HASH, "CC_BOT_TOKEN": BOT_TOKEN}


def config_file(tmp_path: Path, extra: str = "") -> Path:
    (tmp_path / "data").mkdir(exist_ok=True)
    path = tmp_path / "monitor.toml"
    path.write_text(
        f"""\
[telegram]
api_id_env = "CC_API_ID"
api_hash_env = "CC_API_HASH"
bot_token_env = "CC_BOT_TOKEN"

[archive]
path = "data/monitor.db"

[analyst]
chat_id = -1001234567890

[[channels]]
ref = "@RKadyrov_95"
backfill = 200

[[channels]]
ref = "https://t.me/+InviteHash123"

[analysis]
conflicts = "{ROOT / "config" / "conflicts.toml"}"
{extra}""",
        encoding="utf-8",
    )
    return path


def test_check_config_prints_a_summary_without_secrets(tmp_path: Path, secrets_env: dict[str, str]) -> None:
    result = run("check-config", "--config", config_file(tmp_path), env=secrets_env)

    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "channels: 2" in out and "@RKadyrov_95: username RKadyrov_95, backfill 200" in out
    assert "invite InviteHash123, join" in out
    assert "russia-ukraine" in out and "israel-hamas" in out and "israel-hezbollah" in out
    assert " ru " in out and " en " in out
    assert "api_hash from env CC_API_HASH" in out
    assert f"archive: {tmp_path / 'data' / 'monitor.db'}" in out
    assert API_HASH not in out + result.stderr and BOT_TOKEN not in out + result.stderr


def test_check_config_lists_each_problem_with_file_line_and_key(
    tmp_path: Path, secrets_env: dict[str, str]
) -> None:
    path = config_file(tmp_path, '\n[alerts]\nper_minute = "fast"\nmuted = ["no-such-war"]\ncolour = "red"\n')
    path.write_text(
        path.read_text(encoding="utf-8").replace('ref = "@RKadyrov_95"', 'ref = "t.me/x"'), "utf-8"
    )

    result = run("check-config", "--config", path, env=secrets_env)

    assert result.exit_code == 2
    assert f"{path}:13: channels[1].ref: " in result.stderr
    assert f"{path}:23: alerts.per_minute: expected an integer" in result.stderr
    assert f"{path}:25: alerts.colour: unknown key" in result.stderr
    assert "Traceback" not in result.stderr
    assert API_HASH not in result.stderr + result.stdout


def test_check_config_refuses_an_inline_secret_without_echoing_it(tmp_path: Path) -> None:
    path = config_file(tmp_path)
    path.write_text(
        path.read_text(encoding="utf-8").replace('api_hash_env = "CC_API_HASH"', f'api_hash = "{API_HASH}"'),
        encoding="utf-8",
    )

    result = run("check-config", "--config", path, env={"CC_API_ID": "1", "CC_BOT_TOKEN": BOT_TOKEN})

    assert result.exit_code == 2
    assert f"{path}:3: telegram.api_hash: secrets are not accepted inline" in result.stderr
    assert API_HASH not in result.stderr + result.stdout


def test_check_config_checks_muted_conflicts_against_the_watchlist(
    tmp_path: Path, secrets_env: dict[str, str]
) -> None:
    result = run(
        "check-config",
        "--config",
        config_file(tmp_path, '\n[alerts]\nmuted = ["no-such-war"]\n'),
        env=secrets_env,
    )

    assert result.exit_code == 2 and "alerts.muted: unknown conflict(s) no-such-war" in result.stderr


# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command", ["analyze", "import", "search", "export", "stats", "evaluate", "check-config"]
)
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = run(command, "--help")

    assert result.exit_code == 0 and "Example:" in result.stdout and "monitor " in result.stdout


def test_hostile_texts_are_analysed_and_stored(tmp_path: Path) -> None:
    hostile = [
        "\u202eВСУ\u200b\u200bатаковали\u00ad " * 3,
        "a\ud83d b",
        "слово " * 16_000 + "Газа",
        "\u0000\ufeff\U0001f525",
    ]
    path = tmp_path / "hostile.jsonl"
    posts = [{"message_id": i, "date": "2026-01-01T00:00:00Z", "text": t} for i, t in enumerate(hostile, 1)]
    path.write_text("".join(json.dumps(p) + "\n" for p in posts), encoding="ascii")
    archive = tmp_path / "archive.db"

    analyzed = run("analyze", path)
    imported = run("import", path, "--archive", archive, "--channel", "1234567")

    assert analyzed.exit_code == 0 and len(jsonl(analyzed)) == 4
    assert imported.exit_code == 0 and "4 new" in imported.stdout
    assert [len(r["text"]) for r in export_rows(archive)] == [len(t) for t in hostile]


def test_posts_named_by_channel_username_join_the_archive_channel(tmp_path: Path) -> None:
    archive = tmp_path / "archive.db"

    async def known_channel() -> None:
        async with await Store.open(archive) as store:
            await store.upsert_channel(Channel(555, "Swodki", "swodki"))

    asyncio.run(known_channel())
    posts = write_jsonl(
        tmp_path / "p.jsonl",
        [
            {"message_id": 1, "channel": "Swodki", "date": "2022-10-12", "text": GAS},
            {"message_id": 2, "channel": "other_name", "date": "2022-10-12", "text": GAS},
        ],
    )

    first = run("import", posts, "--archive", archive)
    again = run("import", posts, "--archive", archive)

    assert first.exit_code == 0 and again.exit_code == 0 and "2 unchanged" in again.stdout
    rows = {r["message_id"]: r for r in export_rows(archive)}
    assert rows[1]["channel_id"] == 555 and rows[1]["channel"] == "swodki"
    assert rows[2]["channel"] == "other_name" and rows[2]["channel_id"] > 10**15


def test_import_with_worker_processes_stores_what_a_single_process_stores(tmp_path: Path) -> None:
    files = (SAMPLES / "posts.jsonl", SAMPLES / "td_export.json")
    alone, pooled = tmp_path / "alone.db", tmp_path / "pooled.db"

    single = run("import", *files, "--archive", alone)
    first = run("import", *files, "--archive", pooled, "--jobs", "2")
    again = run("import", *files, "--archive", pooled, "--jobs", "2")

    assert single.exit_code == first.exit_code == again.exit_code == 0, first.stderr
    assert "7 new" in first.stdout and "7 unchanged" in again.stdout
    assert export_rows(pooled) == export_rows(alone)


def test_import_jobs_must_be_positive(tmp_path: Path) -> None:
    result = run("import", SAMPLES / "posts.jsonl", "--archive", tmp_path / "a.db", "--jobs", "0")

    assert result.exit_code == 2 and "--jobs" in result.stderr

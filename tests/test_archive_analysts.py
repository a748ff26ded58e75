"""The archive for analysts: search by word forms, counts from the summary tables, keyset export, views,
links written in text, a version-2 archive migrated, and the archive opened in datasette."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import sqlite3
import sys
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from datasette.app import Datasette

from monitor.analysis.links import links_in_text, with_text_links
from monitor.cli import main
from monitor.cli.archive import datasette_metadata
from monitor.model import Analysis, Channel, Match, Post
from monitor.store import Location, Store, open_archive
from monitor.store.schema import MIGRATIONS
from monitor.store.stems import stem_query, stem_text, stem_word, word_stems
from tests.support import archive_dicts, archive_execute, until

T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
UKRAINE = "russia-ukraine"
GAZA = "israel-hamas"
CHANNEL = Channel(100, "Вести фронта", "front_vesti")
OTHER = Channel(200, "Другие новости", None)


def flagged(text: str, word: str, conflict: str = UKRAINE, lang: str = "ru") -> Analysis:
    start = text.index(word)
    match = Match(conflict, word.lower(), lang, start, start + len(word))
    return Analysis(lang, 0.9, (match,), (conflict,), "w1")


def plain(lang: str = "ru") -> Analysis:
    return Analysis(lang, 0.9, (), (), "w1")


def post(message_id: int, text: str, *, channel: int = 100, hours: float = 0, **fields: object) -> Post:
    return Post(channel, message_id, T0 + timedelta(hours=hours), text, **fields)  # type: ignore[arg-type]


@pytest.fixture
async def store(archive_location: Location):
    """An archive knowing both channels, once in SQLite and once in PostgreSQL."""
    opened = await open_archive(archive_location)
    await opened.upsert_channel(CHANNEL)
    await opened.upsert_channel(OTHER)
    yield opened
    await opened.close()


@pytest.fixture
async def file_store(tmp_path: Path):
    """The same in an SQLite file (tmp_path / monitor.db), for the tools that open the file itself."""
    opened = await Store.open(tmp_path / "monitor.db")
    await opened.upsert_channel(CHANNEL)
    await opened.upsert_channel(OTHER)
    yield opened
    await opened.close()


# -- word forms ---------------------------------------------------------------------------------------


def test_russian_and_ukrainian_forms_of_a_name_share_one_stem() -> None:
    forms = ["Херсон", "Херсона", "Херсоне", "Херсоном", "Херсоні", "ХЕРСОНУ"]
    assert len({stem_word(form) for form in forms}) == 1
    assert stem_word("Газа") == stem_word("газ")  # the documented collision: Gaza and gas


def test_place_names_ending_like_a_plural_are_found_in_every_form() -> None:
    for forms in (["Харьков", "Харькова", "Харькове"], ["Николаев", "Николаеву"], ["Киев", "Киеве"]):
        shared = set.intersection(*(set(word_stems(form)) for form in forms))
        assert shared, forms
    assert stem_word("удар") in word_stems("ударов")  # a real plural still meets its singular


def test_a_query_keeps_its_operators_phrases_and_prefixes_with_words_stemmed() -> None:
    query = 'Херсона OR "обстрелы Херсона" NOT газа AND Kherson*'
    stemmed = stem_query(query)
    assert stemmed == (
        f'{stem_word("Херсона")} OR "{stem_word("обстрелы")} {stem_word("Херсона")}" NOT '
        f"{stem_word('газа')} AND {stem_word('Kherson')}*"
    )
    assert stem_query("Харьков") == "(" + " OR ".join(word_stems("Харьков")) + ")"
    assert stem_text("Обстрелы, Херсона!") == f"{stem_word('Обстрелы')} {stem_word('Херсона')}"


async def test_a_name_finds_every_form_of_it_newest_first_and_exact_finds_only_as_written(
    store: Store,
) -> None:
    texts = {
        1: "Обстрел Херсона ночью",
        2: "В Херсоне объявлена тревога",
        3: "У Херсоні працює ППО",
        4: "Херсон: новые данные",
        5: "Цены на бензин",
    }
    await store.save([(post(i, text, hours=i), plain()) for i, text in texts.items()])

    found = await store.search("Херсон")
    exact = await store.search("Херсон", exact=True)

    assert [p.post.message_id for p in found] == [4, 3, 2, 1]
    assert [p.post.message_id for p in exact] == [4]


async def test_gaza_also_finds_gas_unless_exact(store: Store) -> None:
    await store.save(
        [
            (post(1, "Удар по Газе этой ночью", hours=1), plain()),
            (post(2, "Цены на газ растут", hours=2), plain()),
        ]
    )
    assert [p.post.message_id for p in await store.search("Газа")] == [2, 1]
    assert [p.post.message_id for p in await store.search("Газе", exact=True)] == [1]


async def test_search_orders_by_post_date_whatever_order_the_posts_were_stored_in(store: Store) -> None:
    # A backfill stores old posts after new ones: the newest by date still come first.
    await store.save([(post(i, f"сводка номер {i}", hours=100 + i), plain()) for i in range(1, 31)])
    await store.save([(post(i, f"сводка номер {i}", hours=i), plain()) for i in range(31, 61)])
    await store.save([(post(61, "сводка последняя", hours=1000), plain())])

    found = await store.search("сводки", limit=5)

    assert [p.post.message_id for p in found] == [61, 30, 29, 28, 27]


async def test_search_date_and_channel_filters_apply_to_word_forms(store: Store) -> None:
    await store.save(
        [
            (post(1, "Бои у Херсона", hours=1), plain()),
            (post(2, "Бои у Херсона", hours=30), plain()),
            (post(3, "Бои у Херсона", hours=60), plain()),
            (post(4, "Бои у Херсона", channel=200, hours=31), plain()),
        ]
    )
    since, until_ = T0 + timedelta(hours=30), T0 + timedelta(hours=60)
    in_period = await store.search("Херсон", since=since, until=until_)
    in_channel = await store.search("Херсон", channel="@front_vesti", since=since)

    assert [(p.post.channel_id, p.post.message_id) for p in in_period] == [(200, 4), (100, 2)]
    assert [p.post.message_id for p in in_channel] == [3, 2]


async def test_an_edited_text_is_found_by_its_new_words_only(store: Store) -> None:
    await store.save([(post(1, "Взрывы в Одессе"), plain())])
    await store.save([(post(1, "Тишина в Николаеве", edit_date=T0 + timedelta(hours=1)), plain())])

    assert await store.search("Одесса") == []
    assert [p.post.message_id for p in await store.search("Николаев")] == [1]
    assert [p.post.message_id for p in await store.search('"в Николаеве"')] == [1]


# -- counts ---------------------------------------------------------------------------------------------


def _expected(rows: list[tuple[Post, Analysis]], deleted: set[int], edited: set[int]) -> dict[str, object]:
    """What stats should say about the posts in `rows`, counted here by hand."""
    by_lang: dict[str, int] = {}
    by_conflict: dict[str, int] = {}
    by_channel: dict[int, int] = {}
    for item, result in rows:
        by_lang[result.lang] = by_lang.get(result.lang, 0) + 1
        by_channel[item.channel_id] = by_channel.get(item.channel_id, 0) + 1
        for conflict in result.conflicts:
            by_conflict[conflict] = by_conflict.get(conflict, 0) + 1
    keys = {item.message_id for item, _ in rows}
    return {
        "posts": len(rows),
        "deleted": len(deleted & keys),
        "edited": len(edited & keys),
        "channels": dict(sorted(by_channel.items())),
        "conflicts": by_conflict,
        "langs": by_lang,
    }


def _comparable(figures: dict[str, object]) -> dict[str, object]:
    channels = {c["id"]: c["posts"] for c in figures["channels"]}  # type: ignore[attr-defined, index]
    return {
        **{k: figures[k] for k in ("posts", "deleted", "edited", "conflicts", "langs")},
        "channels": channels,
    }


async def test_stats_from_the_summary_agree_with_the_posts_through_edits_deletions_and_partial_days(
    store: Store,
) -> None:
    stored: list[tuple[Post, Analysis]] = []
    for i in range(1, 61):  # 60 posts over five days, two channels, two languages, two conflicts
        text = f"Удар по Херсону номер {i}" if i % 3 else f"Gaza strike number {i}"
        result = flagged(text, "Херсону") if i % 3 else flagged(text, "Gaza", GAZA, "en")
        stored.append(
            (post(i, text, channel=100 if i % 4 else 200, hours=2 * i), result if i % 5 else plain())
        )
    await store.save(stored)
    # An edit that changes the analysis, a deletion, and alert states that move.
    edited_post = post(7, "Погода в Киеве", channel=100, hours=14, edit_date=T0 + timedelta(days=9))
    await store.save([(edited_post, plain("uk"))])
    rows = [(edited_post, plain("uk")) if item.message_id == 7 else (item, r) for item, r in stored]
    await store.mark_deleted(100, [9, 11], T0 + timedelta(days=9))
    await archive_execute(
        store,
        "UPDATE alerts SET status = 'suppressed' "
        "WHERE id IN (SELECT id FROM alerts WHERE status = 'pending' ORDER BY id LIMIT 3)",
    )

    periods = [
        (None, None),
        (T0, None),  # starts inside a day
        (None, T0 + timedelta(days=3)),  # ends inside a day
        (T0 + timedelta(hours=5), T0 + timedelta(hours=20)),  # inside one day
        (datetime(2025, 3, 2, tzinfo=UTC), datetime(2025, 3, 4, tzinfo=UTC)),  # whole days only
    ]
    for since, until_ in periods:
        for filters in ({}, {"conflict": UKRAINE}, {"lang": "en"}, {"channel": 200}):
            chosen = [
                (item, r)
                for item, r in rows
                if (since is None or item.date >= since)
                and (until_ is None or item.date < until_)
                and ("conflict" not in filters or UKRAINE in r.conflicts)
                and ("lang" not in filters or r.lang == "en")
                and ("channel" not in filters or item.channel_id == 200)
            ]
            figures = await store.stats(since=since, until=until_, **filters)  # type: ignore[arg-type]
            assert _comparable(figures) == _expected(chosen, {9, 11}, {7}), (since, until_, filters)

    everything = await store.stats()
    alerts = everything["alerts"]
    assert alerts["suppressed"] == 3  # type: ignore[index]
    flagged_count = sum(1 for _, r in stored if r.conflicts)  # an alert stays when an edit unflags
    assert sum(alerts.values()) == flagged_count  # type: ignore[union-attr]


def count_rows(path: Path) -> tuple[list[tuple[object, ...]], str]:
    """The post_counts table and the SQL of its insert trigger, as the file holds them."""
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT * FROM post_counts WHERE posts > 0 ORDER BY 1, 2, 3, 4").fetchall()
        (trigger,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'post_counts_insert'").fetchone()
    return rows, trigger


async def test_an_import_s_bulk_saves_count_their_posts_as_live_saves_of_the_same_posts_do(
    tmp_path: Path,
) -> None:
    posts = []
    for i in range(1, 41):  # four days, two channels, two languages, flagged or not
        text = f"Удар по Херсону номер {i}" if i % 3 else f"Gaza strike number {i}"
        result = flagged(text, "Херсону") if i % 3 else flagged(text, "Gaza", GAZA, "en")
        posts.append((post(i, text, channel=100 if i % 4 else 200, hours=2.5 * i), result))
    # A batch holding a post twice, the second copy an edit that moves it to another row of counts.
    edit = (post(5, "Погода в Киеве", hours=12.5, edit_date=T0 + timedelta(days=6)), plain("uk"))
    batches = [[*posts[:15], edit], posts[15:]]
    later = (post(41, "Тихо в Одессе", hours=3), plain())
    figures = {}
    for name, bulk in (("live.db", False), ("bulk.db", True)):
        async with await Store.open(tmp_path / name) as store:
            await store.upsert_channel(CHANNEL)
            await store.upsert_channel(OTHER)
            for batch in batches:
                if bulk:
                    await store.save(batch, defer_word_forms=True)
                else:
                    for item in batch:
                        await store.save([item])
            await store.save([later])  # a live save after the import: the trigger counts it
            await store.mark_deleted(100, [9, 10], T0 + timedelta(days=7))
            figures[name] = await store.stats()

    assert figures["bulk.db"] == figures["live.db"]
    assert figures["bulk.db"]["posts"] == 41 and figures["bulk.db"]["deleted"] == 2
    assert count_rows(tmp_path / "bulk.db") == count_rows(tmp_path / "live.db")


# -- export -----------------------------------------------------------------------------------------------


async def test_a_channel_exports_in_date_order_across_pages_each_post_once(store: Store) -> None:
    # More than two 500-post pages, several posts sharing one date, and another channel interleaved.
    batch = [(post(i, f"пост {i}", hours=(1300 - i) // 3), plain()) for i in range(1, 1301)]
    batch += [(post(i, f"чужой {i}", channel=200, hours=i), plain()) for i in range(1, 200)]
    await store.save(batch)

    exported = [(p.post.date, p.post.message_id) async for p in store.iter_posts(channel="100")]

    assert exported == sorted((item.date, item.message_id) for item, _ in batch if item.channel_id == 100)


def test_csv_for_excel_starts_with_a_byte_order_mark_and_writes_true_false(tmp_path: Path) -> None:
    path = tmp_path / "monitor.db"

    async def fill() -> None:
        async with await Store.open(path) as opened:
            await opened.upsert_channel(CHANNEL)
            await opened.save([(post(1, "Удар по Херсону"), flagged("Удар по Херсону", "Херсону"))])
            await opened.save([(post(2, "שלום עליכם"), plain("he"))])
            await opened.mark_deleted(100, [2], T0)

    asyncio.run(fill())
    output = tmp_path / "posts.csv"
    result = CliRunner().invoke(
        main, ["export", "--archive", str(path), "--format", "csv", "--excel", "--output", str(output)]
    )
    assert result.exit_code == 0, result.output
    raw = output.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [(r["text"], r["deleted"]) for r in rows] == [("Удар по Херсону", "false"), ("שלום עליכם", "true")]

    refused = CliRunner().invoke(main, ["export", "--archive", str(path), "--excel"])
    assert refused.exit_code == 2 and "--excel" in refused.output


# -- views ----------------------------------------------------------------------------------------------


async def test_views_show_flagged_posts_with_links_and_words_alert_states_and_daily_mentions(
    store: Store,
) -> None:
    text = "Ночью ВСУ обстреляли Херсон, сообщают из Херсона"
    result = Analysis(
        "ru",
        0.9,
        (Match(UKRAINE, "херсон{|а}", "ru", 21, 27), Match(UKRAINE, "херсон{|а}", "ru", 41, 48)),
        (UKRAINE,),
        "w1",
    )
    await store.save(
        [(post(5, text), result), (post(6, text, channel=200), result), (post(7, "Тихо"), plain())]
    )
    await archive_execute(
        store, "UPDATE alerts SET status = 'suppressed' WHERE id = (SELECT min(id) FROM alerts)"
    )

    flagged_rows = await archive_dicts(store, "SELECT * FROM flagged_posts ORDER BY channel_id")
    states = await archive_dicts(store, "SELECT * FROM alert_states ORDER BY alert_id")
    daily = await archive_dicts(store, "SELECT * FROM daily_mentions ORDER BY channel_id")

    assert [r["url"] for r in flagged_rows] == ["https://t.me/front_vesti/5", "https://t.me/c/200/6"]
    assert json.loads(flagged_rows[0]["matched_words"]) == ["Херсон", "Херсона"]
    assert json.loads(flagged_rows[0]["conflicts"]) == [UKRAINE]
    assert sorted(r["status"] for r in states) == ["pending", "suppressed"]
    assert all(r["post_id"] is not None and r["url"].startswith("https://t.me/") for r in states)
    assert [(r["day"], r["conflict"], r["channel_id"], r["posts"]) for r in daily] == [
        ("2025-03-01", UKRAINE, 100, 1),
        ("2025-03-01", UKRAINE, 200, 1),
    ]


# -- links written in text --------------------------------------------------------------------------------


def test_links_written_in_text_are_found_without_trailing_punctuation() -> None:
    text = "Подробнее: https://example.org/news?id=5. Канал t.me/front_vesti/12, сайт www.example.com.ua!"
    assert links_in_text(text) == (
        "https://example.org/news?id=5",
        "t.me/front_vesti/12",
        "www.example.com.ua",
    )
    assert links_in_text("почта news@t.me/x и http:// ничего") == ()
    assert with_text_links(
        ("https://marked.example/a",), "см. https://marked.example/a и https://b.example"
    ) == (
        "https://marked.example/a",
        "https://b.example",
    )


def test_import_keeps_the_links_of_a_plain_text_post(tmp_path: Path) -> None:
    source = tmp_path / "posts.jsonl"
    source.write_text(
        json.dumps(
            {
                "channel": "front_vesti",
                "message_id": 3,
                "date": "2025-03-01T10:00:00Z",
                "text": "Видео: https://v.example/1",
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    archive = tmp_path / "monitor.db"
    result = CliRunner().invoke(main, ["import", str(source), "--archive", str(archive)])
    assert result.exit_code == 0, result.output

    exported = CliRunner().invoke(main, ["export", "--archive", str(archive)])
    assert json.loads(exported.stdout)["links"] == ["https://v.example/1"]


# -- an archive of version 2 ------------------------------------------------------------------------------


async def test_a_version_2_archive_gains_links_word_forms_and_counts(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.executescript("\n".join(m.sql for m in MIGRATIONS[:2]) + "\nPRAGMA user_version = 2;")
        db.execute("INSERT INTO channels (id, username, title, first_seen) VALUES (1, 'old', 'Old', 'x')")
        for message_id, text in ((10, "Бои под Херсоном"), (11, "Спокойный день")):
            db.execute(
                "INSERT INTO posts (channel_id, message_id, date, text, first_stored_at, lang, conflicts) "
                "VALUES (1, ?, '2024-01-01T00:00:00+00:00', ?, 'x', 'ru', ?)",
                (message_id, text, json.dumps([UKRAINE]) if message_id == 10 else None),
            )
        db.execute(
            "INSERT INTO matches (channel_id, message_id, conflict, term, lang, start, end) "
            "VALUES (1, 10, ?, 'херсон', 'ru', 9, 16)",
            (UKRAINE,),
        )
        db.execute("INSERT INTO posts_fts (posts_fts) VALUES ('rebuild')")

    async with await Store.open(path) as migrated:
        assert [p.post.message_id for p in await migrated.search("Херсон")] == [10]
        figures = await migrated.stats()
    assert figures["posts"] == 2 and figures["conflicts"] == {UKRAINE: 1}
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT post_id FROM matches").fetchall() == [(1,)]


# -- datasette ------------------------------------------------------------------------------------------


async def test_datasette_searches_facets_and_links_the_archive(file_store: Store, tmp_path: Path) -> None:
    store = file_store
    text = "Обстрел Херсона ночью"
    await store.save([(post(1, text), flagged(text, "Херсона")), (post(2, "Погода в Одессе"), plain("uk"))])
    path = tmp_path / "monitor.db"
    datasette = Datasette([str(path)], metadata=datasette_metadata("monitor"))

    searched = await datasette.client.get("/monitor/posts.json?_search=Херсона&_shape=objects")
    labelled = await datasette.client.get("/monitor/matches.json?_labels=on&_shape=objects")
    faceted = await datasette.client.get("/monitor/posts.json?_facet=lang")

    assert [row["text"] for row in searched.json()["rows"]] == [text]
    (match,) = labelled.json()["rows"]
    assert isinstance(match["post_id"], dict) and match["post_id"]["value"] == 1
    facet = faceted.json()["facet_results"]["lang"]["results"]
    assert sorted((f["value"], f["count"]) for f in facet) == [("ru", 1), ("uk", 1)]


async def test_monitor_browse_serves_the_archive_on_localhost(file_store: Store, tmp_path: Path) -> None:
    store = file_store
    await store.save([(post(1, "Взрывы в Херсоне"), plain()), (post(2, "Тишина"), plain())])
    archive = tmp_path / "monitor.db"
    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "monitor"),
        "browse",
        "--archive",
        str(archive),
        "--port",
        "0",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        seen: list[str] = []

        async def address() -> str | None:
            line = (await process.stdout.readline()).decode()  # type: ignore[union-attr]
            seen.append(line)
            found = re.search(r"http://127\.0\.0\.1:\d+", line)
            return found.group() if found else None

        base = await until(address, "datasette to say where it listens", timeout=60)
        query = urllib.parse.quote("Херсоне")
        url = f"{base}/monitor/posts.json?_search={query}&_shape=objects"
        body = await asyncio.to_thread(lambda: urllib.request.urlopen(url, timeout=10).read())
        assert [row["message_id"] for row in json.loads(body)["rows"]] == [1]
    finally:
        process.terminate()
        await process.wait()

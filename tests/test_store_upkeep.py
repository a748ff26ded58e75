"""What an archive may owe after a bulk import or an upgrade, and how it is paid: the word-form index built
after the posts (search finds them meanwhile, an interrupted build resumes, edits keep the index true) and
the links written in the text of posts stored before such links were kept (resumable, once). The
word-form tests run on both backends (`store`); what only the SQLite design does on `sqlite_store`."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from monitor.analysis.links import with_text_links
from monitor.cli import main
from monitor.importing.catch_up import catch_up
from monitor.model import Analysis, Channel, Post
from monitor.store import Store, exact_index, open_archive, upkeep, word_forms
from monitor.store.postgres import upkeep as pg_upkeep
from monitor.store.schema import MIGRATIONS
from monitor.store.stems import prefix_query, word_stems

if TYPE_CHECKING:
    from monitor.store.opening import Archive

T0 = datetime(2025, 5, 4, 8, 0, tzinfo=UTC)
CHANNEL = Channel(300, "Сводки", "svodki")
PLAIN = Analysis("ru", 0.9, (), (), "w1")


class Interrupted(Exception):
    """Stands for Ctrl-C or a crash between two chunks of work."""


def post(message_id: int, text: str, hours: float = 0) -> tuple[Post, Analysis]:
    return Post(CHANNEL.id, message_id, T0 + timedelta(hours=hours), text), PLAIN


async def found(store: Archive, query: str) -> list[int]:
    return [stored.post.message_id for stored in await store.search(query, limit=50)]


def stop_after_first_chunk(done: int) -> None:
    raise Interrupted


@pytest.fixture
async def store(archive_location: Path | str):
    opened = await open_archive(archive_location)
    await opened.upsert_channel(CHANNEL)
    yield opened
    await opened.close()


@pytest.fixture
async def sqlite_store(tmp_path: Path):
    opened = await Store.open(tmp_path / "monitor.db")
    await opened.upsert_channel(CHANNEL)
    yield opened
    await opened.close()


# -- the word-form index, deferred -------------------------------------------------------------------------


async def test_posts_saved_with_the_index_deferred_are_found_by_word_form_once_it_is_built(
    store: Archive,
) -> None:
    await store.save([post(1, "Обстрел Херсона ночью", 1), post(2, "В Херсоне объявили тревогу", 2)])
    await store.save(
        [post(3, "Херсонская трасса закрыта", 3), post(4, "Склад у Херсону горел", 4)], defer_word_forms=True
    )
    assert (await store.upkeep.owed()).word_forms == 2

    await store.upkeep.build_word_forms()

    assert (await store.upkeep.owed()).word_forms == 0
    assert await found(store, "Херсон") == [4, 2, 1]  # newest first; "Херсонская" is another word
    assert await found(store, "Херсонская") == [3]


async def test_search_finds_word_forms_of_posts_still_waiting_for_the_index(store: Archive) -> None:
    await store.save([post(1, "Удары по Харькову", 1), post(2, "Погода в Одессе", 5)])
    await store.save(
        [post(3, "Харькова окраины обстреляны", 3), post(4, "Курс рубля", 4)], defer_word_forms=True
    )
    await store.upkeep.build_exact_index()  # as `monitor import` does before it returns

    assert await found(store, "Харьков") == [3, 1]  # indexed and pending posts merged by date
    assert await found(store, "Одесса") == [2]
    assert await found(store, "обстрелы") == [3]

    await store.upkeep.build_word_forms()
    assert await found(store, "Харьков") == [3, 1]  # the same answer, each post once


def test_posts_waiting_for_the_index_are_searched_by_each_word_s_shortest_stem_as_a_prefix() -> None:
    shortest = min(word_stems("ударов"), key=len)
    assert len(word_stems("ударов")) == 2 and len(shortest) < len("ударов")  # whole and cut: the cut one
    assert prefix_query('ударов NOT "Херсон ночью" OR Одесса*') == (
        f'{shortest}* NOT "Херсон ночью" OR {min(word_stems("Одесса"), key=len)}*'
    )


async def test_posts_stored_while_a_build_is_pending_wait_for_it_too(sqlite_store: Store) -> None:
    await sqlite_store.save([post(1, "Колонна у Мелитополя")], defer_word_forms=True)
    await sqlite_store.save([post(2, "Мелитополь без света", 1)])  # a live save, no deferral asked for

    assert (await sqlite_store.upkeep.owed()).word_forms == 2
    await sqlite_store.upkeep.build_word_forms()
    assert await found(sqlite_store, "Мелитополь") == [2, 1]


async def test_an_interrupted_build_resumes_where_its_last_chunk_ended(
    store: Archive, archive_location: Path | str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(word_forms, "BUILD_CHUNK", 2)
    monkeypatch.setattr(pg_upkeep, "BUILD_CHUNK", 2)
    texts = ["Бахмута", "Бахмуте", "Бахмутом", "Бахмуту", "Бахмут"]
    await store.save([post(i, f"Бои за {text}", i) for i, text in enumerate(texts, 1)], defer_word_forms=True)

    with pytest.raises(Interrupted):
        await store.upkeep.build_word_forms(stop_after_first_chunk)
    assert (await store.upkeep.owed()).word_forms == 3
    await store.close()

    async with await open_archive(archive_location) as reopened:
        await reopened.upkeep.build_word_forms()
        assert (await reopened.upkeep.owed()).word_forms == 0
        assert await found(reopened, "Бахмут") == [5, 4, 3, 2, 1]  # every post once: none lost, none twice


async def test_editing_a_post_that_waits_for_the_index_keeps_the_index_true(store: Archive) -> None:
    await store.save([post(1, "Взрывы в Николаеве"), post(2, "Тихо в Сумах", 1)], defer_word_forms=True)
    edited = Post(CHANNEL.id, 1, T0, "Взрывы в Запорожье", edit_date=T0 + timedelta(minutes=5))
    assert [o.status for o in await store.save([(edited, PLAIN)])] == ["edited"]

    assert await found(store, "Запорожье") == [1]
    await store.upkeep.build_word_forms()
    assert await found(store, "Запорожье") == [1]
    assert await found(store, "Николаев") == []
    assert await found(store, "Сумы") == [2]


# -- the exact full-text index, deferred by an import (archive file) --------------------------------------


async def exact(store: Archive, query: str) -> list[int]:
    return [stored.post.message_id for stored in await store.search(query, limit=50, exact=True)]


def fts_intact(path: Path) -> bool:
    """FTS5's own check that posts_fts holds exactly the text of every post, no more, no less."""
    with sqlite3.connect(path) as db:
        try:
            db.execute("INSERT INTO posts_fts (posts_fts, rank) VALUES ('integrity-check', 1)")
        except sqlite3.DatabaseError:
            return False
    return True


async def test_a_live_save_while_an_import_waits_for_the_exact_index_is_searchable_at_once(
    sqlite_store: Store,
) -> None:
    await sqlite_store.save(
        [post(1, "Колонна у Мелитополя"), post(2, "Мелитополь без света", 1)], defer_word_forms=True
    )
    await sqlite_store.save([post(3, "Мелитополь снова без воды", 2)])  # the daemon's save: no deferral

    assert await exact(sqlite_store, "Мелитополь") == [3]
    assert (await sqlite_store.upkeep.owed()).exact_index == 2
    await sqlite_store.upkeep.build_exact_index()

    assert (await sqlite_store.upkeep.owed()).exact_index == 0
    assert await exact(sqlite_store, "Мелитополь") == [3, 2]
    assert fts_intact(sqlite_store.path)


async def test_editing_a_post_that_waits_for_the_exact_index_keeps_the_index_true(
    sqlite_store: Store,
) -> None:
    texts = ["Взрывы в Николаеве", "Тихо в Сумах", "Дожди в Одессе"]
    await sqlite_store.save([post(i, text, i) for i, text in enumerate(texts, 1)], defer_word_forms=True)
    edited = Post(CHANNEL.id, 2, T0 + timedelta(hours=2), "Сирены в Сумах", edit_date=T0 + timedelta(hours=3))
    assert [o.status for o in await sqlite_store.save([(edited, PLAIN)])] == ["edited"]

    assert await exact(sqlite_store, "Сирены") == [
        2
    ]  # indexed before its edit, so the trigger could replace it
    assert (await sqlite_store.upkeep.owed()).exact_index == 2  # the posts around it still wait
    await sqlite_store.upkeep.build_exact_index()

    assert await exact(sqlite_store, "Тихо") == []
    assert await exact(sqlite_store, "Сумах") == [2]
    assert await exact(sqlite_store, "Николаеве OR Одессе") == [3, 1]
    assert fts_intact(sqlite_store.path)


async def interrupted_import(path: Path, texts: list[str]) -> int:
    """An import's saves (one batch per post) stopped while building the exact index: what still waits."""
    async with await Store.open(path) as store:
        await store.upsert_channel(CHANNEL)
        for i, text in enumerate(texts, 1):
            await store.save([post(i, f"Бои за {text}", i)], defer_word_forms=True)
        with pytest.raises(Interrupted):
            await store.upkeep.build_exact_index(stop_after_first_chunk)
        assert await exact(store, "Бахмуте OR Бахмутом OR Бахмуту OR Бахмут") == [2]  # the first chunk's
        return (await store.upkeep.owed()).exact_index


async def searched(path: Path) -> tuple[list[int], list[int]]:
    async with await Store.open(path) as store:
        return await exact(store, "Бахмуте OR Бахмутом OR Бахмуту OR Бахмут"), await found(store, "Бахмут")


def test_an_interrupted_import_is_caught_up_by_archive_catch_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "monitor.db"
    monkeypatch.setattr(exact_index, "BUILD_CHUNK", 2)
    assert asyncio.run(interrupted_import(path, ["Бахмута", "Бахмуте", "Бахмутом", "Бахмуту", "Бахмут"])) == 3

    result = CliRunner().invoke(main, ["archive", "catch-up", "--archive", str(path)])
    assert result.exit_code == 0, result.output
    assert "3 posts indexed for exact search, 5 posts indexed by word form" in result.output

    assert asyncio.run(searched(path)) == ([5, 4, 3, 2], [5, 4, 3, 2, 1])
    assert fts_intact(path)


def test_exact_search_finds_imported_posts_once_import_returns_even_without_catch_up(tmp_path: Path) -> None:
    archive = tmp_path / "monitor.db"
    source = tmp_path / "posts.jsonl"
    lines = [
        {
            "channel": "svodki",
            "message_id": i,
            "date": f"2025-05-04T0{i}:00:00Z",
            "text": f"Сводка {i}: Херсон",
        }
        for i in range(1, 4)
    ]
    source.write_text(
        "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["import", str(source), "--archive", str(archive), "--no-catch-up"])
    assert result.exit_code == 0, result.output

    searched = CliRunner().invoke(main, ["search", "Херсон", "--exact", "--archive", str(archive), "--json"])
    assert searched.exit_code == 0, searched.output
    assert [json.loads(line)["message_id"] for line in searched.stdout.splitlines()] == [3, 2, 1]
    with sqlite3.connect(archive) as db:
        keys = {row[0] for row in db.execute("SELECT key FROM meta")}
    assert "exact_index_pending" not in keys and "word_forms_pending" in keys
    assert fts_intact(archive)


# -- links written in the text of older posts --------------------------------------------------------------


def old_archive(path: Path, texts: list[str]) -> None:
    """An archive of version 2, from before links written in text were kept."""
    with sqlite3.connect(path) as db:
        db.executescript("\n".join(m.sql for m in MIGRATIONS[:2]) + "\nPRAGMA user_version = 2;")
        db.execute(
            "INSERT INTO channels (id, username, title, first_seen) VALUES (300, 'svodki', 'Сводки', 'x')"
        )
        for message_id, text in enumerate(texts, 1):
            db.execute(
                "INSERT INTO posts (channel_id, message_id, date, text, links, first_stored_at) "
                "VALUES (300, ?, '2024-02-01T00:00:00+00:00', ?, ?, 'x')",
                (message_id, text, json.dumps(["https://marked.example/"]) if message_id == 1 else None),
            )
        db.execute("INSERT INTO posts_fts (posts_fts) VALUES ('rebuild')")


def links(path: Path) -> dict[int, list[str] | None]:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT message_id, links FROM posts ORDER BY message_id").fetchall()
    return {message_id: json.loads(value) if value else None for message_id, value in rows}


OLD_TEXTS = [
    "Смотрите https://video.example/a.",
    "Без ссылок",
    "Канал t.me/svodki_ru и www.example.org/page",
    "Подробнее: http://news.example/x?id=1, а также https://video.example/a",
]


async def test_a_migrated_archive_gets_the_links_of_its_older_posts_resumably(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    old_archive(path, OLD_TEXTS)
    monkeypatch.setattr(upkeep, "LINKS_CHUNK", 2)

    async with await Store.open(path) as store:
        assert (await store.upkeep.owed()).text_links == 4
        with pytest.raises(Interrupted):
            await store.upkeep.fill_text_links(with_text_links, stop_after_first_chunk)
        assert (await store.upkeep.owed()).text_links == 2
    assert links(path)[3] is None

    async with await Store.open(path) as store:
        await store.upkeep.fill_text_links(with_text_links)
        assert (await store.upkeep.owed()).text_links == 0
    expected = {
        1: ["https://marked.example/", "https://video.example/a"],
        2: None,
        3: ["t.me/svodki_ru", "www.example.org/page"],
        4: ["http://news.example/x?id=1", "https://video.example/a"],
    }
    assert links(path) == expected


async def test_an_archive_started_with_this_version_owes_no_links(store: Archive) -> None:
    await store.save([post(1, "https://a.example/ и ещё https://b.example/")])
    assert (await store.upkeep.owed()).text_links == 0
    owed = await catch_up(store)
    assert owed.total == 0


def test_archive_catch_up_pays_everything_an_old_archive_owes(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old_archive(path, OLD_TEXTS)

    first = CliRunner().invoke(main, ["archive", "catch-up", "--archive", str(path)])
    assert first.exit_code == 0, first.output
    assert "4 posts checked for links" in first.output
    assert links(path)[4] == ["http://news.example/x?id=1", "https://video.example/a"]

    again = CliRunner().invoke(main, ["archive", "catch-up", "--archive", str(path)])
    assert again.exit_code == 0, again.output
    assert "0 posts indexed by word form, 0 posts checked for links" in again.output


def test_import_indexes_word_forms_unless_told_to_leave_it_for_catch_up(tmp_path: Path) -> None:
    archive = tmp_path / "monitor.db"
    lines = [
        {"channel": "svodki", "message_id": 1, "date": "2025-05-04T08:00:00Z", "text": "Обстрел Херсона"},
        {"channel": "svodki", "message_id": 2, "date": "2025-05-04T09:00:00Z", "text": "Херсоне тихо"},
    ]
    for number, line in enumerate(lines):
        source = tmp_path / f"part{number}.jsonl"
        source.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
        options = ["--no-catch-up"] if number == 0 else []
        result = CliRunner().invoke(main, ["import", str(source), "--archive", str(archive), *options])
        assert result.exit_code == 0, result.output
        with sqlite3.connect(archive) as db:
            waiting = db.execute("SELECT count(*) FROM meta WHERE key = 'word_forms_pending'").fetchone()[0]
        assert waiting == (1 if number == 0 else 0)

    searched = CliRunner().invoke(main, ["search", "Херсон", "--archive", str(archive), "--json"])
    assert [json.loads(line)["message_id"] for line in searched.stdout.splitlines()] == [2, 1]

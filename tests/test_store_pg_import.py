"""Bulk import into a PostgreSQL archive (posts copied in, word-form index built afterwards) and saves of the
same posts by two processes at once, against the real server the tests start. The deferred index's search
and resumable build are in test_store_upkeep.py, on both backends."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest
from click.testing import CliRunner

from monitor.cli import main
from monitor.model import Analysis, Channel, Match, Post, SaveOutcome
from monitor.store.batch import encode
from monitor.store.codec import now_iso
from monitor.store.postgres.archive import PgStore
from monitor.store.postgres.tsquery import Translated, waiting_query
from monitor.store.postgres.writes import save_batch
from monitor.store.stems import shortest_stem
from tests.support import archive_rows, until

T0 = datetime(2025, 6, 1, 6, 0, tzinfo=UTC)
CHANNELS = (Channel(501, "Фронт", "front"), Channel(502, "Тыл", "tyl"))
TEXTS = ("Обстрел Донецка утром", "Колонна техники у Луганска", "Тревога в Днепре", "Курс гривны")


def analysed(text: str) -> Analysis:
    """Posts naming Донецк are flagged, with the match where the text has it."""
    at = text.find("Донецк")
    if at < 0:
        return Analysis("ru", 0.9)
    return Analysis("ru", 0.9, (Match("ua_ru", "донецк", "ru", at, at + 7),), ("ua_ru",), "w1")


def posts(count: int, *, first: int = 1, suffix: str = "") -> list[tuple[Post, Analysis]]:
    """`count` posts per channel, texts cycling through TEXTS (with `suffix` added: a changed copy)."""
    made = []
    for channel in CHANNELS:
        for message_id in range(first, first + count):
            text = TEXTS[message_id % len(TEXTS)] + suffix
            edited = T0 + timedelta(days=1) if suffix else None
            post = Post(channel.id, message_id, T0 + timedelta(minutes=message_id), text, edit_date=edited)
            made.append((post, analysed(text)))
    return made


async def opened(url: str) -> PgStore:
    """An archive with the channels stored (so that concurrent saves meet only at their posts)."""
    store = await PgStore.open(url)
    for channel in CHANNELS:
        await store.upsert_channel(channel)
    return store


@pytest.fixture
async def store(postgres_url: str) -> AsyncIterator[PgStore]:
    archive = await opened(postgres_url)
    yield archive
    await archive.close()


def statuses(outcomes: list[SaveOutcome]) -> dict[str, int]:
    counted: dict[str, int] = {}
    for outcome in outcomes:
        counted[outcome.status] = counted.get(outcome.status, 0) + 1
    return counted


async def test_a_bulk_import_stores_every_post_with_its_matches_and_counts(store: PgStore) -> None:
    batch = posts(60)
    outcomes = [
        o
        for part in (batch[:50], batch[50:])
        for o in await store.save(part, alert=False, defer_word_forms=True)
    ]

    assert statuses(outcomes) == {"new": 120}
    flagged = sum(1 for _, analysis in batch if analysis.conflicts)
    assert await archive_rows(store, "SELECT count(*), count(*) FILTER (WHERE stems IS NULL) FROM posts") == [
        (120, 120)
    ]
    assert await archive_rows(store, "SELECT count(*), count(post_id) FROM matches") == [(flagged, flagged)]
    stats = await store.stats()
    assert stats["posts"] == 120
    assert (await store.upkeep.owed()).word_forms == 120
    stored = await store.get_post(502, 4)
    assert stored is not None and stored.post.text == TEXTS[0] and stored.analysis.conflicts == ("ua_ru",)


async def test_a_batch_mixing_stored_and_new_posts_copies_the_new_ones_matches_under_their_post(
    store: PgStore,
) -> None:
    await store.save(posts(8, first=5), alert=False, defer_word_forms=True)
    outcomes = await store.save(posts(16), alert=False, defer_word_forms=True)  # 1-4 and 13-16 are new

    assert statuses(outcomes) == {"new": 16, "unchanged": 16}
    flagged = sum(1 for _, analysis in posts(16) if analysis.conflicts)
    linked = await archive_rows(
        store,
        "SELECT count(*), count(*) FILTER (WHERE m.channel_id = p.channel_id AND m.message_id = p.message_id "
        "AND m.start = strpos(p.text, 'Донецк') - 1) FROM matches AS m JOIN posts AS p ON p.id = m.post_id",
    )
    assert linked == [(flagged, flagged)]
    assert (await store.stats())["conflicts"] == {"ua_ru": flagged}


async def test_importing_a_changed_copy_again_keeps_each_earlier_text_as_a_revision(store: PgStore) -> None:
    await store.save(posts(8), alert=False, defer_word_forms=True)
    again = posts(4) + posts(4, first=5, suffix=" (обновлено)")  # half unchanged, half edited

    outcomes = await store.save(again, alert=False, defer_word_forms=True)

    assert statuses(outcomes) == {"unchanged": 8, "edited": 8}
    assert await archive_rows(store, "SELECT count(*) FROM posts") == [(16,)]
    assert await store.revisions(501, 6) == [(None, TEXTS[6 % len(TEXTS)])]
    assert await store.revisions(501, 2) == []
    stored = await store.get_post(501, 8)
    assert stored is not None and stored.post.text.endswith("(обновлено)")
    assert (await store.stats())["edited"] == 8

    await store.upkeep.build_word_forms()
    found = {(s.post.channel_id, s.post.message_id) for s in await store.search("обновлено", limit=50)}
    assert found == {(channel.id, message_id) for channel in CHANNELS for message_id in range(5, 9)}


async def test_two_stores_saving_the_same_new_posts_at_once_both_succeed(postgres_url: str) -> None:
    first, second = await opened(postgres_url), await opened(postgres_url)
    try:
        batch = posts(300)
        results = await asyncio.gather(
            first.save(batch, alert=False), second.save(batch, alert=False, defer_word_forms=True)
        )
        together = statuses(results[0] + results[1])
        assert together == {"new": 600, "unchanged": 600}  # each post new for exactly one of them
        assert await archive_rows(first, "SELECT count(*) FROM posts") == [(600,)]
        assert (await first.stats())["posts"] == 600
    finally:
        await first.close()
        await second.close()


@pytest.mark.parametrize("bulk", [False, True], ids=["save", "bulk"])
async def test_a_post_stored_by_another_process_after_the_plan_becomes_an_edit_not_an_error(
    postgres_url: str, bulk: bool
) -> None:
    """The other process plans (or, in bulk, copies) while the first still holds its uncommitted insert: it
    waits for it, then finds the post stored and keeps the first text as a revision."""
    first, second = await opened(postgres_url), await opened(postgres_url)
    try:
        original = posts(2)
        changed = posts(2, suffix=" (уточнение)")
        async with first.database.write() as db:
            stamp = now_iso()
            await save_batch(db, encode(original, stamp), late_seconds={}, alert=False, stamp=stamp)
            saving = asyncio.create_task(second.save(changed, alert=False, defer_word_forms=bulk))
            await until(lambda: waiting_for_a_lock(first), "the second save waits for the first")
        outcomes = await saving

        assert statuses(outcomes) == {"edited": 4}
        assert await archive_rows(
            first, "SELECT count(*), count(*) FILTER (WHERE text LIKE '%уточнение%') FROM posts"
        ) == [(4, 4)]
        assert await first.revisions(501, 1) == [(None, TEXTS[1])]
    finally:
        await first.close()
        await second.close()


async def waiting_for_a_lock(store: PgStore) -> bool:
    rows = await archive_rows(
        store,
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'",
    )
    return rows[0][0] > 0


def waiting_posts(url: str) -> int:
    async def count() -> int:
        connection = await asyncpg.connect(url)
        try:
            return int(await connection.fetchval("SELECT count(*) FROM posts WHERE stems IS NULL"))
        finally:
            await connection.close()

    return asyncio.run(count())


def test_import_into_postgres_leaves_the_index_to_catch_up_when_told(
    tmp_path: Path, postgres_url: str
) -> None:
    source = tmp_path / "posts.jsonl"
    lines = [
        {"channel": "front", "message_id": 1, "date": "2025-06-01T08:00:00Z", "text": "Обстрел Херсона"},
        {"channel": "front", "message_id": 2, "date": "2025-06-01T09:00:00Z", "text": "Херсоне тихо"},
    ]
    source.write_text(
        "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8"
    )

    imported = CliRunner().invoke(main, ["import", str(source), "--archive", postgres_url, "--no-catch-up"])
    assert imported.exit_code == 0, imported.output
    assert waiting_posts(postgres_url) == 2
    searched = CliRunner().invoke(main, ["search", "Херсон", "--archive", postgres_url, "--json"])
    assert [json.loads(line)["message_id"] for line in searched.stdout.splitlines()] == [2, 1]

    caught_up = CliRunner().invoke(main, ["archive", "catch-up", "--archive", postgres_url])
    assert caught_up.exit_code == 0, caught_up.output
    assert "2 posts indexed by word form" in caught_up.output
    assert waiting_posts(postgres_url) == 0


def test_posts_waiting_for_stems_are_searched_by_each_word_s_shortest_stem_phrases_as_written() -> None:
    herson, odesa, quiet = (shortest_stem(word) for word in ("Херсона", "Одесса", "тихо"))
    assert len(herson) < len("Херсона")
    assert waiting_query('Херсона "удар по" Одесса* NOT тихо') == Translated(
        f"('{herson}':* & ('удар' <-> 'по') & ('{odesa}':* & !'{quiet}':*))", negated=True
    )

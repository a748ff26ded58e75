"""The archive: idempotent saves, edits and tombstones, search and queries, migrations and bad files."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.model import Analysis, Channel, Match, Post
from monitor.store import ArchiveError, Location, QueryError, Store, codec, open_archive, schema
from monitor.store.schema import MIGRATIONS, SCHEMA_VERSION
from tests.support import archive_execute, archive_rows, open_alerts

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
GAZA = "israel-hamas"
UKRAINE = "russia-ukraine"


def make_post(
    message_id: int, text: str = "Удар по Газе этой ночью", channel_id: int = 100, **fields
) -> Post:
    fields.setdefault("date", T0 + timedelta(minutes=message_id))
    return Post(channel_id=channel_id, message_id=message_id, text=text, **fields)


async def indexed_posts(store: Store) -> int:
    """How many entries the archive's word index holds: FTS5 rows in SQLite, non-empty stems in PostgreSQL."""
    sql = (
        "SELECT count(*) FROM posts_fts"
        if isinstance(store, Store)
        else "SELECT count(*) FROM posts WHERE stems <> ''::tsvector"
    )
    [(count,)] = await archive_rows(store, sql)
    return count


def analysis(*conflicts: str, lang: str = "ru", text: str = "") -> Analysis:
    matches = tuple(Match(c, "газа", lang, 0, min(4, len(text)) if text else 4) for c in conflicts)
    return Analysis(
        lang=lang, lang_confidence=0.93, matches=matches, conflicts=conflicts, watchlist_version="w1"
    )


@pytest.fixture
async def store(archive_location: Location):
    """An empty archive, once in SQLite and once in PostgreSQL."""
    opened = await open_archive(archive_location)
    yield opened
    await opened.close()


@pytest.fixture
async def file_store(tmp_path: Path):
    """An empty SQLite archive: for what only the file has (its index tables, its write counter) and for
    the alert outbox, which PostgreSQL does not have yet."""
    opened = await Store.open(tmp_path / "archive.db")
    yield opened
    await opened.close()


async def test_a_post_round_trips_every_field(store: Store) -> None:
    post = make_post(
        7,
        edit_date=T0 + timedelta(hours=2),
        views=1200,
        forwards=15,
        replies=3,
        reactions=(("👍", 40), ("🔥", 2)),
        forward_origin="Some Channel",
        media_kind="photo",
        links=("https://example.org/a", "https://example.org/b"),
        grouped_id=998877,
    )
    result = analysis(GAZA, UKRAINE)
    await store.upsert_channel(Channel(100, "Новости", "news_ru", access_hash=42))
    await store.save([(post, result)])

    stored = await store.get_post(100, 7)
    assert stored is not None
    assert stored.post == post
    assert stored.analysis == result
    assert stored.channel == Channel(100, "Новости", "news_ru", 42)
    assert stored.deleted_at is None and stored.revisions == 0
    assert stored.post.date.tzinfo is not None and stored.post.date.utcoffset() == timedelta(0)


async def test_dates_are_stored_as_readable_utc_text(store: Store) -> None:
    moscow = datetime(2024, 5, 1, 15, 0, tzinfo=UTC).astimezone(ZoneInfo("Europe/Moscow"))
    await store.save([(make_post(1, date=moscow), analysis())])
    [(date,)] = await archive_rows(store, "SELECT date FROM posts")
    assert date == "2024-05-01T15:00:00+00:00"
    assert (await store.get_post(100, 1)).post.date == moscow


async def test_saving_the_same_post_twice_stores_it_once(store: Store) -> None:
    item = (make_post(1), analysis(GAZA))
    first = await store.save([item])
    second = await store.save([item])
    assert first[0].status == "new" and len(first[0].new_alert_ids) == 1
    assert second[0].status == "unchanged" and second[0].new_alert_ids == ()
    assert (await store.stats())["posts"] == 1
    assert await open_alerts(store) == 1


async def test_unchanged_text_only_updates_engagement(store: Store) -> None:
    await store.save([(make_post(1, views=10, reactions=(("👍", 1),)), analysis())])
    outcome = await store.save([(make_post(1, views=500, forwards=4), analysis())])
    stored = await store.get_post(100, 1)
    assert outcome[0].status == "unchanged"
    assert (stored.post.views, stored.post.forwards) == (500, 4)
    assert stored.post.reactions == (("👍", 1),), "an unknown value must not erase a known one"
    assert stored.revisions == 0


async def test_an_edit_keeps_the_earlier_text_as_a_revision(store: Store) -> None:
    await store.save([(make_post(1, "первый текст"), analysis())])
    edited_at = T0 + timedelta(hours=1)
    outcome = await store.save([(make_post(1, "второй текст", edit_date=edited_at), analysis())])
    third_at = T0 + timedelta(hours=2)
    await store.save([(make_post(1, "третий текст", edit_date=third_at), analysis())])

    assert outcome[0].status == "edited"
    stored = await store.get_post(100, 1)
    assert stored.post.text == "третий текст" and stored.revisions == 2
    assert await store.revisions(100, 1) == [(None, "первый текст"), (edited_at, "второй текст")]
    assert [p.post.text for p in await store.search("второй")] == []
    assert [p.post.text for p in await store.search("третий")] == ["третий текст"]


async def test_an_older_copy_does_not_undo_an_edit(store: Store) -> None:
    await store.save([(make_post(1, "новый", edit_date=T0 + timedelta(hours=1)), analysis())])
    outcome = await store.save([(make_post(1, "старый"), analysis())])
    assert outcome[0].status == "unchanged"
    assert (await store.get_post(100, 1)).post.text == "новый"


async def test_an_edit_that_adds_a_conflict_alerts_only_that_conflict(store: Store) -> None:
    [first] = await store.save([(make_post(1, "Газа"), analysis(GAZA))])
    [second] = await store.save(
        [(make_post(1, "Газа и ВСУ", edit_date=T0 + timedelta(hours=1)), analysis(GAZA, UKRAINE))]
    )
    assert second.status == "edited" and len(second.new_alert_ids) == 1
    assert await archive_rows(store, "SELECT id, conflict, status FROM alerts ORDER BY id") == [
        (first.new_alert_ids[0], GAZA, "pending"),
        (second.new_alert_ids[0], UKRAINE, "pending"),
    ]
    assert (await store.get_post(100, 1)).analysis.conflicts == (GAZA, UKRAINE)


async def test_editing_an_alerted_post_asks_for_an_alert_update(file_store: Store) -> None:
    store = file_store
    [saved] = await store.save([(make_post(1, "Газа"), analysis(GAZA))])
    alert_id = saved.new_alert_ids[0]
    await store.outbox.claim([alert_id], random_id=77)
    await store.outbox.mark_sent([alert_id], chat_id=-5, sent_message_id=900)
    assert await store.outbox.needing_update(10) == []

    await store.save([(make_post(1, "Газа, уточнение", edit_date=T0 + timedelta(hours=1)), analysis(GAZA))])
    [item] = await store.outbox.needing_update(10)
    assert item.needs_update and item.alert.sent_message_id == 900
    assert item.post.post.text == "Газа, уточнение"

    # A second edit arrives while the first update is being sent: it must not be lost.
    await store.save([(make_post(1, "Газа, снова", edit_date=T0 + timedelta(hours=2)), analysis(GAZA))])
    await store.outbox.mark_updated(alert_id)
    [again] = await store.outbox.needing_update(10)
    assert again.post.post.text == "Газа, снова"
    await store.outbox.mark_updated(alert_id)
    assert await store.outbox.needing_update(10) == []


async def test_a_post_and_its_edit_in_one_batch(store: Store) -> None:
    original = make_post(1, "до правки")
    edit = make_post(1, "после правки", edit_date=T0 + timedelta(minutes=30))
    outcomes = await store.save([(original, analysis()), (make_post(2), analysis()), (edit, analysis(GAZA))])
    assert [o.status for o in outcomes] == ["new", "new", "edited"]
    assert [o.message_id for o in outcomes] == [1, 2, 1]
    assert await store.revisions(100, 1) == [(None, "до правки")]
    assert len(outcomes[2].new_alert_ids) == 1


async def test_history_saved_without_alerts_creates_no_outbox_rows(store: Store) -> None:
    outcomes = await store.save([(make_post(1), analysis(GAZA))], alert=False)
    assert outcomes[0].new_alert_ids == ()
    assert await open_alerts(store) == 0


async def test_late_posts_carry_their_delay(store: Store) -> None:
    await store.save([(make_post(1), analysis(GAZA))], late_seconds={(100, 1): 42.5})
    assert await archive_rows(store, "SELECT late_seconds FROM alerts") == [(42.5,)]


async def test_a_failing_batch_leaves_nothing_behind(store: Store) -> None:
    good = (make_post(1), analysis(GAZA))
    bad = (make_post(2, views=object()), analysis(GAZA))  # not storable: the batch fails midway
    with pytest.raises((sqlite3.Error, asyncpg.DataError)):
        await store.save([good, bad])
    assert await store.get_post(100, 1) is None
    assert await open_alerts(store) == 0
    assert (await store.save([good]))[0].status == "new"


async def test_deletion_keeps_the_text_and_it_stays_searchable(store: Store) -> None:
    saved, _ = await store.save(
        [(make_post(1, "Удар по Газе"), analysis(GAZA)), (make_post(2, "тишина"), analysis())]
    )
    await archive_execute(store, f"UPDATE alerts SET status = 'sent' WHERE id = {saved.new_alert_ids[0]}")

    when = T0 + timedelta(hours=3)
    assert await store.mark_deleted(100, [1, 99], when) == 1
    assert await store.mark_deleted(100, [1], when + timedelta(hours=1)) == 0, "already tombstoned"

    stored = await store.get_post(100, 1)
    assert stored.deleted_at == when and stored.post.text == "Удар по Газе"
    assert [p.post.message_id for p in await store.search("газе")] == [1]
    assert await archive_rows(store, "SELECT id, needs_update FROM alerts") == [(saved.new_alert_ids[0], 1)]
    assert await store.newest_live_ids(100, 10) == [2]
    assert await store.stored_ids_between(100, 0, 5) == [1, 2], "tombstones count as stored"


async def test_search_filters_by_channel_conflict_language_and_date(store: Store) -> None:
    await store.upsert_channel(Channel(100, "Один", "one_news"), ref="https://t.me/one_news")
    await store.upsert_channel(Channel(200, "Два", None))
    await store.save(
        [
            (make_post(1, "обстрел Газы", channel_id=100), analysis(GAZA)),
            (make_post(2, "обстрел Курска", channel_id=100), analysis(UKRAINE)),
            (make_post(3, "обстрел Газы", channel_id=200), analysis(GAZA, lang="uk")),
            (make_post(4, "shelling reported", channel_id=200), analysis(lang="en")),
        ]
    )

    async def ids(query: str, **filters) -> list[int]:
        return [p.post.message_id for p in await store.search(query, **filters)]

    assert await ids("обстрел") == [3, 2, 1], "newest first"
    assert await ids("обстрел", channel="@one_news") == [2, 1]
    assert await ids("обстрел", channel="https://t.me/one_news") == [2, 1]
    assert await ids("обстрел", channel=200) == [3]
    assert await ids("обстрел", conflict=GAZA) == [3, 1]
    assert await ids("обстрел", lang="uk") == [3]
    assert await ids("обстрел", since=T0 + timedelta(minutes=2)) == [3, 2]
    assert await ids("обстрел", until=T0 + timedelta(minutes=2)) == [1]
    assert await ids("обстрел", limit=1) == [3]
    assert await ids("обстрел AND Курска") == [2]
    assert await ids('обстрел "unbalanced') == [], "invalid FTS5 syntax falls back to plain words"
    assert await ids("   ") == []
    with pytest.raises(ArchiveError, match="no channel 'nobody'"):
        await store.search("обстрел", channel="nobody")


async def test_iter_posts_goes_by_date_across_pages_with_filters(store: Store) -> None:
    items = [(make_post(i, f"пост {i}", date=T0 - timedelta(minutes=i)), analysis()) for i in range(1, 1201)]
    items.append((make_post(5000, "флаг", channel_id=300, date=T0), analysis(GAZA)))
    await store.save(items)

    dates = [stored.post.date async for stored in store.iter_posts()]
    assert len(dates) == 1201 and dates == sorted(dates)
    flagged = [stored.post.message_id async for stored in store.iter_posts(conflict=GAZA)]
    assert flagged == [5000]
    window = [s.post.message_id async for s in store.iter_posts(channel=100, since=T0 - timedelta(minutes=3))]
    assert window == [3, 2, 1]


async def test_concurrent_tasks_share_one_store(store: Store) -> None:
    batches = [
        [(make_post(n * 10 + i, f"пост {n} {i}"), analysis(GAZA))] for n in range(20) for i in range(3)
    ]
    results = await asyncio.gather(*(store.save(batch) for batch in batches), store.search("пост"))
    assert all(outcome.status == "new" for outcomes in results[:-1] for outcome in outcomes)
    assert (await store.stats())["posts"] == 60 and await open_alerts(store) == 60


async def test_stats_count_posts_edits_deletions_and_alerts(store: Store) -> None:
    await store.upsert_channel(Channel(100, "Один", "one"))
    await store.save(
        [
            (make_post(1, "a"), analysis(GAZA)),
            (make_post(2, "b"), analysis(GAZA, UKRAINE)),
            (make_post(3, "c", channel_id=200), analysis(lang="en")),
        ]
    )
    await store.save([(make_post(1, "a2", edit_date=T0 + timedelta(hours=1)), analysis(GAZA))])
    await store.mark_deleted(100, [2], T0 + timedelta(hours=2))
    stats = await store.stats()
    assert stats == {
        "posts": 3,
        "deleted": 1,
        "edited": 1,
        "channels": [
            {"id": 100, "username": "one", "title": "Один", "posts": 2},
            {"id": 200, "username": None, "title": None, "posts": 1},
        ],
        "conflicts": {GAZA: 2, UKRAINE: 1},
        "langs": {"ru": 2, "en": 1},
        "alerts": {"pending": 3},
    }
    only_ukraine = await store.stats(conflict=UKRAINE)
    assert (only_ukraine["posts"], only_ukraine["alerts"]) == (1, {"pending": 1})


async def test_channels_refs_and_unresolved_channels(store: Store) -> None:
    await store.upsert_channel(Channel(100, "Old title", "old", access_hash=5), ref="@old")
    await store.upsert_channel(Channel(100, "New title", "new", access_hash=None), ref="-100100")
    assert await store.channel(100) == Channel(100, "New title", "new", access_hash=5)
    assert await store.channel_for_ref("@old") == await store.channel_for_ref("-100100")
    assert await store.channel_for_ref("@missing") is None

    await store.save([(make_post(1, channel_id=555), analysis())])
    assert (await store.get_post(555, 1)).channel is None, "seen only as an id, never resolved"
    assert [c.id for c in await store.channels()] == [100]
    assert await store.max_message_id(555) == 1 and await store.max_message_id(556) == 0


async def test_sync_state_merges_fields(store: Store) -> None:
    assert await store.sync_state(100) == {}
    await store.set_sync_state(100, backfill_done=False, backfill_min_id=500)
    await store.set_sync_state(100, backfill_done=True)
    assert await store.sync_state(100) == {"backfill_done": True, "backfill_min_id": 500}


async def test_engagement_history_over_time(store: Store) -> None:
    await store.save([(make_post(1, views=10), analysis())])
    for hours, views in ((1, 100), (24, 900)):
        recorded = await store.record_engagement(
            100,
            1,
            views=views,
            forwards=hours,
            replies=None,
            reactions=(("❤", views // 10),),
            at=T0 + timedelta(hours=hours),
        )
        assert recorded
    assert await store.engagement(100, 1) == [
        (T0 + timedelta(hours=1), 100, 1),
        (T0 + timedelta(hours=24), 900, 24),
    ]
    stored = await store.get_post(100, 1)
    assert (stored.post.views, stored.post.reactions) == (900, (("❤", 90),))
    assert not await store.record_engagement(100, 2, views=1, forwards=1, replies=1, reactions=(), at=T0)


async def test_mutes_expire_and_lift(file_store: Store) -> None:
    store = file_store
    await store.outbox.set_mute(GAZA, T0 + timedelta(hours=1))
    await store.outbox.set_mute(UKRAINE, T0 - timedelta(hours=1))
    assert await store.outbox.mutes(T0) == {GAZA: T0 + timedelta(hours=1)}
    await store.outbox.set_mute(GAZA, None)
    assert await store.outbox.mutes(T0) == {}


async def test_the_heartbeat_and_the_reading_state_keep_the_latest(store: Store) -> None:
    assert await store.last_heartbeat() is None and await store.reading() == {}
    await store.record_reading({"waiting": ["@a"], "budget": {"left": 3}})
    await store.record_reading({"waiting": []})
    assert await store.reading() == {"waiting": []}
    await store.heartbeat(T0)
    await store.heartbeat(T0 + timedelta(seconds=30))
    assert await store.last_heartbeat() == T0 + timedelta(seconds=30)


# -- hostile text ---------------------------------------------------------------------------------------

hostile_text = st.text(
    alphabet=st.one_of(
        st.characters(),  # includes lone surrogates
        st.sampled_from("\u200b\u200c\u200d\u00ad\u200e\u200f\u202e\ufeff\x00ӀёЁ\U0001f525"),
    ),
    max_size=300,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=hostile_text, query=hostile_text)
async def test_hostile_text_is_stored_and_searched_without_crashing(
    store: Store, text: str, query: str
) -> None:
    message_id = abs(hash(text)) % 10**9 + 1
    span = Match(GAZA, text[:5], "ru", 0, min(5, len(text)))
    await store.save(
        [(make_post(message_id, text, reactions=((text[:2] or "?", 1),)), Analysis("ru", 0.5, (span,)))]
    )
    stored = await store.get_post(100, message_id)
    expected = "".join("\ufffd" if "\ud800" <= ch <= "\udfff" or ch == "\x00" else ch for ch in text)
    assert stored.post.text == expected and len(stored.post.text) == len(text), "offsets stay valid"
    await store.search(query)


async def test_lone_surrogates_become_replacement_characters(store: Store) -> None:
    text = "до \ud83d после \udc00"
    await store.save([(make_post(1, text, forward_origin="x\ud800"), analysis())])
    stored = await store.get_post(100, 1)
    assert stored.post.text == "до \ufffd после \ufffd"
    assert stored.post.forward_origin == "x\ufffd"


async def test_a_100000_character_post_round_trips(store: Store) -> None:
    text = ("Удар по Газе, שלום, مرحبا, 🔥 " * 4000)[:100_000]
    end = len(text)
    result = Analysis("ru", 0.8, (Match(GAZA, "газе", "ru", end - 10, end - 6),), (GAZA,))
    await store.save([(make_post(1, text), result)])
    stored = await store.get_post(100, 1)
    assert stored.post.text == text and stored.analysis == result
    assert [p.post.message_id for p in await store.search("مرحبا")] == [1]


# -- archive files ----------------------------------------------------------------------------------------


def _version_one_archive(path: Path) -> None:
    """An archive as the first release wrote it, with one post in it."""
    with sqlite3.connect(path) as db:
        db.executescript(MIGRATIONS[0].sql + "\nPRAGMA user_version = 1;")
        db.execute(
            "INSERT INTO channels (id, title, first_seen) VALUES (1, 't', '2024-01-01T00:00:00+00:00')"
        )
        db.execute(
            "INSERT INTO posts (channel_id, message_id, date, text, first_stored_at, lang, lang_confidence) "
            "VALUES (1, 10, :date, 'старый пост о Газе', :date, 'ru', 1)",
            {"date": "2024-01-01T00:00:00+00:00"},
        )


async def test_an_older_archive_is_migrated_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _version_one_archive(path)
    async with await Store.open(path) as store:
        assert [p.post.message_id for p in await store.search("газе")] == [10]
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_an_older_archive_is_not_migrated_read_only(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _version_one_archive(path)
    with pytest.raises(ArchiveError, match="version 1 is older"):
        await Store.open(path, readonly=True)


async def test_a_newer_archive_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    async with await Store.open(path):
        pass
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    before = path.read_bytes()
    with pytest.raises(ArchiveError) as raised:
        await Store.open(path)
    assert str(path) in str(raised.value)
    assert f"version {SCHEMA_VERSION + 5}" in str(raised.value) and f"({SCHEMA_VERSION})" in str(raised.value)
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"id,text\n1,hello\n", "not an SQLite database"),
        (b"SQLite format 3\x00" + b"\xff" * 4000, "the archive is corrupt"),
    ],
)
async def test_a_file_that_is_not_an_archive_is_refused_untouched(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "posts.db"
    path.write_bytes(content)
    with pytest.raises(ArchiveError, match=message) as raised:
        await Store.open(path)
    assert str(path) in str(raised.value)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["posts.db"]


async def test_another_applications_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE customers (id INTEGER)")
    before = path.read_bytes()
    with pytest.raises(ArchiveError, match="another application"):
        await Store.open(path)
    assert path.read_bytes() == before


async def test_read_only_archives(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    with pytest.raises(ArchiveError, match="no archive"):
        await Store.open(path, readonly=True)
    async with await Store.open(path) as writer:
        await writer.save([(make_post(1, "Газа"), analysis(GAZA))])
        async with await Store.open(path, readonly=True) as reader:
            assert [p.post.message_id for p in await reader.search("газа")] == [1]
            with pytest.raises(ArchiveError, match="read-only"):
                await reader.save([(make_post(2), analysis())])


async def test_a_new_archive_gets_large_pages_and_an_existing_one_keeps_its_own(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    _version_one_archive(old)  # written with SQLite's default page size
    async with await Store.open(old), await Store.open(tmp_path / "new.db"):
        pass
    with sqlite3.connect(tmp_path / "new.db") as new_db, sqlite3.connect(old) as old_db:
        assert new_db.execute("PRAGMA page_size").fetchone()[0] == schema.PAGE_SIZE
        assert old_db.execute("PRAGMA page_size").fetchone()[0] == 4096


@given(
    reactions=st.lists(st.tuples(st.text(max_size=4), st.integers(0, 10**9)), max_size=4),
    links=st.lists(st.text(max_size=12), max_size=3),
)
def test_json_columns_are_what_json_dumps_writes(reactions: list[tuple[str, int]], links: list[str]) -> None:
    # Earlier archives hold json.dumps text: a re-import must see identical values, or it rewrites rows.
    cleaned = {codec.clean_text(emoji): count for emoji, count in reactions}
    expected_links = [codec.clean_text(link) for link in links]
    assert codec.dump_reactions(reactions) == (json.dumps(cleaned, ensure_ascii=False) if cleaned else None)
    assert codec.dump_list(links) == (json.dumps(expected_links, ensure_ascii=False) if links else None)


async def test_saving_a_mix_of_new_edited_and_unchanged_posts_in_one_call(store: Store) -> None:
    await store.save([(make_post(1, views=5), analysis()), (make_post(2), analysis())])
    before = await indexed_posts(store)

    outcomes = await store.save(
        [
            (make_post(3, "новый пост про Газу"), analysis(GAZA)),
            (make_post(2, "исправленный текст", edit_date=T0 + timedelta(days=1)), analysis(UKRAINE)),
            (make_post(1, views=9), analysis()),
        ]
    )

    assert [(o.message_id, o.status, len(o.new_alert_ids)) for o in outcomes] == [
        (3, "new", 1),
        (2, "edited", 1),
        (1, "unchanged", 0),
    ]
    assert (await store.get_post(100, 1)).post.views == 9
    assert [p.post.message_id for p in await store.search("исправленный")] == [2]
    assert [p.post.message_id for p in await store.search("новый")] == [3]
    assert await indexed_posts(store) == before + 1


async def test_re_saving_identical_posts_writes_nothing(file_store: Store, tmp_path: Path) -> None:
    store = file_store
    items = [
        (make_post(i, reactions=(("👍", i), ("🔥", 1)), links=("https://e.org/x",)), analysis())
        for i in (1, 2)
    ]
    await store.save(items)
    with sqlite3.connect(tmp_path / "archive.db") as db:
        changes = db.execute("PRAGMA data_version").fetchone()[0]
        assert [o.status for o in await store.save(items)] == ["unchanged", "unchanged"]
        assert db.execute("PRAGMA data_version").fetchone()[0] == changes  # no other connection wrote


async def test_the_query_language_means_the_same_in_both_archives(store: Store) -> None:
    await store.save(
        [
            (make_post(1, "Удары по Харькову этой ночью"), analysis()),
            (make_post(2, "Харьков: ночь прошла спокойно"), analysis()),
            (make_post(3, "Обстрел Херсона и Харькова"), analysis()),
            (make_post(4, "В Херсоні тихо, у Харкові вибухи"), analysis(lang="uk")),
        ]
    )

    async def found(query: str, **options: bool) -> list[int]:
        return [p.post.message_id for p in await store.search(query, **options)]

    assert await found("Харьков") == [3, 2, 1]
    assert await found("Харьков AND Херсон") == [3]
    assert await found("Харьков NOT ночь") == [3]
    assert await found("Херсон OR Харкові") == [4, 3]
    assert await found('"по Харькову"') == [1]
    assert await found("Хар*") == [4, 3, 2, 1]
    assert await found("(Херсон OR спокойно) AND Харьков") == [3, 2]
    assert await found("Харькова", exact=True) == [3]
    assert await found("Херсон", exact=True) == []
    assert await found("удары", exact=True) == [1], "as written, in any case"
    assert await found("Харьков (") == [2], "not a valid query: each part a phrase, of every stem of it"
    with pytest.raises(QueryError, match="is not a valid search"):
        await store.search("Харьков (", strict=True)


async def test_exact_search_finds_a_form_behind_hundreds_of_newer_other_forms(store: Store) -> None:
    older = [(make_post(i, f"Газа, сводка {i}"), analysis()) for i in range(1, 4)]
    newer = [(make_post(i, f"Удар по Газе {i}"), analysis()) for i in range(10, 460)]
    await store.save(older + newer)

    assert [p.post.message_id for p in await store.search("Газа", exact=True)] == [3, 2, 1]
    assert len(await store.search("Газа", limit=500)) == 453

"""`monitor archive copy`: an archive goes from a file to PostgreSQL and back with every table as it was
(the counts and search indexes rebuilt on the way), an interrupted copy goes on where it stopped, and a
destination holding another archive is refused. Against the real PostgreSQL server the tests start."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from monitor.cli import main
from monitor.model import Analysis, Channel, Conflict, ConflictScore, Evidence, Match, Post, TelegramProblem
from monitor.store import Store, open_archive
from monitor.store.copying import MARK_PREFIX, DestinationInUse, copy_archive
from monitor.store.daemon_record import DaemonRecord
from monitor.store.leases import KnownChannel

T0 = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)
WAR = "russia-ukraine"
SEA = "black-sea"
NEWS = Channel(1_200_000_001, "Вечерние новости", "vecher_news", 77)
PORT = Channel(1_200_000_002, "Портовый вестник", None, None)


def analysis(text: str, *conflicts: str) -> Analysis:
    matches = tuple(Match(c, text.split()[0].lower(), "ru", 0, len(text.split()[0])) for c in conflicts)
    scores = tuple(ConflictScore(c, 1.2, 1.0, (Evidence("places", text.split()[0], 1.2),)) for c in conflicts)
    return Analysis("ru", 0.93, matches, conflicts, "w7", scores)


def post(channel: Channel, message_id: int, text: str, **fields: object) -> Post:
    return Post(channel.id, message_id, T0 + timedelta(minutes=message_id), text, **fields)  # type: ignore[arg-type]


async def fill(path: Path) -> None:
    """An archive with something in every table: edits, tombstones, engagement, alerts in each state."""
    async with await Store.open(path) as store:
        await store.upsert_channel(NEWS, "@vecher_news")
        await store.upsert_channel(PORT, "https://t.me/+portinvite")
        await store.upsert_conflicts(
            [Conflict(WAR, "Russia – Ukraine", "high"), Conflict(SEA, "Black Sea", "low")]
        )
        texts = [f"Обстрел порта номер {n}" if n % 3 else f"Погода в городе, день {n}" for n in range(1, 16)]
        items = [
            (post(NEWS, n, text), analysis(text, WAR) if n % 3 else analysis(text))
            for n, text in enumerate(texts, 1)
        ]
        items += [(post(PORT, 40, "Обстрел порта и танкер"), analysis("Обстрел порта", WAR, SEA))]
        items += [(post(PORT, 41, "Ответ про танкер", reply_to=40), analysis("Ответ"))]
        outcomes = await store.save(items)
        alert_ids = [alert for outcome in outcomes for alert in outcome.new_alert_ids]
        edited = post(NEWS, 1, "Обстрел порта номер 1: уточнение", edit_date=T0 + timedelta(hours=2))
        await store.save([(edited, analysis("Обстрел порта", WAR))])
        await store.mark_deleted(NEWS.id, [2, 3], T0 + timedelta(hours=3))
        for hours, views in ((1, 100), (2, 250)):
            await store.record_engagement(
                NEWS.id,
                1,
                views=views,
                forwards=3,
                replies=None,
                reactions=[("👍", 5)],
                at=T0 + timedelta(hours=hours),
            )
        await store.outbox.claim(alert_ids[:2], random_id=9001)
        await store.outbox.mark_sent(alert_ids[:2], chat_id=-100500, sent_message_id=71, digest=True)
        await store.outbox.claim(alert_ids[2:3], random_id=9002)  # cut short: still 'sending'
        await store.outbox.mark_retry(alert_ids[3:4], T0 + timedelta(days=1), "FloodWait 30 s")
        await store.outbox.mark_suppressed(alert_ids[4:5], "muted")
        await store.outbox.set_mute(SEA, T0 + timedelta(days=30))
        await store.context.show()
        await store.set_sync_state(NEWS.id, pts=4242, backfilled_to=1)
        record = DaemonRecord(T0, 321, 30.0, 900.0, 300.0, (time(23), time(6)), (NEWS.id, PORT.id))
        await store.daemon.started(record)
        await store.daemon.stopped(T0 + timedelta(hours=5))
        await store.problems.report([TelegramProblem("sending", "flood", "wait 30 s", T0, None, False)])
        await store.notices.keep_outage({"recovered": 3})
        await store.notices.close_outage("Пропуск: 3 поста восстановлены")
        await store.heartbeat(T0 + timedelta(hours=5))
        await fleet_ran(store)


async def fleet_ran(store: Store) -> None:
    """A worker that knew both channels (its own hashes, one joined) and held them and the seat."""
    now, lease = T0 + timedelta(hours=6), timedelta(seconds=30)
    await store.leases.register("east", "501", pid=7, host="h", now=now, lease=lease)
    await store.leases.offer("501", [KnownChannel(NEWS.id, 77, True), KnownChannel(PORT.id, 88, False)], now)
    await store.leases.renew("east", "501", now=now, lease=lease, state={"lease_seconds": 30})
    await store.leases.hold_job("sender", "east", now=now, lease=lease)


RUNNING_FLEET = ("workers", "channel_leases", "job_leases")  # not copied: a fleet starts afresh on a copy


def tables_of(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every ordinary table's rows, sorted (full-text index internals, the copy's own marks and the running
    fleet's state left out)."""
    with sqlite3.connect(path) as db:
        names = [
            row[0]
            for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            if not row[0].startswith(("posts_fts", "post_stems", "sqlite_")) and row[0] not in RUNNING_FLEET
        ]
        found = {name: sorted(db.execute(f'SELECT * FROM "{name}"'), key=repr) for name in names}
    found["meta"] = [row for row in found["meta"] if not str(row[0]).startswith(MARK_PREFIX)]
    return found


async def cli(args: list[str]) -> Result:
    """The command as an operator runs it (its own event loop, on a thread of its own)."""
    return await asyncio.to_thread(CliRunner().invoke, main, args)


async def searched(location: Path | str, query: str) -> list[tuple[int, int]]:
    async with await open_archive(location, readonly=True) as store:
        return [(found.post.channel_id, found.post.message_id) for found in await store.search(query)]


async def test_a_file_archive_goes_to_postgresql_and_back_with_every_table_as_it_was(
    tmp_path: Path, postgres_url: str
) -> None:
    source, back = tmp_path / "source.db", tmp_path / "back.db"
    await fill(source)

    to_pg = await cli(["archive", "copy", str(source), postgres_url, "--batch-size", "4"])
    assert to_pg.exit_code == 0, to_pg.output
    assert "archive copy:" in to_pg.output
    result = await copy_archive(postgres_url, back, page_rows=5)
    await copy_archive(back, again := tmp_path / "again.db")  # and between two of a kind

    original = tables_of(source)
    for returned in (tables_of(back), tables_of(again)):
        assert set(returned) == set(original)
        for table, rows in original.items():
            assert returned[table] == rows, table
    assert not result.resumed and result.copied["posts"] == 17 and result.copied["revisions"] == 1
    assert len(original["account_channels"]) == 2
    with sqlite3.connect(back) as db:
        assert [db.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in RUNNING_FLEET] == [
            0,
            0,
            0,
        ]
    for query in ("обстрелы", "погоды", "танкера"):  # word forms, through each backend's own index
        expected = await searched(source, query)
        assert expected and await searched(postgres_url, query) == expected == await searched(back, query)
    async with await open_archive(postgres_url) as pg, await Store.open(source, readonly=True) as file:
        assert await pg.stats() == await file.stats()
        assert [i.alert.id for i in await pg.outbox.pending(T0, 10)] == [
            i.alert.id for i in await file.outbox.pending(T0, 10)
        ]
        assert (await pg.notices.pending()) == (await file.notices.pending())
        assert (await pg.daemon.last()) == (await file.daemon.last())
        await pg.save([(post(NEWS, 99, "Новый пост после переноса"), analysis("Новый"))])  # ids go on
        assert await pg.figures.posts_stored() == 18


async def test_an_interrupted_copy_goes_on_where_it_stopped_and_ends_identical(
    tmp_path: Path, postgres_url: str
) -> None:
    source, back = tmp_path / "source.db", tmp_path / "back.db"
    await fill(source)
    batches = 0

    def cut_after_five_batches(table: str, rows: int) -> None:
        nonlocal batches
        batches += 1
        if batches == 5:  # conflicts, channels, channel refs, then two batches of posts
            raise KeyboardInterrupt  # as an operator's Ctrl-C between two batches

    with pytest.raises(KeyboardInterrupt):
        await copy_archive(source, postgres_url, page_rows=3, progress=cut_after_five_batches)
    async with await open_archive(postgres_url, readonly=True) as partial:
        assert (await partial.stats())["posts"] == 6

    resumed = await copy_archive(source, postgres_url, page_rows=3)
    assert resumed.resumed and resumed.copied["posts"] == 17 - 6
    again = await cli(["archive", "copy", str(source), postgres_url])
    assert again.exit_code == 0 and "already holds a finished copy" in again.output
    await copy_archive(postgres_url, back, page_rows=7)
    original, returned = tables_of(source), tables_of(back)
    for table, rows in original.items():
        assert returned[table] == rows, table


async def test_a_destination_holding_another_archive_is_refused_with_its_own_exit_status(
    tmp_path: Path, postgres_url: str
) -> None:
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    await fill(first)
    await fill(second)
    await copy_archive(first, postgres_url)

    with pytest.raises(DestinationInUse, match="holds a copy of another archive"):
        await copy_archive(second, postgres_url)
    refused = await cli(["archive", "copy", str(second), str(first)])
    assert refused.exit_code == 5
    assert "not empty (table conflicts has rows)" in refused.output
    same = await cli(["archive", "copy", str(first), str(first)])
    assert same.exit_code == 5 and "is the source itself" in same.output
    missing = await cli(["archive", "copy", str(tmp_path / "none.db"), str(tmp_path / "x.db")])
    assert missing.exit_code == 1 and "no such archive file" in missing.output


async def test_a_value_the_destination_will_not_take_is_named_with_its_table(
    tmp_path: Path, postgres_url: str
) -> None:
    source = tmp_path / "source.db"
    await fill(source)
    with sqlite3.connect(source) as db:  # a file column takes any value; PostgreSQL's bigint does not
        db.execute("UPDATE channel_context SET reset_after = 'soon'")

    result = await cli(["archive", "copy", str(source), postgres_url])
    assert result.exit_code == 1
    assert "table channel_context refused rows of the copy" in result.output, result.output

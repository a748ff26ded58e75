"""Backups: a consistent copy while a writer keeps committing, `monitor backup`, and the copy taken before a
schema migration."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import main
from monitor.store import ArchiveError, Store
from monitor.store.backup import backup_archive, pre_migration_path
from monitor.store.schema import MIGRATIONS, SCHEMA_VERSION
from tests.support import CHANNEL, flag

TEXT = "Clashes at the border overnight; convoys reported near the crossing. " * 20


def posts_and_alerts(path: Path) -> tuple[list[int], list[int]]:
    with sqlite3.connect(path) as db:
        posts = [row[0] for row in db.execute("SELECT message_id FROM posts ORDER BY message_id")]
        alerts = [row[0] for row in db.execute("SELECT message_id FROM alerts ORDER BY message_id")]
    return posts, alerts


async def test_a_backup_taken_while_a_writer_commits_holds_one_consistent_moment(
    store: Store, tmp_path: Path
) -> None:
    for message_id in range(1, 201):
        await flag(store, message_id, TEXT)
    committed: list[int] = []
    backup_began = threading.Event()
    written_during = threading.Event()
    seen_at_start: list[int] = []
    stop = asyncio.Event()

    async def writer() -> None:
        message_id = 200
        while not stop.is_set():
            message_id += 1
            await flag(store, message_id, TEXT)
            committed.append(message_id)
            if backup_began.is_set() and len(committed) >= seen_at_start[0] + 20:
                written_during.set()

    def progress(done: int, total: int) -> None:
        if not backup_began.is_set():
            seen_at_start.append(len(committed))
            backup_began.set()
            # Hold the copy open until the writer has committed more: the copy must not see those.
            assert written_during.wait(timeout=30), "the writer never committed during the backup"

    task = asyncio.create_task(writer())
    before = 200 + len(committed)
    copy = tmp_path / "copy.db"
    result = await asyncio.to_thread(backup_archive, store.path, copy, progress=progress, pages_per_step=4)
    stop.set()
    await task

    posts, alerts = posts_and_alerts(copy)
    assert posts == list(range(1, len(posts) + 1))  # no gap: whole transactions only
    assert alerts == posts  # each post with the alert committed in its transaction
    assert len(posts) >= before  # every row committed before the backup began
    assert len(posts) < 200 + len(committed)  # and nothing committed while it ran
    assert result.pages > 4 and result.schema_version == SCHEMA_VERSION
    with sqlite3.connect(copy) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    async with await Store.open(copy, readonly=True) as restored:
        assert (await restored.get_post(CHANNEL.id, posts[-1])).post.text == TEXT


def test_monitor_backup_copies_the_archive_and_reports_it(tmp_path: Path) -> None:
    archive, copy = tmp_path / "monitor.db", tmp_path / "backups" / "monitor-copy.db"

    async def fill() -> None:
        async with await Store.open(archive) as store:
            await store.upsert_channel(CHANNEL, f"@{CHANNEL.username}")
            await flag(store, 7, TEXT)

    asyncio.run(fill())
    result = CliRunner().invoke(main, ["backup", "--archive", str(archive), str(copy)])
    assert result.exit_code == 0, result.output
    assert f"-> {copy}" in result.output and f"schema version {SCHEMA_VERSION}" in result.output
    assert posts_and_alerts(copy) == ([7], [7])
    assert not copy.with_name(f"{copy.name}.partial").exists()


def test_monitor_backup_of_a_missing_archive_fails_with_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["backup", "--archive", str(tmp_path / "none.db"), "out.db"])
    assert result.exit_code == 1
    assert "no archive at this path" in result.output and "Traceback" not in result.output


def test_a_backup_never_replaces_its_own_archive(tmp_path: Path) -> None:
    path = tmp_path / "monitor.db"
    version_one_archive(path)
    with pytest.raises(ArchiveError, match="cannot replace the archive"):
        backup_archive(path, tmp_path / "." / "monitor.db")


def version_one_archive(path: Path) -> None:
    """An archive as the first schema left it, with one post in it."""
    with sqlite3.connect(path) as db:
        db.executescript(MIGRATIONS[0].sql + "\nPRAGMA user_version = 1;")
        db.execute(
            "INSERT INTO channels (id, title, first_seen) VALUES (1, 't', '2024-01-01T00:00:00+00:00')"
        )
        db.execute(
            "INSERT INTO posts (channel_id, message_id, date, text, first_stored_at) "
            "VALUES (1, 10, '2024-01-01T00:00:00+00:00', 'a post from before', '2024-01-01T00:00:00+00:00')"
        )
    db.close()


async def test_an_archive_is_copied_before_it_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "monitor.db"
    version_one_archive(path)
    async with await Store.open(path) as store:
        assert (await store.get_post(1, 10)) is not None
    saved = pre_migration_path(path, SCHEMA_VERSION)
    assert saved.name == f"monitor.db.pre-{SCHEMA_VERSION}.bak"
    with sqlite3.connect(saved) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 1
        assert db.execute("SELECT text FROM posts").fetchall() == [("a post from before",)]


async def test_a_failed_copy_stops_the_migration(tmp_path: Path) -> None:
    path = tmp_path / "monitor.db"
    version_one_archive(path)
    pre_migration_path(path, SCHEMA_VERSION).mkdir()  # the copy cannot be put in place
    with pytest.raises(ArchiveError, match="cannot write the backup"):
        await Store.open(path)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 1


async def test_a_new_archive_needs_no_copy(tmp_path: Path) -> None:
    path = tmp_path / "monitor.db"
    await (await Store.open(path)).close()
    assert sorted(p.name for p in tmp_path.iterdir() if ".bak" in p.name) == []

"""What is wrong with the archive file itself (a corrupt page, a read-only file system, a full disk) is
one ArchiveError naming the file and the cause, never a traceback from SQLite."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from monitor.store import ArchiveError, Store, schema
from monitor.store.errors import file_error
from tests.support import archive_of, corrupt_pages, corrupt_table


async def test_a_corrupt_page_is_one_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    await archive_of(path, 2000)
    corrupt_table(path, "post_counts")  # what stats reads
    corrupt_pages(path)

    async with await Store.open(path, readonly=True) as store:
        with pytest.raises(ArchiveError) as raised:
            await store.stats()

    message = str(raised.value)
    assert message.startswith(f"{path}: the archive is corrupt") and f"sqlite3 {path} .recover" in message


def test_a_write_on_a_read_only_file_system_is_named_read_only(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.commit()
    readonly = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    with pytest.raises(sqlite3.Error) as raised:
        readonly.execute("INSERT INTO t VALUES (1)")

    message = str(file_error(path, raised.value))

    assert message.startswith(f"{path}: cannot write: the file or its file system is read-only")


def test_a_full_disk_is_named_full(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE t (x)")
    db.execute("PRAGMA max_page_count = 3")  # what a full disk looks like to SQLite
    with pytest.raises(sqlite3.Error) as raised:
        db.execute("INSERT INTO t VALUES (?)", ["x" * 100_000])

    assert str(file_error(path, raised.value)).startswith(f"{path}: cannot write: the disk is full")


async def test_an_archive_on_a_read_only_file_system_can_still_be_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "archive.db"
    await archive_of(path, 3)
    # What a read-only mount reports; root cannot be refused a write any other way.
    monkeypatch.setattr(schema.os, "access", lambda _path, _mode: False)

    async with await Store.open(path, readonly=True) as store:
        assert (await store.stats())["posts"] == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive.db"]  # no -shm or -wal was needed

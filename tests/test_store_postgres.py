"""Opening a PostgreSQL archive: migrations recorded and applied once, databases of something else and
newer archives refused, a wrong password, host or database named without the password; and the one
entry point that opens either backend from its location. Against the real server the tests start."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest

from monitor.store import ArchiveError, Store, open_archive, parse_location
from monitor.store.postgres.migrate import MIGRATIONS, SCHEMA_VERSION
from monitor.store.postgres.url import redact, scrub
from tests.postgres import PASSWORD_USER, SUPERUSER, PostgresServer, start_server


async def test_a_new_database_gets_every_migration_recorded_once(postgres_url: str) -> None:
    async with await open_archive(postgres_url):
        pass
    async with await open_archive(postgres_url):  # a second open migrates nothing
        pass
    connection = await asyncpg.connect(postgres_url)
    try:
        rows = await connection.fetch("SELECT version, name FROM monitor_schema ORDER BY version")
        tables = {
            r[0]
            for r in await connection.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        }
    finally:
        await connection.close()
    assert [(r[0], r[1]) for r in rows] == [(m.version, m.name) for m in MIGRATIONS]
    assert rows[-1][0] == SCHEMA_VERSION
    for table in (
        "posts",
        "revisions",
        "engagement",
        "alerts",
        "mutes",
        "meta",
        "channel_context",
        "post_counts",
    ):
        assert table in tables


async def test_matches_of_an_older_archive_get_their_post_id_when_it_is_migrated(postgres_url: str) -> None:
    """0007 names a match's post by post_id alone, checked once per statement: matches stored before post_id
    existed get theirs, and a match of no stored post, a post of no stored channel, or deleting a post that
    has matches or a channel that has posts, is refused as the foreign keys refused them."""
    connection = await asyncpg.connect(postgres_url)
    try:
        async with connection.transaction():
            await connection.execute(
                "CREATE TABLE monitor_schema (version INTEGER PRIMARY KEY, name TEXT NOT NULL)"
            )
            for migration in MIGRATIONS[:3]:
                await connection.execute(migration.sql)
                await connection.execute(
                    "INSERT INTO monitor_schema VALUES ($1, $2)", migration.version, migration.name
                )
        await connection.execute(
            "INSERT INTO channels (id, first_seen) VALUES (9, '2025-01-01T00:00:00+00:00')"
        )
        await connection.execute(
            "INSERT INTO posts (channel_id, message_id, date, text, first_stored_at) "
            "VALUES (9, 4, '2025-01-01T00:00:00+00:00', 'Сирены в Харькове', '2025-01-01T00:00:00+00:00')"
        )
        await connection.execute(
            'INSERT INTO matches (channel_id, message_id, conflict, term, lang, start, "end") '
            "VALUES (9, 4, 'ua_ru', 'харьков', 'ru', 10, 17)"
        )
        async with await open_archive(postgres_url):
            pass
        assert await connection.fetch("SELECT m.post_id = p.id FROM matches AS m, posts AS p") == [(True,)]
        with pytest.raises(asyncpg.NotNullViolationError):
            await connection.execute(
                'INSERT INTO matches (channel_id, message_id, conflict, term, lang, start, "end") '
                "VALUES (9, 5, 'ua_ru', 'харьков', 'ru', 0, 7)"
            )
        with pytest.raises(asyncpg.ForeignKeyViolationError):
            await connection.execute(
                'INSERT INTO matches (channel_id, message_id, conflict, term, lang, start, "end", post_id) '
                "SELECT 9, 4, 'ua_ru', 'харьков', 'ru', 10, 17, max(id) + 1 FROM posts"
            )
        with pytest.raises(asyncpg.ForeignKeyViolationError):
            await connection.execute("DELETE FROM posts")
        with pytest.raises(asyncpg.ForeignKeyViolationError):
            await connection.execute("DELETE FROM channels")
        with pytest.raises(asyncpg.ForeignKeyViolationError):
            await connection.execute(
                "INSERT INTO posts (channel_id, message_id, date, text, first_stored_at) VALUES "
                "(9, 5, '2025-01-01T00:00:00+00:00', 'Тихо', '2025-01-01T00:00:00+00:00'), "
                "(10, 1, '2025-01-01T00:00:00+00:00', 'Тихо', '2025-01-01T00:00:00+00:00')"
            )
        assert await connection.fetchval("SELECT count(*) FROM posts") == 1
    finally:
        await connection.close()


async def test_a_database_of_another_application_is_refused_untouched(postgres_url: str) -> None:
    connection = await asyncpg.connect(postgres_url)
    await connection.execute("CREATE TABLE invoices (id int)")
    await connection.close()

    with pytest.raises(ArchiveError, match="of another application, not a monitor archive"):
        await open_archive(postgres_url)

    connection = await asyncpg.connect(postgres_url)
    try:
        assert await connection.fetchval("SELECT to_regclass('monitor_schema')") is None
    finally:
        await connection.close()


async def test_a_newer_archive_is_refused(postgres_url: str) -> None:
    async with await open_archive(postgres_url):
        pass
    connection = await asyncpg.connect(postgres_url)
    await connection.execute(
        "INSERT INTO monitor_schema (version, name) VALUES ($1, 'future')", SCHEMA_VERSION + 1
    )
    await connection.close()

    with pytest.raises(ArchiveError, match=f"version {SCHEMA_VERSION + 1} is newer"):
        await open_archive(postgres_url)


async def test_a_new_database_is_not_migrated_read_only(postgres_url: str) -> None:
    with pytest.raises(ArchiveError, match="open it once without read-only"):
        await open_archive(postgres_url, readonly=True)


async def test_a_read_only_archive_refuses_writes(postgres_url: str) -> None:
    async with await open_archive(postgres_url):
        pass
    async with await open_archive(postgres_url, readonly=True) as store:
        with pytest.raises(ArchiveError, match="opened read-only"):
            await store.set_sync_state(1, pts=2)


async def test_a_wrong_password_names_the_url_and_never_the_password(
    postgres_server: PostgresServer, postgres_url: str
) -> None:
    admin = await asyncpg.connect(postgres_url)
    await admin.execute(f"CREATE ROLE {PASSWORD_USER} LOGIN PASSWORD 'right-one'")
    await admin.close()
    database = postgres_url.rsplit("/", 1)[1]
    url = postgres_server.url(database, user=PASSWORD_USER, password="wrong-guess-42")

    with pytest.raises(ArchiveError) as caught:
        await open_archive(url)

    message = str(caught.value)
    assert "wrong-guess-42" not in message
    assert f"archive url postgresql://{PASSWORD_USER}:***@127.0.0.1:{postgres_server.port}/" in message
    assert "password authentication failed" in message and "check the user and password" in message


async def test_an_unreachable_server_and_a_missing_database_are_named(
    postgres_server: PostgresServer,
) -> None:
    with pytest.raises(ArchiveError, match="is the server running and reachable") as caught:
        await open_archive("postgresql://monitor:pw-xyz@127.0.0.1:1/news")
    assert "pw-xyz" not in str(caught.value)

    with pytest.raises(ArchiveError, match="create the database first"):
        await open_archive(postgres_server.url("no_such_database"))


async def test_one_entry_point_opens_a_file_or_a_database(tmp_path: Path, postgres_url: str) -> None:
    assert parse_location(str(tmp_path / "a.db")) == tmp_path / "a.db"
    assert parse_location(postgres_url) == postgres_url

    async with await open_archive(tmp_path / "a.db") as file_archive:
        assert isinstance(file_archive, Store)
    async with await open_archive(postgres_url) as database_archive:
        assert not isinstance(database_archive, Store)
        assert type(database_archive).__name__ == "PgStore"


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://monitor:p%40ss-9@db:5432/news",
        "postgresql://monitor@db/news?sslmode=require&password=p@ss-9",
        "postgresql://monitor:p@ss-9@db:port/news",
    ],
)
def test_an_archive_url_is_shown_and_quoted_back_without_its_password(url: str) -> None:
    assert "p@ss-9" not in redact(url) and "p%40ss-9" not in redact(url)
    driver_message = f"cannot connect to {url} as monitor with password p@ss-9"
    assert "p@ss-9" not in scrub(driver_message, url) and "p%40ss" not in scrub(driver_message, url)
    assert redact("postgresql://monitor@db/news") == "postgresql://monitor@db/news"


async def test_a_lost_connection_is_replaced_and_a_stopped_server_is_one_named_error_reported() -> None:
    server = start_server()  # its own: this test stops it
    try:
        admin = await asyncpg.connect(server.url())
        await admin.execute("CREATE DATABASE archive")
        await admin.close()
        reported: list[ArchiveError] = []
        store = await open_archive(server.url("archive"))
        store.report_file_errors(reported.append)
        await store.heartbeat(datetime(2026, 1, 1, tzinfo=UTC))
        admin = await asyncpg.connect(server.url("archive"))
        await admin.execute(
            "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity "
            "WHERE application_name = 'monitor' AND datname = current_database()"
        )
        await admin.close()

        assert await store.last_heartbeat() == datetime(2026, 1, 1, tzinfo=UTC), "a new connection"

        server.stop()
        with pytest.raises(ArchiveError, match="the archive's server failed") as caught:
            await store.last_heartbeat()
        assert reported == [caught.value]
        assert str(caught.value).startswith(f"postgresql://{SUPERUSER}@127.0.0.1:{server.port}/archive: ")
        await store.close()
    finally:
        server.stop()

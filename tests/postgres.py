"""A real PostgreSQL server for the tests: initdb into a temporary directory, started and stopped by them.

The distribution's server binaries (PATH, then /usr/lib/postgresql/*/bin) are used as they are; CI
installs them (.ci/run). PostgreSQL refuses to run as root, so when the tests run as root the cluster
belongs to the `postgres` user (or `nobody`) and every server command runs as that user. The server
listens on 127.0.0.1 on a free port, its socket stays in the temporary directory, and local connections
are trusted: the superuser `monitor_test` needs no password (PASSWORD_USER alone must give one).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import asyncpg

SUPERUSER = "monitor_test"
# The one role that must give a password (scram-sha-256), for the tests of a wrong password.
PASSWORD_USER = "monitor_with_password"
_SERVER_USERS = ("postgres", "nobody")
_START_SECONDS = 60


class NoPostgres(RuntimeError):
    """No PostgreSQL server binaries here: install the distribution's `postgresql` package."""


@dataclass(frozen=True, slots=True)
class PostgresServer:
    """A running test server; `url(database)` is what `--archive` takes."""

    bin_dir: Path
    data_dir: Path
    port: int
    run_as: str | None

    def url(self, database: str = "postgres", *, user: str = SUPERUSER, password: str | None = None) -> str:
        secret = f":{password}" if password is not None else ""
        return f"postgresql://{user}{secret}@127.0.0.1:{self.port}/{database}"

    def pause(self) -> None:
        """Stop the server (fast shutdown: connections are closed) and keep its cluster for `resume`."""
        _run(self, "pg_ctl", "stop", "-D", str(self.data_dir), "-m", "fast", "-w")

    def resume(self) -> None:
        """Start the server on its cluster, waiting (pg_ctl -w, with a deadline) until it accepts
        connections: the first start, or again after `pause`."""
        root = self.data_dir.parent
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={root} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        log = root / "server.log"
        start = [
            "start",
            "-D",
            str(self.data_dir),
            "-l",
            str(log),
            "-o",
            options,
            "-w",
            "-t",
            str(_START_SECONDS),
        ]
        _run(self, "pg_ctl", *start)

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its directory; stopping it again does nothing."""
        if not self.data_dir.exists():
            return
        try:
            _run(self, "pg_ctl", "stop", "-D", str(self.data_dir), "-m", "fast", "-w")
        finally:
            shutil.rmtree(self.data_dir.parent, ignore_errors=True)

    async def create_database(self) -> str:
        """A new empty database (its URL): each test gets its own."""
        name = f"t_{uuid.uuid4().hex}"
        connection = await asyncpg.connect(self.url())
        try:
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()
        return self.url(name)

    async def drop_database(self, url: str) -> None:
        """Drop a test's database, closing what the test left connected."""
        name = url.rsplit("/", 1)[1]
        connection = await asyncpg.connect(self.url())
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()


def find_bin_dir() -> Path:
    """Where initdb, pg_ctl and postgres are: on PATH, else the newest /usr/lib/postgresql/N/bin."""
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).resolve().parent
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
    )
    if not candidates:
        raise NoPostgres("initdb not found on PATH or in /usr/lib/postgresql/*/bin")
    return candidates[-1].parent


def start_server(base: Path | None = None) -> PostgresServer:
    """initdb a fresh cluster and start it, waiting (pg_ctl -w, with a deadline) until it accepts
    connections."""
    bin_dir = find_bin_dir()
    run_as = _server_user()
    root = Path(tempfile.mkdtemp(prefix="monitor-pg-", dir=base))
    data_dir = root / "data"
    if run_as is not None:
        user = pwd.getpwnam(run_as)
        os.chown(root, user.pw_uid, user.pw_gid)
    server = PostgresServer(bin_dir, data_dir, _free_port(), run_as)
    # C.UTF-8: byte order for text, Unicode case for lower() and to_tsvector, whatever the caller's LANG.
    initdb = [
        "-D",
        str(data_dir),
        "-U",
        SUPERUSER,
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
        "--no-sync",
    ]
    _run(server, "initdb", *initdb)
    hba = data_dir / "pg_hba.conf"
    hba.write_text(f"host all {PASSWORD_USER} 127.0.0.1/32 scram-sha-256\n" + hba.read_text())
    server.resume()
    return server


def _server_user() -> str | None:
    """None when not root (the server runs as we do); else the first of postgres / nobody that exists."""
    if os.geteuid() != 0:
        return None
    for name in _SERVER_USERS:
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise NoPostgres("running as root and neither the postgres nor the nobody user exists")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(server: PostgresServer, program: str, *args: str) -> None:
    command = [str(server.bin_dir / program), *args]
    if server.run_as is not None:
        command = ["runuser", "-u", server.run_as, "--", *command]
    result = subprocess.run(command, capture_output=True, text=True, cwd="/", check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{program} failed ({result.returncode}): {result.stderr or result.stdout}")

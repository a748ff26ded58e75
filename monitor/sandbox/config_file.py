"""Write a complete monitor config for a running sandbox, with its secrets in 0600 files beside it.

The result is what `monitor run --config FILE` needs to watch every sandbox channel and alert into the
sandbox's analyst chat; schedules are short so a sandbox run shows reconciles and engagement updates.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from monitor.sandbox.config_tl import SANDBOX_DC
from monitor.sandbox.server import RunningSandbox

SANDBOX_API_ID = 1  # the sandbox accepts any api_id/api_hash; these mirror what its tests use
SANDBOX_API_HASH = "0" * 32
BACKFILL_ALL = 10_000  # more posts than a sandbox channel holds: the archive gets every one


def _q(value: object) -> str:
    """A TOML basic string (JSON escapes are valid TOML escapes)."""
    return json.dumps(str(value), ensure_ascii=False)


def _write_secret(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text + "\n")
    path.chmod(0o600)  # an existing file keeps its old mode through O_CREAT


def write_monitor_config(path: Path, sandbox: RunningSandbox) -> list[Path]:
    """Write the config at `path` plus its secret and key files (named after it); returns every file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    stem = path.with_suffix("")
    files = {
        "api_hash": stem.with_name(f"{stem.name}.api_hash"),
        "session": stem.with_name(f"{stem.name}.user_session"),
        "bot_session": stem.with_name(f"{stem.name}.bot_session"),
        "key": stem.with_name(f"{stem.name}.sandbox_key.pem"),
    }
    _write_secret(files["api_hash"], SANDBOX_API_HASH)
    _write_secret(files["session"], sandbox.user_session)
    _write_secret(files["bot_session"], sandbox.bot_session)
    files["key"].write_text(sandbox.rsa_public_key, encoding="ascii")
    workers = _worker_sessions(sandbox, stem, files["session"])
    text = _config_text(sandbox, files, stem.with_name(f"{stem.name}.db")) + _workers_text(workers)
    path.write_text(text, encoding="utf-8")
    return [path, *files.values(), *(p for p in workers.values() if p != files["session"])]


def _worker_sessions(sandbox: RunningSandbox, stem: Path, user_session: Path) -> dict[str, Path]:
    """With several reading accounts, one worker each (worker1 reads as the scenario's user): their session
    files, written 0600. One account: no workers, the config runs one daemon as before."""
    if not sandbox.reader_sessions:
        return {}
    workers = {"worker1": user_session}
    for number, session in enumerate(sandbox.reader_sessions, start=2):
        workers[f"worker{number}"] = stem.with_name(f"{stem.name}.worker{number}_session")
        _write_secret(workers[f"worker{number}"], session)
    return workers


def _workers_text(workers: dict[str, Path]) -> str:
    if not workers:
        return ""
    tables = "".join(
        f"\n[workers.{name}]\nsession_file = {_q(path.name)}\n" for name, path in workers.items()
    )
    return f"""
# One worker per reading account: `monitor run --config THIS --worker NAME`.
[workers]
lease_seconds = 30
renew_seconds = 5
{tables}"""


def _config_text(sandbox: RunningSandbox, files: dict[str, Path], archive: Path) -> str:
    channels = "".join(
        f"\n[[channels]]\nref = {_q('@' + name)}\nbackfill = {BACKFILL_ALL}\n" for name in sandbox.channels
    )
    return f"""# monitor configuration for the local sandbox at {sandbox.host}:{sandbox.port}, written by
# `monitor sandbox --write-config`. Secrets live in the 0600 files named below.

[telegram]
api_id = {SANDBOX_API_ID}
api_hash_file = {_q(files["api_hash"].name)}
session_file = {_q(files["session"].name)}
bot_session_file = {_q(files["bot_session"].name)}

[telegram.server]
host = {_q(sandbox.host)}
port = {sandbox.port}
dc_id = {SANDBOX_DC}
rsa_public_key_file = {_q(files["key"].name)}

[archive]
path = {_q(archive.name)}

[analyst]
chat_id = {sandbox.analyst_chat_id}
admins = [{sandbox.analyst_id}]
{channels}
[analysis]
language_backend = "langdetect"

[alerts]
per_minute = 60
burst = 5
digest_after = 10
quiet_hours = ""
muted = []
summary = "off"

[schedule]
reconcile_seconds = 5
engagement_hours = [0.05, 0.5]
heartbeat_seconds = 5
"""

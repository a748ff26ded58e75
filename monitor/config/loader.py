"""Load one config file into a Config: every section checked, every problem collected, secrets resolved."""

from __future__ import annotations

import binascii
import contextlib
import functools
import os
import re
import sqlite3
import struct
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from monitor.config.channel_refs import parse_channel_ref
from monitor.config.checks import (
    Problems,
    Table,
    at_most,
    boolean,
    calendar_date,
    choice,
    hour_range,
    integer,
    key_lines,
    list_of,
    listen_address,
    non_negative,
    real_number,
    string,
)
from monitor.config.fleet import check_joins, fleet_settings
from monitor.config.settings import (
    AlertPolicy,
    AnalysisSettings,
    AnalystSettings,
    ChannelRef,
    ChannelSettings,
    Config,
    ConfigError,
    ContextSetting,
    KeyPath,
    MetricsSettings,
    ReadingSettings,
    ScheduleSettings,
    Secret,
    ServerSettings,
    TelegramSettings,
)
from monitor.logs import register_secret


class _Loader:
    """Reads one config file: resolves paths against its directory and secrets from env or files."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.base = path.parent
        self.problems = Problems(path, key_lines(text))

    def resolve(self, value: str) -> Path:
        candidate = Path(value).expanduser()
        return candidate if candidate.is_absolute() else (self.base / candidate).resolve()

    def secret(
        self, table: Table, name: str, *, required: bool = False, session: bool = False, public: bool = False
    ) -> Secret | None:
        """Read `name_env` or `name_file`; an inline `name` is refused so secrets stay out of config files.

        Values are registered for log redaction unless `public` (a number like api_id would mangle logs).
        """
        key = (*table.key, name)
        if table.has(name):
            table.data.pop(name)
            self.problems.add(key, f"secrets are not accepted inline; use {name}_env or {name}_file")
            return None
        env = table.take(f"{name}_env", string)
        file = table.take(f"{name}_file", string)
        if env and file:
            self.problems.add(
                (*table.key, f"{name}_file"), f"give either {name}_env or {name}_file, not both"
            )
            return None
        secret = None
        if env:
            secret = self._from_env((*table.key, f"{name}_env"), env)
        elif file:
            secret = self._from_file((*table.key, f"{name}_file"), self.resolve(file), session=session)
        elif required:
            self.problems.add(key, f"missing (required): set {name}_env or {name}_file")
        is_path = session and secret is not None and secret.reveal().endswith(".session")
        if secret is not None and not public and not is_path:
            register_secret(secret.reveal())
        return secret

    def _from_env(self, key: KeyPath, variable: str) -> Secret | None:
        value = os.environ.get(variable, "").strip()
        if not value:
            self.problems.add(key, f"environment variable {variable} is not set")
            return None
        return Secret(value, f"env {variable}")

    def _from_file(self, key: KeyPath, path: Path, *, session: bool) -> Secret | None:
        if session and path.suffix == ".session":
            if not path.parent.is_dir():
                self.problems.add(key, f"directory {path.parent} does not exist")
                return None
            return Secret(str(path), f"file {path}")
        try:
            value = path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            self.problems.add(key, f"cannot read {path}: {_reason(exc)}")
            return None
        if not value:
            self.problems.add(key, f"{path} is empty")
            return None
        return Secret(value, f"file {path}")


# ---------------------------------------------------------------------------------------------
# sections


def _telegram(loader: _Loader, table: Table) -> TelegramSettings | None:
    api_id = _api_id(loader, table)
    api_hash = loader.secret(table, "api_hash", required=True)
    session = loader.secret(table, "session", session=True)
    bot_token = loader.secret(table, "bot_token")
    bot_session = loader.secret(table, "bot_session", session=True)
    server = _server(loader, table.table("server")) if table.has("server") else None
    table.finish()
    _check_session(loader, table.key, "session", session, need_auth=True)
    _check_session(loader, table.key, "bot_session", bot_session, need_auth=bot_token is None)
    if api_id is None or api_hash is None:
        return None
    return TelegramSettings(api_id, api_hash, session, bot_token, bot_session, server)


def _worker_session(loader: _Loader, table: Table) -> Secret | None:
    session = loader.secret(table, "session", required=True, session=True)
    _check_session(loader, table.key, "session", session, need_auth=True)
    return session


def _check_session(
    loader: _Loader, table: KeyPath, name: str, secret: Secret | None, *, need_auth: bool
) -> None:
    """A session that holds none would make the daemon start a login it cannot finish unattended. A
    missing `.session` file is fine (`monitor login` writes it), and so is an empty bot session when the
    bot logs in with its token."""
    if secret is None:
        return
    value = secret.reveal()
    key = (*table, f"{name}_env" if secret.source.startswith("env") else f"{name}_file")
    problem = _session_file_problem(Path(value), need_auth) if value.endswith(".session") else None
    if not value.endswith(".session") and not _is_session_string(value):
        problem = f"{secret.source} does not hold a Telethon session string"
    if problem:
        loader.problems.add(key, problem)


def _session_file_problem(path: Path, need_auth: bool) -> str | None:
    if not path.exists():
        return None
    try:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as db:
            keys = [row[0] for row in db.execute("SELECT auth_key FROM sessions")]
    except sqlite3.Error:
        if path.stat().st_size == 0:
            keys = []
        else:
            return f"{path} is not a Telethon session file"
    if need_auth and not any(keys):
        return f"{path} holds no session: log in with `monitor login`"
    return None


def _is_session_string(value: str) -> bool:
    from telethon.sessions import StringSession

    try:
        StringSession(value)
    except (ValueError, struct.error, binascii.Error):
        return False
    return True


def _api_id(loader: _Loader, table: Table) -> int | None:
    """The api_id is not secret, so it may be inline; from env or file it must still be a number."""
    if table.has("api_id"):
        return table.take("api_id", integer(1))
    secret = loader.secret(table, "api_id", required=True, public=True)
    if secret is None:
        return None
    if not secret.reveal().isdigit():
        loader.problems.add((*table.key, "api_id"), f"{secret.source} does not hold a number")
        return None
    return int(secret.reveal())


def _server(loader: _Loader, table: Table) -> ServerSettings | None:
    host = table.take("host", string, required=True)
    port = table.take("port", integer(1), required=True)
    dc_id = table.take("dc_id", integer(1), 2)
    key = _rsa_key(loader, table)
    table.finish()
    if host is None or port is None or key is None:
        return None
    if port > 65535:
        loader.problems.add((*table.key, "port"), f"{port} is not a TCP port")
        return None
    return ServerSettings(host, port, dc_id, key)


def _rsa_key(loader: _Loader, table: Table) -> str | None:
    inline = table.take("rsa_public_key", string)
    file = table.take("rsa_public_key_file", string)
    key = (*table.key, "rsa_public_key_file" if file else "rsa_public_key")
    if inline is None and file is None:
        loader.problems.add(key, "missing (required): set rsa_public_key_file or rsa_public_key")
        return None
    text = inline
    if file is not None:
        path = loader.resolve(file)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            loader.problems.add(key, f"cannot read {path}: {_reason(exc)}")
            return None
    if text is None or not any(
        f"-----BEGIN {kind}-----" in text for kind in ("RSA PUBLIC KEY", "PUBLIC KEY")
    ):
        loader.problems.add(key, "not a PEM public key")
        return None
    return text


def _analyst(table: Table) -> AnalystSettings | None:
    chat_id = table.take("chat_id", integer(), required=True)
    admins = table.take("admins", list_of(integer(1)), ())
    table.finish()
    return None if chat_id is None else AnalystSettings(chat_id, admins)


def _channels(problems: Problems, entries: object) -> tuple[ChannelSettings, ...]:
    if not isinstance(entries, list):
        problems.add(("channels",), "expected [[channels]] tables")
        return ()
    channels: list[ChannelSettings] = []
    seen: dict[ChannelRef, int] = {}
    for index, entry in enumerate(entries):
        table = Table(problems, ("channels", index), entry)
        channel = _channel(table)
        table.finish()
        if channel is None:
            continue
        dedup = ChannelRef(channel.target.kind, str(channel.target.value).lower())
        if dedup in seen:
            problems.add((*table.key, "ref"), f"same channel as channels[{seen[dedup] + 1}]")
            continue
        seen[dedup] = index
        channels.append(channel)
    return tuple(channels)


def _channel(table: Table) -> ChannelSettings | None:
    raw = table.take("ref", _ref_text, required=True)
    target = None
    if raw is not None:
        try:
            target = parse_channel_ref(raw)
        except ValueError as exc:
            table.problems.add((*table.key, "ref"), str(exc))
    backfill = table.take("backfill", integer(0))
    since = table.take("backfill_since", calendar_date)
    # Joining is what makes Telegram push a channel's updates; a bare id cannot be joined without a hash.
    join = table.take("join", boolean, target is not None and target.kind != "id")
    context = _context_setting(table)
    if target is None:
        return None
    return ChannelSettings(raw, backfill, since, join, target, context)


def _context_setting(table: Table) -> ContextSetting:
    """`context = "learned"` (default), `"off"`, or a table of fixed shares {conflict = 0..1}.

    Conflict ids of a fixed table are checked against the watchlist with the [analysis] section.
    """
    if not table.has("context"):
        return "learned"
    value = table.data["context"]
    if isinstance(value, dict):
        return _conflict_numbers(table.table("context"), _share)
    return table.take("context", choice("learned", "off"), "learned")


def _share(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"expected a share between 0 and 1, got {value!r}")
    return float(value)


def _conflict_numbers(table: Table, check: Callable[[Any], float]) -> tuple[tuple[str, float], ...]:
    """A table of conflict id = number; each value checked, the ids later against the watchlist."""
    numbers = []
    for conflict in list(table.data):
        value = table.take(conflict, check)
        if value is not None:
            numbers.append((conflict, value))
    return tuple(numbers)


def _ref_text(value: Any) -> str:
    """A numeric id may be written as a TOML integer; everything is kept as text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return string(value)


def _analysis(loader: _Loader, table: Table) -> AnalysisSettings:
    # Imported only when a config is loaded: every CLI command imports this module, and most of them
    # (`monitor --help` included) need neither the matcher nor the language detector.
    from monitor.analysis import DEFAULT_CONFLICTS
    from monitor.analysis.language import BACKENDS

    conflicts = table.take("conflicts", string)
    backend = table.take("language_backend", string, "langdetect")
    thresholds = _conflict_numbers(table.table("thresholds"), real_number) if table.has("thresholds") else ()
    context = table.take("context", choice("learned", "off"), "learned")
    table.finish()
    path = loader.resolve(conflicts) if conflicts else DEFAULT_CONFLICTS
    if not path.is_file():
        loader.problems.add((*table.key, "conflicts"), f"file {path} does not exist")
    if backend not in BACKENDS:
        loader.problems.add(
            (*table.key, "language_backend"), f"unknown backend {backend!r} (known: {', '.join(BACKENDS)})"
        )
    return AnalysisSettings(path, backend, thresholds, context)


def _check_conflict_ids(
    problems: Problems, analysis: AnalysisSettings, channels: tuple[ChannelSettings, ...]
) -> None:
    """Thresholds and fixed channel contexts must name conflicts the watchlist defines."""
    from monitor.analysis import WatchlistError, load_watchlist

    named = [(("analysis", "thresholds", c), c) for c, _ in analysis.thresholds]
    for index, channel in enumerate(channels):
        if not isinstance(channel.context, str):
            named += [(("channels", index, "context", c), c) for c, _ in channel.context]
    if not named or not analysis.conflicts_path.is_file():
        return
    try:
        known = load_watchlist(analysis.conflicts_path).conflicts
    except WatchlistError as exc:
        problems.add(("analysis", "conflicts"), str(exc))
        return
    for key, conflict in named:
        if conflict not in known:
            problems.add(key, f"unknown conflict {conflict!r} (the watchlist defines: {', '.join(known)})")


# Upper bounds of the durations: generous, but far from where a date or a timer overflows.
DAY_SECONDS = 86_400.0
YEAR_HOURS = 8_760.0


def _alerts(table: Table, analysis: AnalysisSettings) -> AlertPolicy:
    policy = AlertPolicy(
        per_minute=table.take("per_minute", integer(1), 20),
        burst=table.take("burst", integer(1), 3),
        digest_after=table.take("digest_after", integer(1), 5),
        quiet_hours=table.take("quiet_hours", hour_range),
        muted=table.take("muted", list_of(string), ()),
        summary=table.take("summary", choice("hourly", "daily", "off"), "daily"),
        backfill_alert_hours=table.take(
            "backfill_alert_hours", at_most(non_negative, YEAR_HOURS, "hours"), 24.0
        ),
    )
    table.finish()
    _check_muted(table, policy.muted, analysis.conflicts_path)
    return policy


def _check_muted(table: Table, muted: tuple[str, ...], conflicts: Path) -> None:
    """A typo in `muted` would silently mute nothing: check the ids against the watchlist's."""
    from monitor.analysis.watchlist import watchlist_ids

    if not muted or not conflicts.is_file():
        return  # a missing watchlist is reported by [analysis]
    try:
        known = watchlist_ids(conflicts)
    except (OSError, ValueError, RecursionError):
        return  # an unreadable watchlist is reported when it is loaded
    unknown = [cid for cid in muted if cid not in known]
    if unknown:
        table.problems.add(
            (*table.key, "muted"),
            f"unknown conflict(s) {', '.join(unknown)} (known: {', '.join(known) or 'none'})",
        )


def _schedule(table: Table) -> ScheduleSettings:
    seconds = at_most(real_number, DAY_SECONDS, "seconds")
    hours = at_most(real_number, YEAR_HOURS, "hours")
    schedule = ScheduleSettings(
        reconcile_seconds=table.take("reconcile_seconds", seconds, 60.0),
        engagement_hours=table.take("engagement_hours", list_of(hours), (1.0, 24.0)),
        heartbeat_seconds=table.take("heartbeat_seconds", seconds, 30.0),
    )
    table.retire("busy_reconcile_seconds", "busy channels are read by the look, not on a timer of their own")
    table.retire("recheck_hours", "missed edits come from each channel's pts difference")
    table.finish()
    return schedule


def _metrics(table: Table) -> MetricsSettings | None:
    address = table.take("listen", listen_address, required=True)
    table.finish()
    return None if address is None else MetricsSettings(*address)


def _reading(table: Table) -> ReadingSettings:
    default = ReadingSettings()
    reading = ReadingSettings(
        requests_per_hour=table.take("requests_per_hour", real_number, default.requests_per_hour),
        burst=table.take("burst", integer(1), default.burst),
        spacing_seconds=table.take("spacing_seconds", non_negative, default.spacing_seconds),
        jitter=table.take("jitter", non_negative, default.jitter),
        steady_per_hour=table.take("steady_per_hour", real_number, default.steady_per_hour),
        engagement_every_hours=table.take(
            "engagement_every_hours", real_number, default.engagement_every_hours
        ),
        resolves_per_hour=table.take("resolves_per_hour", real_number, default.resolves_per_hour),
        joins_per_hour=table.take("joins_per_hour", real_number, default.joins_per_hour),
    )
    table.finish()
    return reading


def _archive(loader: _Loader, table: Table, override: Path | str | None) -> tuple[Path, str | None]:
    """The archive's file, or its PostgreSQL URL (`url`, with the password from password_env or
    password_file) together with the file beside which the daemon keeps its locks and sessions."""
    if table.has("path") and table.has("url"):
        loader.problems.add((*table.key, "url"), "give either archive.path or archive.url, not both")
    value = table.take("path", string, "monitor.db")
    url = table.take("url", string)
    password = loader.secret(table, "password")
    table.finish()
    if isinstance(override, str):
        return loader.resolve("monitor.db"), override
    if override is not None:
        if not override.parent.is_dir():  # as for archive.path: an unmounted volume, most often
            where = "the archive given by --archive or MONITOR_ARCHIVE"
            loader.problems.add(table.key, f"directory {override.parent} does not exist ({where})")
        return override, None
    if url is not None:
        return loader.resolve("monitor.db"), _archive_url(loader, (*table.key, "url"), url, password)
    if password is not None:
        loader.problems.add((*table.key, "password_env"), "a password is for archive.url, which is not set")
    path = loader.resolve(value)
    if not path.parent.is_dir():
        # Most often a volume that is not mounted: the archive would land somewhere it does not last.
        loader.problems.add((*table.key, "path"), f"directory {path.parent} does not exist")
    return path, None


def _archive_url(loader: _Loader, key: KeyPath, url: str, password: Secret | None) -> str | None:
    """Check the URL's form (never showing a password) and put the password into it."""
    if not url.lower().startswith(("postgresql://", "postgres://")):
        loader.problems.add(key, "expected a postgresql:// URL, e.g. postgresql://monitor@db:5432/monitor")
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - parsing the port is the check
    except ValueError as exc:
        loader.problems.add(key, f"not a valid URL ({exc})")
        return None
    if parts.password is not None:
        loader.problems.add(
            key,
            "secrets are not accepted inline: remove the password and use archive.password_env or "
            "archive.password_file",
        )
        return None
    if password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    netloc = f"{quote(user, safe='')}:{quote(password.reveal(), safe='')}@{host}"
    if parts.port is not None:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


# ---------------------------------------------------------------------------------------------


def load_config(path: Path, *, archive_override: Path | str | None = None) -> Config:
    """Read and validate a config file; raise ConfigError listing every problem found."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{path}: cannot read: {_reason(exc)}"]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([_syntax_problem(path, str(exc))]) from None
    except RecursionError:
        raise ConfigError([f"{path}: invalid TOML: nested too deeply to read"]) from None
    loader = _Loader(path.resolve(), text)
    root = Table(loader.problems, (), data)
    telegram = _telegram(loader, root.table("telegram"))
    archive, archive_url = _archive(loader, root.table("archive"), archive_override)
    analyst = _analyst(root.table("analyst"))
    channels = _channels(loader.problems, root.data.pop("channels", []))
    analysis = _analysis(loader, root.table("analysis"))
    _check_conflict_ids(loader.problems, analysis, channels)
    alerts = _alerts(root.table("alerts"), analysis)
    schedule = _schedule(root.table("schedule"))
    reading = _reading(root.table("reading"))
    metrics = _metrics(root.table("metrics")) if root.has("metrics") else None
    fleet = fleet_settings(root.table("workers"), functools.partial(_worker_session, loader), telegram)
    check_joins(loader.problems, channels, max(1, len(fleet.workers)))
    root.finish()
    if loader.problems.items or telegram is None or analyst is None:
        raise ConfigError(loader.problems.items)
    return Config(
        loader.path,
        telegram,
        archive,
        analyst,
        channels,
        analysis,
        alerts,
        schedule,
        reading,
        metrics,
        archive_url=archive_url,
        fleet=fleet,
        notes=tuple(loader.problems.notes),
    )


def _reason(exc: OSError | UnicodeDecodeError) -> str:
    """The OS's short reason ("No such file or directory") when there is one, else the whole message."""
    return getattr(exc, "strerror", None) or str(exc)


def _syntax_problem(path: Path, message: str) -> str:
    m = re.search(r"\(at line (\d+), column (\d+)\)$", message)
    if not m:
        return f"{path}: invalid TOML: {message}"
    return f"{path}:{m.group(1)}: invalid TOML: {message[: m.start()].strip()} (column {m.group(2)})"

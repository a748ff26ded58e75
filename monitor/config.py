"""Load and validate the monitor configuration (TOML) into frozen settings objects.

Every problem is reported as "FILE:LINE: key: problem" and all of them are collected before
raising, so one run of `monitor check-config` shows everything to fix. Secrets never appear inline:
each comes from an environment variable (`*_env`) or a file (`*_file`) and is wrapped in `Secret`.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal

from monitor.logs import register_secret

KeyPath = tuple[str | int, ...]


class ConfigError(Exception):
    """Raised with every problem found; each line reads "FILE:LINE: key: problem"."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = tuple(problems)


@dataclass(frozen=True, slots=True)
class Secret:
    """A credential that prints as *** so it cannot leak through repr(), logs or summaries."""

    _value: str = field(repr=False)
    source: str = ""

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    def __str__(self) -> str:
        return "***"


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """A server other than Telegram's own (the local sandbox or Telegram's test servers)."""

    host: str
    port: int
    dc_id: int
    rsa_public_key: str


@dataclass(frozen=True, slots=True)
class TelegramSettings:
    """Credentials and client behaviour. `session` holds a StringSession, or a path ending in .session."""

    api_id: int
    api_hash: Secret
    session: Secret | None
    bot_token: Secret | None
    bot_session: Secret | None
    flood_sleep_threshold: int
    server: ServerSettings | None


@dataclass(frozen=True, slots=True)
class AnalystSettings:
    """Where alerts go and whose commands are accepted."""

    chat_id: int
    admins: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ChannelRef:
    """A parsed channel reference: a username, a bare positive channel id or an invite hash."""

    kind: Literal["username", "id", "invite"]
    value: str | int


@dataclass(frozen=True, slots=True)
class ChannelSettings:
    """A watched channel as written in the config (`ref` is kept verbatim as the archive's key)."""

    ref: str
    backfill: int | None
    backfill_since: date | None
    join: bool
    target: ChannelRef


@dataclass(frozen=True, slots=True)
class AnalysisSettings:
    """Which watchlist file and language backend analysis uses."""

    conflicts_path: Path
    language_backend: str


@dataclass(frozen=True, slots=True)
class AlertPolicy:
    """Pacing and filtering of alerts; quiet hours are UTC (start, end) and may wrap midnight.
    Backfilled posts younger than `backfill_alert_hours` when their channel was first seen are alerted
    (marked late); older history is archived without alerts."""

    per_minute: int
    burst: int
    digest_after: int
    quiet_hours: tuple[time, time] | None
    muted: tuple[str, ...]
    summary: str
    backfill_alert_hours: float = 24.0


@dataclass(frozen=True, slots=True)
class ScheduleSettings:
    """How often the scheduled jobs run."""

    reconcile_seconds: float
    busy_reconcile_seconds: float
    engagement_hours: tuple[float, ...]
    recheck_hours: float
    heartbeat_seconds: float


@dataclass(frozen=True, slots=True)
class Config:
    """The whole validated configuration."""

    path: Path
    telegram: TelegramSettings
    archive_path: Path
    analyst: AnalystSettings
    channels: tuple[ChannelSettings, ...]
    analysis: AnalysisSettings
    alerts: AlertPolicy
    schedule: ScheduleSettings


# ---------------------------------------------------------------------------------------------
# channel references

_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")
_INVITE_HASH = re.compile(r"[A-Za-z0-9_-]{6,}")
_LINK = re.compile(r"(?:https?://)?(?:www\.)?(?:t\.me|telegram\.me|telegram\.dog)/(?P<path>[^?#]*)", re.I)
_NUMERIC = re.compile(r"-?\d+")


def parse_channel_ref(ref: str) -> ChannelRef:
    """Parse @username, t.me links (post, /s/, /c/, invite) or numeric ids; ValueError says why not."""
    text = ref.strip()
    if not text:
        raise ValueError("empty channel reference")
    if _NUMERIC.fullmatch(text):
        return ChannelRef("id", _channel_id(int(text)))
    link = _LINK.fullmatch(text)
    if link:
        return _parse_link_path(link.group("path").strip("/"))
    if text.startswith("@"):
        text = text[1:]
    if _USERNAME.fullmatch(text):
        return ChannelRef("username", text)
    raise ValueError(
        f"{ref!r} is not a channel reference (use @username, https://t.me/username, a numeric id "
        "or an invite link https://t.me/+HASH)"
    )


def _channel_id(number: int) -> int:
    """Turn a -100-marked or bare channel id into the bare positive id the archive uses."""
    if number > 0:
        return number
    digits = str(-number)
    if digits.startswith("100") and len(digits) > 3:
        return int(digits[3:])
    raise ValueError(f"{number} is not a channel id (channel ids are positive or start with -100)")


def _parse_link_path(path: str) -> ChannelRef:
    parts = path.split("/")
    if parts[0] == "s":
        parts = parts[1:]
    head = parts[0] if parts else ""
    if head.startswith("+") or head == "joinchat":
        invite = head[1:] if head.startswith("+") else (parts[1] if len(parts) > 1 else "")
        if _INVITE_HASH.fullmatch(invite):
            return ChannelRef("invite", invite)
        raise ValueError(f"invite link with an invalid hash {invite!r}")
    if head == "c" and len(parts) in (2, 3) and parts[1].isdigit():
        return ChannelRef("id", int(parts[1]))
    if _USERNAME.fullmatch(head) and (len(parts) == 1 or (len(parts) == 2 and parts[1].isdigit())):
        return ChannelRef("username", head)
    raise ValueError(f"t.me link path {path!r} does not name a channel")


# ---------------------------------------------------------------------------------------------
# locating keys in the TOML text (tomllib keeps no positions)

_TABLE = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")
_ARRAY_TABLE = re.compile(r"^\s*\[\[\s*([^\[\]]+?)\s*\]\]\s*(?:#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_.\"' -]+?)\s*=")


def _split_dotted(name: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in name.split("."))


def key_lines(text: str) -> dict[KeyPath, int]:
    """Map each table and key path to its 1-based line; arrays of tables are indexed from 0."""
    lines: dict[KeyPath, int] = {}
    counts: dict[tuple[str, ...], int] = {}
    table: KeyPath = ()
    for number, line in enumerate(text.splitlines(), start=1):
        if m := _ARRAY_TABLE.match(line):
            name = _split_dotted(m.group(1))
            index = counts.get(name, 0)
            counts[name] = index + 1
            table = (*name, index)
            lines.setdefault(table, number)
        elif m := _TABLE.match(line):
            table = _split_dotted(m.group(1))
            lines.setdefault(table, number)
        elif m := _KEY.match(line):
            lines.setdefault((*table, *_split_dotted(m.group(1))), number)
    return lines


# ---------------------------------------------------------------------------------------------
# reading tables


class _Problems:
    """Collects problems with their file position so the caller can report them all at once."""

    def __init__(self, path: Path, lines: dict[KeyPath, int]) -> None:
        self.path = path
        self.lines = lines
        self.items: list[str] = []

    def add(self, key: KeyPath, problem: str) -> None:
        line = self._line(key)
        where = f"{self.path}:{line}" if line else str(self.path)
        self.items.append(f"{where}: {_dotted(key)}: {problem}")

    def _line(self, key: KeyPath) -> int | None:
        for end in range(len(key), 0, -1):
            if key[:end] in self.lines:
                return self.lines[key[:end]]
        return None


def _dotted(key: KeyPath) -> str:
    text = ""
    for part in key:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


class _Table:
    """One TOML table being read; keys not taken by the end are reported as unknown."""

    def __init__(self, problems: _Problems, key: KeyPath, data: object) -> None:
        self.problems = problems
        self.key = key
        if not isinstance(data, dict):
            problems.add(key, "expected a table")
            data = {}
        self.data: dict[str, Any] = dict(data)

    def has(self, name: str) -> bool:
        return name in self.data

    def take(
        self, name: str, check: Callable[[Any], Any], default: Any = None, *, required: bool = False
    ) -> Any:
        """Pop and convert one value; on a problem record it and return the default."""
        if name not in self.data:
            if required:
                self.problems.add((*self.key, name), "missing (required)")
            return default
        value = self.data.pop(name)
        try:
            return check(value)
        except ValueError as exc:
            self.problems.add((*self.key, name), str(exc))
            return default

    def table(self, name: str) -> _Table:
        return _Table(self.problems, (*self.key, name), self.data.pop(name, {}))

    def finish(self) -> None:
        for name in self.data:
            self.problems.add((*self.key, name), "unknown key")


def _int(minimum: int | None = None) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"expected an integer, got {value!r}")
        if minimum is not None and value < minimum:
            raise ValueError(f"must be at least {minimum}, got {value}")
        return value

    return check


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValueError(f"expected a positive number, got {value!r}")
    return float(value)


def _non_negative(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError(f"expected a number of 0 or more, got {value!r}")
    return float(value)


def _str(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected a non-empty string, got {value!r}")
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {value!r}")
    return value


def _list_of(check: Callable[[Any], Any]) -> Callable[[Any], tuple[Any, ...]]:
    def check_list(value: Any) -> tuple[Any, ...]:
        if not isinstance(value, list):
            raise ValueError(f"expected a list, got {value!r}")
        return tuple(check(item) for item in value)

    return check_list


def _date(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"expected a date like 2026-01-31, got {value!r}")


def _quiet_hours(value: Any) -> tuple[time, time] | None:
    if value == "":
        return None
    m = (
        re.fullmatch(r"\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*", value)
        if isinstance(value, str)
        else None
    )
    try:
        start, end = (time.fromisoformat(m.group(i).zfill(5)) for i in (1, 2)) if m else (None, None)
    except ValueError:
        start = end = None
    if start is None or end is None:
        raise ValueError(f'expected "HH:MM-HH:MM" (UTC) or "", got {value!r}')
    if start == end:
        raise ValueError("start and end are equal")
    return start, end


def _choice(*options: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value not in options:
            raise ValueError(f"expected one of {', '.join(options)}, got {value!r}")
        return value

    return check


# ---------------------------------------------------------------------------------------------
# secrets


class _Loader:
    """Reads one config file: resolves paths against its directory and secrets from env or files."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.base = path.parent
        self.problems = _Problems(path, key_lines(text))

    def resolve(self, value: str) -> Path:
        candidate = Path(value).expanduser()
        return candidate if candidate.is_absolute() else (self.base / candidate).resolve()

    def secret(
        self, table: _Table, name: str, *, required: bool = False, session: bool = False, public: bool = False
    ) -> Secret | None:
        """Read `name_env` or `name_file`; an inline `name` is refused so secrets stay out of config files.

        Values are registered for log redaction unless `public` (a number like api_id would mangle logs).
        """
        key = (*table.key, name)
        if table.has(name):
            table.data.pop(name)
            self.problems.add(key, f"secrets are not accepted inline; use {name}_env or {name}_file")
            return None
        env = table.take(f"{name}_env", _str)
        file = table.take(f"{name}_file", _str)
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


def _telegram(loader: _Loader, table: _Table) -> TelegramSettings | None:
    api_id = _api_id(loader, table)
    api_hash = loader.secret(table, "api_hash", required=True)
    session = loader.secret(table, "session", session=True)
    bot_token = loader.secret(table, "bot_token")
    bot_session = loader.secret(table, "bot_session", session=True)
    flood = table.take("flood_sleep_threshold", _int(0), 30)
    server = _server(loader, table.table("server")) if table.has("server") else None
    table.finish()
    if api_id is None or api_hash is None:
        return None
    return TelegramSettings(api_id, api_hash, session, bot_token, bot_session, flood, server)


def _api_id(loader: _Loader, table: _Table) -> int | None:
    """The api_id is not secret, so it may be inline; from env or file it must still be a number."""
    if table.has("api_id"):
        return table.take("api_id", _int(1))
    secret = loader.secret(table, "api_id", required=True, public=True)
    if secret is None:
        return None
    if not secret.reveal().isdigit():
        loader.problems.add((*table.key, "api_id"), f"{secret.source} does not hold a number")
        return None
    return int(secret.reveal())


def _server(loader: _Loader, table: _Table) -> ServerSettings | None:
    host = table.take("host", _str, required=True)
    port = table.take("port", _int(1), required=True)
    dc_id = table.take("dc_id", _int(1), 2)
    key = _rsa_key(loader, table)
    table.finish()
    if host is None or port is None or key is None:
        return None
    if port > 65535:
        loader.problems.add((*table.key, "port"), f"{port} is not a TCP port")
        return None
    return ServerSettings(host, port, dc_id, key)


def _rsa_key(loader: _Loader, table: _Table) -> str | None:
    inline = table.take("rsa_public_key", _str)
    file = table.take("rsa_public_key_file", _str)
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


def _analyst(table: _Table) -> AnalystSettings | None:
    chat_id = table.take("chat_id", _int(), required=True)
    admins = table.take("admins", _list_of(_int(1)), ())
    table.finish()
    return None if chat_id is None else AnalystSettings(chat_id, admins)


def _channels(problems: _Problems, entries: object) -> tuple[ChannelSettings, ...]:
    if not isinstance(entries, list):
        problems.add(("channels",), "expected [[channels]] tables")
        return ()
    channels: list[ChannelSettings] = []
    seen: dict[ChannelRef, int] = {}
    for index, entry in enumerate(entries):
        table = _Table(problems, ("channels", index), entry)
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


def _channel(table: _Table) -> ChannelSettings | None:
    raw = table.take("ref", _ref_text, required=True)
    target = None
    if raw is not None:
        try:
            target = parse_channel_ref(raw)
        except ValueError as exc:
            table.problems.add((*table.key, "ref"), str(exc))
    backfill = table.take("backfill", _int(0))
    since = table.take("backfill_since", _date)
    join = table.take("join", _bool, target is not None and target.kind == "invite")
    if target is None:
        return None
    return ChannelSettings(raw, backfill, since, join, target)


def _ref_text(value: Any) -> str:
    """A numeric id may be written as a TOML integer; everything is kept as text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _str(value)


def _analysis(loader: _Loader, table: _Table) -> AnalysisSettings:
    # Imported only when a config is loaded: every CLI command imports this module, and most of them
    # (`monitor --help` included) need neither the matcher nor the language detector.
    from monitor.analysis import DEFAULT_CONFLICTS
    from monitor.analysis.language import BACKENDS

    conflicts = table.take("conflicts", _str)
    backend = table.take("language_backend", _str, "langdetect")
    table.finish()
    path = loader.resolve(conflicts) if conflicts else DEFAULT_CONFLICTS
    if not path.is_file():
        loader.problems.add((*table.key, "conflicts"), f"file {path} does not exist")
    if backend not in BACKENDS:
        loader.problems.add(
            (*table.key, "language_backend"), f"unknown backend {backend!r} (known: {', '.join(BACKENDS)})"
        )
    return AnalysisSettings(path, backend)


def _alerts(table: _Table) -> AlertPolicy:
    policy = AlertPolicy(
        per_minute=table.take("per_minute", _int(1), 20),
        burst=table.take("burst", _int(1), 3),
        digest_after=table.take("digest_after", _int(1), 5),
        quiet_hours=table.take("quiet_hours", _quiet_hours),
        muted=table.take("muted", _list_of(_str), ()),
        summary=table.take("summary", _choice("hourly", "daily", "off"), "daily"),
        backfill_alert_hours=table.take("backfill_alert_hours", _non_negative, 24.0),
    )
    table.finish()
    return policy


def _schedule(table: _Table) -> ScheduleSettings:
    schedule = ScheduleSettings(
        reconcile_seconds=table.take("reconcile_seconds", _number, 60.0),
        busy_reconcile_seconds=table.take("busy_reconcile_seconds", _number, 15.0),
        engagement_hours=table.take("engagement_hours", _list_of(_number), (1.0, 24.0)),
        recheck_hours=table.take("recheck_hours", _number, 48.0),
        heartbeat_seconds=table.take("heartbeat_seconds", _number, 30.0),
    )
    table.finish()
    return schedule


def _archive(loader: _Loader, table: _Table, override: Path | None) -> Path:
    value = table.take("path", _str, "monitor.db")
    table.finish()
    return override if override is not None else loader.resolve(value)


# ---------------------------------------------------------------------------------------------


def load_config(path: Path, *, archive_override: Path | None = None) -> Config:
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
    loader = _Loader(path.resolve(), text)
    root = _Table(loader.problems, (), data)
    telegram = _telegram(loader, root.table("telegram"))
    archive = _archive(loader, root.table("archive"), archive_override)
    analyst = _analyst(root.table("analyst"))
    channels = _channels(loader.problems, root.data.pop("channels", []))
    analysis = _analysis(loader, root.table("analysis"))
    alerts = _alerts(root.table("alerts"))
    schedule = _schedule(root.table("schedule"))
    root.finish()
    if loader.problems.items or telegram is None or analyst is None:
        raise ConfigError(loader.problems.items)
    return Config(loader.path, telegram, archive, analyst, channels, analysis, alerts, schedule)


def _reason(exc: OSError | UnicodeDecodeError) -> str:
    """The OS's short reason ("No such file or directory") when there is one, else the whole message."""
    return getattr(exc, "strerror", None) or str(exc)


def _syntax_problem(path: Path, message: str) -> str:
    m = re.search(r"\(at line (\d+), column (\d+)\)$", message)
    if not m:
        return f"{path}: invalid TOML: {message}"
    return f"{path}:{m.group(1)}: invalid TOML: {message[: m.start()].strip()} (column {m.group(2)})"

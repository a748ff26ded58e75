"""The validated configuration: frozen settings objects, with secrets wrapped so they never print."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Literal

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


# A channel's context: learned from the archive, off, or fixed shares per conflict, (conflict, 0..1).
ContextSetting = Literal["learned", "off"] | tuple[tuple[str, float], ...]


@dataclass(frozen=True, slots=True)
class ChannelSettings:
    """A watched channel as written in the config (`ref` is kept verbatim as the archive's key)."""

    ref: str
    backfill: int | None
    backfill_since: date | None
    join: bool
    target: ChannelRef
    context: ContextSetting = "learned"


@dataclass(frozen=True, slots=True)
class AnalysisSettings:
    """Which watchlist file and language backend analysis uses, the score each conflict needs to be
    flagged (overriding the watchlist's own threshold) and whether channel context is learned."""

    conflicts_path: Path
    language_backend: str
    thresholds: tuple[tuple[str, float], ...] = ()
    context: Literal["learned", "off"] = "learned"


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
    engagement_hours: tuple[float, ...]
    heartbeat_seconds: float


@dataclass(frozen=True, slots=True)
class MetricsSettings:
    """Where the Prometheus metrics endpoint listens (opt-in: no [metrics] section, no endpoint)."""

    host: str
    port: int


@dataclass(frozen=True, slots=True)
class ReadingSettings:
    """How the reading account spends requests: one budget for every read (`requests_per_hour` refilling
    up to `burst`, requests at least `spacing_seconds` apart plus up to `jitter` of that), of which
    engagement snapshots and polling take at most `steady_per_hour`; resolves and joins are paced apart.
    docs/benchmarks.md says what the defaults cost at 200 and 500 channels."""

    requests_per_hour: float = 600.0
    burst: int = 200
    spacing_seconds: float = 0.35
    jitter: float = 0.3
    steady_per_hour: float = 240.0
    engagement_every_hours: float = 2.0
    resolves_per_hour: float = 30.0
    joins_per_hour: float = 2.0


@dataclass(frozen=True, slots=True)
class WorkerSettings:
    """One worker of a fleet (`monitor run --worker NAME`): a name and its own reading account's session."""

    name: str
    session: Secret


@dataclass(frozen=True, slots=True)
class FleetSettings:
    """Several workers sharing one archive (`[workers]`): channels are leased to them for `lease_seconds`,
    renewed every `renew_seconds`; a lease not renewed for `lease_seconds` is taken over. No workers: the
    single daemon of `monitor run`."""

    workers: tuple[WorkerSettings, ...] = ()
    lease_seconds: float = 45.0
    renew_seconds: float = 10.0

    def worker(self, name: str) -> WorkerSettings | None:
        return next((w for w in self.workers if w.name == name), None)


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
    reading: ReadingSettings = ReadingSettings()
    metrics: MetricsSettings | None = None
    fleet: FleetSettings = FleetSettings()
    # `[archive] url`: the archive is this PostgreSQL database (password included when one was configured,
    # so never shown: url.redact); archive_path is then only where the daemon keeps its lock and session
    # files (monitor.db beside the config, which is never created).
    archive_url: str | None = None
    notes: tuple[str, ...] = ()  # FILE:LINE: key: worth knowing (a retired key), for check-config and run

    @property
    def archive_location(self) -> Path | str:
        """What opens the archive (store.open_archive): its PostgreSQL URL, else its file."""
        return self.archive_url if self.archive_url is not None else self.archive_path

    @property
    def archive_shown(self) -> str:
        """The archive as messages and logs name it: its file, or its URL without the password."""
        if self.archive_url is None:
            return str(self.archive_path)
        from monitor.store.postgres.url import redact

        return redact(self.archive_url)

"""The `[workers]` section: several workers, each with its own reading account, sharing one archive.

```toml
[workers]
lease_seconds = 45       # a channel whose worker stops renewing is taken over after this long
renew_seconds = 10       # how often a worker renews its leases (at most half the lease time)

[workers.east]
session_file = "east.session"

[workers.west]
session_env = "WEST_SESSION"
```

Each worker is started with `monitor run --worker NAME`. Two workers of one account would spend one
flood budget twice and be cut off by Telegram, so a session named twice is refused here. Alerts need one
sending account for the whole fleet (a re-sent random_id is only recognised from the same sender), so a
fleet needs the bot.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from monitor.config.checks import Problems, Table, at_most, real_number
from monitor.config.settings import ChannelSettings, FleetSettings, Secret, TelegramSettings, WorkerSettings

WORKER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")
ReadSession = Callable[[Table], Secret | None]  # reads (and checks) `session_env` / `session_file`
DAY_SECONDS = 86_400.0
# Telegram's limit on the channels one account can be in (TELEGRAM.md: channels_joined_max).
MAX_JOINED_CHANNELS = 500


def fleet_settings(
    table: Table, read_session: ReadSession, telegram: TelegramSettings | None
) -> FleetSettings:
    """Read `[workers]`: the lease times, then one subtable per worker with its session."""
    seconds = at_most(real_number, DAY_SECONDS, "seconds")
    default = FleetSettings()
    lease = table.take("lease_seconds", seconds, default.lease_seconds)
    renew = table.take("renew_seconds", seconds, default.renew_seconds)
    if renew * 2 > lease:
        table.problems.add(
            (*table.key, "renew_seconds"), f"must be at most half of lease_seconds ({lease:g})"
        )
    workers = [_worker(table, name, read_session) for name in list(table.data)]
    found = tuple(w for w in workers if w is not None)
    _check_accounts(table, found, telegram)
    return FleetSettings(found, lease, renew)


def _worker(table: Table, name: str, read_session: ReadSession) -> WorkerSettings | None:
    if not isinstance(table.data.get(name), dict):
        return None  # left for finish(): an unknown key
    entry = table.table(name)
    if not WORKER_NAME.fullmatch(name):
        table.problems.add(entry.key, "a worker name is letters, digits, - and _ (up to 40)")
    session = read_session(entry)
    entry.finish()
    return WorkerSettings(name, session) if session is not None else None


def _check_accounts(
    table: Table, workers: tuple[WorkerSettings, ...], telegram: TelegramSettings | None
) -> None:
    seen: dict[str, str] = {}
    for worker in workers:
        value = worker.session.reveal()
        if value in seen:
            table.problems.add(
                (*table.key, worker.name),
                f"uses the same account session as workers.{seen[value]}: one worker per account",
            )
        seen.setdefault(value, worker.name)
    if workers and telegram is not None and telegram.bot_session is None and telegram.bot_token is None:
        table.problems.add(
            table.key,
            "workers send alerts through the bot (set [telegram] bot_session or bot_token): a re-sent "
            "alert is only recognised from the same sending account",
        )


def check_joins(problems: Problems, channels: tuple[ChannelSettings, ...], accounts: int) -> None:
    """Every account can be in at most 500 channels; a fleet's workers share the channels out."""
    joined = sum(1 for channel in channels if channel.join)
    if joined > MAX_JOINED_CHANNELS * accounts:
        can = f"an account can be in at most {MAX_JOINED_CHANNELS}" + (
            f" and {accounts} workers at most {MAX_JOINED_CHANNELS * accounts}" if accounts > 1 else ""
        )
        problems.add(
            ("channels",),
            f"{joined} channels would be joined, but {can} "
            "(set join = false on some: they are then polled within the request budget)",
        )

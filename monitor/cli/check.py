"""`monitor check-config`: every problem of a config and its watchlist, or a summary without secrets."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from monitor.cli.common import CommandFailed, archive_override_option, config_option, out, to_json
from monitor.config import Config, ConfigError, load_config

if TYPE_CHECKING:
    from monitor.analysis import Watchlist


@click.command("check-config")
@config_option
@archive_override_option
@click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON object: valid, problems and (if valid) a summary."
)
def check_config(config_path: Path | None, archive: Path | str | None, as_json: bool) -> None:
    """Validate a config file and the watchlist it names, then print a summary (never secrets).

    Every problem is listed as FILE:LINE: key: problem; any problem gives exit status 2.

    \b
    Example:
      export MONITOR_API_ID=12345 MONITOR_API_HASH=... MONITOR_BOT_TOKEN=...
      monitor check-config --config config/monitor.example.toml
    """
    if config_path is None:
        raise click.UsageError("give --config FILE or set MONITOR_CONFIG")
    problems, checked = _checked_config(config_path, archive)
    if as_json:
        report: dict[str, Any] = {"config": str(config_path), "valid": not problems, "problems": problems}
        if checked:
            report["notes"] = list(checked[0].notes)
            report["summary"] = _config_facts(*checked)
        out(to_json(report))
        if problems:
            sys.exit(2)
        return
    for problem in problems:
        click.echo(problem, err=True)
    if checked is None:
        raise CommandFailed(f"{config_path}: {len(problems)} problem(s)", 2)
    for note in checked[0].notes:
        click.echo(f"note: {note}", err=True)
    for line in _config_summary(*checked):
        out(line)


def _checked_config(
    path: Path, archive: Path | str | None
) -> tuple[list[str], tuple[Config, Watchlist] | None]:
    """Every problem of the config (with the archive the daemon would be given) and its watchlist, or none
    and the (config, watchlist) pair."""
    from monitor.analysis import WatchlistError, load_watchlist

    try:
        config = load_config(path, archive_override=archive)
    except ConfigError as exc:
        return list(exc.problems), None
    try:
        return [], (config, load_watchlist(config.analysis.conflicts_path))
    except WatchlistError as exc:
        return [str(exc)], None


def _config_facts(config: Config, watchlist: Watchlist) -> dict[str, Any]:
    """What the summary says, as data: secrets appear only as where they come from."""
    tg = config.telegram
    secrets = {"session": tg.session, "bot_token": tg.bot_token, "bot_session": tg.bot_session}
    counts = watchlist.term_counts()
    return {
        "telegram": {
            "api_id": tg.api_id,
            "api_hash": tg.api_hash.source,
            **{name: secret.source if secret else None for name, secret in secrets.items()},
            "server": f"{tg.server.host}:{tg.server.port}" if tg.server else None,
        },
        "archive": config.archive_shown,
        "analyst": {"chat_id": config.analyst.chat_id, "admins": list(config.analyst.admins)},
        "channels": [
            {
                "ref": ch.ref,
                "kind": ch.target.kind,
                "value": ch.target.value,
                "backfill": ch.backfill,
                "backfill_since": ch.backfill_since,
                "join": ch.join,
            }
            for ch in config.channels
        ],
        "conflicts": {
            "source": str(config.analysis.conflicts_path),
            "version": watchlist.version,
            "ids": {
                cid: {"name": c.name, "severity": c.severity, "terms": counts.get(cid, {})}
                for cid, c in watchlist.conflicts.items()
            },
        },
        "language_backend": config.analysis.language_backend,
        "alerts": asdict(config.alerts),
        "schedule": asdict(config.schedule),
        "workers": {
            "lease_seconds": config.fleet.lease_seconds,
            "renew_seconds": config.fleet.renew_seconds,
            "sessions": {w.name: w.session.source for w in config.fleet.workers},
        },
    }


def _config_summary(config: Config, watchlist: Watchlist) -> Iterator[str]:
    tg = config.telegram
    yield f"config: {config.path} (valid)"
    yield f"telegram: api_id {tg.api_id}, api_hash from {tg.api_hash.source}"
    for name, secret in (
        ("session", tg.session),
        ("bot_token", tg.bot_token),
        ("bot_session", tg.bot_session),
    ):
        yield f"  {name}: {secret.source if secret else 'not set'}"
    if tg.server:
        yield f"  server: {tg.server.host}:{tg.server.port} (dc {tg.server.dc_id})"
    yield f"archive: {config.archive_shown}"
    admins = ", ".join(map(str, config.analyst.admins)) or "none"
    yield f"analyst chat: {config.analyst.chat_id} (admins: {admins})"
    yield f"channels: {len(config.channels)}"
    for ch in config.channels:
        extra = "".join(
            [
                f", backfill {ch.backfill}" if ch.backfill is not None else "",
                f", since {ch.backfill_since}" if ch.backfill_since else "",
                ", join" if ch.join else "",
            ]
        )
        yield f"  {ch.ref}: {ch.target.kind} {ch.target.value}{extra}"
    source = config.analysis.conflicts_path
    yield f"conflicts: {len(watchlist.conflicts)} from {source} (version {watchlist.version})"
    counts = watchlist.term_counts()
    for cid, conflict in watchlist.conflicts.items():
        terms = ", ".join(f"{lang} {n}" for lang, n in sorted(counts.get(cid, {}).items())) or "no terms"
        yield f"  {cid} ({conflict.name}, {conflict.severity}): {terms}"
    yield f"language backend: {config.analysis.language_backend}"
    fleet = config.fleet
    if fleet.workers:
        lease = f"leases {fleet.lease_seconds:g}s renewed every {fleet.renew_seconds:g}s"
        yield f"workers: {len(fleet.workers)}, {lease}"
        for worker in fleet.workers:
            yield f"  {worker.name}: session from {worker.session.source}"
    policy = config.alerts
    quiet = "-".join(t.strftime("%H:%M") for t in policy.quiet_hours) if policy.quiet_hours else "none"
    yield (
        f"alerts: {policy.per_minute}/min, burst {policy.burst}, digest after {policy.digest_after}, "
        f"quiet hours {quiet}, muted {', '.join(policy.muted) or 'none'}, summary {policy.summary}"
    )
    sched = config.schedule
    yield (
        f"schedule: look for changes every {sched.reconcile_seconds:g}s at most often, "
        f"engagement at {', '.join(f'{h:g}' for h in sched.engagement_hours)} h, "
        f"heartbeat {sched.heartbeat_seconds:g}s"
    )
    reading = config.reading
    joined = sum(1 for ch in config.channels if ch.join)
    yield (
        f"reading: {reading.requests_per_hour:g} requests/h (burst {reading.burst}), "
        f"{reading.steady_per_hour:g}/h for engagement and polling, "
        f"{reading.resolves_per_hour:g} resolves/h, {reading.joins_per_hour:g} joins/h; "
        f"{joined} of {len(config.channels)} channels joined (at most 500)"
    )


COMMANDS = [check_config]

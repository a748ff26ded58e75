"""Commands of the live monitor: check-config, run, login, backfill, health and demo."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import tempfile
from collections.abc import Callable, Coroutine
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from monitor.cli.common import archive_override_option, config_option, out, to_json
from monitor.config import ChannelSettings, Config, ConfigError, load_config, parse_channel_ref
from monitor.fleet import FleetSnapshot, judge_fleet, worker_rows
from monitor.health import (
    HEARTBEAT_FACTOR,
    HEARTBEAT_SECONDS,
    HealthLimits,
    figures,
    file_system,
    judge,
    notes,
    recorded_limits,
    snapshot,
)
from monitor.logs import fatal_errors_logged, log_event, setup_logging
from monitor.store import ArchiveError, open_archive
from monitor.store.postgres.url import shown
from monitor.telegram.client import SessionError, build_client, is_session_file
from monitor.telegram.guard import AccountFault

# The Telegram account cannot be used (key revoked or duplicated, account banned): restarting will not
# help, a new login (or another account) will.
EXIT_ACCOUNT = 4

if TYPE_CHECKING:
    pass

log_options = [
    click.option("--log-level", default="INFO", show_default=True, help="DEBUG, INFO, WARNING or ERROR."),
    click.option("--log-json", is_flag=True, help="Log JSON lines instead of key=value."),
]


def with_logging(command: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(log_options):
        command = option(command)
    return command


def load(config_path: Path | None, archive: Path | str | None) -> Config:
    """Load the config or exit 2 with every problem listed."""
    if config_path is None:
        raise click.UsageError("give --config FILE or set MONITOR_CONFIG")
    try:
        return load_config(config_path, archive_override=archive)
    except ConfigError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)


def run_async(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run a command's coroutine; known failures become one line on stderr and exit status 1."""
    try:
        return asyncio.run(coroutine)
    except AccountFault as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_ACCOUNT)
    except (SessionError, ArchiveError, OSError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)


@click.command()
@config_option
@archive_override_option
@click.option(
    "--worker",
    metavar="NAME",
    help="Run as this worker of the fleet ([workers.NAME] in the config): its own account, a share of the "
    "channels through leases in the archive, alerts sent by whichever worker holds the sender's seat.",
)
@with_logging
def run(
    config_path: Path | None, archive: Path | str | None, worker: str | None, log_level: str, log_json: bool
) -> None:
    """Run the monitor until SIGTERM or SIGINT: live ingest, catch-up, alerts and analyst commands.

    Exits with status 4 when Telegram says the account cannot be used (key revoked or used from two
    places at once, account banned); `monitor health` then names the reason. A worker whose account is
    already read by another live worker is refused with status 2, like a config error.

    \b
    Examples:
      monitor run --config /data/monitor.toml
      monitor run --config /data/fleet.toml --worker east
    """
    from monitor.daemon import WorkerRefused, run_daemon

    setup_logging(log_level, json=log_json)
    config = load(config_path, archive)
    for note in config.notes:
        log_event(logging.getLogger("monitor.run"), "config_note", level=logging.WARNING, note=note)
    chosen = None
    if worker is not None:
        chosen = config.fleet.worker(worker)
        if chosen is None:
            names = ", ".join(w.name for w in config.fleet.workers) or "none: add [workers.NAME] sections"
            raise click.UsageError(f"no worker {worker!r} in {config.path} (workers: {names})")
    expected = {WorkerRefused: 2, AccountFault: EXIT_ACCOUNT, SessionError: 1, ArchiveError: 1, OSError: 1}
    with fatal_errors_logged(logging.getLogger("monitor.run"), expected):
        asyncio.run(run_daemon(config, chosen))


@click.command()
@config_option
@click.option("--worker", metavar="NAME", help="Log in this worker's account ([workers.NAME] session_file).")
def login(config_path: Path | None, worker: str | None) -> None:
    """Log the user account in interactively (phone, code, 2FA password) and write the session file (0600).

    \b
    Examples:
      monitor login --config /data/monitor.toml
      monitor login --config /data/fleet.toml --worker east
    """
    config = load(config_path, None)
    session = config.telegram.session
    if worker is not None:
        chosen = config.fleet.worker(worker)
        if chosen is None:
            raise click.UsageError(f"no worker {worker!r} in {config.path}")
        session = chosen.session
    if session is None or not is_session_file(session.reveal()):
        raise click.UsageError(
            "login writes a session file: set telegram.session_file to a path ending in .session"
        )
    run_async(_login(config, Path(session.reveal())))
    click.echo(f"logged in; session written to {session.reveal()}")


async def _login(config: Config, path: Path) -> None:
    """Sign in through the prompts; the session file is created private and the client always closed."""
    previous = os.umask(0o077)
    client = build_client(str(path), config.telegram)
    try:
        await client.start(
            phone=lambda: click.prompt("Phone number (international format)"),
            code_callback=lambda: click.prompt("Login code"),
            password=lambda: click.prompt("2FA password", hide_input=True),
        )
        client.session.save()
    finally:
        await client.disconnect()
        os.umask(previous)
    path.chmod(0o600)


@click.command()
@click.argument("channel")
@click.option(
    "--since", type=click.DateTime(formats=["%Y-%m-%d"]), required=True, help="Oldest day to fetch."
)
@config_option
@archive_override_option
@with_logging
def backfill(
    channel: str,
    since: datetime,
    config_path: Path | None,
    archive: Path | str | None,
    log_level: str,
    log_json: bool,
) -> None:
    """Fetch a channel's history back to --since into the archive (resumable; history is not alerted).

    Run it while the daemon is stopped: both use the same session.

    \b
    Example:
      monitor backfill @some_channel --since 2026-01-01 --config /data/monitor.toml
    """
    setup_logging(log_level, json=log_json)
    config = load(config_path, archive)
    try:
        settings = _channel_settings(config, channel, since.date())
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="CHANNEL") from None
    fetched = run_async(_backfill(config, settings, since.date()))
    click.echo(f"{channel}: {fetched} posts fetched back to {since.date()}")


def _channel_settings(config: Config, ref: str, since: date) -> ChannelSettings:
    """The config entry for this channel, or an ad-hoc one (same target, different spelling allowed)."""
    target = parse_channel_ref(ref)
    for settings in config.channels:
        same = str(settings.target.value).lower() == str(target.value).lower()
        if settings.ref == ref or (settings.target.kind == target.kind and same):
            return settings
    return ChannelSettings(ref=ref, backfill=None, backfill_since=since, join=False, target=target)


async def _backfill(config: Config, settings: ChannelSettings, since: date) -> int:
    from tqdm import tqdm

    from monitor.daemon import Toolkit
    from monitor.telegram.channels import ChannelUnavailable, WatchedChannel, resolve

    async with Toolkit.open(config) as kit:
        try:
            watched = WatchedChannel(await resolve(kit.user, kit.store, settings), settings)
        except ChannelUnavailable as exc:
            raise SessionError(f"channel {settings.ref} cannot be read: {exc}") from None
        with tqdm(desc=f"backfill {watched.label}", unit=" posts", file=sys.stderr) as bar:
            return await kit.reconciler.backfill(watched, since=since, progress=bar.update)


@click.command()
@config_option
@archive_override_option
@click.option("--max-age", type=float, help="Heartbeat older than this many seconds is stale.")
@click.option(
    "--max-outbox-age",
    type=float,
    help="A pending alert older than this many seconds means the outbox is stuck.",
)
@click.option(
    "--max-disconnected", type=float, help="Longer than this many seconds without Telegram is unhealthy."
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object: status, reasons and figures.")
@click.option("--worker", metavar="NAME", help="Judge this worker of the fleet (default: the whole fleet).")
def health(
    config_path: Path | None,
    archive: Path | str | None,
    max_age: float | None,
    max_outbox_age: float | None,
    max_disconnected: float | None,
    as_json: bool,
    worker: str | None,
) -> None:
    """Exit 0 if the running monitor looks healthy, 1 (printing why) if not: for container health checks.

    Unhealthy: the daemon stopped (cleanly, or its heartbeat is stale), it cannot use its archive (file
    errors it recorded beside it), it has been disconnected from Telegram too long, the Telegram account
    is unusable (revoked, duplicated, banned) or sending is blocked (PEER_FLOOD, CHAT_WRITE_FORBIDDEN,
    ...), a channel is silent far beyond its usual rhythm, or the alert outbox is stuck (quiet hours
    excepted). Flood waits, slow mode and the channels not fully watched (waiting to resolve or join,
    polled because not joined, unavailable) are printed as notes.

    The limits are those the daemon recorded in the archive when it started (3 heartbeat intervals,
    its outbox and disconnection limits, quiet hours), so the archive alone is enough; the options
    override them.

    When workers share the archive (`monitor run --worker`), the whole fleet is judged: unhealthy when no
    worker is live, a channel is held by none, nobody holds the sender's seat or a live worker reports a
    dead account or has lost Telegram; a worker that stopped renewing is a note (the others take over its
    channels). `--worker NAME` judges that one worker: stopped, lapsed, or its account's problems.

    \b
    Examples:
      monitor health --archive /data/monitor.db
      monitor health --config /data/monitor.toml --json
      monitor health --config /data/fleet.toml --worker east
    """
    config = load(config_path, archive) if config_path else None
    path = archive or (config.archive_location if config else None)
    if path is None:
        raise click.UsageError(
            "give --archive PATH|URL or --config FILE (or set MONITOR_ARCHIVE or MONITOR_CONFIG)"
        )
    fallback = HealthLimits(
        heartbeat_seconds=HEARTBEAT_FACTOR * config.schedule.heartbeat_seconds
        if config
        else HEARTBEAT_SECONDS,
        quiet_hours=config.alerts.quiet_hours if config else None,
    )
    given = {
        "heartbeat_seconds": max_age,
        "outbox_seconds": max_outbox_age,
        "disconnect_seconds": max_disconnected,
    }
    refs = [settings.ref for settings in config.channels] if config else None
    report = run_async(
        check_health(path, fallback, {k: v for k, v in given.items() if v is not None}, refs, worker)
    )
    if as_json:
        out(to_json(report))
    else:
        for reason in report["reasons"]:
            click.echo(f"unhealthy: {reason}")
        for note in report["notes"]:
            click.echo(f"note: {note}")
        if not report["reasons"]:
            click.echo("healthy")
    if report["reasons"]:
        sys.exit(1)


async def check_health(
    path: Path | str,
    fallback: HealthLimits,
    given: dict[str, float],
    refs: list[str] | None,
    worker: str | None = None,
) -> dict[str, Any]:
    """The verdict as data: the daemon's recorded limits (else `fallback`) with the `given` ones on top;
    with a config only its channels count (a removed channel is silent for good). An archive that cannot
    be read is a reason like any other. A fleet's archive is judged by its workers' records instead of
    the single daemon's (`monitor/fleet.py`)."""
    now = datetime.now(UTC)
    limits = replace(fallback, **given)
    passing: list[str] = []
    if isinstance(path, Path) and not path.is_file():
        reasons, facts = [f"archive {path} does not exist"], {}
    else:
        try:
            async with await open_archive(path, readonly=True) as store:
                ids = (
                    None
                    if refs is None
                    else [c.id for ref in refs if (c := await store.channel_for_ref(ref))]
                )
                state = await snapshot(store, now, ids)
                fleet = await FleetSnapshot.read(store)
        except (ArchiveError, ValueError) as exc:
            reasons, facts = [f"the archive cannot be read: {exc}"], {}
        else:
            if fleet.workers or worker is not None:
                state = replace(state, daemon=None)  # a single daemon's record, if any, is from before
            limits = replace(recorded_limits(state.daemon, fallback), **given)
            reasons, facts = judge(state, now, limits), figures(state, now)
            passing = notes(state, now)
            if isinstance(path, Path):
                full, read_only, facts["archive_free_bytes"] = file_system(path)
                reasons, passing = reasons + full, passing + read_only
            if fleet.workers or worker is not None:
                fleet_reasons, fleet_notes = judge_fleet(fleet, now, worker)
                reasons = fleet_reasons if worker is not None else reasons + fleet_reasons
                passing = fleet_notes if worker is not None else passing + fleet_notes
                facts["workers"] = worker_rows(fleet, now)
    return {
        "status": "unhealthy" if reasons else "healthy",
        "archive": shown(path),
        "reasons": reasons,
        "notes": passing,
        "figures": facts,
        "limits": {
            "heartbeat_seconds": limits.heartbeat_seconds,
            "outbox_seconds": limits.outbox_seconds,
            "disconnect_seconds": limits.disconnect_seconds,
            "quiet_hours": [t.isoformat("minutes") for t in limits.quiet_hours]
            if limits.quiet_hours
            else None,
        },
    }


@click.command()
@click.option("--duration", type=float, default=30.0, show_default=True, help="Seconds to run.")
@click.option(
    "--json", "as_json", is_flag=True, help="Only a JSON summary on stdout (the transcript goes to stderr)."
)
@click.option("--log-level", default="WARNING", show_default=True, help="Daemon log level (on stderr).")
def demo(duration: float, as_json: bool, log_level: str) -> None:
    """Watch the built-in sandbox channels with the real daemon and show its alerts (no account needed).

    The sandbox (a local Telegram server) plays a scenario of channel posts, edits and a deletion; the
    daemon archives them in a temporary file and alerts the analyst chat, shown here as it arrives.

    \b
    Example:
      monitor demo --duration 30
    """
    from monitor.daemon import quiet_library_logs
    from monitor.demo import run_demo

    setup_logging(log_level)
    quiet_library_logs()

    def show(text: str) -> None:
        click.echo(text, err=as_json)

    with tempfile.TemporaryDirectory(prefix="monitor-demo-") as workdir:
        summary = run_async(run_demo(Path(workdir), duration, show))
    show(
        f"demo finished: {summary.posts_stored} posts archived from {len(summary.channels)} channels, "
        f"{summary.alerts_sent} alerts sent ({summary.messages_in_chat} messages in the analyst chat)"
    )
    if as_json:
        out(to_json(summary.as_dict()))


COMMANDS: list[click.Command] = [run, login, backfill, health, demo]

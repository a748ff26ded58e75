"""`monitor workers`: the fleet of workers on one archive, as the workers last recorded themselves."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from monitor.cli.common import archive_option, open_store, out, to_json
from monitor.cli.daemon import run_async
from monitor.fleet import FleetSnapshot, unread_channels, worker_rows
from monitor.store.postgres.url import shown


async def fleet_report(location: Path | str) -> dict[str, object]:
    """The fleet as data: one row per worker, the channels nobody reads and who holds the sender's seat."""
    now = datetime.now(UTC)
    async with await open_store(location, readonly=True) as store:
        fleet = await FleetSnapshot.read(store)
    return {
        "archive": shown(location),
        "channels": len(fleet.leases),
        "unread_channels": unread_channels(fleet, now),
        "lease_seconds": fleet.lease_seconds(),
        "sender": fleet.sender[0] if fleet.sender else None,
        "workers": worker_rows(fleet, now),
    }


def _line(row: dict[str, object]) -> str:
    budget = f"{row['requests'] or 0} requests, budget {row['budget_per_hour'] or 0:g}/h"
    lag = row["look_lag_seconds"]
    seat = ", sender" if row["sender"] else ""
    return (
        f"{row['worker']:<12} {row['status']:<8} account {row['account']:<12} {row['channels']:>5} channels"
        f"{seat}; {budget}; last look {'-' if lag is None else f'{lag:.0f} s'} ago; "
        f"renewed {row['renewed_seconds_ago']:.0f} s ago (pid {row['pid']} on {row['host'] or '?'})"
    )


@click.command("workers")
@archive_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def workers(archive: Path | str, as_json: bool) -> None:
    """List the workers sharing the archive: account, status, channels held, the sender, budget and lag.

    A worker is live while its lease holds, stopped after a clean stop, lapsed when it stopped renewing
    (killed or hung): its channels are then taken over by the others once their leases expire.

    \b
    Examples:
      monitor workers --archive /data/monitor.db
      monitor workers --archive postgresql://monitor@db/monitor
      monitor workers --json
    """
    if isinstance(archive, Path) and not archive.is_file():
        raise click.UsageError(f"no archive at {archive}")
    report = run_async(fleet_report(archive))
    if as_json:
        out(to_json(report))
        return
    rows = report["workers"]
    if not rows:
        out("no workers have run on this archive (a single `monitor run` uses no leases)")
        return
    for row in rows:  # type: ignore[union-attr]
        out(_line(row))
    out(
        f"{report['channels']} channels, {report['unread_channels']} not held by a live worker; "
        f"leases last {report['lease_seconds']:g} s; sender: {report['sender'] or 'none'}"
    )


COMMANDS = [workers]

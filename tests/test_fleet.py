"""The fleet as `monitor health` and `monitor workers` judge it: pure rules over what workers recorded,
and both commands over an archive that workers shared."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner

from monitor.cli import main
from monitor.fleet import FleetSnapshot, fleet_lines, judge_fleet, worker_rows
from monitor.store import Store
from monitor.store.leases import KnownChannel, WorkerRow, stamp

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def row(
    name: str, *, renewed: float = 2, lease: float = 30, stopped: bool = False, **state: object
) -> WorkerRow:
    renewed_at = NOW - timedelta(seconds=renewed)
    return WorkerRow(
        name,
        f"acc-{name}",
        100,
        "host",
        stamp(NOW - timedelta(hours=1)),
        stamp(renewed_at),
        stamp(renewed_at + timedelta(seconds=lease)),
        stamp(renewed_at) if stopped else None,
        {"lease_seconds": lease, "connected": True, **state},
    )


def fleet(*workers: WorkerRow, leases: dict[int, str | None], sender: str | None = "east") -> FleetSnapshot:
    until = stamp(NOW + timedelta(seconds=20))
    return FleetSnapshot(
        tuple(workers),
        {c: (w, until if w else "") for c, w in leases.items()},
        (sender, until) if sender else None,
    )


def test_a_fleet_whose_channels_are_all_held_and_seated_is_healthy() -> None:
    reasons, notes = judge_fleet(fleet(row("east"), row("west"), leases={1: "east", 2: "west"}), NOW)
    assert (reasons, notes) == ([], [])


def test_a_worker_that_stopped_renewing_is_a_note_while_its_channels_are_held_by_others() -> None:
    state = fleet(row("east"), row("west", renewed=100), leases={1: "east", 2: "east"})
    reasons, notes = judge_fleet(state, NOW)
    assert reasons == [] and notes == ["worker west stopped renewing 70 s ago; its channels go to the others"]
    lapsed = stamp(NOW - timedelta(seconds=70))
    assert judge_fleet(state, NOW, "west")[0] == [
        f"worker west has not renewed its leases for 100 s (lease until {lapsed})"
    ]


def test_channels_held_by_no_one_and_an_empty_seat_make_the_fleet_unhealthy() -> None:
    state = fleet(row("east"), leases={1: "east", 2: None, 3: None}, sender=None)
    reasons, _ = judge_fleet(state, NOW)
    assert reasons == [
        "2 channel(s) not held by any worker",
        "no worker holds the sender's seat: alerts are not being delivered",
    ]
    assert (
        judge_fleet(fleet(row("east", stopped=True), leases={}), NOW)[0][0]
        == "no worker of the fleet is live"
    )


def test_a_live_worker_with_a_dead_account_or_no_connection_is_unhealthy() -> None:
    state = fleet(
        row("east", problems=["user account: revoked: log in again"], connected=False), leases={1: "east"}
    )
    assert judge_fleet(state, NOW, "east")[0] == [
        "worker east: user account: revoked: log in again",
        "worker east is disconnected from Telegram",
    ]
    assert judge_fleet(state, NOW, "north")[0] == ["no worker north has run on this archive (workers: east)"]


def test_worker_rows_count_channels_and_name_the_sender() -> None:
    rows = worker_rows(fleet(row("east"), row("west"), leases={1: "east", 2: "east", 3: "west"}), NOW)
    assert [(r["worker"], r["status"], r["channels"], r["sender"]) for r in rows] == [
        ("east", "live", 2, True),
        ("west", "live", 1, False),
    ]


def test_the_fleet_in_status_names_every_worker_its_channels_the_seat_and_what_no_one_reads() -> None:
    state = fleet(
        row("east", look_lag_seconds=4.2),
        row("west", problems=["user account: flood_wait: 30 s"]),
        row("north", renewed=100, problems=["stale: shown only while live"]),
        leases={1: "east", 2: "east", 3: "west", 4: None},
    )
    assert fleet_lines(state, NOW) == [
        "east · live · 2 channels · look 4 s ago · sender",
        "west · live · 1 channels · user account: flood_wait: 30 s",
        "north · lapsed · 0 channels",
        "1 channel(s) not held by any worker",
    ]


async def one_worker_archive(path: Path) -> None:
    async with await Store.open(path) as store:
        now = datetime.now(UTC)
        await store.leases.register("east", "1", pid=7, host="h", now=now, lease=timedelta(seconds=30))
        await store.leases.offer("1", [KnownChannel(1, 5, True), KnownChannel(2, 6, True)], now)
        await store.leases.renew(
            "east", "1", now=now, lease=timedelta(seconds=30), state={"lease_seconds": 30}
        )
        await store.leases.hold_job("sender", "east", now=now, lease=timedelta(seconds=30))
        await store.heartbeat(now)


def test_workers_and_health_commands_read_a_shared_archive(tmp_path: Path) -> None:
    path = tmp_path / "fleet.db"
    asyncio.run(one_worker_archive(path))
    runner = CliRunner()
    listed = runner.invoke(main, ["workers", "--archive", str(path), "--json"])
    assert listed.exit_code == 0, listed.output
    report = json.loads(listed.stdout)
    assert (report["channels"], report["unread_channels"], report["sender"]) == (2, 0, "east")
    assert [(w["worker"], w["status"], w["channels"]) for w in report["workers"]] == [("east", "live", 2)]
    assert "east" in runner.invoke(main, ["workers", "--archive", str(path)]).stdout
    assert runner.invoke(main, ["health", "--archive", str(path), "--worker", "east"]).exit_code == 0
    refused = runner.invoke(main, ["health", "--archive", str(path), "--worker", "west"])
    assert refused.exit_code == 1 and "no worker west has run on this archive" in refused.stdout

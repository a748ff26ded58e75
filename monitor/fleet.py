"""A fleet of workers as the archive records it, for `monitor workers` and `monitor health`.

Every worker writes its own row at each renewal (its account, its lease, what it spends and how far
behind it is); each channel's lease names the worker that reads it and the sender's seat names the one
that delivers alerts. `FleetSnapshot` reads all of it at one moment; `judge_fleet()` and `worker_rows()`
are pure, so each rule can be checked at any clock.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from monitor.store import Store
from monitor.store.leases import WorkerRow

DEFAULT_LEASE_SECONDS = 45.0


@dataclass(frozen=True, slots=True)
class FleetSnapshot:
    """The workers, every channel's lease (worker or None, expires_at) and the sender's seat."""

    workers: tuple[WorkerRow, ...]
    leases: dict[int, tuple[str | None, str]]
    sender: tuple[str, str] | None

    @classmethod
    async def read(cls, store: Store) -> FleetSnapshot:
        leases = store.leases
        return cls(tuple(await leases.workers()), await leases.holders(), await leases.job_holder("sender"))

    def lease_seconds(self) -> float:
        values = [float(str(w.state.get("lease_seconds", DEFAULT_LEASE_SECONDS))) for w in self.workers]
        return max(values, default=DEFAULT_LEASE_SECONDS)


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def status_of(worker: WorkerRow, now: datetime) -> str:
    """'live' while its lease holds, 'stopped' after a clean stop, 'lapsed' when it stopped renewing."""
    if worker.stopped_at is not None:
        return "stopped"
    return "live" if _at(worker.expires_at) > now else "lapsed"


def unread_channels(fleet: FleetSnapshot, now: datetime) -> int:
    """Channels no worker holds a running lease for (free, or expired and not yet taken over)."""
    return sum(
        1 for worker, expires in fleet.leases.values() if worker is None or not expires or _at(expires) <= now
    )


def worker_rows(fleet: FleetSnapshot, now: datetime) -> list[dict[str, object]]:
    """One row per worker: account, status, channels held, the seat, budget, lag and last renewal."""
    held = Counter(worker for worker, expires in fleet.leases.values() if worker is not None)
    seat = fleet.sender[0] if fleet.sender and _at(fleet.sender[1]) > now else None
    rows = []
    for worker in fleet.workers:
        state = worker.state
        rows.append(
            {
                "worker": worker.name,
                "account": worker.account,
                "status": status_of(worker, now),
                "pid": worker.pid,
                "host": worker.host,
                "channels": held.get(worker.name, 0),
                "reading": state.get("reading"),
                "waiting_to_resolve": state.get("waiting_to_resolve"),
                "not_joined": state.get("not_joined"),
                "taken_over": state.get("taken_over"),
                "sender": worker.name == seat,
                "requests": state.get("requests"),
                "budget_per_hour": state.get("budget_per_hour"),
                "peak_per_minute": state.get("peak_per_minute"),
                "look_lag_seconds": state.get("look_lag_seconds"),
                "renewed_seconds_ago": round((now - _at(worker.renewed_at)).total_seconds(), 1),
                "connected": state.get("connected"),
                "problems": state.get("problems", []),
            }
        )
    return rows


def fleet_lines(fleet: FleetSnapshot, now: datetime) -> list[str]:
    """The fleet in `/status`: one line per worker (status, channels, lag, the seat, problems), then the
    channels no worker reads; the sender's own channel rows show only the channels it reads itself."""
    lines = []
    for row in worker_rows(fleet, now):
        lag = row["look_lag_seconds"]
        line = f"{row['worker']} · {row['status']} · {row['channels']} channels"
        line += f" · look {lag:.0f} s ago" if isinstance(lag, (int, float)) else ""
        line += " · sender" if row["sender"] else ""
        problems = row["problems"] if row["status"] == "live" else []
        lines.append(line + "".join(f" · {problem}" for problem in problems))  # type: ignore[union-attr]
    if unread := unread_channels(fleet, now):
        lines.append(f"{unread} channel(s) not held by any worker")
    return lines


def judge_fleet(
    fleet: FleetSnapshot, now: datetime, worker: str | None = None
) -> tuple[list[str], list[str]]:
    """Reasons the fleet (or the one named worker) is unhealthy, and notes worth knowing."""
    if worker is not None:
        return _judge_worker(fleet, now, worker)
    reasons: list[str] = []
    notes: list[str] = []
    live = [w for w in fleet.workers if status_of(w, now) == "live"]
    if not live:
        reasons.append("no worker of the fleet is live")
    grace = fleet.lease_seconds()
    for row in fleet.workers:
        if status_of(row, now) == "lapsed":
            ago = (now - _at(row.expires_at)).total_seconds()
            notes.append(f"worker {row.name} stopped renewing {ago:.0f} s ago; its channels go to the others")
        elif status_of(row, now) == "stopped":
            notes.append(f"worker {row.name} stopped cleanly at {row.stopped_at}")
        else:
            reasons += _live_reasons(row)
    if (unread := unread_channels(fleet, now)) and live:
        reasons.append(f"{unread} channel(s) not held by any worker")
    if live and (fleet.sender is None or (now - _at(fleet.sender[1])).total_seconds() > grace):
        reasons.append("no worker holds the sender's seat: alerts are not being delivered")
    return reasons, notes


def _judge_worker(fleet: FleetSnapshot, now: datetime, name: str) -> tuple[list[str], list[str]]:
    row = next((w for w in fleet.workers if w.name == name), None)
    if row is None:
        known = ", ".join(w.name for w in fleet.workers) or "none"
        return [f"no worker {name} has run on this archive (workers: {known})"], []
    status = status_of(row, now)
    if status == "stopped":
        return [f"worker {name} stopped at {row.stopped_at} (a clean stop)"], []
    if status == "lapsed":
        ago = (now - _at(row.renewed_at)).total_seconds()
        return [
            f"worker {name} has not renewed its leases for {ago:.0f} s (lease until {row.expires_at})"
        ], []
    held = sum(1 for worker, _ in fleet.leases.values() if worker == name)
    notes = [f"worker {name} holds {held} channel(s)"]
    if fleet.sender and fleet.sender[0] == name:
        notes.append(f"worker {name} holds the sender's seat")
    return _live_reasons(row), notes


def _live_reasons(row: WorkerRow) -> list[str]:
    reasons = [f"worker {row.name}: {problem}" for problem in row.state.get("problems", []) or []]  # type: ignore[union-attr]
    if row.state.get("connected") is False:
        reasons.append(f"worker {row.name} is disconnected from Telegram")
    return reasons

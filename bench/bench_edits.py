"""Edits and deletions: from the sandbox applying one to the daemon's archive holding it.

    python bench/bench_edits.py                              # 12 channels, 72 changes in 60 s, 1/3 missed
    python bench/bench_edits.py --missed-share 0 --changes 40  # live updates only
    python bench/bench_edits.py --seconds 30 --deadline 120    # shorter, a tighter wait for missed ones

The sandbox (strict, as shipped) runs in this process; the daemon runs in a child process
(bench/daemon_host.py) with the shipped schedule. Posts are published and awaited in the archive, then
edits and deletions are applied one at a time at an even pace. A change is "live" when its update is
pushed, "missed" when the sandbox's `withhold` fault drops that one update (the fault is switched on for
that change alone). Missed changes go to channels that get no live change during the run, so no later
update of theirs reveals the pts gap: only the daemon's looks (one `getPeerDialogs` compared with the
last pts seen, every `reconcile_seconds`, 60 s shipped, plus a short grace) can find them. The archive is
polled read-only: an edit is stored when the post has a revision, a deletion when `deleted_at` is set.
A change's time runs from just before the sandbox applies it to the first poll that sees it stored.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import sqlite3
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from daemon_host import DaemonProcess, DaemonSettings, error_lines, print_result

from monitor.sandbox.server import RunningSandbox, start_sandbox
from monitor.sandbox.synthetic_load import load_scenario_for

POLL_SECONDS = 0.01  # the resolution of every figure
STORED_SECONDS = 120.0  # for the published posts to reach the archive before the changes start
LIVE_TARGET_SECONDS = 5.0


@dataclass
class Change:
    """One edit or deletion, when it was applied and when the archive first showed it."""

    kind: str  # "edit" or "delete"
    missed: bool
    channel_id: int
    message_id: int
    applied: float = 0.0
    stored: float | None = None

    @property
    def group(self) -> str:
        return f"{'missed' if self.missed else 'live'} {self.kind}s"

    @property
    def seconds(self) -> float | None:
        return None if self.stored is None else self.stored - self.applied


def open_readonly(archive: Path) -> sqlite3.Connection:
    """A read-only connection, so polling never takes a write lock from the daemon."""
    return sqlite3.connect(f"file:{archive}?mode=ro", uri=True, timeout=5.0)


def stored_posts(db: sqlite3.Connection) -> set[tuple[int, int]]:
    return {(c, m) for c, m in db.execute("SELECT channel_id, message_id FROM posts")}


def is_stored(db: sqlite3.Connection, change: Change) -> bool:
    """An edit shows as a revision of the post, a deletion as its tombstone."""
    key = (change.channel_id, change.message_id)
    if change.kind == "edit":
        sql = "SELECT 1 FROM revisions WHERE channel_id = ? AND message_id = ? LIMIT 1"
    else:
        sql = "SELECT 1 FROM posts WHERE channel_id = ? AND message_id = ? AND deleted_at IS NOT NULL"
    return db.execute(sql, key).fetchone() is not None


def poll(db: sqlite3.Connection, changes: list[Change]) -> None:
    """Stamp every change the archive now shows."""
    now = time.perf_counter()
    for change in changes:
        if change.stored is None and change.applied and is_stored(db, change):
            change.stored = now


async def poll_for(db: sqlite3.Connection, changes: list[Change], seconds: float, *, until_all: bool) -> None:
    """Poll for `seconds`; with `until_all`, stop early once every change is stored."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        poll(db, changes)
        if until_all and all(c.stored is not None for c in changes):
            return
        await asyncio.sleep(POLL_SECONDS)


def plan(posts: dict[int, list[int]], count: int, missed_share: float, seed: int) -> list[Change]:
    """`count` changes on distinct posts, alternating edits and deletions; a `missed_share` of the channels
    (at least one when the share is positive) take only missed changes, the rest only live ones."""
    rng = random.Random(seed)
    channels = sorted(posts)
    missed_channels = set(channels[: math.ceil(len(channels) * missed_share)]) if missed_share else set()
    pool = [(c, m) for c in channels for m in posts[c]]
    rng.shuffle(pool)
    if count > len(pool):
        raise SystemExit(f"--changes {count} is more than the {len(pool)} published posts")
    return [
        Change("edit" if i % 2 == 0 else "delete", c in missed_channels, c, m)
        for i, (c, m) in enumerate(pool[:count])
    ]


async def apply(sandbox: RunningSandbox, change: Change, names: dict[int, str]) -> None:
    """Apply one change, dropping its live update when it is to be missed."""
    world = sandbox.world
    shipped = world.faults
    if change.missed:
        world.faults = replace(shipped, withhold=1.0)
    change.applied = time.perf_counter()
    try:
        if change.kind == "edit":
            await world.edit_post(
                names[change.channel_id], change.message_id, f"Corrected: post {change.message_id}"
            )
        else:
            await world.delete_posts(names[change.channel_id], [change.message_id])
    finally:
        world.faults = shipped


def nearest_rank(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def summary(changes: list[Change]) -> dict[str, object]:
    result: dict[str, object] = {}
    for group in ("live edits", "live deletes", "missed edits", "missed deletes"):
        members = [c for c in changes if c.group == group]
        if not members:
            continue
        times = [s for c in members if (s := c.seconds) is not None]
        figures = (
            f"p50 {nearest_rank(times, 0.5):.3f} s, p90 {nearest_rank(times, 0.9):.3f} s, "
            f"max {max(times):.3f} s"
            if times
            else "none stored"
        )
        result[group] = f"{len(members)} changes, {len(members) - len(times)} not stored; {figures}"
    live = [c.seconds for c in changes if not c.missed]
    result["live over 5 s"] = sum(1 for s in live if s is None or s > LIVE_TARGET_SECONDS)
    result["not stored"] = sorted(
        f"{c.kind} {c.channel_id}/{c.message_id}" for c in changes if c.stored is None
    )
    return result


async def run(args: argparse.Namespace) -> dict[str, object]:
    scenario = replace(load_scenario_for(args.channels, 1.0, 1.0, args.seed), timeline=())
    sandbox = await start_sandbox(scenario, host="127.0.0.1", port=0, seed=args.seed)
    names = {sandbox.world.channel(name).id: name for name in sandbox.channels}
    settings = DaemonSettings(log_level=args.log_level)
    with tempfile.TemporaryDirectory(prefix="bench-edits-") as workdir:
        archive = Path(workdir) / "archive.db"
        daemon = await DaemonProcess.start(sandbox.ready_line(), archive, settings)
        try:
            published = {
                cid: [await sandbox.world.publish(name, f"Report {k} from {name}") for k in range(args.posts)]
                for cid, name in names.items()
            }
            wanted = {(c, m) for c, ids in published.items() for m in ids}
            db = open_readonly(archive)
            deadline = time.monotonic() + STORED_SECONDS
            while not wanted <= stored_posts(db):
                if time.monotonic() > deadline:
                    raise RuntimeError("the published posts did not reach the archive")
                await asyncio.sleep(POLL_SECONDS)
            changes = plan(published, args.changes, args.missed_share, args.seed)
            pace = args.seconds / max(1, len(changes))
            for change in changes:
                await apply(sandbox, change, names)
                await poll_for(db, changes, pace, until_all=False)
            await poll_for(db, changes, args.deadline, until_all=True)
            db.close()
        finally:
            await daemon.stop()
            await sandbox.stop()
        problems = error_lines(daemon.log_path)
    return {"channels": args.channels, **summary(changes), "daemon_warnings": len(problems)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--channels", type=int, default=12)
    parser.add_argument("--posts", type=int, default=8, help="posts published per channel before the changes")
    parser.add_argument("--changes", type=int, default=72, help="edits and deletions in all, half each")
    parser.add_argument("--seconds", type=float, default=60.0, help="the changes are spread over this long")
    parser.add_argument(
        "--missed-share", type=float, default=1 / 3, help="share of channels whose changes are withheld"
    )
    parser.add_argument(
        "--deadline", type=float, default=150.0, help="seconds after the last change to wait for the rest"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--log-level", default="INFO", help="the daemon's log level")
    parser.add_argument("--json", action="store_true", help="print one JSON line instead of a table")
    args = parser.parse_args()
    result = asyncio.run(run(args))
    target = "live changes within 5 s (live over 5 s = 0); missed ones within one look (60 s) plus catch-up"
    print_result(result, as_json=args.json, target=target)


if __name__ == "__main__":
    main()

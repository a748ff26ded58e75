"""A fleet under load with one worker killed: takeover time, lost posts, lost and duplicate alerts.

    python bench/bench_workers.py                              # 3 workers, 3 accounts, 1,200 channels
    python bench/bench_workers.py --channels 300 --seconds 120 # smaller and quicker
    python bench/bench_workers.py --relaxed                    # Telegram's quotas off (mechanics alone)
    python bench/bench_workers.py --members 2                  # every channel joined by two accounts
    python bench/bench_workers.py --members 2 --postgres       # the archive in a throwaway PostgreSQL
    python bench/bench_workers.py --postgres --relaxed --no-kill --rate 250 --seconds 60   # ingest rate

The sandbox runs in this process with the load generator's channels (`load_scenario_for`), shared out
among the accounts in turn (`--accounts`: channel i is joined by account i mod N). The workers are
`monitor run --worker` processes on the config `monitor sandbox --write-config` writes, with the lease
time of `--lease`. The fleet is one that has run before: every account already holds its own access
hash of every channel in the archive (as its standby resolves leave it after a few days), so the bench
measures the takeover, not the daily resolve allowance.

Once every channel is held and every worker has looked at its channels, the load plays (`--rate`
posts/s over all channels for `--seconds`, a share of them about tracked conflicts); at `--kill-at`
seconds the worker holding the sender's seat is SIGKILLed. Printed: when the others held all its
channels (the takeover) and when the posts published on them since the kill were all in the archive
(read again); after a drain, posts published but not archived (lost), alerts created but not
delivered (lost) and posts whose link reached the analyst chat more than once (duplicates), and what
the survivors' takeovers cost: gained channels that needed a catch-up request (the rest were stored from
the live updates their accounts kept). `--no-kill` measures the ingest rate alone: posts published per
second and posts archived per second across the workers, from the first post until the last is archived.

`--postgres` keeps the archive in a throwaway PostgreSQL server started as the tests start one
(tests/postgres.py; `--url` names one of your own), instead of an archive file.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import asyncpg

from monitor.model import Channel, utcnow
from monitor.sandbox.config_file import write_monitor_config
from monitor.sandbox.server import RunningSandbox, start_sandbox
from monitor.sandbox.strictness import relaxed
from monitor.sandbox.synthetic_load import load_scenario_for
from monitor.store import Location, open_archive
from monitor.store.leases import KnownChannel

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.postgres import start_server

MONITOR = Path(sys.executable).with_name("monitor")
LINK = re.compile(r"https://t\.me/(\w+)/(\d+)")
POLL_SECONDS = 0.5


def fleet_config(
    sandbox: RunningSandbox, directory: Path, archive: Location, args: argparse.Namespace
) -> Path:
    """The config the sandbox writes, with the bench's lease time and archive and, when relaxed, budgets to
    match."""
    path = directory / "fleet.toml"
    write_monitor_config(path, sandbox)
    text = path.read_text(encoding="utf-8")
    if isinstance(archive, str):
        text = re.sub(r"\[archive\]\npath = [^\n]*\n", f'[archive]\nurl = "{archive}"\n', text)
    text = re.sub(r"lease_seconds = \d+", f"lease_seconds = {args.lease:g}", text)
    text = re.sub(r"renew_seconds = \d+", f"renew_seconds = {args.renew:g}", text)
    text = text.replace("backfill = 10000", "backfill = 0")  # history is not what this bench measures
    if args.relaxed:
        text += "\n[reading]\nrequests_per_hour = 36000\nburst = 400\nsteady_per_hour = 36000\n"
    elif args.budget is not None:
        text += f"\n[reading]\nrequests_per_hour = {args.budget:g}\n"
    path.write_text(text, encoding="utf-8")
    return path


@contextlib.asynccontextmanager
async def archive_for(args: argparse.Namespace, directory: Path) -> AsyncIterator[Location]:
    """The archive file, the given PostgreSQL database, or one in a throwaway server stopped afterwards."""
    if not args.postgres:
        yield args.url or directory / "fleet.db"
        return
    server = await asyncio.to_thread(start_server)
    try:
        await _create_database(server.url("postgres"))
        yield server.url("bench")
    finally:
        await asyncio.to_thread(server.stop)


async def _create_database(url: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute("CREATE DATABASE bench")
    finally:
        await connection.close()


async def seed_hashes(sandbox: RunningSandbox, archive: Location) -> None:
    """Every account's own hash of every channel, and its memberships, as earlier runs recorded them."""
    world = sandbox.world
    channels = [s for s in world.channels.values() if not s.megagroup]
    async with await open_archive(archive) as store:
        for state in channels:
            await store.upsert_channel(Channel(state.id, state.title, state.username), f"@{state.username}")
        for account in (sandbox.user_id, *sandbox.reader_ids):
            known = [
                KnownChannel(s.id, world.access_hash_of(s, account), account in s.members) for s in channels
            ]
            await store.leases.offer(str(account), known, utcnow())


async def start_worker(config: Path, name: str, log: Path) -> asyncio.subprocess.Process:
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(
            str(MONITOR), "run", "--config", str(config), "--worker", name,
            stdout=out, stderr=out, env=os.environ.copy(),
        )  # fmt: skip


async def fleet_state(archive: Location) -> tuple[dict[int, str | None], dict[str, dict], str | None]:
    async with await open_archive(archive, readonly=True) as store:
        holders = {c: w for c, (w, _) in (await store.leases.holders()).items()}
        workers = {w.name: dict(w.state) for w in await store.leases.workers()}
        seat = await store.leases.job_holder("sender")
    return holders, workers, seat[0] if seat else None


async def wait(condition, seconds: float) -> float | None:  # type: ignore[no-untyped-def]
    """Seconds until the async `condition()` held, or None after `seconds`."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if await condition():
            return time.monotonic() - started
        await asyncio.sleep(POLL_SECONDS)
    return None


async def run(args: argparse.Namespace) -> dict[str, object]:
    scenario = load_scenario_for(args.channels, args.rate, args.seconds, args.seed, conflict_share=args.share)
    load = [e for e in scenario.timeline if e.action == "post" and e.post is not None]
    sandbox = await start_sandbox(
        replace(scenario, timeline=()).with_accounts(args.accounts, args.members),
        host="127.0.0.1",
        port=0,
        seed=args.seed,
        strictness=relaxed() if args.relaxed else None,
    )
    with tempfile.TemporaryDirectory(prefix="bench-workers-") as workdir:
        directory = Path(workdir)
        try:
            async with archive_for(args, directory) as archive:
                figures = await run_fleet(args, sandbox, load, directory, archive)
        finally:
            await sandbox.stop()
        log = (directory / "workers.log").read_text()
        if args.keep is not None and (figures.get("lost_posts") or figures.get("worker_errors")):
            shutil.copytree(directory, args.keep, dirs_exist_ok=True)
    errors = sum(1 for line in log.splitlines() if "level=error" in line or "level=critical" in line)
    return {
        "archive": "postgresql" if isinstance(archive, str) else "sqlite",
        "channels": args.channels,
        "accounts": args.accounts,
        "members": args.members,
        "budget_per_hour": args.budget,
        "relaxed": args.relaxed,
        "lease_seconds": args.lease,
        "renew_seconds": args.renew,
        **figures,
        "worker_errors": errors,
    }


async def run_fleet(
    args: argparse.Namespace, sandbox: RunningSandbox, load: list, directory: Path, archive: Location
) -> dict[str, object]:
    """Start the workers, play the load (killing the sender's worker on the way unless `--no-kill`), drain,
    and count what was archived, alerted and sent."""
    world = sandbox.world
    names = [f"worker{n}" for n in range(1, args.accounts + 1)]
    config = fleet_config(sandbox, directory, archive, args)
    await seed_hashes(sandbox, archive)
    log = directory / "workers.log"
    processes = {name: await start_worker(config, name, log) for name in names}
    try:
        every = {s.id for s in world.channels.values() if not s.megagroup}

        async def ready() -> bool:
            holders, workers, seat = await fleet_state(archive)
            looked = all(workers.get(n, {}).get("look_lag_seconds") is not None for n in names)
            return seat is not None and looked and {c for c, w in holders.items() if w} >= every

        if (startup := await wait(ready, args.startup)) is None:
            raise RuntimeError(f"the fleet did not take every channel within {args.startup:g} s; see {log}")
        _, _, victim = await fleet_state(archive)
        assert victim is not None
        published: list[tuple[int, int, float]] = []
        started = time.monotonic()
        killed_at: float | None = None
        held_before: set[int] = set()
        survivors = set(names)
        takeover: asyncio.Task[float | None] | None = None
        for event in load:
            if killed_at is None and not args.no_kill and event.at >= args.kill_at:
                held_before = {c for c, w in (await fleet_state(archive))[0].items() if w == victim}
                processes[victim].send_signal(signal.SIGKILL)
                killed_at = time.monotonic()
                survivors = set(names) - {victim}
                takeover = asyncio.create_task(_first_time(archive, held_before, survivors, killed_at))
            if (pause := started + event.at - time.monotonic()) > 0:
                await asyncio.sleep(pause)
            post = event.post
            assert post is not None
            message_id = await world.publish(post.channel_id, post.text)
            published.append((post.channel_id, message_id, time.monotonic()))
        load_ended = time.monotonic()
        backlog = len(await _missing(archive, published))
        takeover_seconds = await takeover if takeover is not None else None

        async def all_archived() -> bool:
            return not await _missing(archive, published)

        drained = await wait(all_archived, args.drain)
        archived_at = None if drained is None else time.monotonic()
        missing = await _missing(archive, published)
        if missing:
            print(f"missing: {missing[:20]}", file=sys.stderr)
        await wait(lambda: _settled(archive), args.drain)
        alerts = await _alerts(archive)
        _, workers, _ = await fleet_state(archive)
        links = Counter(
            (name.lower(), int(mid))
            for message in world.chat_messages()
            if message.sender_id == sandbox.bot_id
            for name, mid in set(LINK.findall(message.text))
        )
        for name in survivors:
            processes[name].send_signal(signal.SIGTERM)
        for name in survivors:
            await asyncio.wait_for(processes[name].wait(), 30)
    finally:
        for process in processes.values():
            if process.returncode is None:
                process.kill()
                await process.wait()
    figures: dict[str, object] = {
        "startup_seconds": round(startup, 1),
        "posts": len(published),
        "published_per_second": round(len(published) / (load_ended - started), 1),
        "not_archived_at_load_end": backlog,
        "archived_per_second": None
        if archived_at is None
        else round(len(published) / (archived_at - started), 1),
        "lost_posts": len(missing),
        "alerts": alerts["total"],
        "lost_alerts": alerts["open"],
        "duplicate_alerts": sum(1 for n in links.values() if n > 1),
    }
    if killed_at is None:
        return figures
    after_kill = [(c, m) for c, m, at in published if at >= killed_at and c in held_before]
    return {
        **figures,
        "killed": victim,
        "victim_channels": len(held_before),
        "posts_on_them_after_kill": len(after_kill),
        "not_archived_of_them": sum(1 for c, _ in missing if c in held_before),
        "takeover_seconds": takeover_seconds,
        "all_posts_archived_seconds_after_kill": None
        if archived_at is None
        else round(archived_at - killed_at, 1),
        "takeover_catch_ups": sum(int(workers[n].get("caught_up_after_takeover", 0)) for n in survivors),
    }


async def _first_time(
    archive: Location, channels: set[int], survivors: set[str], killed_at: float
) -> float | None:
    """Seconds from the kill until the survivors held every channel of the killed worker (polled)."""
    while time.monotonic() - killed_at < 600:
        holders, _, _ = await fleet_state(archive)
        if all(holders.get(c) in survivors for c in channels):
            return round(time.monotonic() - killed_at, 1)
        await asyncio.sleep(POLL_SECONDS)
    return None


async def _missing(archive: Location, published: list[tuple[int, int, float]]) -> list[tuple[int, int]]:
    """Published posts not in the archive: one id-range query per channel (cheap enough to poll)."""
    by_channel: dict[int, list[int]] = {}
    for channel, message_id, _ in published:
        by_channel.setdefault(channel, []).append(message_id)
    missing = []
    async with await open_archive(archive, readonly=True) as store:
        for channel, ids in by_channel.items():
            stored = set(await store.stored_ids_between(channel, min(ids) - 1, max(ids)))
            missing += [(channel, m) for m in ids if m not in stored]
    return missing


async def _alerts(archive: Location) -> dict[str, int]:
    async with await open_archive(archive, readonly=True) as store:
        states = await store.figures.alerts_by_state()
        return {"total": sum(states.values()), "open": await store.outbox.depth()}


async def _settled(archive: Location) -> bool:
    return (await _alerts(archive))["open"] == 0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--channels", type=int, default=1200)
    parser.add_argument("--accounts", type=int, default=3)
    parser.add_argument(
        "--members",
        type=int,
        default=1,
        help="accounts that joined each channel (2: every channel has a second)",
    )
    parser.add_argument("--rate", type=float, default=4.0, help="posts per second over all channels")
    parser.add_argument("--seconds", type=float, default=180.0, help="length of the load")
    parser.add_argument("--share", type=float, default=0.2, help="share of posts about tracked conflicts")
    parser.add_argument("--kill-at", type=float, default=60.0, help="seconds into the load")
    parser.add_argument("--lease", type=float, default=30.0, help="lease_seconds of the fleet")
    parser.add_argument("--renew", type=float, default=5.0, help="renew_seconds of the fleet")
    parser.add_argument("--startup", type=float, default=600.0, help="seconds the fleet may take to start")
    parser.add_argument("--drain", type=float, default=300.0, help="seconds to wait for the last posts")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="copy the archive, config and log here when posts are lost")
    parser.add_argument("--budget", type=float, help="[reading] requests_per_hour of every worker (600)")
    parser.add_argument("--relaxed", action="store_true", help="the sandbox without Telegram's quotas")
    parser.add_argument(
        "--postgres", action="store_true", help="the archive in a throwaway PostgreSQL server"
    )
    parser.add_argument("--url", help="the archive in this PostgreSQL database (instead of a file)")
    parser.add_argument("--no-kill", action="store_true", help="kill no worker: the ingest rate alone")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args)), ensure_ascii=False))


if __name__ == "__main__":
    main()

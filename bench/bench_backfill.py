"""Backfill rate, end to end: fetch history from the sandbox, analyse it and store it in a fresh archive.

    python bench/bench_backfill.py                         # 4 channels, 20,000 posts of history
    python bench/bench_backfill.py --channels 1 --posts 20000
    python bench/bench_backfill.py --profile backfill.prof # cProfile of the backfilling process

The sandbox runs in a child process (this file with `--serve`) holding the history: the load
generator's texts (`load_scenario_for`) spread over the last 30 days, so about one post in thirty is
within the news window and alerted late, the rest stored without alerts. This process runs the
daemon's backfill path as `monitor backfill` does (`Toolkit` + `Reconciler.backfill`), for all channels
at once as the daemon does for newly added channels, and times it from the first request to the
last commit. Start-up (connecting, resolving the channels) is outside the timed window.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import json
import signal
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from types import SimpleNamespace

from daemon_host import print_result

from monitor.sandbox.scenario import HistoryPost, Scenario
from monitor.sandbox.synthetic_load import load_scenario_for

HISTORY_DAYS = 30
READY_SECONDS = 120.0
SINCE = date(2000, 1, 1)


def history_scenario(channels: int, posts: int, seed: int) -> Scenario:
    """`posts` posts of the load generator spread over `channels` channels and the last 30 days."""
    load = load_scenario_for(channels, posts / 100, 100, seed)
    timeline = [e.post for e in load.timeline if e.action == "post" and e.post is not None]
    span = HISTORY_DAYS * 86400
    history = tuple(
        HistoryPost(ago=span * (1 - i / len(timeline)) + 1, post=replace(post, key=None))
        for i, post in enumerate(timeline)
    )
    return replace(load, name=f"backfill-{channels}x{posts}", history=history, timeline=())


async def serve(channels: int, posts: int, seed: int) -> None:
    """The sandbox side: print the ready line, serve until stdin closes or SIGTERM."""
    from monitor.sandbox.server import start_sandbox

    sandbox = await start_sandbox(history_scenario(channels, posts, seed), host="127.0.0.1", port=0)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    sys.stdout.write(json.dumps(sandbox.ready_line()) + "\n")
    sys.stdout.flush()
    eof = asyncio.create_task(reader.read())
    stopped = asyncio.create_task(stop.wait())
    await asyncio.wait({eof, stopped}, return_when=asyncio.FIRST_COMPLETED)
    for task in (eof, stopped):
        task.cancel()
    await sandbox.stop()


@contextlib.asynccontextmanager
async def sandbox_process(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """Start the sandbox child, yield its ready line, stop it (closing its stdin) on the way out."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(Path(__file__)),
        "--serve",
        f"--channels={args.channels}",
        f"--posts={args.posts}",
        f"--seed={args.seed}",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        line = await asyncio.wait_for(process.stdout.readline(), READY_SECONDS)
        if not line:
            raise RuntimeError("the sandbox child exited before it was ready")
        yield json.loads(line)
    finally:
        process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), 30)
        except TimeoutError:
            process.kill()
            await process.wait()


async def run(args: argparse.Namespace) -> dict[str, object]:
    from monitor.daemon import Toolkit
    from monitor.demo import sandbox_config
    from monitor.logs import setup_logging
    from monitor.telegram.channels import resolve_all

    setup_logging(args.log_level)
    async with sandbox_process(args) as ready:
        access = SimpleNamespace(**{**ready, "channels": tuple(ready["channels"])})
        with tempfile.TemporaryDirectory(prefix="bench-backfill-") as workdir:
            config = sandbox_config(access, Path(workdir) / "archive.db", backfill=None)
            async with Toolkit.open(config) as kit:
                watched, _ = await resolve_all(kit.user, kit.store, config.channels)
                profiler = cProfile.Profile() if args.profile else None
                cpu, started = time.process_time(), time.perf_counter()
                if profiler is not None:
                    profiler.enable()
                fetched = await asyncio.gather(*(kit.reconciler.backfill(w, since=SINCE) for w in watched))
                if profiler is not None:
                    profiler.disable()
                    profiler.dump_stats(args.profile)
                elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
                stats = await kit.store.stats()
    total = sum(fetched)
    return {
        "channels": len(watched),
        "posts_fetched": total,
        "posts_stored": stats["posts"],
        "alerts_queued": sum(dict(stats["alerts"]).values()),  # type: ignore[call-overload]
        "seconds": round(elapsed, 2),
        "cpu_seconds": round(cpu, 2),
        "posts_per_second": round(total / elapsed),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--channels", type=int, default=4)
    parser.add_argument("--posts", type=int, default=20_000, help="history posts, all channels together")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", type=Path, help="write a cProfile of the timed backfill here")
    parser.add_argument("--log-level", default="WARNING")
    parser.add_argument("--json", action="store_true", help="print one JSON line instead of a table")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(args.channels, args.posts, args.seed))
        return
    result = asyncio.run(run(args))
    print_result(result, as_json=args.json, target=">= 2,000 posts/s")


if __name__ == "__main__":
    main()

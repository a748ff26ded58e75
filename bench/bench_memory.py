"""Resident memory of the daemon watching 200 channels over an archive of 500,000 posts, under live load.

    python bench/bench_memory.py                               # 200 channels, 500,000 posts, 120 s
    python bench/bench_memory.py --seconds 900 --rate 10       # long enough for the recheck job

The sandbox runs in this process. Its channels hold the whole history (2,500 posts each by default,
spread over 30 days before start), and the archive is pre-filled with exactly those posts through
`Store.save` (analysis computed once per distinct text), with channels and sync state recorded as a
daemon that had read everything before would have left them: the daemon then starts as it would
after a restart. It runs in a child process (bench/daemon_host.py) with the example config's pacing
and schedule while the load generator posts into the channels; its VmRSS is read from
/proc/PID/status every `--every` seconds, from ready to the end of the load.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from daemon_host import DaemonProcess, DaemonSettings, error_lines, print_result

from monitor.analysis import Analyzer
from monitor.model import Analysis, Channel, Post
from monitor.sandbox.scenario import HistoryPost, Scenario
from monitor.sandbox.server import start_sandbox
from monitor.sandbox.synthetic_load import load_scenario_for
from monitor.sandbox.world import World
from monitor.store import Store

HISTORY_DAYS = 30
NEWS_DAYS = 1
TEXT_POOL = 2_000
SAVE_BATCH = 2_000


def scenario_with_history(args: argparse.Namespace) -> Scenario:
    """The load generator's channels and live posts, and `--history` old posts per channel."""
    load = load_scenario_for(args.channels, args.rate, args.seconds, args.seed, conflict_share=args.share)
    pool = load_scenario_for(args.channels, TEXT_POOL / 100, 100, args.seed + 1, conflict_share=args.share)
    texts = [e.post for e in pool.timeline if e.action == "post" and e.post is not None]
    span = (HISTORY_DAYS - NEWS_DAYS) * 86400
    history = tuple(
        HistoryPost(
            ago=NEWS_DAYS * 86400 + span * (1 - k / args.history) + index,
            post=replace(texts[(index * args.history + k) % len(texts)], channel_id=spec.id, key=None),
        )
        for index, spec in enumerate(load.channels)
        for k in range(args.history)
    )
    return replace(load, history=history)


async def prefill(world: World, archive: Path, analyzer: Analyzer) -> int:
    """Store every post the sandbox holds, and the sync state of fully read channels."""
    analyses: dict[str, Analysis] = {}
    saved = 0
    first_seen = (datetime.now(UTC) - timedelta(days=HISTORY_DAYS)).isoformat()
    async with await Store.open(archive) as store:
        await store.upsert_conflicts(analyzer.conflicts.values())
        batch: list[tuple[Post, Analysis]] = []
        for state in world.channels.values():
            if state.megagroup:
                continue
            channel = Channel(state.id, state.title, state.username, state.access_hash)
            await store.upsert_channel(channel, ref=f"@{state.username}")
            for message in state.messages.values():
                if message.text not in analyses:
                    analyses[message.text] = analyzer.analyze(message.text)
                post = Post(state.id, message.id, message.date, message.text, views=message.views)
                batch.append((post, analyses[message.text]))
                if len(batch) >= SAVE_BATCH:
                    saved += len(await store.save(batch, alert=False))
                    batch = []
            top = max(state.messages)
            await store.set_sync_state(
                state.id,
                first_seen=first_seen,
                top_at_first_seen=top,
                reconciled_to=top,
                backfill_cursor=1,
                backfill_done=True,
            )
        saved += len(await store.save(batch, alert=False))
    return saved


async def sample(daemon: DaemonProcess, until: asyncio.Task[None], every: float) -> list[tuple[float, int]]:
    """(seconds since start, VmRSS KiB) every `every` seconds until the load has played."""
    started = time.monotonic()
    samples = [(0.0, daemon.rss_kb())]
    while not until.done():
        await asyncio.wait({until}, timeout=every)
        samples.append((time.monotonic() - started, daemon.rss_kb()))
    return samples


def slope_mb_per_minute(samples: list[tuple[float, int]]) -> float:
    """Least-squares slope of RSS over the second half of the run: growth that would not level off."""
    half = samples[len(samples) // 2 :]
    if len(half) < 2:
        return 0.0
    xs, ys = [t for t, _ in half], [kb / 1024 for _, kb in half]
    return statistics.linear_regression(xs, ys).slope * 60


async def run(args: argparse.Namespace) -> dict[str, object]:
    scenario = scenario_with_history(args)
    analyzer = Analyzer.from_files()
    started = time.perf_counter()
    sandbox = await start_sandbox(replace(scenario, timeline=()), host="127.0.0.1", port=0, seed=args.seed)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-memory-") as workdir:
            archive = Path(workdir) / "archive.db"
            archived = await prefill(sandbox.world, archive, analyzer)
            prefill_seconds = time.perf_counter() - started
            archive_mb = sum(p.stat().st_size for p in Path(workdir).glob("archive.db*")) / 2**20
            settings = DaemonSettings(log_level=args.log_level)
            daemon = await DaemonProcess.start(sandbox.ready_line(), archive, settings)
            try:
                at_ready = daemon.rss_kb()
                sandbox.world.scenario = scenario
                load = asyncio.create_task(sandbox.world.run_timeline())
                samples = await sample(daemon, load, args.every)
                peak = daemon.peak_rss_kb()
            finally:
                await daemon.stop()
            problems = error_lines(daemon.log_path)
    finally:
        await sandbox.stop()
    rss = [kb for _, kb in samples]
    if args.dump is not None:
        args.dump.write_text("".join(f"{t:.1f} {kb}\n" for t, kb in samples), encoding="utf-8")
    return {
        "channels": args.channels,
        "archived_posts": archived,
        "archive_mb": round(archive_mb),
        "prefill_seconds": round(prefill_seconds, 1),
        "live_posts": sum(1 for e in scenario.timeline if e.action == "post"),
        "load_seconds": args.seconds,
        "rss_at_ready_mb": round(at_ready / 1024, 1),
        "rss_min_mb": round(min(rss) / 1024, 1),
        "rss_max_mb": round(max(rss) / 1024, 1),
        "rss_final_mb": round(rss[-1] / 1024, 1),
        "peak_vmhwm_mb": round(peak / 1024, 1),
        "slope_2nd_half_mb_per_min": round(slope_mb_per_minute(samples), 2),
        "samples": len(samples),
        "daemon_warnings": len(problems),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--channels", type=int, default=200)
    parser.add_argument("--history", type=int, default=2_500, help="archived posts per channel")
    parser.add_argument("--rate", type=float, default=5.0, help="live posts per second, all channels")
    parser.add_argument("--seconds", type=float, default=120.0, help="length of the live load")
    parser.add_argument("--share", type=float, default=0.2, help="share of posts about tracked conflicts")
    parser.add_argument("--every", type=float, default=1.0, help="seconds between RSS samples")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dump", type=Path, help="write 'seconds rss-KiB' sample lines here")
    parser.add_argument("--log-level", default="INFO", help="the daemon's log level")
    parser.add_argument("--json", action="store_true", help="print one JSON line instead of a table")
    args = parser.parse_args()
    result = asyncio.run(run(args))
    print_result(result, as_json=args.json, target="<= 150 MB, flat")


if __name__ == "__main__":
    main()

"""Alert latency: a sandbox post to its alert arriving in the analyst chat, at steady load.

    python bench/bench_alert_latency.py                          # 50 channels, 20 posts/s for 30 s
    python bench/bench_alert_latency.py --share 0.2 --seconds 60 # a fifth of the posts flagged
    python bench/bench_alert_latency.py --surge                  # 50 posts/s, ~10 flagged/s, 120 s, paced

Without `--surge` pacing is off, to measure the pipeline alone. `--surge` is a news surge under the
shipped alert policy (20 messages a minute, burst 3, digests after 5): the target is every flagged post
in an analyst message within 60 s of its publication, so the run reports how many took longer.

The sandbox runs in this process and plays the load generator's timeline (`load_scenario_for`); the
daemon runs in a child process (bench/daemon_host.py) with an alert policy so generous that the token
bucket never folds alerts into digests. A post's latency runs from the moment the sandbox publishes it
(stored, before its update is pushed) to the moment the sandbox receives the bot's sendMessage that
carries the post's link. Both moments are stamped in this process, on one clock, by a recorder attached
to the sandbox's world. Before the measured window, one flagged post per channel is published and the
alerts of every flagged post the channels hold are awaited (the recent history is news on a first
start, alerted late), so start-up catch-up is over when the clock starts.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from daemon_host import DaemonProcess, DaemonSettings, error_lines, print_result

from monitor.analysis import Analyzer
from monitor.sandbox.recorder import Recorder
from monitor.sandbox.server import start_sandbox
from monitor.sandbox.strictness import relaxed
from monitor.sandbox.synthetic_load import load_scenario_for

LINK = re.compile(r"https://t\.me/(\w+)/(\d+)")
UNPACED = 1_000_000
POLL_SECONDS = 0.05
WARMUP_SECONDS = 120.0
STEADY = {"rate": 20.0, "seconds": 30.0, "share": 1.0, "drain": 20.0}
SURGE = {"rate": 50.0, "seconds": 120.0, "share": 0.2, "drain": 90.0}


@dataclass
class TimingRecorder(Recorder):
    """Stamps each published post and each message a client sends into the analyst chat."""

    published: dict[tuple[str, int], float] = field(default_factory=dict)
    texts: dict[tuple[str, int], str] = field(default_factory=dict)
    sent: list[tuple[float, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__()

    def post(self, event: str, *, channel: str | None, message_id: int, text: str, **_: Any) -> None:  # type: ignore[override]
        if event == "post" and channel is not None:
            self.published[(channel.lower(), message_id)] = time.perf_counter()
            self.texts[(channel.lower(), message_id)] = text

    def chat(self, event: str, *, text: str, **_: Any) -> None:  # type: ignore[override]
        if event == "send":
            self.sent.append((time.perf_counter(), text))

    def alerted(self) -> dict[tuple[str, int], float]:
        """The first moment each post's link reached the chat."""
        first: dict[tuple[str, int], float] = {}
        for moment, text in self.sent:
            for name, message_id in LINK.findall(text):
                first.setdefault((name.lower(), int(message_id)), moment)
        return first

    def digests(self) -> int:
        return sum(1 for _, text in self.sent if len(LINK.findall(text)) > 1)


async def wait_for(condition: Any, seconds: float) -> bool:
    """Poll `condition()` until it holds or `seconds` pass; True if it held."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(POLL_SECONDS)
    return True


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def backlog(world: Any, channels: tuple[str, ...], analyzer: Analyzer) -> set[tuple[str, int]]:
    """Every flagged post the channels hold: the alerts to await before the clock starts (the recent
    history is news, alerted late on the first start, and must not queue ahead of measured posts)."""
    posts = [(name.lower(), m.id, m.text) for name in channels for m in world.channel(name).messages.values()]
    analyses = analyzer.analyze_many([text for _, _, text in posts])
    return {
        (name, message_id) for (name, message_id, _), a in zip(posts, analyses, strict=True) if a.conflicts
    }


async def run(args: argparse.Namespace) -> dict[str, object]:
    scenario = load_scenario_for(args.channels, args.rate, args.seconds, args.seed, conflict_share=args.share)
    analyzer = Analyzer.from_files()
    posts = [e.post for e in scenario.timeline if e.action == "post" and e.post is not None]
    flagged = {
        p.text
        for p, a in zip(posts, analyzer.analyze_many([p.text for p in posts]), strict=True)
        if a.conflicts
    }
    warmup_text = next(p.text for p in posts if p.text in flagged)

    sandbox = await start_sandbox(
        replace(scenario, timeline=()),
        host="127.0.0.1",
        port=0,
        seed=args.seed,
        strictness=relaxed() if args.relaxed else None,
    )
    recorder = TimingRecorder()
    sandbox.world.recorder = recorder
    settings = (
        DaemonSettings(log_level=args.log_level)
        if args.surge
        else DaemonSettings(per_minute=UNPACED, burst=UNPACED, digest_after=UNPACED, log_level=args.log_level)
    )
    with tempfile.TemporaryDirectory(prefix="bench-latency-") as workdir:
        daemon = await DaemonProcess.start(sandbox.ready_line(), Path(workdir) / "archive.db", settings)
        try:
            for name in sandbox.channels:
                await sandbox.world.publish(name, f"Warm-up: {warmup_text}")
            warm = backlog(sandbox.world, sandbox.channels, analyzer)
            if not await wait_for(lambda: warm <= recorder.alerted().keys(), WARMUP_SECONDS):
                raise RuntimeError("warm-up alerts did not arrive; see the daemon log")
            already = set(recorder.published)
            sandbox.world.scenario = scenario
            started = time.perf_counter()
            await sandbox.world.run_timeline()
            played = time.perf_counter() - started
            measured = {k: v for k, v in recorder.published.items() if k not in already}
            expected = {k for k in measured if recorder.texts[k] in flagged}
            await wait_for(lambda: expected <= recorder.alerted().keys(), args.drain)
            rss_kb = daemon.rss_kb()
        finally:
            await daemon.stop()
            await sandbox.stop()
            if args.keep_log is not None:
                shutil.copyfile(daemon.log_path, args.keep_log)
        problems = error_lines(daemon.log_path)
    alerted = recorder.alerted()
    timed = sorted(
        (measured[k] - started, (alerted[k] - measured[k]) * 1000) for k in expected if k in alerted
    )
    if args.dump is not None:
        args.dump.write_text("".join(f"{at:.3f} {ms:.1f}\n" for at, ms in timed), encoding="utf-8")
    latencies = sorted(ms for _, ms in timed)
    return {
        "channels": args.channels,
        "rate": args.rate,
        "seconds_played": round(played, 2),
        "posts": len(measured),
        "flagged": len(expected),
        "flagged_per_s": round(len(expected) / played, 1),
        "alerted": len(latencies),
        "missing": len(expected) - len(latencies),
        "over_60s": sum(1 for ms in latencies if ms > 60_000),
        "messages": len(recorder.sent),
        "digests": recorder.digests(),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p90_ms": round(percentile(latencies, 90), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "max_ms": round(latencies[-1], 1),
        "mean_ms": round(statistics.fmean(latencies), 1),
        "daemon_rss_mb": round(rss_kb / 1024, 1),
        "daemon_warnings": len(problems),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--surge",
        action="store_true",
        help="shipped alert pacing; defaults become 50 posts/s, share 0.2, 120 s, drain 90 s",
    )
    parser.add_argument(
        "--relaxed", action="store_true", help="the sandbox without Telegram's request quotas (sending alone)"
    )
    parser.add_argument("--channels", type=int, default=50)
    parser.add_argument("--rate", type=float, help="posts per second, all channels together (20)")
    parser.add_argument("--seconds", type=float, help="length of the measured load (30)")
    parser.add_argument("--share", type=float, help="share of posts about tracked conflicts (1.0)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--drain", type=float, help="seconds to wait for the last alerts (20)")
    parser.add_argument("--log-level", default="INFO", help="the daemon's log level")
    parser.add_argument("--dump", type=Path, help="write 'seconds-into-run latency-ms' lines here")
    parser.add_argument("--keep-log", type=Path, help="copy the daemon's log here")
    parser.add_argument("--json", action="store_true", help="print one JSON line instead of a table")
    args = parser.parse_args()
    defaults = SURGE if args.surge else STEADY
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    result = asyncio.run(run(args))
    target = "every flagged post within 60 s (over_60s = 0)" if args.surge else "p50 <= 100 ms, p99 <= 500 ms"
    print_result(result, as_json=args.json, target=target)


if __name__ == "__main__":
    main()

"""Requests the reading account makes, counted by the strict sandbox, with the daemon as `monitor run` runs.

    python bench/bench_requests.py                                  # 200 joined channels, 600 s
    python bench/bench_requests.py --channels 500 --seconds 600     # 500 joined channels
    python bench/bench_requests.py --cold --seconds 900             # 200 never joined, never resolved

Both programs run as the operator runs them: `monitor sandbox --load CHANNELS:RATE:SECONDS` (strict, its
default quotas; every answered request recorded with `--record-requests`) and `monitor run` on the config
the sandbox writes, with its `[schedule]` table removed so the daemon runs at default settings. The rate
is 18 posts per channel-hour. Printed: requests per channel-hour in the steady window (from
`--steady-after` seconds to the end of the load) by method, the busiest minute, FLOOD_WAIT answers,
and posts published but not in the archive at the end (history included). With `--cold` the channels
are neither joined nor known: printed instead is when each channel became watched (resolved) and joined,
and what was still pending at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

POSTS_PER_CHANNEL_HOUR = 18
SENDS = {"messages.sendMessage", "messages.editMessage", "messages.sendMedia", "messages.forwardMessages"}
DRAIN_SECONDS = 30  # after the load: what was published last reaches the archive


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--channels", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=600, help="how long the load publishes")
    parser.add_argument("--steady-after", type=int, default=300, help="start of the steady window (s)")
    parser.add_argument("--cold", action="store_true", help="channels never joined and never resolved")
    parser.add_argument("--keep", type=Path, help="keep the run's files in this directory")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    monitor = str(Path(sys.executable).with_name("monitor"))
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench_requests_"))
    work.mkdir(parents=True, exist_ok=True)
    run(monitor, work, args)


def run(monitor: str, work: Path, args: argparse.Namespace) -> None:
    rate = args.channels * POSTS_PER_CHANNEL_HOUR / 3600
    load = f"{args.channels}:{rate:g}:{args.seconds}"
    command = [monitor, "sandbox", "--load", load, "--port", "0", "--seed", str(args.seed)]
    command += ["--record-posts", str(work / "posts.jsonl"), "--record-requests", str(work / "req.jsonl")]
    command += ["--write-config", str(work / "monitor.toml")] + (["--not-joined"] if args.cold else [])
    with open(work / "sandbox.err", "w") as errors:
        sandbox = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True)
    if not sandbox.stdout or not sandbox.stdout.readline():
        sys.exit(f"the sandbox did not start: {(work / 'sandbox.err').read_text()[-300:]}")
    config = work / "monitor.toml"
    config.write_text(without_schedule(config.read_text()))
    started = time.time()
    with open(work / "daemon.out", "w") as out:
        daemon = subprocess.Popen(
            [monitor, "run", "--config", str(config), "--archive", str(work / "archive.db"), "--log-json"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        time.sleep(args.seconds + DRAIN_SECONDS)
        stop(daemon, 30)
    stop(sandbox, 10)
    requests = read_jsonl(work / "req.jsonl")
    lost, published, unread, history = lost_posts(monitor, work, started)
    kind = "cold: never joined, never resolved" if args.cold else "all joined"
    print(f"load {load} ({kind}), files in {work}")
    print(f"live posts lost: {lost} of {published}; history not read yet: {unread} of {history}")
    floods = [r for r in requests if str(r.get("outcome", "")).startswith("FLOOD_WAIT")]
    print(f"FLOOD_WAIT answers: {len(floods)} {Counter(r['method'] for r in floods).most_common()}")
    reader = Counter(r["account"] for r in requests if r["method"] not in SENDS).most_common(1)[0][0]
    mine = [r for r in requests if r["account"] == reader]
    if args.cold:
        report_cold(work / "daemon.out", started, mine, args)
    else:
        report_steady(mine, args)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The JSON objects of a file, one a line; other lines (a library's plain log line) are skipped."""
    records = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return records


def without_schedule(text: str) -> str:
    """The written config without its [schedule] table: the daemon's defaults apply."""
    return re.sub(r"\n\[schedule\]\n(?:[^\[\n][^\n]*\n|\n)*", "\n", text)


def stop(process: subprocess.Popen[bytes] | subprocess.Popen[str], seconds: float) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(seconds)
    except subprocess.TimeoutExpired:
        process.kill()


def lost_posts(monitor: str, work: Path, started: float) -> tuple[int, int, int, int]:
    """Live posts (published during the load) and history posts (older) missing from the archive."""
    exported = subprocess.run(
        [monitor, "export", "--archive", str(work / "archive.db"), "--format", "jsonl"],
        capture_output=True,
        text=True,
        check=True,
    )
    stored = set()
    for line in exported.stdout.splitlines():
        row = json.loads(line)
        stored.add((str(row.get("channel_username", "")).lower(), int(row["message_id"])))
    published = [p for p in read_jsonl(work / "posts.jsonl") if p.get("event") == "post"]
    missing = [p for p in published if (str(p["channel"]).lower(), int(p["message_id"])) not in stored]
    live = [p for p in published if datetime.fromisoformat(p["date"]).timestamp() >= started - 60]
    live_missing = [p for p in missing if datetime.fromisoformat(p["date"]).timestamp() >= started - 60]
    return len(live_missing), len(live), len(missing) - len(live_missing), len(published) - len(live)


def report_steady(requests: list[dict[str, object]], args: argparse.Namespace) -> None:
    start = min(float(r["ts"]) for r in requests)  # type: ignore[arg-type]
    window = [r for r in requests if start + args.steady_after <= float(r["ts"]) < start + args.seconds]  # type: ignore[arg-type]
    hours = (args.seconds - args.steady_after) / 3600
    per_channel_hour = len(window) / args.channels / hours
    print(
        f"steady window {args.steady_after}-{args.seconds} s: {len(window)} requests = "
        f"{per_channel_hour:.2f} per channel-hour"
    )
    for method, count in Counter(r["method"] for r in window).most_common():
        print(f"  {method:32} {count:6}  {count / args.channels / hours:.2f} per channel-hour")
    minutes = Counter(int(float(r["ts"]) - start) // 60 for r in requests)  # type: ignore[arg-type]
    busiest = max(minutes.items(), key=lambda item: item[1])
    steady_minutes = {
        m: c for m, c in minutes.items() if m * 60 >= args.steady_after and m * 60 < args.seconds
    }
    print(f"busiest minute overall: minute {busiest[0]} with {busiest[1]} requests (the first start)")
    if steady_minutes:
        print(f"busiest steady minute: {max(steady_minutes.values())} requests")
    print(
        f"all requests of the reader: {len(requests)} {Counter(r['method'] for r in requests).most_common(6)}"
    )


def report_cold(
    log: Path, started: float, requests: list[dict[str, object]], args: argparse.Namespace
) -> None:
    """When channels became watched and joined (from the daemon's log), and the flood waits it met."""
    events: dict[str, list[float]] = {"channel_resolved": [], "channel_joined": [], "flood_wait": []}
    for record in read_jsonl(log):
        if record.get("event") in events:
            moment = datetime.fromisoformat(str(record["ts"]).replace("Z", "+00:00")).timestamp()
            events[record["event"]].append(moment - started)
    for name, times in events.items():
        print(
            f"{name}: {len(times)} of {args.channels}"
            + (f", the last at {max(times):.0f} s" if times else "")
        )
    print(f"requests of the reader: {len(requests)} {Counter(r['method'] for r in requests).most_common(8)}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()

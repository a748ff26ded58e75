"""The daemon in its own process against a running sandbox, for the daemon benchmarks.

The benchmarks start this file as a child process (`python bench/daemon_host.py`) and write one JSON
line on its stdin: the sandbox's ready line, the archive path and the daemon settings. The child builds
the same in-memory config as `monitor demo` (no secrets are written to disk), runs the real `Daemon`,
prints `{"ready": true}` once it is ready and stops on SIGTERM like `monitor run`. Running it apart
keeps the sandbox's work out of the daemon's process, so its CPU and memory are the daemon's alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import signal
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from types import SimpleNamespace

READY_SECONDS = 120.0
STOP_SECONDS = 30.0
PROBLEM_LEVELS = frozenset({"warning", "error", "critical"})
KV_LEVEL = re.compile(r"(?:^|\s)level=(\w+)")


@dataclass(frozen=True)
class DaemonSettings:
    """What the benchmark varies: alert pacing, backfill of new channels and the scheduled jobs."""

    per_minute: int = 20
    burst: int = 3
    digest_after: int = 5
    backfill: int | None = 50
    reconcile_seconds: float = 60.0
    heartbeat_seconds: float = 30.0
    log_level: str = "INFO"


class DaemonProcess:
    """A started daemon child; `rss_kb()` reads its resident memory, `stop()` sends SIGTERM and waits."""

    def __init__(self, process: asyncio.subprocess.Process, log_path: Path) -> None:
        self.process = process
        self.log_path = log_path

    @property
    def pid(self) -> int:
        return self.process.pid

    @classmethod
    async def start(
        cls, ready_line: dict[str, object], archive: Path, settings: DaemonSettings
    ) -> DaemonProcess:
        """Start the child and return once its daemon is ready (or raise with the tail of its log)."""
        log_path = archive.with_suffix(".log")
        with log_path.open("wb") as log_file:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                str(Path(__file__)),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=log_file,
            )
        daemon = cls(process, log_path)
        assert process.stdin is not None and process.stdout is not None
        request = {"access": ready_line, "archive": str(archive), "settings": asdict(settings)}
        process.stdin.write(json.dumps(request).encode() + b"\n")
        await process.stdin.drain()
        try:
            line = await asyncio.wait_for(process.stdout.readline(), READY_SECONDS)
        except TimeoutError:
            line = b""
        if not line.startswith(b'{"ready"'):
            await daemon.stop()
            tail = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise RuntimeError(f"the daemon did not become ready; its log ends with:\n{tail}")
        return daemon

    def rss_kb(self) -> int:
        """VmRSS of the child from /proc (0 once it has exited)."""
        return proc_status_kb(self.pid, "VmRSS")

    def peak_rss_kb(self) -> int:
        """VmHWM, the child's peak resident size so far (0 once it has exited)."""
        return proc_status_kb(self.pid, "VmHWM")

    async def stop(self) -> int:
        """SIGTERM, then the daemon's own bounded shutdown; SIGKILL only if that bound is missed."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), STOP_SECONDS)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        return self.process.returncode or 0


def proc_status_kb(pid: int, field: str) -> int:
    """A size in KiB as the kernel reports it in /proc/PID/status (VmRSS, VmHWM ...)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def print_result(result: dict[str, object], *, as_json: bool, target: str) -> None:
    """One JSON line for scripts, or an aligned table with the target last for people."""
    if as_json:
        print(json.dumps(result))
        return
    width = max(len(key) for key in [*result, "target"])
    for key, value in result.items():
        print(f"{key:>{width}}: {value}")
    print(f"{'target':>{width}}: {target}")


def error_lines(log_path: Path) -> list[str]:
    """Warnings and errors the daemon logged, and tracebacks it printed (a clean benchmark run has none)."""
    text = log_path.read_text(encoding="utf-8", errors="replace")
    return [
        line
        for line in text.splitlines()
        if log_level(line) in PROBLEM_LEVELS or line.startswith("Traceback (most recent call last)")
    ]


def log_level(line: str) -> str:
    """The level of one line as `monitor.logs` writes it, key=value (`level=warning`) or JSON
    (`"level": "warning"`); "" for a line that is neither."""
    if line.startswith("{"):
        try:
            payload = json.loads(line)
        except json.JSONDecodeError:
            return ""
        return str(payload.get("level", "")).lower() if isinstance(payload, dict) else ""
    # `level` comes second, after `ts`, so the first match is the record's own level, not a field's text.
    found = KV_LEVEL.search(line)
    return found.group(1).lower() if found else ""


async def _serve(request: dict[str, object]) -> None:
    from monitor.config import AlertPolicy, ScheduleSettings
    from monitor.daemon import Daemon, install_signal_handlers, quiet_library_logs
    from monitor.demo import sandbox_config
    from monitor.logs import setup_logging

    settings = DaemonSettings(**request["settings"])  # type: ignore[arg-type]
    setup_logging(settings.log_level)
    quiet_library_logs()
    access = dict(request["access"])  # type: ignore[call-overload]
    access["channels"] = tuple(access["channels"])
    config = sandbox_config(
        SimpleNamespace(**access),  # type: ignore[arg-type]
        Path(str(request["archive"])),
        backfill=settings.backfill,
        alerts=AlertPolicy(
            per_minute=settings.per_minute,
            burst=settings.burst,
            digest_after=settings.digest_after,
            quiet_hours=None,
            muted=(),
            summary="off",
        ),
        schedule=ScheduleSettings(
            settings.reconcile_seconds,
            (1.0, 24.0),
            settings.heartbeat_seconds,
        ),
    )
    stop = asyncio.Event()
    install_signal_handlers(stop)
    daemon = Daemon(config)
    task = asyncio.create_task(daemon.run(stop))
    ready = asyncio.create_task(daemon.ready.wait())
    await asyncio.wait({task, ready}, return_when=asyncio.FIRST_COMPLETED)
    if ready.done():
        sys.stdout.write(json.dumps({"ready": True}) + "\n")
        sys.stdout.flush()
    else:
        ready.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ready
    await task


if __name__ == "__main__":
    asyncio.run(_serve(json.loads(sys.stdin.readline())))

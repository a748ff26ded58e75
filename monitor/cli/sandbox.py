"""`monitor sandbox`: a local Telegram server that plain Telethon clients and the monitor can use."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from monitor.logs import log_event, setup_logging
from monitor.sandbox import strictness
from monitor.sandbox.config_file import write_monitor_config
from monitor.sandbox.faults import Faults, FaultSpecError, parse_faults
from monitor.sandbox.scenario import (
    Scenario,
    ScenarioError,
    builtin_demo,
    load_scenario,
)
from monitor.sandbox.server import RunningSandbox, start_sandbox
from monitor.sandbox.strictness import Strictness
from monitor.sandbox.synthetic_load import load_scenario_for

log = logging.getLogger("monitor.sandbox")
DEFAULT_PORT = 4430
OUT_FILE = click.Path(dir_okay=False, path_type=Path)


@dataclass(frozen=True)
class ServeSettings:
    host: str
    port: int
    record_posts: Path | None
    record_chat: Path | None
    record_requests: Path | None
    seed: int
    write_config: Path | None
    strictness: Strictness


def _load_spec(spec: str, seed: int) -> Scenario:
    """CHANNELS:RATE:SECONDS -> the seeded synthetic load scenario."""
    try:
        channels, rate, seconds = spec.split(":")
        return load_scenario_for(int(channels), float(rate), float(seconds), seed)
    except ValueError as exc:
        problem = f"expected CHANNELS:RATE:SECONDS, e.g. 10:8:70 ({exc})"
        raise click.BadParameter(problem, param_hint="--load") from None


def _scenario(scenario_file: Path | None, demo: bool, load_spec: str | None, seed: int) -> Scenario:
    given = (("--scenario", scenario_file), ("--demo", demo), ("--load", load_spec))
    chosen = [name for name, value in given if value]
    if len(chosen) > 1:
        raise click.UsageError(f"choose one of --scenario, --demo and --load (got {' and '.join(chosen)})")
    if scenario_file is not None:
        return load_scenario(scenario_file)
    if load_spec is not None:
        return _load_spec(load_spec, seed)
    return builtin_demo()


def _faults(scenario: Scenario, spec: str | None) -> Faults | None:
    """The scenario's faults plus the command line's (None: the scenario's alone)."""
    if spec is None:
        return None
    try:
        return parse_faults(scenario.faults).merged(parse_faults(spec))
    except FaultSpecError as exc:
        raise click.BadParameter(str(exc), param_hint="--faults") from None


async def _serve(scenario: Scenario, faults: Faults | None, settings: ServeSettings) -> None:
    """Start, announce readiness on stdout, run until SIGINT/SIGTERM, stop cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        running = await start_sandbox(
            scenario,
            host=settings.host,
            port=settings.port,
            faults=faults,
            record_posts=settings.record_posts,
            record_chat=settings.record_chat,
            record_requests=settings.record_requests,
            seed=settings.seed,
            strictness=settings.strictness,
        )
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {settings.host}:{settings.port}: {exc}") from None
    try:
        if settings.write_config is not None:
            _write_config(settings.write_config, running)
        sys.stdout.write(json.dumps(running.ready_line(), ensure_ascii=False) + "\n")
        sys.stdout.flush()
        relaxed = settings.strictness == strictness.relaxed()
        log_event(
            log,
            "sandbox_ready",
            scenario=scenario.name,
            host=running.host,
            port=running.port,
            relaxed=relaxed,
        )
        await stop.wait()
    finally:
        await running.stop()
        log_event(log, "sandbox_stopped", **dict(running.server.counters))


def _write_config(path: Path, running: RunningSandbox) -> None:
    try:
        written = write_monitor_config(path, running)
    except OSError as exc:
        raise click.ClickException(f"cannot write the config {path}: {exc}") from None
    log_event(log, "config_written", files=",".join(str(p) for p in written))


@click.command("sandbox")
@click.option(
    "--scenario",
    "scenario_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Scenario file (TOML, see docs/sandbox.md).",
)
@click.option("--demo", is_flag=True, help="The built-in demo scenario (the default).")
@click.option(
    "--load", "load_spec", metavar="CHANNELS:RATE:SECONDS", help="Seeded synthetic load, e.g. 10:8:70."
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(0, 65535), help="0: any free port."
)
@click.option(
    "--faults", "faults_spec", metavar="SPEC", help='Faults to inject, e.g. "drop=every:10,withhold=0.1".'
)
@click.option("--record-posts", type=OUT_FILE, help="Record published posts, edits, deletions (JSON lines).")
@click.option("--record-chat", type=OUT_FILE, help="Record what clients send or edit in chats (JSON lines).")
@click.option(
    "--record-requests",
    type=OUT_FILE,
    help="Record every API request answered: ts, account, method, outcome (JSON lines).",
)
@click.option("--seed", default=0, show_default=True, type=int, help="Seed for load and faults.")
@click.option(
    "--write-config",
    type=OUT_FILE,
    help="Also write a monitor config (and 0600 secret files beside it) for this sandbox.",
)
@click.option(
    "--not-joined",
    is_flag=True,
    help="The user starts as a member of none of the channels (a first start); default: of those the "
    "scenario marks joined, which for --load and --demo is all of them.",
)
@click.option(
    "--relaxed",
    is_flag=True,
    help="Switch off Telegram's limits (quotas and flood waits, the channel cap, the duplicate-key rule).",
)
@click.option(
    "--accounts",
    default=1,
    show_default=True,
    type=click.IntRange(1, 50),
    help="User accounts reading the channels, each with its own session, hashes, memberships and quotas; "
    "the joined channels are shared out among them in turn, and --write-config names one worker each.",
)
@click.option(
    "--members",
    default=1,
    show_default=True,
    type=click.IntRange(1, 50),
    help="How many of the --accounts have joined each channel (2: a worker's channels have another member).",
)
@click.option("--log-level", default="INFO", show_default=True, help="DEBUG, INFO, WARNING or ERROR.")
def sandbox(
    scenario_file: Path | None,
    demo: bool,
    load_spec: str | None,
    host: str,
    port: int,
    faults_spec: str | None,
    record_posts: Path | None,
    record_chat: Path | None,
    record_requests: Path | None,
    seed: int,
    write_config: Path | None,
    not_joined: bool,
    relaxed: bool,
    accounts: int,
    members: int,
    log_level: str,
) -> None:
    """Run a local Telegram server for tests and trials: channels, an analyst chat, a live feed, faults.

    Once it accepts connections it prints one JSON line on stdout (host, port, rsa_public_key,
    user_session, bot_session, analyst_chat_id, channels ...), then serves until SIGINT/SIGTERM.
    It is as strict as Telegram (per-account quotas with escalating flood waits, join pacing, the
    500-channel cap, per-account access hashes) unless --relaxed; see docs/sandbox.md.

    \b
    Examples:
      monitor sandbox --demo --port 4430
      monitor sandbox --load 10:8:70 --port 0 --record-posts posts.jsonl --write-config sandbox.toml
      monitor sandbox --load 200:1:240 --record-requests requests.jsonl
      monitor sandbox --scenario my.toml --faults "flood=messages.getHistory:5:0.2,drop=every:30"
      monitor sandbox --load 200:1:600 --not-joined --faults "auth=revoked:60"
      monitor sandbox --load 1200:2:600 --accounts 3 --write-config fleet.toml
    """
    setup_logging(log_level)
    try:
        scenario = _scenario(scenario_file, demo, load_spec, seed)
    except ScenarioError as exc:
        raise click.UsageError(str(exc)) from None
    if not_joined:
        scenario = scenario.not_joined()
    if members > accounts:
        raise click.BadParameter(f"at most --accounts ({accounts})", param_hint="--members")
    scenario = scenario.with_accounts(accounts, members)
    faults = _faults(scenario, faults_spec)
    rules = strictness.relaxed() if relaxed else strictness.Strictness()
    settings = ServeSettings(
        host, port, record_posts, record_chat, record_requests, seed, write_config, rules
    )
    asyncio.run(_serve(scenario, faults, settings))


COMMANDS = [sandbox]

"""`monitor demo`: the built-in sandbox scenario and the real daemon on a temporary archive, in one process.

The terminal shows each alert as the analyst chat receives it (read back from the sandbox's chat, where
Telethon has already turned the HTML into text and entities), then a summary. No Telegram account is
needed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from monitor.analysis import DEFAULT_CONFLICTS
from monitor.config import (
    AlertPolicy,
    AnalysisSettings,
    AnalystSettings,
    ChannelSettings,
    Config,
    ReadingSettings,
    ScheduleSettings,
    Secret,
    ServerSettings,
    TelegramSettings,
    parse_channel_ref,
)
from monitor.daemon import Daemon
from monitor.sandbox.config_file import SANDBOX_API_ID
from monitor.sandbox.config_tl import SANDBOX_DC

if TYPE_CHECKING:
    from monitor.sandbox.world import World

POLL_SECONDS = 0.2


class SandboxAccess(Protocol):
    """What a client needs to use a running sandbox (`RunningSandbox` has it; so does its ready line)."""

    host: str
    port: int
    rsa_public_key: str
    user_session: str
    bot_session: str | None
    analyst_chat_id: int
    channels: tuple[str, ...]


def sandbox_config(
    access: SandboxAccess,
    archive: Path,
    *,
    backfill: int | None = 50,
    schedule: ScheduleSettings | None = None,
    alerts: AlertPolicy | None = None,
    admins: tuple[int, ...] = (),
    reading: ReadingSettings | None = None,
) -> Config:
    """A complete daemon config for a sandbox, built in memory (no secrets are written anywhere)."""
    telegram = TelegramSettings(
        api_id=SANDBOX_API_ID,
        api_hash=Secret("sandbox"),
        session=Secret(access.user_session),
        bot_token=None,
        bot_session=Secret(access.bot_session) if access.bot_session else None,
        server=ServerSettings(access.host, access.port, SANDBOX_DC, access.rsa_public_key),
    )
    channels = tuple(
        ChannelSettings(f"@{name}", backfill, None, False, parse_channel_ref(name))
        for name in access.channels
    )
    return Config(
        path=archive.with_suffix(".toml"),
        telegram=telegram,
        archive_path=archive,
        analyst=AnalystSettings(access.analyst_chat_id, admins),
        channels=channels,
        analysis=AnalysisSettings(DEFAULT_CONFLICTS, "langdetect"),
        alerts=alerts or AlertPolicy(20, 3, 5, None, (), "off"),
        schedule=schedule or ScheduleSettings(10.0, (1.0, 24.0), 5.0),
        reading=reading or ReadingSettings(),
    )


@dataclass(frozen=True, slots=True)
class DemoSummary:
    posts_stored: int
    alerts_sent: int
    messages_in_chat: int
    channels: list[str]

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


async def run_demo(workdir: Path, duration: float, show: Callable[[str], None]) -> DemoSummary:
    """Start the demo sandbox and the daemon, show chat messages as they arrive, stop after `duration`."""
    from monitor.sandbox.scenario import builtin_demo
    from monitor.sandbox.server import start_sandbox

    sandbox = await start_sandbox(builtin_demo(), host="127.0.0.1", port=0)
    try:
        daemon = Daemon(sandbox_config(sandbox, workdir / "demo.db"))
        stop = asyncio.Event()
        task = asyncio.create_task(daemon.run(stop))
        shown = await _watch_chat(sandbox.world, task, duration, show)
        stats = await daemon.store.stats()
        stop.set()
        await task
    finally:
        await sandbox.stop()
    alerts = dict(stats["alerts"])  # type: ignore[call-overload]
    return DemoSummary(int(stats["posts"]), int(alerts.get("sent", 0)), shown, list(sandbox.channels))


async def _watch_chat(
    world: World, task: asyncio.Task[None], duration: float, show: Callable[[str], None]
) -> int:
    """Print every message the monitor sends or edits in the analyst chat until the demo ends."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + duration
    seen: dict[int, str] = {}
    own = {world.bot.id, world.user.id}
    while loop.time() < deadline and not task.done():
        for message in world.chat_messages():
            if message.sender_id not in own or seen.get(message.message_id) == message.text:
                continue
            label = "edited in the analyst chat" if message.message_id in seen else "to the analyst chat"
            seen[message.message_id] = message.text
            show(f"── #{message.message_id} {label} ──\n{message.text}\n")
        await asyncio.sleep(POLL_SECONDS)
    if task.done():
        task.result()
    return len(seen)

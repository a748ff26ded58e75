"""The sandbox's limits, as strict as Telegram's: per-account quotas with escalating flood waits, the
tightest quota on resolving, join pacing and the channel cap, and the switches that relax them
(`--relaxed`, `strictness.relaxed()`), through the real Telethon client and the command line."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from telethon import TelegramClient
from telethon import functions as fn
from telethon.crypto import rsa
from telethon.errors import ChannelsTooMuchError, FloodWaitError, RandomIdDuplicateError
from telethon.sessions import StringSession

from monitor.sandbox import strictness
from monitor.sandbox.quotas import QuotaBook
from monitor.sandbox.scenario import ChannelSpec, Scenario
from monitor.sandbox.strictness import DAY, DEFAULT_QUOTAS, ESCALATION, HOUR, Quota, Window
from tests.support import (
    ASIDE,
    WIRE,
    Connect,
    StartSandbox,
    input_channel_of,
    read_records,
    strict_scenario,
)


async def test_joins_stop_at_the_channel_cap(start_sandbox_for: StartSandbox, connect: Connect):
    running = await start_sandbox_for(strict_scenario())
    world = running.world
    world.strictness = replace(world.strictness, channels_limit=world.memberships(running.user_id))
    client = await connect(running, running.user_session)
    with pytest.raises(ChannelsTooMuchError):
        await client(fn.channels.JoinChannelRequest(input_channel_of(running, ASIDE)))
    assert running.user_id not in world.channel(ASIDE.id).members


# ------------------------------------------------------------------ quotas


def test_a_quota_refuses_the_call_past_its_window_and_escalates_on_repeat():
    quota = Quota("reads", ("messages.getHistory",), (Window(3, 10.0),))
    book = QuotaBook((quota,), ESCALATION)
    assert [book.charge(1, "messages.getHistory", t) for t in (0.0, 0.1, 0.2)] == [None, None, None]
    first = book.charge(1, "messages.getHistory", 0.3)
    assert first == 10  # the window frees its first slot 9.7 s later; never below the first rung
    assert book.charge(1, "messages.getHistory", 5.0) == 6  # during the wait: the seconds left
    assert book.charge(2, "messages.getHistory", 5.0) is None  # another account has its own quota
    assert book.charge(1, "channels.getMessages", 5.0) is None  # another method is not limited here
    assert [book.charge(1, "messages.getHistory", t) for t in (11.0, 11.1, 11.2)] == [None, None, None]
    assert book.charge(1, "messages.getHistory", 11.3) == ESCALATION[1]  # the repeat climbs the ladder
    later = 11.3 + ESCALATION[1]
    for step in range(3):
        assert book.charge(1, "messages.getHistory", later + step) is None
    assert book.charge(1, "messages.getHistory", later + 3) == ESCALATION[2]


def test_the_daily_quota_waits_until_the_oldest_call_is_a_day_old():
    quota = Quota("daily", ("contacts.resolveUsername",), (Window(2, DAY),), escalates=False)
    book = QuotaBook((quota,), ESCALATION)
    assert book.charge(7, "contacts.resolveUsername", 100.0) is None
    assert book.charge(7, "contacts.resolveUsername", 200.0) is None
    assert book.charge(7, "contacts.resolveUsername", 300.0) == DAY - 200
    assert book.charge(7, "contacts.resolveUsername", 100.0 + DAY) is None


def test_default_quotas_fit_an_official_like_client_and_stop_a_minute_poller():
    """Simulated hours against the default quotas: 500 channels at 3 requests per channel-hour, spread
    evenly, never meet a wait; 50 channels polled with getHistory every minute do."""
    official = QuotaBook(DEFAULT_QUOTAS, ESCALATION)
    methods = ("messages.getPeerDialogs", "updates.getChannelDifference", "messages.getHistory")
    calls = 500 * 3
    refused = [
        official.charge(1, methods[n % 3], n * HOUR / calls)
        for n in range(calls * 2)  # two hours
    ]
    assert not any(refused)
    poller = QuotaBook(DEFAULT_QUOTAS, ESCALATION)
    waits = [
        poller.charge(1, "messages.getHistory", minute * 60 + c * 0.2)
        for minute in range(60)
        for c in range(50)
    ]
    assert any(waits)


async def test_a_client_polling_history_too_fast_is_flood_waited_and_telethon_holds_back(
    start_sandbox_for: StartSandbox, connect: Connect, tmp_path: Path
):
    record = tmp_path / "requests.jsonl"
    running = await start_sandbox_for(strict_scenario(), record_requests=record)
    client = await connect(running, running.user_session, flood_sleep_threshold=0)
    channel = await client.get_input_entity(WIRE.username)
    with pytest.raises(FloodWaitError) as caught:
        for _ in range(100):
            await client.get_messages(channel, limit=1)
    assert caught.value.seconds >= ESCALATION[0]
    with pytest.raises(FloodWaitError):  # Telethon refuses locally during the wait, without sending
        await client.get_messages(channel, limit=1)
    answered = [r for r in read_records(record) if r["method"] == "messages.getHistory"]
    assert [r["outcome"] for r in answered].count("ok") == 30
    assert answered[-1]["outcome"] == f"FLOOD_WAIT_{caught.value.seconds}"
    relaxed = await start_sandbox_for(strict_scenario(), relaxed=True)
    free = await connect(relaxed, relaxed.user_session, flood_sleep_threshold=0)
    for _ in range(100):
        await free.get_messages(WIRE.username, limit=1)


async def test_resolving_usernames_back_to_back_meets_the_tightest_quota(
    start_sandbox_for: StartSandbox, connect: Connect
):
    running = await start_sandbox_for(strict_scenario())
    client = await connect(running, running.user_session, flood_sleep_threshold=0)
    names = [WIRE.username, ASIDE.username] * 3
    with pytest.raises(FloodWaitError):
        for name in names:
            await client(fn.contacts.ResolveUsernameRequest(name))


async def test_joining_in_bulk_is_paced(start_sandbox_for: StartSandbox, connect: Connect):
    channels = tuple(
        ChannelSpec(id=1400000100 + i, username=f"bulk_feed_{i}", title=f"Bulk {i}", joined=False)
        for i in range(8)
    )
    running = await start_sandbox_for(Scenario(name="bulk", channels=channels))
    client = await connect(running, running.user_session, flood_sleep_threshold=0)
    joined = 0
    with pytest.raises(FloodWaitError) as caught:
        for spec in channels:
            await client(fn.channels.JoinChannelRequest(input_channel_of(running, spec)))
            joined += 1
    assert joined == 5 and caught.value.seconds >= ESCALATION[0]
    assert running.world.memberships(running.user_id) == 5 + 1  # and the analyst chat


# ------------------------------------------------------------------ the command line

DEADLINE = 20.0


async def run_command(tmp_path: Path, *options: str) -> tuple[list[int], list[dict]]:
    """Start `monitor sandbox --load 3:1:30` with `options`, read the user's dialogs, make 40 history
    calls, stop it; returns the dialog channel ids and the request record."""
    record = tmp_path / f"requests{len(options)}.jsonl"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "monitor", "sandbox", "--load", "3:1:30", "--port", "0",
        "--record-requests", str(record), *options,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        ready = json.loads(await asyncio.wait_for(process.stdout.readline(), DEADLINE))
        rsa.add_key(ready["rsa_public_key"], old=False)
        client = TelegramClient(
            StringSession(ready["user_session"]), 1, "0" * 32, connection_retries=1, flood_sleep_threshold=0
        )
        async with client:
            dialogs = [d.entity.id for d in await client.get_dialogs()]
            channel = await client.get_input_entity(ready["channels"][0])
            with contextlib.suppress(FloodWaitError):
                for _ in range(40):
                    await client.get_messages(channel, limit=1)
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.communicate(), DEADLINE)
    assert process.returncode == 0
    return dialogs, read_records(record)


async def test_command_is_strict_with_joined_load_channels_unless_told_otherwise(tmp_path: Path):
    dialogs, record = await run_command(tmp_path)
    assert len(dialogs) == 3 + 1  # the load's channels, joined, and the analyst chat
    outcomes = [r["outcome"] for r in record if r["method"] == "messages.getHistory"]
    assert outcomes.count("ok") == 30 and outcomes[-1].startswith("FLOOD_WAIT_")
    dialogs, record = await run_command(tmp_path, "--not-joined", "--relaxed")
    assert len(dialogs) == 1  # the analyst chat only: a first start
    outcomes = [r["outcome"] for r in record if r["method"] == "messages.getHistory"]
    assert outcomes == ["ok"] * 40


async def test_relaxed_a_re_sent_random_id_is_an_error_instead_of_the_original(
    start_sandbox_for: StartSandbox, connect: Connect
):
    running = await start_sandbox_for(strict_scenario(), relaxed=True)
    bot = await connect(running, running.bot_session, request_retries=0, raise_last_call_error=True)
    chat = await bot.get_input_entity(running.analyst_chat_id)
    await bot(fn.messages.SendMessageRequest(chat, "only once", random_id=7))
    with pytest.raises(RandomIdDuplicateError):
        await bot(fn.messages.SendMessageRequest(chat, "only once", random_id=7))
    assert [m.text for m in running.world.chat_messages()] == ["only once"]


async def test_relaxing_a_running_world_lifts_quotas_and_the_duplicate_key_rule(
    start_sandbox_for: StartSandbox, connect: Connect
):
    running = await start_sandbox_for(strict_scenario())
    client = await connect(running, running.user_session, flood_sleep_threshold=0)
    with pytest.raises(FloodWaitError):
        for _ in range(40):
            await client.get_messages(WIRE.username, limit=1)
    running.world.strictness = strictness.relaxed()
    other = await connect(running, running.user_session, flood_sleep_threshold=0)  # same key, at once
    for _ in range(40):
        await other.get_messages(WIRE.username, limit=1)

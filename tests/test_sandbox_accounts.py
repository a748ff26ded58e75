"""The sandbox with several reading accounts (`--accounts N`): each its own session, access hashes,
memberships and quotas, seen through the real Telethon client; and the fleet config it writes."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from pathlib import Path

import pytest
from telethon import functions as fn
from telethon.errors import ChannelInvalidError, FloodWaitError
from telethon.tl import types

from monitor.config import load_config
from monitor.sandbox.scenario import ChannelSpec, Scenario
from tests.support import Connect, StartSandbox

CHANNELS = tuple(
    ChannelSpec(id=1500000001 + i, username=f"fleet_wire{i}", title=f"Fleet wire {i}") for i in range(4)
)


def fleet_scenario(accounts: int) -> Scenario:
    return Scenario(name="fleet", channels=CHANNELS).with_accounts(accounts)


async def joined_usernames(client) -> set[str]:
    dialogs = await client.get_dialogs()
    return {
        d.entity.username for d in dialogs if isinstance(d.entity, types.Channel) and not d.entity.megagroup
    }


async def test_two_accounts_have_their_own_hashes_memberships_and_quotas(
    start_sandbox_for: StartSandbox, connect: Connect
):
    running = await start_sandbox_for(fleet_scenario(2))
    first = await connect(running, running.user_sessions[0], flood_sleep_threshold=0)
    second = await connect(running, running.user_sessions[1], flood_sleep_threshold=0)
    assert (await first.get_me()).id == running.user_id
    assert (await second.get_me()).id == running.reader_ids[0]

    assert await joined_usernames(first) == {"fleet_wire0", "fleet_wire2"}
    assert await joined_usernames(second) == {"fleet_wire1", "fleet_wire3"}

    mine = await first.get_input_entity("fleet_wire1")
    theirs = await second.get_input_entity("fleet_wire1")
    assert mine.access_hash != theirs.access_hash
    with pytest.raises(ChannelInvalidError):  # one account's hash is no good to the other
        await second(fn.channels.GetChannelsRequest([types.InputChannel(mine.channel_id, mine.access_hash)]))

    with pytest.raises(FloodWaitError):
        for _ in range(40):
            await first.get_messages(mine, limit=1)
    for _ in range(5):  # the other account's quota is its own
        await second.get_messages(theirs, limit=1)


async def test_one_account_joins_every_channel_as_before(start_sandbox_for: StartSandbox, connect: Connect):
    running = await start_sandbox_for(fleet_scenario(1))
    client = await connect(running, running.user_session)
    assert running.user_sessions == (running.user_session,)
    assert await joined_usernames(client) == {spec.username for spec in CHANNELS}


async def test_command_with_accounts_writes_one_worker_per_account(tmp_path: Path):
    config = tmp_path / "fleet.toml"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "monitor", "sandbox", "--port", "0", "--load", "6:1:600", "--accounts", "3",
        "--write-config", str(config), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        ready = json.loads(await asyncio.wait_for(process.stdout.readline(), 30))
        settings = load_config(config)
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.communicate(), 30)
    workers = settings.fleet.workers
    assert [w.name for w in workers] == ["worker1", "worker2", "worker3"]
    assert [w.session.reveal() for w in workers] == ready["user_sessions"]
    assert len(set(ready["user_sessions"])) == 3
    assert settings.telegram.session.reveal() == ready["user_session"]  # one daemon still runs as before
    assert settings.fleet.lease_seconds <= 60


async def test_with_two_members_each_channel_is_joined_by_two_accounts(
    start_sandbox_for: StartSandbox, connect: Connect
):
    running = await start_sandbox_for(Scenario(name="fleet", channels=CHANNELS).with_accounts(3, members=2))
    third = await connect(running, running.user_sessions[2])
    assert await joined_usernames(third) == {"fleet_wire1", "fleet_wire2"}  # channels 1 and 2: i, i + 1
    world = running.world
    assert all(len(world.channels[spec.id].members) == 2 for spec in CHANNELS)

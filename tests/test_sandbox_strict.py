"""The sandbox as strict as Telegram: the request record, cheap change detection, membership, quotas,
per-account access hashes, account faults and send refusals, each against the real Telethon client."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from telethon import TelegramClient, events
from telethon import functions as fn
from telethon.crypto import rsa
from telethon.errors import (
    AuthKeyDuplicatedError,
    AuthKeyUnregisteredError,
    ChannelInvalidError,
    ChannelsTooMuchError,
    ChatWriteForbiddenError,
    FloodWaitError,
    LimitInvalidError,
    PeerFloodError,
    RandomIdDuplicateError,
    SlowModeWaitError,
    UserDeactivatedBanError,
    UsernameNotOccupiedError,
    UserNotParticipantError,
)
from telethon.sessions import StringSession
from telethon.tl import types

from monitor.sandbox.faults import Faults, FaultSpecError, parse_faults
from monitor.sandbox.quotas import QuotaBook
from monitor.sandbox.scenario import ChannelSpec, HistoryPost, PostSpec, Scenario
from monitor.sandbox.server import RunningSandbox
from monitor.sandbox.strictness import DAY, DEFAULT_QUOTAS, ESCALATION, HOUR, Quota, Window
from tests.support import Connect, StartSandbox, until

WIRE = ChannelSpec(id=1400000001, username="strict_wire", title="Strict wire")
ASIDE = ChannelSpec(id=1400000002, username="strict_aside", title="Strict aside", joined=False)


def strict_scenario(posts: int = 5) -> Scenario:
    """A joined channel with a few posts a minute apart and a public channel the user has not joined."""
    history = tuple(
        HistoryPost(ago=600.0 - i * 60, post=PostSpec(channel_id=WIRE.id, text=f"wire item {i + 1}"))
        for i in range(posts)
    )
    return Scenario(name="strict", channels=(WIRE, ASIDE), history=history)


def read_records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def collect(client: TelegramClient, event: object) -> list:
    """Every event of that kind the client dispatches, in order."""
    seen: list = []

    async def on_event(ev: object) -> None:
        seen.append(ev)

    client.add_event_handler(on_event, event)
    return seen


# ------------------------------------------------------------------ the request record


async def test_every_answered_request_is_recorded_with_its_innermost_method_and_outcome(
    start_sandbox_for: StartSandbox, connect: Connect, tmp_path: Path
):
    record = tmp_path / "requests.jsonl"
    running = await start_sandbox_for(strict_scenario(), record_requests=record)
    client = await connect(running, running.user_session)
    await client.get_messages("strict_wire", limit=3)
    with pytest.raises(UsernameNotOccupiedError):
        await client(fn.contacts.ResolveUsernameRequest("nobody_here_at_all"))
    await running.stop()
    lines = read_records(record)
    assert {tuple(sorted(r)) for r in lines} == {("account", "method", "outcome", "ts")}
    by_method = {(r["method"], r["outcome"]) for r in lines}
    assert ("messages.getHistory", "ok") in by_method
    assert ("contacts.resolveUsername", "USERNAME_NOT_OCCUPIED") in by_method
    assert not any(r["method"].startswith(("invokeWith", "initConnection")) for r in lines)
    assert {r["account"] for r in lines} == {str(running.user_id)}
    assert all(isinstance(r["ts"], float | int) and r["ts"] > 1.7e9 for r in lines)


# ------------------------------------------------------------------ cheap change detection


def input_channel_of(
    running: RunningSandbox, spec: ChannelSpec, account: int | None = None
) -> types.InputChannel:
    """The channel as `account` (the user by default) addresses it, with that account's access hash."""
    state = running.world.channel(spec.id)
    viewer = running.user_id if account is None else account
    return types.InputChannel(state.id, running.world.access_hash_of(state, viewer))


def dialog_peer(channel: types.InputChannel) -> types.InputDialogPeer:
    return types.InputDialogPeer(types.InputPeerChannel(channel.channel_id, channel.access_hash))


async def test_peer_dialogs_tell_in_one_call_which_joined_channels_moved(
    start_sandbox_for: StartSandbox, connect: Connect
):
    running = await start_sandbox_for(strict_scenario())
    client = await connect(running, running.user_session)
    peers = [dialog_peer(input_channel_of(running, spec)) for spec in (WIRE, ASIDE)]
    before = await client(fn.messages.GetPeerDialogsRequest(peers))
    assert [(d.peer.channel_id, d.top_message) for d in before.dialogs] == [(WIRE.id, 5)]
    assert before.dialogs[0].pts == running.world.channel(WIRE.id).pts
    new_id = await running.world.publish(WIRE.username, "something moved")
    after = await client(fn.messages.GetPeerDialogsRequest(peers))
    assert after.dialogs[0].top_message == new_id and after.dialogs[0].pts == before.dialogs[0].pts + 1
    assert [m.id for m in after.messages] == [new_id]
    with pytest.raises(LimitInvalidError):
        await client(fn.messages.GetPeerDialogsRequest(peers * 51))


async def test_a_long_gap_comes_back_in_slices_that_telethon_follows(
    start_sandbox_for: StartSandbox, connect: Connect, tmp_path: Path
):
    record = tmp_path / "requests.jsonl"
    running = await start_sandbox_for(strict_scenario(), record_requests=record)
    client = await connect(running, running.user_session)
    seen = collect(client, events.NewMessage(chats=WIRE.username))
    await client.get_dialogs()
    world = running.world
    world.faults = parse_faults("withhold=1")
    for n in range(150):
        await world.publish(WIRE.username, f"withheld {n}")
    world.faults = Faults()
    await world.publish(WIRE.username, "reveals the gap")
    await until(lambda: len(seen) == 151, "every withheld post through sliced differences")
    slices = [r for r in read_records(record) if r["method"] == "updates.getChannelDifference"]
    assert len(slices) >= 2 and all(r["outcome"] == "ok" for r in slices)


async def test_a_client_too_far_behind_is_told_to_refetch_recent_history(
    start_sandbox_for: StartSandbox, connect: Connect
):
    running = await start_sandbox_for(strict_scenario())
    world = running.world
    world.strictness = replace(world.strictness, difference_window=20)
    client = await connect(running, running.user_session)
    channel = input_channel_of(running, WIRE)
    start = world.channel(WIRE.id).pts
    for n in range(30):
        await world.publish(WIRE.username, f"while away {n}")

    def difference(pts: int) -> fn.updates.GetChannelDifferenceRequest:
        return fn.updates.GetChannelDifferenceRequest(channel, types.ChannelMessagesFilterEmpty(), pts, 100)

    too_long = await client(difference(start))
    assert isinstance(too_long, types.updates.ChannelDifferenceTooLong)
    assert too_long.dialog.pts == world.channel(WIRE.id).pts and len(too_long.messages) == 20
    near = await client(difference(start + 25))
    assert isinstance(near, types.updates.ChannelDifference) and near.final and len(near.new_messages) == 5


# ------------------------------------------------------------------ membership


async def test_updates_are_pushed_only_while_the_account_has_joined_the_channel(
    start_sandbox_for: StartSandbox, connect: Connect
):
    running = await start_sandbox_for(strict_scenario())
    world = running.world
    client = await connect(running, running.user_session)
    aside, wire = (
        collect(client, events.NewMessage(chats=ASIDE.id)),
        collect(client, events.NewMessage(chats=WIRE.id)),
    )
    await client.get_dialogs()

    async def publish_both(text: str) -> None:
        """A post in the aside channel, then one in the wire: once the wire's is in, the aside's would be."""
        await world.publish(ASIDE.username, text)
        expected = len(wire) + 1
        await world.publish(WIRE.username, text)
        await until(lambda: len(wire) == expected, f"the wire post {text!r}")

    await publish_both("before joining")
    assert aside == []
    joined = await client(fn.channels.JoinChannelRequest(input_channel_of(running, ASIDE)))
    assert not joined.chats[0].left and running.user_id in world.channel(ASIDE.id).members
    await publish_both("while joined")
    assert [e.message.text for e in aside] == ["while joined"]
    await client(fn.channels.LeaveChannelRequest(input_channel_of(running, ASIDE)))
    await publish_both("after leaving")
    assert [e.message.text for e in aside] == ["while joined"]
    with pytest.raises(UserNotParticipantError):
        await client(fn.channels.LeaveChannelRequest(input_channel_of(running, ASIDE)))


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


# ------------------------------------------------------------------ access hashes per account


async def test_each_account_has_its_own_access_hash_and_a_stale_one_is_refused(
    start_sandbox_for: StartSandbox, connect: Connect
):
    running = await start_sandbox_for(strict_scenario())
    world = running.world
    user = await connect(running, running.user_session)
    await user.get_dialogs()
    chat = world.analyst_chat
    chat_as_user = await user.get_input_entity(running.analyst_chat_id)
    assert chat_as_user.access_hash == world.access_hash_of(chat, running.user_id)
    assert world.access_hash_of(chat, running.bot_id) != chat_as_user.access_hash
    wire_as_user = input_channel_of(running, WIRE)
    wire_as_bot = input_channel_of(running, WIRE, running.bot_id)
    assert wire_as_bot.access_hash != wire_as_user.access_hash
    with pytest.raises(ChannelInvalidError):  # another account's hash
        await user(fn.channels.GetChannelsRequest([wire_as_bot]))
    await user(fn.channels.GetChannelsRequest([wire_as_user]))
    fresh = world.rotate_access_hash(WIRE.username)
    with pytest.raises(ChannelInvalidError):  # the cached hash is stale now
        await user(fn.channels.GetChannelsRequest([wire_as_user]))
    resolved = await user(fn.contacts.ResolveUsernameRequest(WIRE.username))
    assert resolved.chats[0].access_hash == fresh
    await user(fn.channels.GetChannelsRequest([types.InputChannel(WIRE.id, fresh)]))


# ------------------------------------------------------------------ account faults


async def test_a_revoked_key_is_refused_and_gets_no_more_updates(
    start_sandbox_for: StartSandbox, connect: Connect
):
    running = await start_sandbox_for(strict_scenario())
    client = await connect(running, running.user_session)
    seen = collect(client, events.NewMessage(chats=WIRE.id))
    await client.get_dialogs()
    running.world.fail_account("revoked")
    await running.world.publish(WIRE.username, "nobody hears this")
    with pytest.raises(AuthKeyUnregisteredError):
        await client.get_messages(WIRE.username, limit=1)
    assert seen == [] and await client.get_me() is None  # Telethon's reading of a 401: not signed in


async def test_account_faults_from_the_faults_spec_ban_or_destroy_the_key(
    start_sandbox_for: StartSandbox, connect: Connect
):
    banned = await start_sandbox_for(strict_scenario(), faults=parse_faults("auth=banned"))
    client = await connect(banned, banned.user_session)
    with pytest.raises(UserDeactivatedBanError):
        await client.get_messages(WIRE.username, limit=1)
    later = await start_sandbox_for(strict_scenario(), faults=parse_faults("auth=duplicated:0.2"))
    victim = await connect(later, later.user_session)
    assert (await victim.get_me()).id == later.user_id
    await until(lambda: later.world.gate.duplicated, "the timed account fault")
    with pytest.raises(AuthKeyDuplicatedError):
        await victim.get_me()


async def test_one_key_on_two_connections_at_once_is_destroyed(
    start_sandbox_for: StartSandbox, connect: Connect
):
    running = await start_sandbox_for(strict_scenario())
    first = await connect(running, running.user_session)
    await first.get_me()
    with pytest.raises(AuthKeyDuplicatedError):  # Telethon's connect() already asks who it is
        await connect(running, running.user_session)
    with pytest.raises(AuthKeyDuplicatedError):  # the key is dead for the first connection too
        await first.get_me()
    other_device = await connect(running, running.server.mint_session(running.user_id))
    assert (await other_device.get_me()).id == running.user_id
    relaxed = await start_sandbox_for(strict_scenario(), relaxed=True)
    twins = [await connect(relaxed, relaxed.user_session) for _ in range(2)]
    assert [(await c.get_me()).id for c in twins] == [relaxed.user_id] * 2


async def test_a_key_used_again_after_its_connection_closed_is_not_a_duplicate(
    start_sandbox_for: StartSandbox, connect: Connect
):
    running = await start_sandbox_for(strict_scenario())
    first = await connect(running, running.user_session)
    await first.get_me()
    await first.disconnect()
    await until(lambda: not running.world.links, "the first connection to close")
    second = await connect(running, running.user_session)
    assert (await second.get_me()).id == running.user_id


# ------------------------------------------------------------------ send refusals


async def test_sends_are_refused_with_peer_flood_slow_mode_or_write_forbidden_on_demand(
    start_sandbox_for: StartSandbox, connect: Connect
):
    running = await start_sandbox_for(strict_scenario())
    user = await connect(running, running.user_session, flood_sleep_threshold=0)
    await user.get_dialogs()
    chat = running.analyst_chat_id
    expected = {
        "send=PEER_FLOOD": PeerFloodError,
        "send=SLOWMODE_WAIT:15": SlowModeWaitError,
        "send=CHAT_WRITE_FORBIDDEN": ChatWriteForbiddenError,
    }
    for spec, error in expected.items():
        running.world.faults = parse_faults(spec)
        with pytest.raises(error) as caught:
            await user.send_message(chat, "refused")
        if error is SlowModeWaitError:
            assert caught.value.seconds == 15
    assert running.world.chat_messages() == []
    running.world.faults = Faults()
    await user.send_message(chat, "accepted")
    assert [m.text for m in running.world.chat_messages()] == ["accepted"]


def test_account_and_send_faults_parse_round_trip_and_name_bad_items():
    faults = parse_faults("auth=revoked:30,send=SLOWMODE_WAIT:15:0.5,send=PEER_FLOOD")
    assert [(r.kind, r.at) for r in faults.auth] == [("revoked", 30.0)]
    assert [(r.message, r.code, r.probability) for r in faults.sends] == [
        ("SLOWMODE_WAIT_15", 420, 0.5),
        ("PEER_FLOOD", 400, 1.0),
    ]
    assert parse_faults(faults.describe()) == faults
    for bad in ("auth=lost", "send=SLOWMODE_WAIT", "send=NOPE", "auth=banned:soon"):
        with pytest.raises(FaultSpecError, match="faults: '"):
            parse_faults(bad)


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

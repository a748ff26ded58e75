"""The sandbox as Telegram works: the request record, cheap change detection, membership, per-account
access hashes, account faults and send refusals, each against the real Telethon client (its limits
and their switches are in test_sandbox_limits)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from telethon import events
from telethon import functions as fn
from telethon.errors import (
    AuthKeyDuplicatedError,
    AuthKeyUnregisteredError,
    ChannelInvalidError,
    ChatWriteForbiddenError,
    LimitInvalidError,
    PeerFloodError,
    SlowModeWaitError,
    UserDeactivatedBanError,
    UsernameNotOccupiedError,
    UserNotParticipantError,
)
from telethon.tl import types

from monitor.sandbox.faults import Faults, FaultSpecError, parse_faults
from monitor.sandbox.world import World
from tests.support import (
    ASIDE,
    WIRE,
    Connect,
    StartSandbox,
    collect,
    input_channel_of,
    read_records,
    strict_scenario,
    until,
)

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
    analyst = running.analyst_id
    as_user, as_bot = (world.hashes.of(analyst, account) for account in (running.user_id, running.bot_id))
    assert as_user != as_bot  # users' hashes are per account too
    (found,) = await user(fn.users.GetUsersRequest([types.InputUser(analyst, as_user)]))
    (refused,) = await user(fn.users.GetUsersRequest([types.InputUser(analyst, as_bot)]))
    assert isinstance(found, types.User) and found.access_hash == as_user
    assert isinstance(refused, types.UserEmpty)


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


class RecordingLink:
    """A connected link as the world sees it, keeping what is pushed to it."""

    def __init__(self, auth_key_id: int) -> None:
        self.auth_key_id = self.session_id = auth_key_id
        self.wants_updates, self.closed = True, False
        self.pushed: list[object] = []

    async def push(self, updates: object) -> None:
        self.pushed.append(updates)

    async def close(self) -> None:
        self.closed = True


async def test_a_banned_or_revoked_account_gets_no_more_updates():
    world = World(strict_scenario())
    world.join(world.channel(WIRE.id), world.analyst.id)
    user, analyst = RecordingLink(1), RecordingLink(2)
    for link, account in ((user, world.user.id), (analyst, world.analyst.id)):
        world.authorize(link.auth_key_id, account)
        world.connected(link)
    await world.publish(WIRE.username, "everyone hears this")
    world.fail_account("banned")
    await world.publish(WIRE.username, "only the analyst hears this")
    world.fail_account("revoked", world.analyst.id)
    await world.publish(WIRE.username, "nobody hears this")
    assert (len(user.pushed), len(analyst.pushed)) == (1, 2)
    await world.stop()

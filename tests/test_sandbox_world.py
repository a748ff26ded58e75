"""The sandbox's world: scenarios, faults, records and API methods, called directly and through Telethon."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from telethon import events
from telethon import functions as fn
from telethon import password as srp
from telethon.errors import FloodWaitError, RandomIdDuplicateError
from telethon.tl import types

from monitor.sandbox.errors import RpcError
from monitor.sandbox.faults import Faults, FaultSpecError, parse_faults
from monitor.sandbox.recorder import Recorder
from monitor.sandbox.scenario import (
    ChannelSpec,
    HistoryPost,
    PostSpec,
    Scenario,
    ScenarioError,
    builtin_demo,
    load_scenario,
)
from monitor.sandbox.server import RunningSandbox
from monitor.sandbox.synthetic_load import load_scenario_for
from monitor.sandbox.timeline import keep_schedule
from monitor.sandbox.world import World
from tests.support import Connect, StartSandbox, collect, until

NEWS = ChannelSpec(id=1200000001, username="plain_news", title="Plain news", views_per_minute=60)
QUIET = ChannelSpec(id=1200000002, username="quiet_feed", title="Quiet feed", joined=False)
SECRET = ChannelSpec(id=1200000003, title="Closed club", invite="JoinTheClub", joined=False)


def small_scenario(posts: int = 30) -> Scenario:
    """Thirty posts a minute apart in plain_news (ids 1..30), a public channel not joined, a private one."""
    history = tuple(
        HistoryPost(
            ago=3600.0 - i * 60, post=PostSpec(channel_id=NEWS.id, text=f"post {i + 1}", key=f"n{i + 1}")
        )
        for i in range(posts)
    )
    return Scenario(name="small", channels=(NEWS, QUIET, SECRET), history=history)


class FakeLink:
    """A client link that records what the world pushes to it."""

    def __init__(self, auth_key_id: int, wants_updates: bool = True) -> None:
        self.auth_key_id = auth_key_id
        self.session_id = auth_key_id
        self.wants_updates = wants_updates
        self.pushed: list[types.Updates] = []
        self.closed = 0

    async def push(self, updates: types.Updates) -> None:
        bytes(updates)  # what the protocol side does: it must serialise
        self.pushed.append(updates)

    async def close(self) -> None:
        self.closed += 1

    def updates(self) -> list[object]:
        return [u for batch in self.pushed for u in batch.updates]


@pytest.fixture
async def world() -> AsyncIterator[World]:
    world = World(small_scenario())
    yield world
    await world.stop()


def linked(world: World, user_id: int, key: int, wants_updates: bool = True) -> FakeLink:
    link = FakeLink(key, wants_updates)
    world.authorize(key, user_id)
    world.connected(link)
    return link


def peer(world: World, ref: str | int, account: int | None = None) -> types.InputPeerChannel:
    """The channel with the access hash of `account` (the user by default): each account has its own."""
    state = world.channel(ref)
    return types.InputPeerChannel(state.id, world.access_hash_of(state, account or world.user.id))


def history(world: World, **kw: object) -> fn.messages.GetHistoryRequest:
    args: dict[str, object] = dict(
        peer=peer(world, "plain_news"),
        offset_id=0,
        offset_date=None,
        add_offset=0,
        limit=100,
        max_id=0,
        min_id=0,
    )
    args.update(kw)
    return fn.messages.GetHistoryRequest(hash=0, **args)


async def call(world: World, link: FakeLink, request: object) -> object:
    result = await world.handle(link, request)
    if hasattr(result, "_bytes"):
        bytes(result)  # every answer must serialise as TL
    return result


# ------------------------------------------------------------------ scenarios


def test_builtin_demo_has_the_modelled_channels_and_a_timeline_with_edits_and_a_deletion():
    demo = builtin_demo()
    names = {c.username for c in demo.channels}
    assert {"RKadyrov_95", "medvedev_telegram"} <= names
    actions = {e.action for e in demo.timeline}
    assert {"post", "edit", "delete", "views", "analyst"} <= actions
    assert 20 <= demo.duration <= 30
    texts = " ".join(h.post.text for h in demo.history) + " ".join(
        e.post.text for e in demo.timeline if e.post
    )
    for script in ("ГӀ", "ї", "ש", "ع", "the "):  # Chechen, Ukrainian, Hebrew, Arabic, English
        assert script in texts


def test_scenario_file_round_trip_and_errors_name_file_and_key(tmp_path: Path):
    good = tmp_path / "s.toml"
    good.write_text(
        '[[channels]]\nid = 7\nusername = "some_news"\ntitle = "Some"\n'
        '[[history]]\nchannel = "some_news"\nago = 60\ntext = "old"\nkey = "a"\n'
        '[[timeline]]\nat = 1\naction = "edit"\ntarget = "a"\ntext = "new"\n',
        encoding="utf-8",
    )
    scenario = load_scenario(good)
    assert scenario.channels[0].username == "some_news"
    assert scenario.timeline[0].target == "a"
    channel = '[[channels]]\nid = 7\ntitle = "x"\n'
    cases = {
        channel + '[[timeline]]\nat = 1\naction = "explode"\n': "timeline[0].action",
        channel + '[[history]]\nchannel = "nope"\nago = 1\ntext = "t"\n': "history[0].channel",
        "[[channels]]\nid = 7\n": "channels[0].title",
        channel + 'colour = "red"\n': "channels[0].colour",
        "[[channels]\n": "not valid TOML",
        channel + '[[timeline]]\nat = 1\naction = "delete"\ntarget = "ghost"\n': "ghost",
        'faults = "withhold=7"\n' + channel: "faults: 'withhold=7': probability 7",
    }
    for text, expected in cases.items():
        bad = tmp_path / "bad.toml"
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(ScenarioError) as caught:
            load_scenario(bad)
        assert str(bad) in str(caught.value) and expected in str(caught.value)


def test_load_generator_is_seeded_evenly_spaced_and_mixes_in_conflict_posts():
    first = load_scenario_for(4, rate=50, seconds=10, seed=3, conflict_share=0.3)
    again = load_scenario_for(4, rate=50, seconds=10, seed=3, conflict_share=0.3)
    other = load_scenario_for(4, rate=50, seconds=10, seed=4, conflict_share=0.3)
    posts = [e for e in first.timeline if e.action == "post"]
    assert first == again and first != other
    assert len(posts) == 500 and len(first.channels) == 4
    assert [e.at for e in posts[:3]] == [0.0, 0.02, 0.04]
    conflict_words = ("ВСУ", "ЗСУ", "Ukrainian forces", "ХАМАС", "Hezbollah", "Хезболла", "غزة", "עזה")
    share = sum(any(w in e.post.text for w in conflict_words) for e in posts if e.post) / len(posts)
    assert 0.2 < share < 0.4
    with pytest.raises(ScenarioError, match="RATE"):
        load_scenario_for(0, rate=1, seconds=1, seed=0)


# ------------------------------------------------------------------ faults


def test_faults_spec_parses_round_trips_and_names_bad_items():
    spec = "flood=messages.getHistory:5:0.1,drop=every:10,withhold=0.1,delay=0.2:0.5,error=500:0.01,slow=0.05"
    faults = parse_faults(spec)
    assert faults.floods[0].method == "messages.getHistory" and faults.floods[0].seconds == 5
    assert faults.drop_every == 10 and faults.withhold == 0.1 and faults.delay_seconds == 0.5
    assert faults.errors[0].code == 500 and faults.slow_seconds == 0.05
    assert parse_faults(faults.describe()) == faults
    assert parse_faults("drop=at:3:1.5").drop_at == (1.5, 3.0)
    assert parse_faults("") == Faults() and not Faults().active
    for bad in ("flood=getHistory:5", "withhold=2", "error=999", "drop=sometimes:3", "nonsense", "slow=-1"):
        with pytest.raises(FaultSpecError, match="faults: '"):
            parse_faults(bad)


# ------------------------------------------------------------------ login and accounts


async def test_login_with_phone_and_code_and_the_usual_refusals(world: World):
    link = FakeLink(1)
    with pytest.raises(RpcError, match="AUTH_KEY_UNREGISTERED"):
        await call(world, link, fn.updates.GetStateRequest())
    with pytest.raises(RpcError, match="PHONE_NUMBER_INVALID"):
        await call(world, link, fn.auth.SendCodeRequest("+1 555 999", 1, "x", types.CodeSettings()))
    sent = await call(world, link, fn.auth.SendCodeRequest("+1 555 000 0001", 1, "x", types.CodeSettings()))
    with pytest.raises(RpcError, match="PHONE_CODE_INVALID"):
        await call(world, link, fn.auth.SignInRequest("15550000001", sent.phone_code_hash, "99999"))
    auth = await call(world, link, fn.auth.SignInRequest("15550000001", sent.phone_code_hash, "12345"))
    assert auth.user.id == world.user.id and auth.user.is_self
    me = await call(world, link, fn.users.GetUsersRequest([types.InputUserSelf()]))
    assert me[0].username == world.user.username and me[0].phone == world.user.phone
    await call(world, link, fn.auth.LogOutRequest())
    with pytest.raises(RpcError, match="AUTH_KEY_UNREGISTERED"):
        await call(world, link, fn.users.GetUsersRequest([types.InputUserSelf()]))


async def test_bot_logs_in_with_its_token_and_cannot_read_channel_history(world: World):
    link = FakeLink(2)
    with pytest.raises(RpcError, match="ACCESS_TOKEN_INVALID"):
        await call(world, link, fn.auth.ImportBotAuthorizationRequest(0, 1, "x", "1:wrong"))
    auth = await call(world, link, fn.auth.ImportBotAuthorizationRequest(0, 1, "x", world.bot.bot_token))
    assert auth.user.bot and auth.user.id == world.bot.id
    with pytest.raises(RpcError, match="BOT_METHOD_INVALID"):
        await call(world, link, history(world))


async def test_two_step_password_is_checked_with_srp():
    scenario = small_scenario()
    world = World(replace(scenario, user=replace(scenario.user, password="correct horse")))
    link = FakeLink(3)
    sent = await call(world, link, fn.auth.SendCodeRequest("15550000001", 1, "x", types.CodeSettings()))
    with pytest.raises(RpcError, match="SESSION_PASSWORD_NEEDED"):
        await call(world, link, fn.auth.SignInRequest("15550000001", sent.phone_code_hash, "12345"))
    wrong = srp.compute_check(await call(world, link, fn.account.GetPasswordRequest()), "wrong")
    with pytest.raises(RpcError, match="PASSWORD_HASH_INVALID"):
        await call(world, link, fn.auth.CheckPasswordRequest(wrong))
    right = srp.compute_check(await call(world, link, fn.account.GetPasswordRequest()), "correct horse")
    auth = await call(world, link, fn.auth.CheckPasswordRequest(right))
    assert auth.user.id == world.user.id and world.authorizations[3] == world.user.id


# ------------------------------------------------------------------ reading channels


async def test_get_history_applies_offsets_as_telegram_does(world: World):
    link = linked(world, world.user.id, 10)

    async def ids(**kw: object) -> list[int]:
        return [m.id for m in (await call(world, link, history(world, **kw))).messages]

    assert await ids(limit=5) == [30, 29, 28, 27, 26]
    assert await ids(offset_id=10, limit=3) == [9, 8, 7]  # older than offset_id, offset_id excluded
    assert await ids(offset_id=10, add_offset=-3, limit=3) == [12, 11, 10]  # newer, offset_id included
    assert await ids(offset_id=10, add_offset=-2, limit=4) == [11, 10, 9, 8]  # around it
    assert await ids(offset_id=31, add_offset=-100, limit=100) == []  # nothing newer than the newest
    assert await ids(limit=10, min_id=25) == [30, 29, 28, 27, 26]  # min_id/max_id filter the slice
    assert await ids(offset_id=20, limit=5, max_id=18) == [17, 16, 15]
    assert await ids(limit=0) == list(range(30, 10, -1))  # 0 means Telegram's default of 20
    assert len(await ids(limit=500)) == 30  # capped at 100, here all 30
    post_10 = world.message("plain_news", 10)
    assert post_10 is not None
    assert await ids(offset_date=post_10.date, limit=3) == [9, 8, 7]  # sent before the date
    result = await call(world, link, history(world, offset_id=10, limit=3))
    assert result.count == 30 and result.pts == world.channel("plain_news").pts


async def test_telethon_style_reverse_iteration_walks_oldest_first(world: World):
    link = linked(world, world.user.id, 11)
    # iter_messages(reverse=True, min_id=5) asks for offset_id=min_id+1 with add_offset=-limit
    result = await call(world, link, history(world, offset_id=6, add_offset=-10, limit=10))
    assert [m.id for m in result.messages] == list(range(15, 5, -1))


async def test_get_messages_by_id_returns_empty_for_deleted_and_unknown(world: World):
    link = linked(world, world.user.id, 12)
    await world.delete_posts("plain_news", [4])
    channel = world.channel("plain_news")
    request = fn.channels.GetMessagesRequest(
        types.InputChannel(channel.id, channel.access_hash), [types.InputMessageID(i) for i in (3, 4, 99)]
    )
    result = await call(world, link, request)
    assert [type(m).__name__ for m in result.messages] == ["Message", "MessageEmpty", "MessageEmpty"]
    assert [m.id for m in result.messages] == [3, 4, 99]


async def test_channel_access_follows_access_hash_and_membership(world: World):
    link = linked(world, world.user.id, 13)
    wrong = types.InputPeerChannel(NEWS.id, 12345)
    with pytest.raises(RpcError, match="CHANNEL_INVALID"):
        await call(world, link, fn.messages.GetHistoryRequest(wrong, 0, None, 0, 10, 0, 0, 0))
    with pytest.raises(RpcError, match="CHANNEL_PRIVATE"):
        await call(world, link, history(world, peer=peer(world, SECRET.id)))
    resolved = await call(world, link, fn.contacts.ResolveUsernameRequest("QUIET_FEED"))
    assert resolved.peer.channel_id == QUIET.id and resolved.chats[0].left
    with pytest.raises(RpcError, match="USERNAME_NOT_OCCUPIED"):
        await call(world, link, fn.contacts.ResolveUsernameRequest("nobody_here"))
    full = await call(
        world,
        link,
        fn.channels.GetFullChannelRequest(types.InputChannel(NEWS.id, peer(world, NEWS.id).access_hash)),
    )
    assert (
        full.full_chat.participants_count == NEWS.participants
        and full.full_chat.pts == world.channel(NEWS.id).pts
    )


async def test_invite_links_and_joining(world: World):
    link = linked(world, world.user.id, 14)
    invite = await call(world, link, fn.messages.CheckChatInviteRequest("JoinTheClub"))
    assert isinstance(invite, types.ChatInvite) and invite.title == SECRET.title
    joined = await call(world, link, fn.messages.ImportChatInviteRequest("JoinTheClub"))
    assert joined.updates.chats[0].id == SECRET.id and not joined.updates.chats[0].left
    assert isinstance(
        await call(world, link, fn.messages.CheckChatInviteRequest("JoinTheClub")), types.ChatInviteAlready
    )
    with pytest.raises(RpcError, match="USER_ALREADY_PARTICIPANT"):
        await call(world, link, fn.messages.ImportChatInviteRequest("JoinTheClub"))
    with pytest.raises(RpcError, match="INVITE_HASH_INVALID"):
        await call(world, link, fn.messages.CheckChatInviteRequest("nope"))
    quiet = world.channel("quiet_feed")
    await call(world, link, fn.channels.JoinChannelRequest(types.InputChannel(quiet.id, quiet.access_hash)))
    assert world.user.id in quiet.members


async def test_dialogs_carry_each_channels_pts(world: World):
    link = linked(world, world.user.id, 15)
    result = await call(world, link, fn.messages.GetDialogsRequest(None, 0, types.InputPeerEmpty(), 100, 0))
    pts = {d.peer.channel_id: d.pts for d in result.dialogs}
    assert pts == {NEWS.id: world.channel(NEWS.id).pts, world.scenario.chat.id: 1}
    assert {m.id for m in result.messages} == {30}


async def test_views_grow_over_time_and_set_views_resets_the_base(world: World):
    link = linked(world, world.user.id, 16)
    first = (await call(world, link, history(world, limit=30))).messages
    assert first[-1].views > first[0].views  # the older post has had longer to gather views
    world.set_views("plain_news", 30, views=1_000_000, forwards=50)
    post = (await call(world, link, history(world, limit=1))).messages[0]
    assert post.views >= 1_000_000 and post.forwards >= 50


async def test_unknown_methods_answer_an_error_naming_the_method(world: World):
    link = linked(world, world.user.id, 17)
    with pytest.raises(RpcError) as caught:
        await call(world, link, fn.messages.GetStickersRequest("x", 0))
    assert caught.value.code == 400 and "messages.getStickers" in caught.value.message


# ------------------------------------------------------------------ live updates and differences


async def test_posts_edits_and_deletions_reach_member_links_with_consecutive_pts(world: World):
    member = linked(world, world.user.id, 20)
    silent = linked(world, world.user.id, 21, wants_updates=False)
    outsider = linked(world, world.analyst.id, 22)
    start = world.channel("plain_news").pts
    new_id = await world.publish("plain_news", "fresh https://example.org/x")
    await world.edit_post("plain_news", new_id, "fresher")
    await world.delete_posts("plain_news", [new_id, 1])
    new, edit, gone = member.updates()
    assert isinstance(new, types.UpdateNewChannelMessage) and (new.pts, new.pts_count) == (start + 1, 1)
    assert new.message.entities[0].offset == 6 and new.message.post
    assert (
        isinstance(edit, types.UpdateEditChannelMessage) and edit.pts == start + 2 and edit.message.edit_date
    )
    assert isinstance(gone, types.UpdateDeleteChannelMessages) and (gone.pts, gone.pts_count) == (
        start + 4,
        2,
    )
    assert member.pushed[0].chats[0].id == NEWS.id
    assert not silent.pushed and not outsider.pushed


async def test_channel_difference_empty_events_slices_and_too_long(world: World):
    link = linked(world, world.user.id, 23)
    channel = world.channel("plain_news")
    ref = types.InputChannel(channel.id, channel.access_hash)

    def diff(pts: int, limit: int = 100) -> fn.updates.GetChannelDifferenceRequest:
        return fn.updates.GetChannelDifferenceRequest(
            ref, types.ChannelMessagesFilterEmpty(), pts, limit, force=False
        )

    start = channel.pts
    empty = await call(world, link, diff(start))
    assert isinstance(empty, types.updates.ChannelDifferenceEmpty) and empty.final and empty.pts == start
    new_id = await world.publish("plain_news", "after the gap")
    await world.edit_post("plain_news", 3, "older post, edited")
    await world.delete_posts("plain_news", [2])
    result = await call(world, link, diff(start))
    assert isinstance(result, types.updates.ChannelDifference) and result.final and result.pts == channel.pts
    assert [m.id for m in result.new_messages] == [new_id]
    kinds = [(type(u).__name__, u.pts) for u in result.other_updates]
    assert kinds == [("UpdateEditChannelMessage", start + 2), ("UpdateDeleteChannelMessages", start + 3)]
    first_slice = await call(world, link, diff(1, limit=5))
    assert isinstance(first_slice, types.updates.ChannelDifference) and not first_slice.final
    assert first_slice.pts == 6 and [m.id for m in first_slice.new_messages] == [1, 3, 4, 5]
    world.strictness = replace(world.strictness, difference_window=10)
    too_long = await call(world, link, diff(1, limit=5))
    assert isinstance(too_long, types.updates.ChannelDifferenceTooLong)
    assert too_long.dialog.pts == channel.pts and too_long.messages[0].id == new_id
    with pytest.raises(RpcError, match="PERSISTENT_TIMESTAMP_INVALID"):
        await call(world, link, diff(channel.pts + 5))


async def test_get_difference_points_at_channels_with_news_since_the_date(world: World):
    link = linked(world, world.user.id, 24)
    state = await call(world, link, fn.updates.GetStateRequest())
    assert isinstance(
        await call(world, link, fn.updates.GetDifferenceRequest(state.pts, state.date, 0)),
        types.updates.DifferenceEmpty,
    )
    await world.publish("plain_news", "news")
    before = state.date - timedelta(seconds=1)
    diff = await call(world, link, fn.updates.GetDifferenceRequest(state.pts, before, 0))
    assert [u.channel_id for u in diff.other_updates] == [NEWS.id]


# ------------------------------------------------------------------ the analyst chat


def send(world: World, text: str, random_id: int) -> fn.messages.SendMessageRequest:
    """The bot's send into the analyst chat."""
    chat = peer(world, world.analyst_chat_id, world.bot.id)
    return fn.messages.SendMessageRequest(chat, text, random_id=random_id)


async def test_sends_land_in_the_chat_reach_other_members_and_random_id_deduplicates(tmp_path: Path):
    world = World(small_scenario(), recorder=Recorder.open(chat=tmp_path / "chat.jsonl"))
    sender = linked(world, world.bot.id, 30)
    user = linked(world, world.user.id, 31)
    reply = await call(world, sender, send(world, "<b>alert</b>", 777))
    message_id, new = reply.updates
    assert message_id.random_id == 777 and new.message.id == message_id.id and new.message.out
    assert not sender.pushed
    pushed = user.updates()[0]
    assert pushed.message.message == "<b>alert</b>" and not pushed.message.out
    assert pushed.message.from_id.user_id == world.bot.id
    again = await call(world, sender, send(world, "<b>alert</b>", 777))
    assert [u.id if hasattr(u, "id") else u.message.id for u in again.updates] == [message_id.id] * 2
    assert again.updates[1].pts == new.pts and len(user.updates()) == 1  # the original, nothing new
    assert [m.text for m in world.chat_messages()] == ["<b>alert</b>"]
    edit = fn.messages.EditMessageRequest(
        peer(world, world.analyst_chat_id, world.bot.id), message_id.id, message="<b>alert</b> (edited)"
    )
    await call(world, sender, edit)
    with pytest.raises(RpcError, match="MESSAGE_NOT_MODIFIED"):
        await call(world, sender, edit)
    with pytest.raises(RpcError, match="MESSAGE_AUTHOR_REQUIRED"):
        await call(
            world,
            user,
            fn.messages.EditMessageRequest(peer(world, world.analyst_chat_id), message_id.id, message="x"),
        )
    await world.stop()
    lines = [json.loads(line) for line in (tmp_path / "chat.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["event"], r["sender"], r["chat_id"]) for r in lines] == [
        ("send", world.bot.id, world.analyst_chat_id),
        ("edit", world.bot.id, world.analyst_chat_id),
    ]


async def test_the_analyst_speaks_to_the_bot_and_broadcast_channels_refuse_posts(world: World):
    bot = linked(world, world.bot.id, 32)
    message_id = await world.analyst_says("/status")
    update = bot.updates()[0]
    assert update.message.id == message_id and update.message.message == "/status"
    assert update.message.from_id.user_id == world.analyst.id
    assert bot.pushed[0].users[0].id == world.analyst.id
    user = linked(world, world.user.id, 33)
    request = fn.messages.SendMessageRequest(peer(world, "plain_news"), "hi", random_id=1)
    with pytest.raises(RpcError, match="CHAT_ADMIN_REQUIRED"):
        await call(world, user, request)


# ------------------------------------------------------------------ faults and records


async def test_flood_and_error_faults_hit_the_chosen_method_only():
    world = World(
        small_scenario(), faults=parse_faults("flood=messages.getHistory:7,error=500:1:channels.getMessages")
    )
    link = linked(world, world.user.id, 40)
    with pytest.raises(RpcError, match="FLOOD_WAIT_7") as caught:
        await call(world, link, history(world))
    assert caught.value.code == 420
    with pytest.raises(RpcError, match="INTERNAL_SERVER_ERROR"):
        await call(
            world, link, fn.channels.GetMessagesRequest(peer(world, "plain_news"), [types.InputMessageID(1)])
        )
    assert (await call(world, link, fn.updates.GetStateRequest())).pts == world.account_pts


async def test_withheld_updates_leave_a_pts_gap_that_the_difference_fills():
    world = World(small_scenario(), faults=parse_faults("withhold=1"))
    link = linked(world, world.user.id, 41)
    before = world.channel("plain_news").pts
    await world.publish("plain_news", "lost in transit")
    assert not link.pushed and world.channel("plain_news").pts == before + 1


async def test_timed_drops_close_every_link():
    world = World(small_scenario(), faults=parse_faults("drop=at:0.05:0.1"))
    link = linked(world, world.user.id, 42)
    await world.start()
    await until(lambda: link.closed == 2, "two drops")
    await world.stop()


async def test_posts_record_is_written_line_by_line(tmp_path: Path):
    path = tmp_path / "posts.jsonl"
    world = World(small_scenario(posts=2), recorder=Recorder.open(posts=path))
    message_id = await world.publish("plain_news", "live")
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [(r["event"], r["message_id"]) for r in lines] == [("post", 1), ("post", 2), ("post", message_id)]
    assert lines[-1]["channel"] == "plain_news" and lines[-1]["channel_id"] == NEWS.id
    assert datetime.fromisoformat(lines[-1]["date"]).tzinfo == UTC
    await world.stop()


async def test_timeline_at_thousands_of_posts_per_second_publishes_each_once_in_schedule_order():
    scenario = load_scenario_for(5, rate=4000, seconds=1, seed=1)
    world = World(scenario)
    link = linked(world, world.user.id, 43)
    await world.run_timeline()
    pushed = [u.message for u in link.updates() if isinstance(u, types.UpdateNewChannelMessage)]
    scheduled = [(e.post.channel_id, e.post.text) for e in scenario.timeline if e.post is not None]
    assert len(scheduled) == 4000
    assert [(m.peer_id.channel_id, m.message) for m in pushed] == scheduled
    assert world.timeline_done.is_set()


async def test_the_schedule_counts_from_its_start_so_late_events_run_at_once_and_nothing_drifts():
    now = 0.0
    trace: list[str] = []

    async def sleep(seconds: float) -> None:  # a fake clock: time passes only while waiting or acting
        nonlocal now
        trace.append(f"sleep {seconds:g}")
        now += seconds

    async def act(name: str) -> None:
        nonlocal now
        trace.append(name)
        now += 0.5 if name == "slow" else 0.0

    schedule = [(1.0, "first"), (1.25, "slow"), (1.5, "late"), (2.5, "on time")]
    await keep_schedule(schedule, act, clock=lambda: now, sleep=sleep)
    assert trace == ["sleep 1", "first", "sleep 0.25", "slow", "late", "sleep 0.75", "on time"]


# ------------------------------------------------------------------ end to end, with plain Telethon clients


@pytest.fixture
async def quiet(start_sandbox_for: StartSandbox) -> RunningSandbox:
    """A sandbox with the small scenario and no timeline, so each test decides what happens."""
    return await start_sandbox_for(small_scenario())


async def test_login_from_scratch_with_phone_and_code_then_bot_token(quiet: RunningSandbox, connect: Connect):
    client = await connect(quiet)
    assert not await client.is_user_authorized()
    await client.send_code_request("+1 555 000 0001")
    me = await client.sign_in("+1 555 000 0001", code="12345")
    assert me.id == quiet.user_id and (await client.get_me()).username == "sandbox_user"
    bot = await connect(quiet)
    await bot.sign_in(bot_token=quiet.world.bot.bot_token)
    assert (await bot.get_me()).bot


async def test_iter_messages_with_offsets_and_get_messages_by_id(quiet: RunningSandbox, connect: Connect):
    client = await connect(quiet, quiet.user_session)
    newest = [m.id async for m in client.iter_messages("plain_news", limit=5)]
    assert newest == [30, 29, 28, 27, 26]
    assert [m.id async for m in client.iter_messages("plain_news", offset_id=10, limit=3)] == [9, 8, 7]
    assert [m.id async for m in client.iter_messages("plain_news", min_id=26, wait_time=0)] == [
        30,
        29,
        28,
        27,
    ]
    assert [m.id async for m in client.iter_messages("plain_news", max_id=4, wait_time=0)] == [3, 2, 1]
    oldest_first = [m.id async for m in client.iter_messages("plain_news", reverse=True, wait_time=0)]
    assert oldest_first == list(range(1, 31))
    assert [m.id async for m in client.iter_messages("plain_news", reverse=True, min_id=27, wait_time=0)] == [
        28,
        29,
        30,
    ]
    everything = [m.id async for m in client.iter_messages("plain_news", wait_time=0)]
    assert everything == list(range(30, 0, -1))
    await quiet.world.delete_posts("plain_news", [5])
    got = await client.get_messages("plain_news", ids=[4, 5, 6])
    assert [m.id if m else None for m in got] == [4, None, 6]


async def test_new_edited_and_deleted_handlers_fire(quiet: RunningSandbox, connect: Connect):
    client = await connect(quiet, quiet.user_session)
    new, edited, deleted = (
        collect(client, events.NewMessage(chats="plain_news")),
        collect(client, events.MessageEdited()),
        collect(client, events.MessageDeleted()),
    )
    await client.get_dialogs()
    world = quiet.world
    message_id = await world.publish("plain_news", "live one")
    await until(lambda: new, "NewMessage")
    await world.edit_post("plain_news", message_id, "live one, edited")
    await until(lambda: edited, "MessageEdited")
    await world.delete_posts("plain_news", [message_id])
    await until(lambda: deleted, "MessageDeleted")
    assert new[0].message.text == "live one" and edited[0].message.text == "live one, edited"
    assert deleted[0].deleted_ids == [message_id] and deleted[0].chat_id == -1001200000001


async def test_sends_land_in_the_chat_record_and_reach_the_bot(
    start_sandbox_for: StartSandbox, connect: Connect, tmp_path: Path
):
    record = tmp_path / "chat.jsonl"
    running = await start_sandbox_for(small_scenario(), record_chat=record)
    user = await connect(running, running.user_session)
    bot = await connect(running, running.bot_session)
    heard = collect(bot, events.NewMessage(chats=running.analyst_chat_id))
    await bot.get_me()
    await user.get_dialogs()
    sent = await user.send_message(running.analyst_chat_id, "alert: <b>check</b>", parse_mode="html")
    await user.edit_message(running.analyst_chat_id, sent.id, "alert: checked")
    await running.world.analyst_says("/status")
    await until(lambda: len(heard) == 2, "the bot hearing both messages")
    assert [e.message.text for e in heard] == ["alert: **check**", "/status"]
    lines = [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]
    assert [(r["event"], r["text"], r["sender"]) for r in lines] == [
        ("send", "alert: check", running.user_id),
        ("edit", "alert: checked", running.user_id),
        ("send", "/status", running.analyst_id),
    ]


async def test_a_repeated_random_id_returns_the_original_and_creates_nothing(
    quiet: RunningSandbox, connect: Connect
):
    bot = await connect(quiet, quiet.bot_session, request_retries=0, raise_last_call_error=True)
    chat = await bot.get_input_entity(quiet.analyst_chat_id)
    first = await bot(fn.messages.SendMessageRequest(chat, "once", random_id=42))
    again = await bot(fn.messages.SendMessageRequest(chat, "once", random_id=42))
    assert again.updates[0].id == first.updates[0].id and again.updates[0].random_id == 42
    assert [m.text for m in quiet.world.chat_messages()] == ["once"]
    await quiet.world.delete_in_chat(
        quiet.world.analyst_chat, quiet.world.bot, (first.updates[0].id,), exclude=None
    )
    with pytest.raises(RandomIdDuplicateError):  # the original is gone: nothing left to return
        await bot(fn.messages.SendMessageRequest(chat, "once", random_id=42))


async def test_flood_wait_above_the_threshold_raises_and_below_it_is_slept_through(
    start_sandbox_for: StartSandbox, connect: Connect
):
    running = await start_sandbox_for(small_scenario(), faults=parse_faults("flood=messages.getHistory:2:1"))
    client = await connect(running, running.user_session, flood_sleep_threshold=0)
    with pytest.raises(FloodWaitError) as caught:
        await client.get_messages("plain_news", limit=1)
    assert caught.value.seconds == 2
    running.world.faults = parse_faults("flood=channels.getMessages:1:0.5")
    # A second device of the same account: one key on two connections at once would be destroyed.
    patient = await connect(running, running.server.mint_session(running.user_id), flood_sleep_threshold=60)
    got = [await patient.get_messages("plain_news", ids=i) for i in range(1, 4)]
    assert [m.id for m in got] == [1, 2, 3]


async def test_after_a_dropped_connection_the_next_update_recovers_missed_posts(
    quiet: RunningSandbox, connect: Connect
):
    client = await connect(quiet, quiet.user_session)
    new = collect(client, events.NewMessage(chats="plain_news"))
    await client.get_dialogs()
    world = quiet.world
    await world.publish("plain_news", "before the drop")
    await until(lambda: len(new) == 1, "the first post")
    await quiet.server.drop_connections()
    for n in range(3):
        await world.publish("plain_news", f"during the drop {n}")
    await until(lambda: any(link.wants_updates for link in world.links), "Telethon reconnecting")
    await world.publish("plain_news", "after the drop")
    await until(lambda: len(new) == 5, "the missed posts through getChannelDifference")
    assert sorted(e.message.text for e in new)[-1] == "during the drop 2"


async def test_a_withheld_update_is_recovered_through_get_channel_difference(
    quiet: RunningSandbox, connect: Connect
):
    client = await connect(quiet, quiet.user_session)
    new = collect(client, events.NewMessage(chats="plain_news"))
    await client.get_dialogs()
    world = quiet.world
    world.faults = parse_faults("withhold=1")
    lost = await world.publish("plain_news", "never pushed")
    world.faults = Faults()
    later = await world.publish("plain_news", "reveals the gap")
    await until(lambda: len(new) == 2, "both posts")
    assert sorted(e.message.id for e in new) == [lost, later]


async def test_catch_up_after_being_offline_fetches_what_was_posted(quiet: RunningSandbox, connect: Connect):
    client = await connect(quiet, quiet.user_session)
    new = collect(client, events.NewMessage(chats="plain_news"))
    await client.get_dialogs()
    await quiet.world.publish("plain_news", "seen live")
    await until(lambda: len(new) == 1, "the live post")
    await client.disconnect()
    await quiet.world.publish("plain_news", "posted while offline")
    await client.connect()
    await client.catch_up()
    await until(lambda: len(new) == 2, "the offline post")
    assert new[1].message.text == "posted while offline"


async def test_two_devices_at_once_and_a_burst_of_posts(quiet: RunningSandbox, connect: Connect):
    first = await connect(quiet, quiet.user_session)
    second = await connect(quiet, quiet.server.mint_session(quiet.user_id))  # a second device, its own key
    seen = [collect(c, events.NewMessage(chats="plain_news")) for c in (first, second)]
    for client in (first, second):
        await client.get_dialogs()
    for n in range(1000):
        await quiet.world.publish("plain_news", f"burst {n}")
    await until(lambda: all(len(s) == 1000 for s in seen), "1000 posts on both clients", timeout=30)
    assert {e.message.id for e in seen[0]} == {e.message.id for e in seen[1]}

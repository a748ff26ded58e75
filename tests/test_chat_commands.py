"""Analyst commands: who may use them, what each answers, and that every reply is escaped HTML that fits
one message. The end-to-end tests register the handler on the bot's real client against the sandbox."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from telethon.extensions import html as tl_html

from monitor.config import AlertPolicy
from monitor.model import Analysis, Channel, Conflict, Match, Post, TelegramProblem
from monitor.store import Location, Store, open_archive
from monitor.telegram.commands import (
    ChannelStatus,
    CommandHandler,
    DaemonStatus,
    parse_duration,
    split_command,
)
from monitor.telegram.send import AlertSender
from tests.support import OUTSIDER, Desk, RecordingClient, flag, until

CHAT_ID = -1009000000001
NOW = datetime(2030, 3, 4, 12, 0, tzinfo=UTC)
ANALYST = 501
NEWS = Channel(id=1111, title="News <Daily> & Co", username="newsdaily", access_hash=5)
PRIVATE = Channel(id=2222, title="Closed <circle>")
POLICY = AlertPolicy(per_minute=600, burst=10, digest_after=5, quiet_hours=None, muted=(), summary="off")
CONFLICTS = {"border": Conflict("border", "Border clashes", "high")}


class FixedStatus:
    """What the daemon would report."""

    def __init__(
        self, channels: tuple[ChannelStatus, ...], problems: tuple[TelegramProblem, ...] = ()
    ) -> None:
        self.channels = channels
        self.problems = problems

    def status(self) -> DaemonStatus:
        return DaemonStatus(
            NOW - timedelta(hours=3),
            self.channels,
            flood_waits=2,
            flood_wait_seconds=12.0,
            reconnects=1,
            problems=self.problems,
        )

    async def fleet_status(self) -> list[str]:
        return []


@pytest.fixture
async def archive(archive_location: Location):
    """Two channels with a post each (one flagged), once per backend."""
    archive = await open_archive(archive_location)
    for channel in (NEWS, PRIVATE):
        await archive.upsert_channel(channel)
    text = "Shelling at the border <b>overnight</b> & more"
    match = Match("border", "border", "en", 15, 21)
    await archive.save(
        [(Post(NEWS.id, 7, NOW - timedelta(hours=2), text), Analysis("en", 0.9, (match,), ("border",)))]
    )
    await archive.save(
        [(Post(PRIVATE.id, 3, NOW - timedelta(hours=1), "Quiet day at the market"), Analysis("en", 0.9))]
    )
    yield archive
    await archive.close()


def handler(archive: Store, channels: tuple[ChannelStatus, ...] = ()) -> CommandHandler:
    sender = AlertSender(RecordingClient(), archive, POLICY, CHAT_ID, now=lambda: NOW)  # type: ignore[arg-type]
    return CommandHandler(
        RecordingClient(),  # type: ignore[arg-type]
        archive,
        FixedStatus(channels),
        sender,
        chat_id=CHAT_ID,
        admins=(ANALYST,),
        conflicts=CONFLICTS,
        now=lambda: NOW,
    )


def plain(reply: str) -> str:
    text, _ = tl_html.parse(reply)
    return text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2h", timedelta(hours=2)),
        ("30m", timedelta(minutes=30)),
        ("1d", timedelta(days=1)),
        ("1h30m", timedelta(minutes=90)),
        ("0m", None),
        ("2 h", None),
        ("soon", None),
        ("", None),
        ("99999999999999999999d", None),
    ],
)
def test_durations(value, expected):
    assert parse_duration(value) == expected


def test_commands_may_carry_the_bot_name():
    assert split_command("/mute@monitor_bot border 2h") == ("mute", "border 2h")
    assert split_command("/STATUS") == ("status", "")


async def test_only_admins_in_the_analyst_chat_are_authorised(archive):
    commands = handler(archive)
    assert commands.authorised(CHAT_ID, ANALYST)
    assert not commands.authorised(CHAT_ID, 999)
    assert not commands.authorised(-100123, ANALYST)
    open_chat = CommandHandler(
        commands.client, archive, commands.source, commands.sender, chat_id=CHAT_ID, admins=()
    )
    assert open_chat.authorised(CHAT_ID, 999) and not open_chat.authorised(-100123, 999)


async def test_mute_and_unmute(archive):
    commands = handler(archive)
    reply = plain(await commands.answer("/mute border 2h"))
    assert reply == "Muted border until 2030-03-04 14:00 UTC."
    assert await archive.outbox.mutes(NOW) == {"border": NOW + timedelta(hours=2)}
    assert plain(await commands.answer("/unmute border")) == "Alerts of border resume."
    assert await archive.outbox.mutes(NOW) == {}


async def test_mute_rejects_unknown_conflicts_and_bad_durations(archive):
    commands = handler(archive)
    assert "Unknown conflict <nope>" in plain(await commands.answer("/mute <nope> 2h"))
    assert plain(await commands.answer("/mute border forever")).startswith("Usage: /mute")
    assert plain(await commands.answer("/mute border 99999999999999999999d")).startswith("Usage: /mute")
    assert await archive.outbox.mutes(NOW) == {}


async def test_search_results_carry_each_posts_link(archive):
    await archive.save([(Post(PRIVATE.id, 4, NOW, "Border quiet again"), Analysis("en", 0.9))])
    reply = await handler(archive).answer("/search border")
    text, _ = tl_html.parse(reply)
    assert "Shelling at the border <b>overnight</b> & more\nhttps://t.me/newsdaily/7" in text
    assert "Border quiet again\nhttps://t.me/c/2222/4" in text
    assert sorted(re.findall(r"https://t\.me/\S+", text)) == [
        "https://t.me/c/2222/4",
        "https://t.me/newsdaily/7",
    ]
    assert "No posts match <x>" in plain(await handler(archive).answer("/search <x>"))


async def test_status_reports_channels_outbox_and_flood_waits(archive):
    channels = (
        ChannelStatus(NEWS, NOW - timedelta(minutes=5), 12.0),
        ChannelStatus(PRIVATE, None, None, problem="banned"),
    )
    reply = plain(await handler(archive, channels).answer("/status"))
    assert "up 3 h 0 min · reconnects 1" in reply
    assert "Outbox: 1 pending" in reply
    assert "reading 2 (12 s)" in reply
    lines = reply.splitlines()
    assert lines.index("Closed <circle> · last post never · lag never · banned") < lines.index(
        "@newsdaily · last post 5 min ago · lag 12 s"
    )


async def test_status_names_each_telegram_problem_and_how_long_a_wait_lasts(archive):
    problems = (
        TelegramProblem(
            "sending", "blocked", "ChatWriteForbiddenError: <no rights>", NOW - timedelta(minutes=3)
        ),
        TelegramProblem(
            "flood:messages.getHistory", "flood_wait", "26 s", NOW, NOW + timedelta(seconds=26), fatal=False
        ),
    )
    command = handler(archive)
    command.source = FixedStatus((), problems)
    lines = plain(await command.answer("/status")).splitlines()
    assert "⛔ sending: blocked · ChatWriteForbiddenError: <no rights>" in lines
    assert "⏳ flood:messages.getHistory: flood_wait, 26 s left · 26 s" in lines


async def test_status_of_many_channels_fits_one_message(archive):
    channels = tuple(ChannelStatus(Channel(i, "t" * 120), NOW, float(i)) for i in range(1, 400))
    reply = plain(await handler(archive, channels).answer("/status"))
    assert len(reply.encode("utf-16-le")) // 2 <= 4096
    assert re.search(r"… and \d+ more$", reply)


async def test_digest_summarises_the_last_day(archive):
    reply = plain(await handler(archive).answer("/digest"))
    assert "Posts: 2" in reply and "border" in reply and "@newsdaily" in reply


async def test_help_and_unknown_commands(archive):
    help_text = plain(await handler(archive).answer("/help"))
    assert "/mute CONFLICT DURATION" in help_text
    assert "late by — the post was found over 2 min after it was posted" in help_text
    assert "(score S / T)" in help_text and "matched:" in help_text
    assert plain(await handler(archive).answer("/<x>")) == "Unknown command /<x>; /help lists the commands."


# -- end to end, against the sandbox ------------------------------------------------------------------


def on_the_desk(desk: Desk) -> tuple[AlertSender, CommandHandler]:
    """A sender and a started command handler on the bot's client, the scenario's analyst as the admin."""
    sandbox = desk.sandbox
    sender = AlertSender(desk.bot, desk.store, POLICY, sandbox.analyst_chat_id)
    commands = CommandHandler(
        desk.bot,
        desk.store,
        FixedStatus(()),
        sender,
        chat_id=sandbox.analyst_chat_id,
        admins=(sandbox.analyst_id,),
    )
    commands.start()
    return sender, commands


async def test_the_analysts_status_is_answered_and_an_outsiders_ignored(desk: Desk, caplog):
    sandbox = desk.sandbox
    _, commands = on_the_desk(desk)
    try:
        await sandbox.world.analyst_says("/status", user=OUTSIDER)
        asked = await sandbox.world.analyst_says("/status")
        await until(lambda: len(desk.bot_messages()) == 1, "the bot's reply to /status")
        await until(lambda: "command_ignored" in caplog.messages, "the outsider's /status logged as ignored")
    finally:
        commands.stop()
    (reply,) = desk.bot_messages()
    assert reply.text.startswith("Status · up ") and "Outbox: 0 pending" in reply.text
    assert sandbox.world.message(sandbox.analyst_chat_id, reply.message_id).reply_to == asked
    (ignored,) = [r for r in caplog.records if r.getMessage() == "command_ignored"]
    assert ignored.event_fields["sender"] == OUTSIDER


async def test_a_mute_from_the_chat_suppresses_that_conflicts_alerts(desk: Desk):
    sandbox = desk.sandbox
    sender, commands = on_the_desk(desk)
    try:
        await sandbox.world.analyst_says("/mute border 1h")
        await until(lambda: len(desk.bot_messages()) == 1, "the bot's reply to /mute")
    finally:
        commands.stop()
    assert desk.bot_messages()[0].text.startswith("Muted border until")
    await flag(desk.store, 61)
    await sender.deliver_due()
    assert (await desk.store.stats())["alerts"] == {"suppressed": 1}
    assert len(desk.bot_messages()) == 1

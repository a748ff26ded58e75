"""The alert sender: exactly-once delivery, flood waits, edits and deletions of alerted posts, pacing.

The end-to-end tests run the bot's real Telethon client against the sandbox with a real archive; a
recording stand-in for the client covers the error paths the sandbox cannot time precisely. Every test
runs on both backends: an archive file and a PostgreSQL database.
"""

from __future__ import annotations

import asyncio
import html
import json
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from telethon import errors, types

from monitor.alerts import pacing
from monitor.config import AlertPolicy
from monitor.model import Analysis, Match, Post
from monitor.sandbox import strictness
from monitor.sandbox.faults import Faults, FloodRule, parse_faults
from monitor.store import Location, Store, open_archive
from monitor.telegram.send import (
    BLOCKED_PROBE_SECONDS,
    POSTS_PER_MESSAGE,
    AlertSender,
    sent_message_id,
    whole_posts,
)
from tests.support import BORDER, CHANNEL, POLICY, SEA, Desk, RecordingClient, flag, until

CHAT_ID = -1009000000001
LINK = f"https://t.me/{CHANNEL.username}"


async def statuses(store: Store) -> dict[str, int]:
    return (await store.stats())["alerts"]


def chat_events(desk: Desk) -> list[dict]:
    """The sandbox's record of the analyst chat (send / edit / delete), as the lossless check reads it."""
    return [json.loads(line) for line in desk.chat_path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
async def store(archive_location: Location):
    """conftest's archive (CHANNEL, the BORDER and SEA conflicts), once per backend."""
    archive = await open_archive(archive_location)
    await archive.upsert_channel(CHANNEL, f"@{CHANNEL.username}")
    await archive.upsert_conflicts([BORDER, SEA])
    yield archive
    await archive.close()


@pytest.fixture
async def live(desk: Desk):
    """A running sender on the bot's client; stopped (and its task awaited) at the end."""
    sender = AlertSender(desk.bot, desk.store, POLICY, desk.sandbox.analyst_chat_id, poll_seconds=0.05)
    task = asyncio.create_task(sender.run())
    yield sender
    await sender.stop()
    await task


# -- end to end, against the sandbox ------------------------------------------------------------------


async def test_a_pending_alert_reaches_the_chat_once_escaped(desk: Desk, live: AlertSender):
    await flag(desk.store, 11, text="Alert <script>alert(1)</script> & border shelling")
    live.notify()
    await until(lambda: len(desk.bot_messages()) == 1, "the alert in the chat")
    (message,) = desk.bot_messages()
    assert f"{LINK}/11" in message.text
    assert "Border <News> & Co (@bordernews)" in message.text
    assert "Alert <script>alert(1)</script> & border shelling" in message.text
    await until(lambda: statuses_equal(desk.store, {"sent": 1}), "the alert marked sent")
    (sent,) = [e for e in chat_events(desk) if e["event"] == "send"]
    assert sent["text"].count(f"{LINK}/11") == 1
    assert live.stats.sent == 1


async def statuses_equal(store: Store, expected: dict[str, int]) -> bool:
    return await statuses(store) == expected


async def test_a_crash_between_claim_and_mark_sent_sends_no_duplicate(desk: Desk):
    # Relaxed on one rule: the strict sandbox answers a re-sent random_id with the original message, as
    # Telegram may, which this sender counts as a fresh send rather than a duplicate.
    desk.sandbox.world.strictness = strictness.relaxed()
    ids = await flag(desk.store, 12)
    crashed = AlertSender(desk.bot, desk.store, POLICY, desk.sandbox.analyst_chat_id)
    pending = await desk.store.outbox.pending(datetime.now(UTC), 10)
    (delivery,) = pacing.plan(pending, tokens=1, digest_after=5, mutes={}).deliveries
    random_id = 987654321
    await desk.store.outbox.claim(ids, random_id)
    await crashed._send(delivery.html, random_id)  # reached Telegram; the process dies before mark_sent
    assert len(desk.bot_messages()) == 1

    restarted = AlertSender(desk.bot, desk.store, POLICY, desk.sandbox.analyst_chat_id)
    assert await restarted.deliver_due()
    assert await statuses(desk.store) == {"sent": 1}
    assert restarted.stats.duplicates == 1
    assert len(desk.bot_messages()) == 1
    assert sum(f"{LINK}/12" in e["text"] for e in chat_events(desk) if e["event"] == "send") == 1


async def test_a_crash_after_claim_but_before_the_send_still_delivers(desk: Desk):
    ids = await flag(desk.store, 13)
    await desk.store.outbox.claim(ids, 5550001)
    restarted = AlertSender(desk.bot, desk.store, POLICY, desk.sandbox.analyst_chat_id)
    assert await restarted.deliver_due()
    assert await statuses(desk.store) == {"sent": 1}
    (message,) = desk.bot_messages()
    assert f"{LINK}/13" in message.text


# An outage's summary is queued in the archive as the outage closes; the sender delivers it from there.
OUTAGE_NOTE = "Recovered after an outage: 3 posts <older> than the news window & archived without alerts."


async def test_an_outage_summary_queued_before_a_restart_is_delivered_once_after_it(desk: Desk):
    await desk.store.notices.close_outage(OUTAGE_NOTE)
    async with await open_archive(desk.store.path) as reopened:  # the restarted daemon's archive
        restarted = AlertSender(desk.bot, reopened, POLICY, desk.sandbox.analyst_chat_id)
        assert await restarted.deliver_notices()
        assert await reopened.notices.pending() == []
        assert not await restarted.deliver_notices()
    assert [m.text for m in desk.bot_messages()] == [OUTAGE_NOTE]


@pytest.mark.parametrize("rules", ["strict", "relaxed"])
async def test_a_crash_after_an_outage_summary_is_sent_but_not_marked_sends_no_duplicate(desk: Desk, rules):
    if rules == "relaxed":  # RANDOM_ID_DUPLICATE for the re-send, rather than the original message
        desk.sandbox.world.strictness = strictness.relaxed()
    notice = await desk.store.notices.close_outage(OUTAGE_NOTE)
    crashed = AlertSender(desk.bot, desk.store, POLICY, desk.sandbox.analyst_chat_id)
    await crashed._send(html.escape(notice.text), notice.random_id)  # reached Telegram; then the crash
    restarted = AlertSender(desk.bot, desk.store, POLICY, desk.sandbox.analyst_chat_id)
    assert await restarted.deliver_notices()
    assert await desk.store.notices.pending() == []
    assert [m.text for m in desk.bot_messages()] == [OUTAGE_NOTE]
    assert sum(e["event"] == "send" and "outage" in e["text"] for e in chat_events(desk)) == 1


async def test_closing_an_outage_queues_its_summary_and_forgets_its_counts_together(store: Store):
    await store.notices.keep_outage({"by_channel": {"@bordernews": 3}})
    assert await store.notices.open_outage() == {"by_channel": {"@bordernews": 3}}
    first = await store.notices.close_outage(OUTAGE_NOTE)
    second = await store.notices.close_outage("Recovered after an outage: 1 post.")
    assert await store.notices.open_outage() == {}
    assert await store.notices.pending() == [first, second]
    assert first.random_id != second.random_id
    await store.notices.mark_sent(first.random_id)
    await store.notices.mark_sent(first.random_id)
    assert await store.notices.pending() == [second]


async def test_a_flood_wait_on_send_is_survived_and_the_alert_arrives_once(desk: Desk, live: AlertSender):
    world = desk.sandbox.world
    world.faults = Faults(floods=(FloodRule("messages.sendMessage", 1),))
    await flag(desk.store, 14)
    live.notify()
    await until(lambda: live.stats.flood_waits >= 1, "a flood wait")
    assert desk.bot_messages() == []
    world.faults = Faults()
    await until(lambda: len(desk.bot_messages()) == 1, "the alert in the chat after the flood wait")
    await until(lambda: statuses_equal(desk.store, {"sent": 1}), "the alert marked sent")
    assert live.stats.flood_wait_seconds >= 1
    assert len(desk.bot_messages()) == 1


async def test_an_edit_updates_the_alert_and_a_deletion_annotates_it(desk: Desk, live: AlertSender):
    await flag(desk.store, 15)
    live.notify()
    await until(lambda: len(desk.bot_messages()) == 1, "the alert in the chat")
    await until(lambda: statuses_equal(desk.store, {"sent": 1}), "the alert marked sent")
    edited_at = datetime.now(UTC)
    text = "Update: the border crossing is closed"
    match = Match("border", "border", "en", text.index("border"), text.index("border") + 6)
    post = Post(CHANNEL.id, 15, edited_at - timedelta(minutes=5), text, edit_date=edited_at)
    await desk.store.save([(post, Analysis("en", 0.9, (match,), ("border",)))])
    live.notify()
    await until(lambda: desk.bot_messages()[0].edit_date is not None, "the alert edited")
    (message,) = desk.bot_messages()
    assert text in message.text and "✏️ edited" in message.text and f"{LINK}/15" in message.text

    await desk.store.mark_deleted(CHANNEL.id, [15], datetime.now(UTC))
    live.notify()
    await until(lambda: "deleted at" in desk.bot_messages()[0].text, "the alert annotated as deleted")
    events = [e["event"] for e in chat_events(desk)]
    assert events == ["send", "edit", "edit"]
    # the sender marks the update done just after Telegram accepts the edit
    await until(lambda: _no_updates_left(desk.store), "the deletion marked as delivered in the outbox")


async def edit_post(store: Store, message_id: int, text: str, conflicts: tuple[str, ...]) -> None:
    """Store an edit of a CHANNEL post whose new text the watchlist flags for `conflicts`."""
    edited_at = datetime.now(UTC)
    matches = tuple(
        Match(c, "border", "en", text.index("border"), text.index("border") + 6) for c in conflicts
    )
    post = Post(CHANNEL.id, message_id, edited_at - timedelta(minutes=5), text, edit_date=edited_at)
    await store.save([(post, Analysis("en", 0.9, matches, conflicts))])


async def test_an_edit_adding_a_conflict_rewrites_the_alert_instead_of_sending_the_link_again(
    desk: Desk, live: AlertSender
):
    await flag(desk.store, 16)
    live.notify()
    await until(lambda: statuses_equal(desk.store, {"sent": 1}), "the first alert marked sent")
    await edit_post(desk.store, 16, "Clashes at the border spread to the sea lanes", ("border", "sea"))
    live.notify()
    await until(lambda: "Sea lanes" in desk.bot_messages()[0].text, "the alert edited to name Sea lanes")
    await until(lambda: statuses_equal(desk.store, {"sent": 2}), "both alerts marked sent")
    (message,) = desk.bot_messages()
    assert "Border clashes, Sea lanes" in message.text
    assert "spread to the sea lanes" in message.text and message.text.count(f"{LINK}/16") == 1
    events = chat_events(desk)  # the text edit and the added conflict may be one edit or two
    assert events[0]["event"] == "send" and {e["event"] for e in events[1:]} == {"edit"}
    assert sum(f"{LINK}/16" in e["text"] for e in events if e["event"] == "send") == 1
    assert not await desk.store.outbox.pending(datetime.now(UTC), 10)
    assert not await desk.store.outbox.needing_update(10)
    assert live.stats.updates >= 1


async def test_a_conflict_added_to_a_digested_post_is_a_reply_without_link(desk: Desk):
    policy = AlertPolicy(per_minute=60, burst=3, digest_after=1, quiet_hours=None, muted=(), summary="off")
    sender = AlertSender(desk.bot, desk.store, policy, desk.sandbox.analyst_chat_id)
    await flag(desk.store, 50)
    await flag(desk.store, 51)
    assert await sender.deliver_due()
    (digest,) = desk.bot_messages()
    await edit_post(desk.store, 51, "Talks at the border failed; the sea lanes are closed", ("border", "sea"))
    assert await sender.deliver_due()
    assert await statuses(desk.store) == {"sent": 3}
    assert await sender.deliver_updates()
    digest, note = desk.bot_messages()
    assert "Sea lanes" in note.text and "t.me/" not in note.text
    assert digest.edit_date is None
    assert sum(f"{LINK}/51" in e["text"] for e in chat_events(desk) if e["event"] == "send") == 1


async def test_a_burst_is_one_digest_and_a_deleted_post_in_it_gets_a_reply_without_link(desk: Desk):
    policy = AlertPolicy(per_minute=60, burst=2, digest_after=3, quiet_hours=None, muted=(), summary="off")
    sender = AlertSender(desk.bot, desk.store, policy, desk.sandbox.analyst_chat_id)
    for message_id in range(20, 30):
        await flag(desk.store, message_id)
    assert await sender.deliver_due()
    (digest,) = desk.bot_messages()
    assert all(digest.text.count(f"{LINK}/{i}") == 1 for i in range(20, 30))
    await desk.store.mark_deleted(CHANNEL.id, [22], datetime.now(UTC))
    assert await sender.deliver_updates()
    digest, note = desk.bot_messages()
    assert "Deleted at" in note.text and "t.me/" not in note.text
    assert digest.edit_date is None


# -- error paths, with a recording stand-in for the client ---------------------------------------------


def recording_sender(store: Store, **kw) -> tuple[AlertSender, RecordingClient]:
    client = RecordingClient()
    return AlertSender(client, store, POLICY, CHAT_ID, **kw), client  # type: ignore[arg-type]


async def test_network_errors_are_retried_with_backoff_and_the_same_random_id(store: Store):
    now = [datetime(2030, 1, 1, tzinfo=UTC)]
    sender, client = recording_sender(store, now=lambda: now[0])
    client.failures.append(ConnectionError("connection reset"))
    await flag(store, 5)
    await sender.deliver_due()
    assert await statuses(store) == {"pending": 1}
    assert sender.stats.last_error == "ConnectionError: connection reset"
    assert not await store.outbox.pending(now[0], 10), "not due again before the backoff"
    now[0] += timedelta(seconds=2)
    (retry,) = await store.outbox.pending(now[0], 10)
    assert retry.alert.attempts == 1 and retry.claim_random_id is not None
    await sender.deliver_due()
    assert await statuses(store) == {"sent": 1}
    assert client.random_ids == {retry.claim_random_id}


async def test_a_flood_wait_is_counted_and_holds_every_send_for_its_length(store: Store):
    clock = [0.0]
    sender, client = recording_sender(store, clock=lambda: clock[0])
    client.failures.append(errors.FloodWaitError(request=None, capture=30))
    await flag(store, 6)
    await sender.deliver_due()
    assert sender.stats.flood_waits == 1 and sender.stats.flood_wait_seconds == 30
    assert await statuses(store) == {"pending": 1}
    assert sender._tokens() == 0
    clock[0] += 29
    assert sender._tokens() == 0
    clock[0] += 2
    assert sender._tokens() > 0


@pytest.mark.parametrize(
    "error",
    [
        errors.PeerFloodError(request=None),
        errors.ChatWriteForbiddenError(request=None),
        errors.UserBannedInChannelError(request=None),
    ],
)
async def test_a_send_error_retrying_cannot_cure_blocks_sending_until_one_probe_later(
    store: Store, error: errors.RPCError
):
    clock, now = [0.0], [datetime(2030, 1, 1, tzinfo=UTC)]
    sender, client = recording_sender(store, clock=lambda: clock[0], now=lambda: now[0])
    client.failures.append(error)
    await flag(store, 50)
    await sender.deliver_due()
    (problem,) = sender.problems()
    assert problem.fatal and problem.subject == "sending" and problem.state == "blocked"
    assert type(error).__name__ in problem.detail
    for _ in range(5):  # rounds during the block send nothing (the client would accept now)
        await sender.deliver_due()
    assert client.messages == {} and await statuses(store) == {"pending": 1}
    assert sender.problems() == [problem], "the block stays shown until a send succeeds"
    clock[0] += BLOCKED_PROBE_SECONDS + 1
    now[0] += timedelta(seconds=BLOCKED_PROBE_SECONDS + 1)
    await sender.deliver_due()
    assert await statuses(store) == {"sent": 1} and len(client.messages) == 1
    assert sender.problems() == []


async def test_slow_mode_is_a_wait_shown_while_it_lasts_not_a_retry_storm(store: Store):
    clock, now = [0.0], [datetime(2030, 1, 1, tzinfo=UTC)]
    sender, client = recording_sender(store, clock=lambda: clock[0], now=lambda: now[0])
    client.failures.append(errors.SlowModeWaitError(request=None, capture=40))
    await flag(store, 51)
    await sender.deliver_due()
    (problem,) = sender.problems()
    assert (problem.state, problem.fatal) == ("slow_mode", False)
    assert problem.until == now[0] + timedelta(seconds=40)
    await sender.deliver_due()
    assert client.messages == {} and sender.stats.slow_mode_waits == 1
    clock[0] += 41
    now[0] += timedelta(seconds=41)
    assert sender.problems() == []
    await sender.deliver_due()
    assert await statuses(store) == {"sent": 1}


async def test_no_lock_is_held_while_a_send_waits_out_a_flood(store: Store):
    sender, client = recording_sender(store)
    client.failures.append(errors.FloodWaitError(request=None, capture=3600))
    await flag(store, 52)
    await sender.deliver_due()
    reply = asyncio.create_task(sender.send_html("a command reply"))
    for _ in range(10):
        await asyncio.sleep(0)  # let the reply reach its wait
    assert not reply.done() and not sender._send_lock.locked()
    await asyncio.wait_for(sender.stop(), 5)
    assert await asyncio.wait_for(reply, 5) is None and client.messages == {}


async def test_without_a_token_a_round_reads_nothing_and_with_one_only_what_one_message_carries(
    store: Store, monkeypatch: pytest.MonkeyPatch
):
    clock = [0.0]
    sender, client = recording_sender(store, clock=lambda: clock[0])
    reads: list[int] = []
    pending = store.outbox.pending

    async def counted(now: datetime, limit: int):  # type: ignore[no-untyped-def]
        reads.append(limit)
        return await pending(now, limit)

    monkeypatch.setattr(store.outbox, "pending", counted)
    sender.bucket.empty()
    for message_id in range(60, 63):
        await flag(store, message_id)
    assert not await sender.deliver_due() and reads == []
    assert not sender._may_send_now(), "a notify would not wake the sender before the next token"
    clock[0] += 60 / POLICY.per_minute
    assert await sender.deliver_due()
    assert reads == [POSTS_PER_MESSAGE] and len(client.messages) == 1


async def test_stop_returns_while_a_send_waits_out_a_flood(store: Store):
    sender, client = recording_sender(store, poll_seconds=0.05)
    client.failures.append(errors.FloodWaitError(request=None, capture=3600))
    await flag(store, 30)
    await flag(store, 31)
    task = asyncio.create_task(sender.run())
    await until(lambda: sender.stats.flood_waits == 1, "one flood wait")
    await asyncio.wait_for(sender.stop(), 5)
    await asyncio.wait_for(task, 5)
    assert client.messages == {}


async def test_muted_conflicts_are_suppressed_and_never_sent(store: Store):
    sender, client = recording_sender(store)
    await store.outbox.set_mute("border", datetime.now(UTC) + timedelta(hours=1))
    await flag(store, 7)
    await flag(store, 8, conflicts=("sea",))
    await sender.deliver_due()
    assert await statuses(store) == {"sent": 1, "suppressed": 1}
    assert len(client.messages) == 1 and sender.stats.suppressed == 1


async def test_a_post_flagged_for_two_conflicts_is_one_message(store: Store):
    sender, client = recording_sender(store)
    await flag(store, 9, conflicts=("border", "sea"))
    await sender.deliver_due()
    assert await statuses(store) == {"sent": 2}
    (text,) = client.messages.values()
    assert "Border clashes, Sea lanes" in text


async def test_an_alert_that_can_no_longer_be_edited_gets_a_reply(store: Store):
    sender, client = recording_sender(store)
    await flag(store, 10)
    await sender.deliver_due()
    await store.mark_deleted(CHANNEL.id, [10], datetime.now(UTC))
    client.failures.append(errors.MessageIdInvalidError(request=None))
    assert await sender.deliver_updates()
    assert len(client.messages) == 2 and "Deleted at" in list(client.messages.values())[1]
    assert not await store.outbox.needing_update(10)


async def test_summaries_and_replies_are_paced_like_alerts(store: Store):
    sender, client = recording_sender(store)
    await flag(store, 40)
    message_id = await sender.send_summary(timedelta(hours=1))
    assert message_id is not None and "Posts: 1" in client.messages[message_id]
    assert sender.bucket.tokens == POLICY.burst - 1


@pytest.mark.parametrize(
    ("summary", "fields"), [("hourly", {"minute": "0", "hour": "*"}), ("daily", {"hour": "0"})]
)
async def test_summaries_are_scheduled_hourly_or_daily(store: Store, summary, fields):
    policy = AlertPolicy(per_minute=20, burst=3, digest_after=5, quiet_hours=None, muted=(), summary=summary)
    sender = AlertSender(RecordingClient(), store, policy, CHAT_ID)  # type: ignore[arg-type]
    scheduler = AsyncIOScheduler(timezone="UTC")
    sender.schedule(scheduler)
    trigger = {f.name: str(f) for f in scheduler.get_job("summary").trigger.fields}
    assert fields.items() <= trigger.items()


async def test_no_summary_job_when_summaries_are_off(store: Store):
    scheduler = AsyncIOScheduler(timezone="UTC")
    recording_sender(store)[0].schedule(scheduler)
    assert scheduler.get_jobs() == []


def test_the_sent_message_id_is_read_from_the_updates_for_this_random_id():
    other = types.UpdateMessageID(id=7, random_id=1)
    ours = types.UpdateMessageID(id=8, random_id=2)
    updates = types.Updates(updates=[other, ours], users=[], chats=[], date=datetime.now(UTC), seq=0)
    assert sent_message_id(updates, 2) == 8
    assert (
        sent_message_id(types.UpdateShortSentMessage(id=9, pts=1, pts_count=1, date=datetime.now(UTC)), 2)
        == 9
    )
    assert sent_message_id(types.UpdatesTooLong(), 2) is None


async def test_a_full_batch_leaves_out_its_last_post_whose_alerts_may_continue_beyond_it(store: Store):
    await flag(store, 1)
    await flag(store, 2, conflicts=("border", "sea"))
    items = await store.outbox.pending(datetime.now(UTC), 2)
    assert [i.alert.message_id for i in whole_posts(items)] == [1]
    only = await store.outbox.pending(datetime.now(UTC), 1)
    assert whole_posts(only) == only


async def _no_updates_left(store: Store) -> bool:
    return not await store.outbox.needing_update(10)


# -- refusals Telegram gives for sends, end to end ----------------------------------------------------------


class CountingClient:
    """The bot's client, counting the requests the sender makes through it."""

    def __init__(self, client) -> None:  # type: ignore[no-untyped-def]
        self.client = client
        self.requests: list[str] = []

    async def __call__(self, request):  # type: ignore[no-untyped-def]
        self.requests.append(type(request).__name__)
        return await self.client(request)

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self.client, name)


@pytest.mark.parametrize("refusal", ["CHAT_WRITE_FORBIDDEN", "PEER_FLOOD"])
async def test_a_send_refusal_blocks_sending_after_one_attempt_and_keeps_the_alert(desk: Desk, refusal: str):
    desk.sandbox.world.faults = parse_faults(f"send={refusal}")
    client = CountingClient(desk.bot)
    sender = AlertSender(client, desk.store, POLICY, desk.sandbox.analyst_chat_id, poll_seconds=0.05)  # type: ignore[arg-type]
    task = asyncio.create_task(sender.run())
    try:
        await flag(desk.store, 70)
        sender.notify()
        (problem,) = await until(sender.problems, "sending blocked")
        assert problem.state == "blocked" and problem.fatal
        await flag(desk.store, 71)
        sender.notify()
        assert client.requests.count("SendMessageRequest") == 1
        assert await statuses(desk.store) == {"pending": 2} and desk.bot_messages() == []
    finally:
        await sender.stop()
        await task


async def test_slow_mode_pauses_sending_once_and_the_alert_follows(desk: Desk):
    world = desk.sandbox.world
    world.faults = parse_faults("send=SLOWMODE_WAIT:2")
    client = CountingClient(desk.bot)
    sender = AlertSender(client, desk.store, POLICY, desk.sandbox.analyst_chat_id, poll_seconds=0.05)  # type: ignore[arg-type]
    task = asyncio.create_task(sender.run())
    try:
        await flag(desk.store, 72)
        sender.notify()
        (problem,) = await until(sender.problems, "slow mode")
        assert problem.state == "slow_mode" and not problem.fatal
        world.faults = parse_faults("")
        await until(lambda: len(desk.bot_messages()) == 1, "the alert after the slow mode wait")
        assert client.requests.count("SendMessageRequest") == 2 and sender.stats.slow_mode_waits == 1
    finally:
        await sender.stop()
        await task

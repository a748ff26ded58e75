"""The alert outbox worker: claims alerts, sends them to the analyst chat within Telegram's limits, records
the sent message ids, and edits or annotates sent alerts when their post changes.

Exactly once: alerts are claimed with a random_id before the send; after a crash the same random_id is
sent again, and Telegram answers RANDOM_ID_DUPLICATE if the first send went through. The sending client
must be built with `raise_last_call_error=True`, or Telethon hides that answer behind a generic error.

Waits never hold the send lock: a flood wait or slow mode pauses sending until it is over, and an error
that retrying cannot cure (PEER_FLOOD, CHAT_WRITE_FORBIDDEN, ...) blocks sending, shown by `health` and
`/status`, with one probe per BLOCKED_PROBE_SECONDS instead of a retry per round.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from telethon import TelegramClient, errors, functions, types
from telethon.extensions import html

from monitor.alerts import messages, pacing
from monitor.config import AlertPolicy
from monitor.logs import log_event
from monitor.model import OutboxItem, TelegramProblem, utcnow
from monitor.store import ArchiveError, Store

log = logging.getLogger(__name__)

POLL_SECONDS = 2.0
BATCH = 500
# Posts one message can carry at most (the densest digest spends one entity per post): what one token
# can send, so a round reads no more of the outbox than it can deliver.
POSTS_PER_MESSAGE = messages.ENTITY_LIMIT
UPDATE_BATCH = 50
MAX_BACKOFF_SECONDS = 300.0
BLOCKED_PROBE_SECONDS = 3600.0
SUMMARY_PERIODS = {"hourly": timedelta(hours=1), "daily": timedelta(days=1)}
_NETWORK_ERRORS = (OSError,)  # ConnectionError and TimeoutError included
_EDIT_GONE = (
    errors.MessageIdInvalidError,
    errors.MessageEditTimeExpiredError,
    errors.MessageAuthorRequiredError,
)
# Answers that say this account may not send to the analyst chat now; retrying each round cannot cure
# them and PEER_FLOOD grows longer with every attempt.
_BLOCKING = (
    errors.PeerFloodError,
    errors.ChatWriteForbiddenError,
    errors.ChatAdminRequiredError,
    errors.ChatRestrictedError,
    errors.ChatSendPlainForbiddenError,
    errors.UserBannedInChannelError,
    errors.ChannelPrivateError,
)


@dataclass
class SenderStats:
    """Counters for `/status` and the logs."""

    sent: int = 0
    digests: int = 0
    updates: int = 0
    duplicates: int = 0
    suppressed: int = 0
    flood_waits: int = 0
    flood_wait_seconds: float = 0.0
    slow_mode_waits: int = 0
    last_error: str | None = None
    last_sent_at: datetime | None = None


def sent_message_id(result: object, random_id: int) -> int | None:
    """The id of the message a send created, from the Updates Telegram answered with."""
    if isinstance(result, types.UpdateShortSentMessage):
        return result.id
    updates = getattr(result, "updates", ())
    for update in updates:
        if isinstance(update, types.UpdateMessageID) and update.random_id == random_id:
            return update.id
    for update in updates:
        if isinstance(update, types.UpdateNewChannelMessage | types.UpdateNewMessage):
            return update.message.id
    return None


async def period_summary(store: Store, until: datetime, period: timedelta) -> str:
    """The summary of [until - period, until): posts, flagged posts per conflict, posts per channel."""
    since = until - period
    stats = await store.stats(since=since, until=until)
    return messages.summary_from_stats("Summary", since, until, stats)


def backoff_seconds(attempts: int) -> float:
    return min(MAX_BACKOFF_SECONDS, 2.0 ** min(attempts, 16))


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


class SenderStopped(Exception):
    """Raised inside a send that was waiting for pacing when stop() came; a claimed send resumes later."""


class AlertSender:
    """Delivers the outbox to the analyst chat; runs as its own task so waits never hold up ingest."""

    def __init__(
        self,
        client: TelegramClient,
        store: Store,
        policy: AlertPolicy,
        chat_id: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = utcnow,
        poll_seconds: float = POLL_SECONDS,
        may_send: Callable[[], bool] | None = None,
    ) -> None:
        self.client = client
        # A worker of a fleet sends only while it holds the sender's lease (telegram/seat.py).
        self._may_send = may_send
        self.store = store
        self.policy = policy
        self.chat_id = chat_id
        self.stats = SenderStats()
        self.bucket = pacing.TokenBucket(policy.per_minute, policy.burst, clock)
        self._clock = clock
        self._now = now
        self._poll_seconds = poll_seconds
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._running = asyncio.Lock()
        self._send_lock = asyncio.Lock()
        self._resume_at = 0.0
        self._updates_resume_at = 0.0
        self._notices_resume_at = 0.0
        self._peer: types.TypeInputPeer | None = None
        self._paused: TelegramProblem | None = None  # a wait or a block, until _resume_at

    # -- life cycle ---------------------------------------------------------------------------------

    def notify(self) -> None:
        """New or changed alerts are in the outbox: look now rather than at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        """Deliver until stop(); a failing round is logged and retried after the poll interval."""
        async with self._running:
            while not self._stopping.is_set():
                self._wake.clear()
                if not self._seated():
                    await self._idle(self._poll_seconds, wake=False)
                    continue
                try:
                    busy = await self.deliver_notices()
                    busy = await self.deliver_due() or busy
                    busy = await self.deliver_updates() or busy
                except SenderStopped:
                    break
                except Exception as error:  # the sender must outlive one bad round; the next one retries
                    self._record_error("send_round_failed", error)
                    busy = False
                if not busy:
                    await self._idle(self._pause(), wake=self._may_send_now())

    async def stop(self) -> None:
        """Let the current send finish (its outcome is recorded), then return."""
        self._stopping.set()
        self._wake.set()
        async with self._running:
            pass

    def schedule(self, scheduler) -> None:  # type: ignore[no-untyped-def]  # an APScheduler scheduler
        """Add the periodic summary job (hourly or daily, per the alert policy) to the daemon's scheduler."""
        period = SUMMARY_PERIODS.get(self.policy.summary)
        if period is None:
            return
        trigger = {"minute": 0} if period == SUMMARY_PERIODS["hourly"] else {"hour": 0, "minute": 0}
        scheduler.add_job(
            self.send_summary, "cron", args=[period], id="summary", coalesce=True, max_instances=1, **trigger
        )

    async def send_summary(self, period: timedelta) -> int | None:
        """Post the summary of the last `period` (the scheduled job)."""
        return await self.send_html(await period_summary(self.store, self._now(), period))

    # -- outbox delivery --------------------------------------------------------------------------------

    async def deliver_due(self) -> bool:
        """One round over due alerts: suppress muted ones, send what pacing allows. True if anything moved.

        Without a token nothing is read: a surge notifies the sender for every alert, and rereading the
        backlog each time would cost more than the sending. With tokens, only as many alerts are read as
        those tokens can carry."""
        now = self._now()
        tokens = self._tokens()
        if tokens < 1:
            return False
        limit = min(BATCH, tokens * POSTS_PER_MESSAGE)
        items = await self.store.outbox.pending(now, limit)
        if len(items) == limit:
            items = whole_posts(items)
        plan = pacing.plan(
            items,
            tokens=tokens,
            digest_after=self.policy.digest_after,
            mutes=await self.store.outbox.mutes(now),
            config_muted=self.policy.muted,
            quiet=pacing.in_quiet_hours(now, self.policy.quiet_hours),
            chat_id=self.chat_id,
        )
        for reason, ids in plan.suppressed.items():
            await self.store.outbox.mark_suppressed(ids, reason)
            self.stats.suppressed += len(ids)
            log_event(log, "alerts_suppressed", alerts=len(ids), reason=reason)
        for delivery in plan.deliveries:
            if self._stopping.is_set() or not self._seated():
                break
            await self._deliver(delivery, {item.alert.id: item.alert.attempts for item in items})
        for attachment in plan.attached:
            await self._attach(attachment)
        return bool(plan.deliveries or plan.suppressed or plan.attached)

    def _seated(self) -> bool:
        return self._may_send is None or self._may_send()

    def _pause(self) -> float:
        """Until the next token when the bucket is empty (a backlog may wait for it), else one poll."""
        wait = max(self._resume_at - self._clock(), self.bucket.wait_seconds())
        return min(self._poll_seconds, wait) if wait > 0 else self._poll_seconds

    def _tokens(self) -> int:
        return 0 if self._clock() < self._resume_at else self.bucket.tokens

    def _may_send_now(self) -> bool:
        """Whether a notify() should cut an idle wait short: only when a send could follow at once."""
        return self._tokens() > 0 and not pacing.in_quiet_hours(self._now(), self.policy.quiet_hours)

    async def _deliver(self, delivery: pacing.Delivery, attempts: dict[int, int]) -> None:
        random_id = delivery.random_id
        if random_id is None:
            random_id = secrets.randbits(63) | 1
        ids = delivery.alert_ids
        try:
            await self.store.outbox.claim(ids, random_id)
        except ArchiveError as error:
            self._record_error("alert_claim_refused", error, alerts=list(ids))
            return
        try:
            result = await self._send(delivery.html, random_id)
        except errors.RandomIdDuplicateError:
            await self.store.outbox.mark_sent(ids, self.chat_id, None, digest=delivery.digest)
            self.stats.duplicates += 1
            log_event(log, "alert_already_sent", alerts=list(ids), random_id=random_id)
        except (errors.FloodWaitError, errors.SlowModeWaitError, *_BLOCKING) as error:
            await self.store.outbox.mark_retry(
                ids, self._now() + timedelta(seconds=self._wait_left()), describe(error)
            )
        except (errors.RPCError, *_NETWORK_ERRORS) as error:
            delay = backoff_seconds(max(attempts.get(i, 0) for i in ids))
            await self.store.outbox.mark_retry(ids, self._now() + timedelta(seconds=delay), describe(error))
            self._record_error("alert_send_failed", error, alerts=list(ids), retry_in=delay)
        else:
            message_id = sent_message_id(result, random_id)
            await self.store.outbox.mark_sent(ids, self.chat_id, message_id, digest=delivery.digest)
            self.stats.sent += len(ids)
            self.stats.digests += int(delivery.digest)
            self.stats.last_sent_at = self._now()
            log_event(log, "alert_sent", alerts=list(ids), digest=delivery.digest, message_id=message_id)

    async def _attach(self, attachment: pacing.Attachment) -> None:
        """Hand alerts to the message that already carries their post's link; deliver_updates then
        rewrites that message (or replies to a digest) to name them, so the link is never sent twice."""
        earlier = attachment.message
        ids = attachment.alert_ids
        await self.store.outbox.mark_sent(
            ids, earlier.chat_id, earlier.message_id, digest=earlier.digest, needs_update=True
        )
        log_event(log, "alert_joined_earlier", alerts=list(ids), message_id=earlier.message_id)

    # -- notices ----------------------------------------------------------------------------------------

    async def deliver_notices(self) -> bool:
        """Send the queued notices (an outage's summary), each with the random_id it was queued with: a send
        repeated after a crash is answered RANDOM_ID_DUPLICATE and shown once. True if any was delivered."""
        if self._clock() < self._notices_resume_at:
            return False
        done = False
        for notice in await self.store.notices.pending():
            if self._stopping.is_set() or self._tokens() < 1 or not self._seated():
                break
            try:
                message_id = sent_message_id(
                    await self._send(escape(notice.text), notice.random_id), notice.random_id
                )
            except errors.RandomIdDuplicateError:
                message_id = None
                self.stats.duplicates += 1
            except (errors.FloodWaitError, errors.SlowModeWaitError, *_BLOCKING):
                break
            except (errors.RPCError, *_NETWORK_ERRORS) as error:
                self._record_error("notice_send_failed", error, random_id=notice.random_id)
                self._notices_resume_at = self._clock() + self._poll_seconds * 5
                break
            await self.store.notices.mark_sent(notice.random_id)
            log_event(log, "notice_sent", random_id=notice.random_id, message_id=message_id)
            done = True
        return done

    # -- updates of sent alerts -------------------------------------------------------------------------

    async def deliver_updates(self) -> bool:
        """Edit sent alerts whose post was edited or deleted (or reply to digests). True if any were done."""
        if self._clock() < self._updates_resume_at:
            return False
        done = False
        for update in pacing.plan_updates(await self.store.outbox.needing_update(UPDATE_BATCH)):
            if self._stopping.is_set() or self._tokens() < 1 or not self._seated():
                break
            if not await self._apply(update):
                self._updates_resume_at = self._clock() + self._poll_seconds * 5
                break
            for alert_id in update.alert_ids:
                await self.store.outbox.mark_updated(alert_id)
            self.stats.updates += 1
            done = True
        return done

    async def _apply(self, update: pacing.Update) -> bool:
        """Show one change in the chat; False when it must be tried again later."""
        try:
            if not await self._edited(update):
                await self._send(update.note_html, update.random_id, reply_to=update.message_id)
        except errors.RandomIdDuplicateError:
            pass
        except (errors.FloodWaitError, errors.SlowModeWaitError, *_BLOCKING):
            return False
        except (errors.RPCError, *_NETWORK_ERRORS) as error:
            self._record_error("alert_update_failed", error, alerts=list(update.alert_ids))
            return False
        log_event(log, "alert_updated", alerts=list(update.alert_ids), edited=update.edit_html is not None)
        return True

    async def _edited(self, update: pacing.Update) -> bool:
        """Rewrite a single alert in place; False when only a reply note can show the change."""
        if update.edit_html is None or update.message_id is None:
            return False
        try:
            await self._edit(update.message_id, update.edit_html)
        except errors.MessageNotModifiedError:
            return True
        except _EDIT_GONE as error:
            log_event(log, "alert_not_editable", alerts=list(update.alert_ids), error=describe(error))
            return False
        return True

    # -- the wire -------------------------------------------------------------------------------------

    async def send_html(self, message: str, *, reply_to: int | None = None) -> int | None:
        """Send a message that is not an alert (a command reply, a summary), paced like the alerts.
        Returns the new message id, or None when it could not be sent (the error is logged)."""
        random_id = secrets.randbits(63) | 2
        try:
            return sent_message_id(await self._send(message, random_id, reply_to=reply_to), random_id)
        except SenderStopped:
            return None
        except (errors.RPCError, *_NETWORK_ERRORS) as error:
            self._record_error("message_send_failed", error)
            return None

    async def _send(self, message: str, random_id: int, *, reply_to: int | None = None) -> object:
        text, entities = html.parse(message)
        reply = types.InputReplyToMessage(reply_to_msg_id=reply_to) if reply_to else None
        request = functions.messages.SendMessageRequest(
            peer=await self._input_peer(),
            message=text,
            random_id=random_id,
            no_webpage=True,
            entities=entities or None,
            reply_to=reply,
        )
        return await self._call(request)

    async def _edit(self, message_id: int, message: str) -> object:
        text, entities = html.parse(message)
        request = functions.messages.EditMessageRequest(
            peer=await self._input_peer(),
            id=message_id,
            message=text,
            no_webpage=True,
            entities=entities or None,
        )
        return await self._call(request)

    async def _call(self, request: object) -> object:
        """One request at a time, after pacing; waits happen before the lock is taken, never inside it,
        so a flood wait, slow mode or a block pauses every sender without holding any of them."""
        while True:
            await self._pace()
            async with self._send_lock:
                if self._wait_left() > 0:
                    continue  # a wait began while this send queued for the lock: wait it out unlocked
                try:
                    result = await self.client(request)
                except errors.FloodWaitError as error:
                    self._pause_for("flood_wait", describe(error), error.seconds, fatal=False)
                    self.stats.flood_waits += 1
                    self.stats.flood_wait_seconds += error.seconds
                    raise
                except errors.SlowModeWaitError as error:
                    self._pause_for("slow_mode", describe(error), error.seconds, fatal=False)
                    self.stats.slow_mode_waits += 1
                    raise
                except _BLOCKING as error:
                    self._pause_for("blocked", describe(error), BLOCKED_PROBE_SECONDS, fatal=True)
                    raise
                self._resumed()
                return result

    async def _pace(self) -> None:
        while True:
            if self._stopping.is_set():
                raise SenderStopped
            wait = self._wait_left()
            if wait <= 0 and self.bucket.take():
                return
            await self._idle(max(wait, self.bucket.wait_seconds()), wake=False)

    def _wait_left(self) -> float:
        return max(self._resume_at - self._clock(), 0.0)

    def _pause_for(self, state: str, detail: str, seconds: float, *, fatal: bool) -> None:
        """Send nothing for `seconds`; the pause is a problem `health` and `/status` show until it ends."""
        now = self._now()
        self.stats.last_error = detail
        self._resume_at = self._clock() + seconds
        self.bucket.empty()
        self._paused = TelegramProblem("sending", state, detail, now, now + timedelta(seconds=seconds), fatal)
        log_event(log, "sending_paused", level=logging.WARNING, state=state, seconds=seconds, error=detail)

    def _resumed(self) -> None:
        if self._paused is not None and self._paused.fatal:
            log_event(log, "sending_resumed", after=self._paused.state)
        self._paused = None

    def problems(self) -> list[TelegramProblem]:
        """The pause sending is in (a flood wait, slow mode, a block), if it has not ended."""
        if self._paused is None or (self._wait_left() <= 0 and not self._paused.fatal):
            return []
        return [self._paused]

    async def _input_peer(self) -> types.TypeInputPeer:
        """The analyst chat as a peer. A user account knows a chat's access hash only from its dialogs
        (a bot's session may hold it from the start), so the first lookup reads them if needed."""
        if self._peer is None:
            try:
                self._peer = await self.client.get_input_entity(self.chat_id)
            except ValueError:
                async for dialog in self.client.iter_dialogs():
                    if dialog.id == self.chat_id:
                        self._peer = dialog.input_entity
                        break
                else:
                    raise
        return self._peer

    # -- helpers --------------------------------------------------------------------------------------

    async def _idle(self, seconds: float, *, wake: bool = True) -> None:
        """Wait up to `seconds`; notify() cuts it short when `wake`, stop() always does."""
        waiters = [asyncio.ensure_future(self._stopping.wait())]
        if wake:
            waiters.append(asyncio.ensure_future(self._wake.wait()))
        try:
            await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
            await asyncio.gather(*waiters, return_exceptions=True)

    def _record_error(self, event: str, error: BaseException, **fields: object) -> None:
        self.stats.last_error = describe(error)
        log_event(log, event, level=logging.WARNING, error=describe(error), **fields)


def whole_posts(items: Sequence[OutboxItem]) -> list[OutboxItem]:
    """Leave out the last post of a full batch: its other alerts may be beyond the limit, and a post's
    alerts must travel in one message (unless that post is all there is)."""
    last = items[-1].alert
    kept = [
        i for i in items if (i.alert.channel_id, i.alert.message_id) != (last.channel_id, last.message_id)
    ]
    return kept or list(items)

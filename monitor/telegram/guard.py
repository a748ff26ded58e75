"""What every request to Telegram passes: flood waits counted here (Telethon is built never to sleep
through one silently), and the errors that end an account's session recognised as fatal.

A method Telegram flood-waited is refused here, uncounted, until its wait is over, so callers wait in
their own task (holding no lock) and Telethon never refuses a later call on its own. Only the answers
Telegram actually gave are counted. Start-up steps nothing can go on without (connecting, the first dialog
list) wait theirs out here (`wait_out`), recorded for `health` first, instead of failing the start.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from telethon import errors

from monitor.logs import log_event
from monitor.model import TelegramProblem, utcnow

log = logging.getLogger(__name__)
T = TypeVar("T")

# SLOWMODE_WAIT is a property of one chat, not of a method: the alert sender handles it.
FLOOD_ERRORS = (errors.FloodWaitError, errors.FloodPremiumWaitError)

_LOGIN_AGAIN = "run `monitor login --config FILE` to create a new session"
# Errors after which the account's key (or the account) is unusable; retrying only repeats them.
# error class -> (Telegram's name, state, what to do)
ACCOUNT_FAULTS: dict[type[errors.RPCError], tuple[str, str, str]] = {
    errors.AuthKeyUnregisteredError: (
        "AUTH_KEY_UNREGISTERED",
        "revoked",
        f"the session was logged out or revoked; {_LOGIN_AGAIN}",
    ),
    errors.SessionRevokedError: (
        "SESSION_REVOKED",
        "revoked",
        f"the session was terminated from another device; {_LOGIN_AGAIN}",
    ),
    errors.SessionExpiredError: ("SESSION_EXPIRED", "expired", f"the session expired; {_LOGIN_AGAIN}"),
    errors.AuthKeyDuplicatedError: (
        "AUTH_KEY_DUPLICATED",
        "duplicated",
        "the session was used from two connections at once and Telegram destroyed its key; "
        f"let a single monitor use each session, then {_LOGIN_AGAIN}",
    ),
    errors.UserDeactivatedBanError: (
        "USER_DEACTIVATED_BAN",
        "banned",
        "Telegram banned the account; it cannot be used any more",
    ),
    errors.UserDeactivatedError: ("USER_DEACTIVATED", "deactivated", "the account was deleted"),
}


class AccountFault(Exception):
    """The account's key or the account itself can no longer be used: the daemon stops (exit status 4)."""

    def __init__(self, state: str, error: str, advice: str, *, who: str) -> None:
        super().__init__(f"{who} cannot be used: {state} ({error}); {advice}")
        self.state = state
        self.error = error
        self.advice = advice
        self.who = who
        self.at = utcnow()

    def problem(self) -> TelegramProblem:
        return TelegramProblem("account", self.state, str(self), self.at)


def account_fault(error: BaseException, who: str) -> AccountFault | None:
    """The fault an rpc error means for the account, None when it is not fatal."""
    for kind, (name, state, advice) in ACCOUNT_FAULTS.items():
        if isinstance(error, kind):
            return AccountFault(state, name, advice, who=who)
    return None


def method_name(request: object) -> str:
    """Telegram's name of a request, e.g. messages.getHistory for GetHistoryRequest."""
    kind = type(request)
    module = kind.__module__.rpartition(".")[2]
    name = kind.__name__.removesuffix("Request")
    name = name[:1].lower() + name[1:]
    return name if module == "functions" else f"{module}.{name}"


@dataclass
class FloodWaits:
    """Flood waits Telegram answered: how many, how long in all, and the methods still waiting."""

    count: int = 0
    seconds: float = 0.0
    clock: Callable[[], float] = time.monotonic
    _until: dict[str, float] = field(default_factory=dict)
    _since: dict[str, datetime] = field(default_factory=dict)

    def record(self, method: str, seconds: float) -> None:
        self.count += 1
        self.seconds += seconds
        self._until[method] = max(self._until.get(method, 0.0), self.clock() + seconds)
        self._since[method] = utcnow()

    def remaining(self, method: str) -> float:
        """Seconds until `method` may be sent again (0 when it is not waiting)."""
        left = self._until.get(method, 0.0) - self.clock()
        if left <= 0:
            self._until.pop(method, None)
            self._since.pop(method, None)
            return 0.0
        return left

    def active(self) -> dict[str, float]:
        """Methods still flood-waited and the seconds left, for `health` and `/status`."""
        return {method: left for method in list(self._until) if (left := self.remaining(method)) > 0}

    def problems(self) -> list[TelegramProblem]:
        now = utcnow()
        return [
            TelegramProblem(
                f"flood:{method}",
                "flood_wait",
                f"{method} flood-waited, {left:.0f} s left",
                self._since.get(method, now),
                now + timedelta(seconds=left),
                fatal=False,
            )
            for method, left in sorted(self.active().items())
        ]


class RequestGuard:
    """One per client: counts flood waits, refuses a flood-waited method until its wait is over, and
    turns a fatal account error into an AccountFault. Once the session is known to be signed in
    (`signed_in`), the fault is reported to `on_fault` and its error raised for every later request, so
    nothing keeps using a dead key; before that (a login in progress) it is only remembered in `seen`."""

    def __init__(
        self,
        who: str,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.who = who
        self.flood = FloodWaits(clock=clock)
        self.signed_in = False
        self.answered_at = clock()  # when Telegram last answered anything but an account fault
        self._clock = clock
        self._sleep = sleep
        self.seen: AccountFault | None = None
        self.fault: AccountFault | None = None
        self._fatal: errors.RPCError | None = None
        self.on_fault: Callable[[AccountFault], None] | None = None
        self.on_wait: Callable[[], Awaitable[None]] | None = None  # records a flood wait for `health`

    async def call(self, request: object, send: Callable[[], Awaitable[T]]) -> T:
        """Send `request` through `send` unless the account is dead or the method is still waiting.

        Errors stay Telegram's (Telethon's own update loop knows how to stop on them); the fault is
        reported on the side."""
        if self._fatal is not None:
            raise self._fatal
        method = method_name(request)
        if (left := self.flood.remaining(method)) > 0:
            raise errors.FloodWaitError(request=request, capture=max(1, round(left)))
        try:
            result = await send()
        except FLOOD_ERRORS as error:
            self.answered_at = self._clock()
            self.flood.record(method, error.seconds)
            log_event(
                log,
                "flood_wait",
                level=logging.WARNING,
                client=self.who,
                request=method,
                seconds=error.seconds,
            )
            raise
        except errors.RPCError as error:
            if (fault := account_fault(error, self.who)) is None:
                self.answered_at = self._clock()  # any other answer shows the key alive
            else:
                self.seen = fault
                if self.signed_in:
                    self._fail(fault, error)
            raise
        self.answered_at = self._clock()
        return result

    async def wait_out(self, step: Callable[[], Awaitable[T]]) -> T:
        """Run `step` until Telegram lets it through: after a flood wait, recorded (`on_wait`) and slept in
        the caller's task as an official client would, it is tried again. A stop cancels the sleep."""
        while True:
            try:
                return await step()
            except FLOOD_ERRORS as error:
                if self.on_wait is not None:
                    await self.on_wait()
                log_event(
                    log,
                    "waiting_out_flood_wait",
                    level=logging.WARNING,
                    client=self.who,
                    seconds=error.seconds,
                )
                await self._sleep(error.seconds)

    def quiet_for(self) -> float:
        """Seconds since Telegram last answered this client."""
        return self._clock() - self.answered_at

    def _fail(self, fault: AccountFault, error: errors.RPCError) -> None:
        if self.fault is not None:
            return
        self.fault = fault
        self._fatal = error
        log_event(log, "account_unusable", level=logging.ERROR, client=self.who, reason=str(fault))
        if self.on_fault is not None:
            self.on_fault(fault)

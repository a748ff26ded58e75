"""What every API request passes before a handler sees it: the account's standing and its quotas.

Telegram refuses a request before doing any work when the key was revoked (401 AUTH_KEY_UNREGISTERED),
when the account is banned (401 USER_DEACTIVATED_BAN), when the key was used from two connections at
once and destroyed (406 AUTH_KEY_DUPLICATED), or when the account exceeded a method's quota
(420 FLOOD_WAIT_X). None of the first three heals by reconnecting. The gate keeps that state; the
world asks it for every request and applies revocations and bans through it. The faults a test or
`--faults` injects into requests (slow replies, flood waits, errors, send refusals) come after.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Iterable
from typing import Protocol

from monitor.sandbox.errors import RpcError
from monitor.sandbox.faults import Faults
from monitor.sandbox.log import log_event
from monitor.sandbox.quotas import QuotaBook
from monitor.sandbox.strictness import Strictness

log = logging.getLogger(__name__)

OPEN_METHODS = ("help.", "auth.")  # connecting and logging in are never refused by the gate


class GateLink(Protocol):
    auth_key_id: int
    session_id: int
    closed: bool  # set as soon as a connection starts shutting down


class Gate:
    """The account standing of every key and the per-account quotas, under one Strictness."""

    def __init__(self, strictness: Strictness, authorizations: dict[int, int]) -> None:
        self.strictness = strictness
        self.quotas = QuotaBook(strictness.quotas, strictness.escalation)
        self.banned: set[int] = set()
        self.duplicated: set[int] = set()  # auth key ids destroyed for being used twice at once
        self._authorizations = authorizations
        self._active: dict[GateLink, int] = {}  # links that made API requests -> their key id

    def admit(self, link: GateLink, method: str, now: float, links: Iterable[GateLink]) -> None:
        """Raise the RpcError Telegram answers this request with before any work, if any."""
        if method.startswith(OPEN_METHODS):
            return
        key = link.auth_key_id
        if key in self.duplicated:
            raise RpcError(406, "AUTH_KEY_DUPLICATED")
        account = self._authorizations.get(key)
        if account is None:
            return  # the handler answers AUTH_KEY_UNREGISTERED, as for any unknown key
        if account in self.banned:
            raise RpcError(401, "USER_DEACTIVATED_BAN")
        if self.strictness.duplicate_keys:
            self._check_duplicate(link, links)
        wait = self.quotas.charge(account, method, now) if self.strictness.quotas else None
        if wait is not None:
            log_event(log, "quota_exceeded", level=logging.DEBUG, account=account, method=method, wait=wait)
            raise RpcError(420, f"FLOOD_WAIT_{wait}")

    def _check_duplicate(self, link: GateLink, links: Iterable[GateLink]) -> None:
        """One key, two open connections that both make requests: Telegram destroys the key."""
        key = link.auth_key_id
        self._active[link] = key
        twins = [
            other
            for other in links
            if other is not link
            and not other.closed  # a connection on its way out is not a second user of the key
            and self._active.get(other) == key
            and other.session_id != link.session_id
        ]
        if twins:
            self.destroy_duplicated(key)
            raise RpcError(406, "AUTH_KEY_DUPLICATED")

    def forget(self, link: GateLink) -> None:
        """A closed connection no longer counts as using its key."""
        self._active.pop(link, None)

    def fail(self, kind: str, account: int) -> None:
        """The account fails as Telegram makes accounts fail; none of it heals by reconnecting.

        revoked: its keys are logged out (AUTH_KEY_UNREGISTERED); banned: USER_DEACTIVATED_BAN;
        duplicated: its keys are destroyed as if used from two places at once (AUTH_KEY_DUPLICATED).
        """
        if kind == "revoked":
            self.revoke(account)
        elif kind == "banned":
            self.ban(account)
        elif kind == "duplicated":
            for key in [k for k, owner in self._authorizations.items() if owner == account]:
                self.destroy_duplicated(key)
        else:
            raise ValueError(f"unknown account fault {kind!r}")

    def revoke(self, account: int) -> list[int]:
        """Log every key of `account` out, as a terminated session does; returns the key ids revoked."""
        keys = [key for key, owner in self._authorizations.items() if owner == account]
        for key in keys:
            del self._authorizations[key]
        log_event(log, "keys_revoked", account=account, keys=len(keys))
        return keys

    def ban(self, account: int) -> None:
        self.banned.add(account)
        log_event(log, "account_banned", account=account)

    def destroy_duplicated(self, key: int) -> None:
        """The key is dead for every connection: AUTH_KEY_DUPLICATED from now on, and no more updates."""
        self.duplicated.add(key)
        account = self._authorizations.pop(key, None)
        log_event(log, "key_duplicated", level=logging.WARNING, account=account, key=f"{key:#x}")


async def inject_faults(faults: Faults, method: str, rng: random.Random) -> None:
    """Apply the injected request faults: hold the reply back, or refuse it as the spec asks."""
    delay = faults.slow_for(rng)
    if delay:
        await asyncio.sleep(delay)
    flood = faults.flood_for(method, rng)
    if flood is not None:
        raise RpcError(420, f"FLOOD_WAIT_{flood}")
    error = faults.error_for(method, rng)
    if error is not None:
        raise RpcError(error.code, error.message)
    refusal = faults.send_refusal(method, rng)
    if refusal is not None:
        raise RpcError(refusal.code, refusal.message)

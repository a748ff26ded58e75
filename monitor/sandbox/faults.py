"""Fault injection for the sandbox: a small spec language and the frozen rules the world applies.

SPEC is a comma-separated list of ITEMs; a key may repeat (`flood=...,flood=...`):

    flood=METHOD:SECONDS[:PROBABILITY]   answer METHOD with FLOOD_WAIT_SECONDS (probability default 1)
    error=CODE[:PROBABILITY[:METHOD]]    answer an rpc_error CODE (400, 420, 500, -503 ...) instead
    slow=SECONDS[:PROBABILITY]           delay replies by SECONDS (probability default 1)
    drop=every:SECONDS                   close every client connection every SECONDS
    drop=at:T1[:T2...]                   close every client connection T1, T2 ... seconds after start
    withhold=PROBABILITY                 never push that share of live channel updates (a pts gap
                                         that only updates.getChannelDifference reveals)
    delay=PROBABILITY:SECONDS            push that share of live updates up to SECONDS late
    auth=KIND[:SECONDS]                  SECONDS after start (default 0) the user's account fails:
                                         revoked (AUTH_KEY_UNREGISTERED), banned (USER_DEACTIVATED_BAN)
                                         or duplicated (its keys destroyed: AUTH_KEY_DUPLICATED)
    send=ERROR[:SECONDS][:PROBABILITY]   refuse sends with PEER_FLOOD, SLOWMODE_WAIT (for SECONDS) or
                                         CHAT_WRITE_FORBIDDEN (probability default 1)

METHOD is a TL method name as Telegram spells it (`messages.getHistory`) or `*` for every method
except `help.*` and `auth.*` (so connecting and logging in keep working).
Example: "flood=messages.getHistory:5:0.1,drop=every:10,withhold=0.1,delay=0.2:0.5,error=500:0.01,slow=0.05"
Account faults: "auth=revoked:30", "auth=banned", "send=SLOWMODE_WAIT:15:0.5,send=PEER_FLOOD:0.1".
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

ANY_METHOD = "*"

# Messages Telegram uses with each error code; 420 is a flood wait whatever the method.
ERROR_MESSAGES: dict[int, str] = {
    400: "INPUT_REQUEST_INVALID",
    403: "CHAT_WRITE_FORBIDDEN",
    420: "FLOOD_WAIT_3",
    500: "INTERNAL_SERVER_ERROR",
    -503: "Timeout",
}


AUTH_KINDS = ("revoked", "banned", "duplicated")
SEND_METHODS = (
    "messages.sendMessage",
    "messages.sendMedia",
    "messages.sendMultiMedia",
    "messages.forwardMessages",
)
# Telegram's refusals of a send: the error code of each (SLOWMODE_WAIT_X carries its seconds).
SEND_ERRORS: dict[str, int] = {"PEER_FLOOD": 400, "SLOWMODE_WAIT": 420, "CHAT_WRITE_FORBIDDEN": 403}


class FaultSpecError(ValueError):
    """A faults spec that cannot be parsed; the message names the offending item."""


@dataclass(frozen=True, slots=True)
class FloodRule:
    method: str
    seconds: int
    probability: float = 1.0


@dataclass(frozen=True, slots=True)
class ErrorRule:
    code: int
    probability: float = 1.0
    method: str = ANY_METHOD

    @property
    def message(self) -> str:
        return ERROR_MESSAGES[self.code]


@dataclass(frozen=True, slots=True)
class AuthRule:
    """The user's account fails this way `at` seconds after start."""

    kind: str
    at: float = 0.0


@dataclass(frozen=True, slots=True)
class SendRule:
    error: str
    seconds: int = 0  # SLOWMODE_WAIT only
    probability: float = 1.0

    @property
    def code(self) -> int:
        return SEND_ERRORS[self.error]

    @property
    def message(self) -> str:
        return f"SLOWMODE_WAIT_{self.seconds}" if self.error == "SLOWMODE_WAIT" else self.error


@dataclass(frozen=True, slots=True)
class Faults:
    """Every fault the world injects; the default injects none."""

    floods: tuple[FloodRule, ...] = ()
    errors: tuple[ErrorRule, ...] = ()
    slow_seconds: float = 0.0
    slow_probability: float = 1.0
    drop_every: float | None = None
    drop_at: tuple[float, ...] = ()
    withhold: float = 0.0
    delay_probability: float = 0.0
    delay_seconds: float = 0.0
    auth: tuple[AuthRule, ...] = ()
    sends: tuple[SendRule, ...] = ()

    @property
    def active(self) -> bool:
        return self != Faults()

    def merged(self, other: Faults) -> Faults:
        """The rules of both; single-valued settings of `other` win where it sets them."""
        return Faults(
            floods=self.floods + other.floods,
            errors=self.errors + other.errors,
            slow_seconds=other.slow_seconds or self.slow_seconds,
            slow_probability=other.slow_probability if other.slow_seconds else self.slow_probability,
            drop_every=other.drop_every if other.drop_every is not None else self.drop_every,
            drop_at=tuple(sorted(self.drop_at + other.drop_at)),
            withhold=other.withhold or self.withhold,
            delay_probability=other.delay_probability or self.delay_probability,
            delay_seconds=other.delay_seconds or self.delay_seconds,
            auth=self.auth + other.auth,
            sends=self.sends + other.sends,
        )

    def flood_for(self, method: str, rng: random.Random) -> int | None:
        """Seconds of FLOOD_WAIT to answer `method` with this time, if any."""
        for rule in self.floods:
            if _applies(rule.method, method) and rng.random() < rule.probability:
                return rule.seconds
        return None

    def error_for(self, method: str, rng: random.Random) -> ErrorRule | None:
        """The rpc error to answer `method` with this time, if any."""
        for rule in self.errors:
            if _applies(rule.method, method) and rng.random() < rule.probability:
                return rule
        return None

    def send_refusal(self, method: str, rng: random.Random) -> SendRule | None:
        """The refusal to answer this send with, if any."""
        if method not in SEND_METHODS:
            return None
        for rule in self.sends:
            if rng.random() < rule.probability:
                return rule
        return None

    def slow_for(self, rng: random.Random) -> float:
        """Seconds to hold this reply back."""
        if self.slow_seconds and rng.random() < self.slow_probability:
            return self.slow_seconds
        return 0.0

    def push_delay(self, rng: random.Random) -> float | None:
        """None to withhold this live update, else the seconds to hold it back (0 for none)."""
        if self.withhold and rng.random() < self.withhold:
            return None
        if self.delay_probability and rng.random() < self.delay_probability:
            return rng.uniform(0.0, self.delay_seconds)
        return 0.0

    def describe(self) -> str:
        """The spec that parses back to these faults (empty when none)."""
        items = [f"flood={r.method}:{r.seconds}:{r.probability:g}" for r in self.floods]
        items += [f"error={r.code}:{r.probability:g}:{r.method}" for r in self.errors]
        if self.slow_seconds:
            items.append(f"slow={self.slow_seconds:g}:{self.slow_probability:g}")
        if self.drop_every is not None:
            items.append(f"drop=every:{self.drop_every:g}")
        if self.drop_at:
            items.append("drop=at:" + ":".join(f"{t:g}" for t in self.drop_at))
        if self.withhold:
            items.append(f"withhold={self.withhold:g}")
        if self.delay_probability:
            items.append(f"delay={self.delay_probability:g}:{self.delay_seconds:g}")
        items += [f"auth={r.kind}:{r.at:g}" for r in self.auth]
        for rule in self.sends:
            seconds = f":{rule.seconds}" if rule.error == "SLOWMODE_WAIT" else ""
            items.append(f"send={rule.error}{seconds}:{rule.probability:g}")
        return ",".join(items)


def parse_faults(spec: str | None) -> Faults:
    """Parse SPEC (see the module docstring); raises FaultSpecError naming the bad item."""
    faults = Faults()
    for raw in (spec or "").split(","):
        item = raw.strip()
        if not item:
            continue
        key, sep, value = item.partition("=")
        parser = _PARSERS.get(key.strip())
        if not sep or parser is None:
            known = ", ".join(f"{k}=..." for k in _PARSERS)
            raise FaultSpecError(f"faults: {item!r}: expected one of {known}")
        try:
            faults = faults.merged(parser(value.strip().split(":")))
        except (ValueError, IndexError) as exc:
            raise FaultSpecError(f"faults: {item!r}: {_reason(exc)}") from None
    return faults


def _applies(pattern: str, method: str) -> bool:
    if pattern == ANY_METHOD:
        return not method.startswith(("help.", "auth."))
    return pattern == method


def _reason(exc: Exception) -> str:
    if isinstance(exc, IndexError):
        return "missing a field"
    return str(exc)


def _probability(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"probability {text} is not between 0 and 1")
    return value


def _seconds(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{text} is not a number of seconds")
    return value


def _method(text: str) -> str:
    if text != ANY_METHOD and "." not in text:
        raise ValueError(f"{text!r} is not a method name like messages.getHistory (or *)")
    return text


def _no_extra(parts: list[str], allowed: int) -> None:
    if len(parts) > allowed:
        raise ValueError(f"unexpected {':'.join(parts[allowed:])!r}")


def _flood(parts: list[str]) -> Faults:
    _no_extra(parts, 3)
    seconds = int(parts[1])
    if seconds < 1:
        raise ValueError("a flood wait lasts at least 1 second")
    probability = _probability(parts[2]) if len(parts) > 2 else 1.0
    return Faults(floods=(FloodRule(_method(parts[0]), seconds, probability),))


def _error(parts: list[str]) -> Faults:
    _no_extra(parts, 3)
    code = int(parts[0])
    if code not in ERROR_MESSAGES:
        raise ValueError(f"unknown error code {code} (known: {', '.join(map(str, ERROR_MESSAGES))})")
    probability = _probability(parts[1]) if len(parts) > 1 else 1.0
    method = _method(parts[2]) if len(parts) > 2 else ANY_METHOD
    return Faults(errors=(ErrorRule(code, probability, method),))


def _slow(parts: list[str]) -> Faults:
    _no_extra(parts, 2)
    probability = _probability(parts[1]) if len(parts) > 1 else 1.0
    return Faults(slow_seconds=_seconds(parts[0]), slow_probability=probability)


def _drop(parts: list[str]) -> Faults:
    mode, times = parts[0], parts[1:]
    if not times:
        raise ValueError("expected drop=every:SECONDS or drop=at:T1[:T2...]")
    if mode == "every":
        _no_extra(parts, 2)
        every = _seconds(times[0])
        if every <= 0:
            raise ValueError("drop=every needs a positive interval")
        return Faults(drop_every=every)
    if mode == "at":
        return Faults(drop_at=tuple(sorted(_seconds(t) for t in times)))
    raise ValueError(f"unknown drop mode {mode!r} (every, at)")


def _withhold(parts: list[str]) -> Faults:
    _no_extra(parts, 1)
    return Faults(withhold=_probability(parts[0]))


def _delay(parts: list[str]) -> Faults:
    _no_extra(parts, 2)
    return Faults(delay_probability=_probability(parts[0]), delay_seconds=_seconds(parts[1]))


def _auth(parts: list[str]) -> Faults:
    _no_extra(parts, 2)
    if parts[0] not in AUTH_KINDS:
        raise ValueError(f"unknown account fault {parts[0]!r} ({', '.join(AUTH_KINDS)})")
    at = _seconds(parts[1]) if len(parts) > 1 else 0.0
    return Faults(auth=(AuthRule(parts[0], at),))


def _send(parts: list[str]) -> Faults:
    error = parts[0]
    if error not in SEND_ERRORS:
        raise ValueError(f"unknown send refusal {error!r} ({', '.join(SEND_ERRORS)})")
    if error == "SLOWMODE_WAIT":
        _no_extra(parts, 3)
        seconds = int(parts[1])
        if seconds < 1:
            raise ValueError("a slow mode wait lasts at least 1 second")
        probability = _probability(parts[2]) if len(parts) > 2 else 1.0
        return Faults(sends=(SendRule(error, seconds, probability),))
    _no_extra(parts, 2)
    probability = _probability(parts[1]) if len(parts) > 1 else 1.0
    return Faults(sends=(SendRule(error, 0, probability),))


_PARSERS = {
    "flood": _flood,
    "error": _error,
    "slow": _slow,
    "drop": _drop,
    "withhold": _withhold,
    "delay": _delay,
    "auth": _auth,
    "send": _send,
}

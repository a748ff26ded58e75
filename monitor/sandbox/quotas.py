"""Per-account, per-method quotas with escalating FLOOD_WAITs: the bookkeeping, without I/O.

A call either fits every window of its method's quotas (and is counted) or earns a wait: during a
wait every call of those methods is refused with the seconds left; a client that exceeds a quota
again after a wait climbs the escalation ladder (3 s, 26 s, ... as reported of Telegram), and comes
back down to the first rung after a long quiet spell. Refused calls are not counted.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

from monitor.sandbox.strictness import ESCALATION_MEMORY, Quota, Window


@dataclass(slots=True)
class _Standing:
    """One account's use of one quota: call times per window, the current wait and its ladder rung."""

    calls: list[deque[float]]
    blocked_until: float = 0.0
    rung: int = 0
    last_offence_end: float = -math.inf


@dataclass(slots=True)
class QuotaBook:
    """Counts calls per (account, quota) and says how long a refused call must wait."""

    quotas: tuple[Quota, ...]
    escalation: tuple[int, ...]
    _by_method: dict[str, tuple[Quota, ...]] = field(init=False)
    _standing: dict[tuple[int, str], _Standing] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        by_method: dict[str, list[Quota]] = {}
        for quota in self.quotas:
            for method in quota.methods:
                by_method.setdefault(method, []).append(quota)
        self._by_method = {method: tuple(quotas) for method, quotas in by_method.items()}

    def charge(self, account: int, method: str, now: float) -> int | None:
        """Count one call of `method` by `account` at `now`; the FLOOD_WAIT seconds instead if refused."""
        quotas = self._by_method.get(method, ())
        standings = [self._standing_of(account, quota) for quota in quotas]
        waiting = [math.ceil(s.blocked_until - now) for s in standings if s.blocked_until > now]
        if waiting:
            return max(waiting)
        for quota, standing in zip(quotas, standings, strict=True):
            free_in = _free_in(quota.windows, standing.calls, now)
            if free_in is not None:
                return self._offence(quota, standing, now, free_in)
        for standing in standings:
            for times in standing.calls:
                times.append(now)
        return None

    def _standing_of(self, account: int, quota: Quota) -> _Standing:
        key = (account, quota.name)
        if key not in self._standing:
            self._standing[key] = _Standing([deque() for _ in quota.windows])
        return self._standing[key]

    def _offence(self, quota: Quota, standing: _Standing, now: float, free_in: float) -> int:
        if not quota.escalates:
            wait = max(1, math.ceil(free_in))
        else:
            if now - standing.last_offence_end > ESCALATION_MEMORY:
                standing.rung = 0
            wait = max(self.escalation[min(standing.rung, len(self.escalation) - 1)], math.ceil(free_in))
            standing.rung += 1
        standing.blocked_until = now + wait
        standing.last_offence_end = standing.blocked_until
        return wait


def _free_in(windows: tuple[Window, ...], calls: list[deque[float]], now: float) -> float | None:
    """None if one more call fits every window; else the seconds until the fullest window frees a slot."""
    longest: float | None = None
    for window, times in zip(windows, calls, strict=True):
        while times and times[0] <= now - window.seconds:
            times.popleft()
        if len(times) >= window.count:
            free = times[0] + window.seconds - now
            longest = free if longest is None else max(longest, free)
    return longest

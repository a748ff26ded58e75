"""What the leases of a fleet mean on either backend: the rows, the fair share and the claim's conditions.

`leases.py` (SQLite) and `postgres/leases.py` keep the same tables and run the same decisions; only how
a claim is made safe differs (one write transaction at a time on SQLite, row locks skipped on
PostgreSQL). The conditions below are written once, with named parameters (:account, :now, :worker,
:target, :room, :surplus), in SQL both databases read alike, so the two can never decide differently.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from monitor.store.errors import ArchiveError


class AccountInUse(ArchiveError):
    """Another live worker reads with the same Telegram account."""

    @classmethod
    def by(cls, account: str, other: Mapping[str, object]) -> AccountInUse:
        """The refusal naming the live worker (`name`, `pid`, `host`, `expires_at`) that has the account."""
        return cls(
            f"account {account} is already read by worker {other['name']} (pid {other['pid']} "
            f"on {other['host'] or 'this host'}, lease until {other['expires_at']}); one worker per account"
        )


def stamp(when: datetime) -> str:
    """Lease times as fixed-width UTC text, so that comparing the text compares the times."""
    return when.isoformat(timespec="milliseconds")


@dataclass(frozen=True, slots=True)
class KnownChannel:
    """A channel as one account knows it: its own access hash and whether it has joined."""

    channel_id: int
    access_hash: int | None
    joined: bool


@dataclass(frozen=True, slots=True)
class WorkerRow:
    name: str
    account: str
    pid: int
    host: str
    started_at: str
    renewed_at: str
    expires_at: str
    stopped_at: str | None
    state: Mapping[str, object]


@dataclass(frozen=True, slots=True)
class Holding:
    """What a renewal left a worker with: the channels it holds, and those it took over from another."""

    held: frozenset[int]
    gained: frozenset[int]
    released: frozenset[int]
    taken_over: frozenset[int]
    target: int


def fair_share(channels: int, live: int, expected: int) -> int:
    """All known channels over the live workers (at least `expected`, and at least one), rounded up."""
    return math.ceil(channels / max(1, expected, live))


# Channels and live workers, for fair_share (parameter :now).
COUNTS = (
    "SELECT (SELECT count(*) FROM channel_leases), "
    "(SELECT count(*) FROM workers WHERE stopped_at IS NULL AND expires_at > :now)"
)
# Another live worker with this account (:account, :worker, :now): the refusal's facts.
SAME_ACCOUNT = (
    "SELECT name, pid, host, expires_at FROM workers "
    "WHERE account = :account AND name <> :worker AND stopped_at IS NULL AND expires_at > :now"
)

# Another live worker's account has joined the channel (it gets live updates there; this one would poll);
# `_WITH_ROOM` narrows it to a worker below its fair share, which will take the channel.
_JOINED_ELSEWHERE = """
    EXISTS (SELECT 1 FROM account_channels AS o JOIN workers AS w ON w.account = o.account
            WHERE o.channel_id = l.channel_id AND o.joined = 1 AND o.account <> :account
              AND w.stopped_at IS NULL AND w.expires_at > :now{room})
"""
_WITH_ROOM = " AND (SELECT count(*) FROM channel_leases AS x WHERE x.worker = w.name) < :target"
_ELSEWHERE = _JOINED_ELSEWHERE.format(room="")
_ELSEWHERE_WITH_ROOM = _JOINED_ELSEWHERE.format(room=_WITH_ROOM)
_MINE = "LEFT JOIN account_channels AS a ON a.channel_id = l.channel_id AND a.account = :account"
_FREE = "(l.worker IS NULL OR l.expires_at <= :now)"
_JOINED = "coalesce(a.joined, 0) = 1"

# Membership comes before fairness: a channel is read by a member account whenever one is live, and the
# shares decide only among its live members, or among all workers when none is live. A lease is not a
# membership, so holding more than the share (or more than 500) joins nothing.

# Each claim query ends before its row locks: PostgreSQL appends `FOR UPDATE OF l SKIP LOCKED`.
# Free leases of channels this account joined that no other live member below its share will take (only
# this account joined them, or every other member is at its share): all of them, whatever the share.
CLAIM_OWN = (
    f"SELECT l.channel_id, l.worker FROM channel_leases AS l {_MINE} "
    f"WHERE {_FREE} AND {_JOINED} AND NOT {_ELSEWHERE_WITH_ROOM} ORDER BY l.channel_id"
)
# Then up to :room of the rest: those it joined first, then those it resolved; a channel it has not
# joined only while no live worker's account has.
CLAIM_REST = f"""
    SELECT l.channel_id, l.worker FROM channel_leases AS l {_MINE}
    WHERE {_FREE} AND ({_JOINED} OR NOT {_ELSEWHERE})
    ORDER BY {_JOINED} DESC, (a.access_hash IS NOT NULL) DESC, l.channel_id
    LIMIT :room
"""
# Held channels this account has not joined that a live worker's account has, whatever that one's share.
GIVE_TO_MEMBER = (
    f"SELECT l.channel_id FROM channel_leases AS l {_MINE} "
    f"WHERE l.worker = :worker AND NOT {_JOINED} AND {_ELSEWHERE}"
)
# Above the worker's share (:surplus of them): those no live worker's account joined, and those another
# live member below its share joined too (one at its share would claim it back: no handover back and
# forth); never a channel only this account joined.
GIVE_SURPLUS = f"""
    SELECT l.channel_id FROM channel_leases AS l {_MINE}
    WHERE l.worker = :worker
      AND (NOT {_JOINED} AND NOT {_ELSEWHERE} OR {_JOINED} AND {_ELSEWHERE_WITH_ROOM})
    ORDER BY {_JOINED}, (a.access_hash IS NOT NULL), l.channel_id DESC
    LIMIT :surplus
"""

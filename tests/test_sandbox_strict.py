"""The sandbox as strict as Telegram: the request record, cheap change detection, membership, quotas,
per-account access hashes, account faults and send refusals, each against the real Telethon client."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from telethon import functions as fn
from telethon.errors import UsernameNotOccupiedError

from monitor.sandbox.scenario import ChannelSpec, HistoryPost, PostSpec, Scenario
from tests.support import Connect, StartSandbox

WIRE = ChannelSpec(id=1400000001, username="strict_wire", title="Strict wire")
ASIDE = ChannelSpec(id=1400000002, username="strict_aside", title="Strict aside", joined=False)


def strict_scenario(posts: int = 5) -> Scenario:
    """A joined channel with a few posts a minute apart and a public channel the user has not joined."""
    history = tuple(
        HistoryPost(ago=600.0 - i * 60, post=PostSpec(channel_id=WIRE.id, text=f"wire item {i + 1}"))
        for i in range(posts)
    )
    return Scenario(name="strict", channels=(WIRE, ASIDE), history=history)


def read_records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


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

"""The request guard every client's requests pass: counted flood waits, refused waited methods, dead keys."""

from __future__ import annotations

import pytest
from telethon import errors, functions

from monitor.telegram.guard import AccountFault, RequestGuard, method_name

HISTORY = functions.messages.GetHistoryRequest(
    peer="me", offset_id=0, offset_date=None, add_offset=0, limit=1, max_id=0, min_id=0, hash=0
)
STATE = functions.updates.GetStateRequest()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def answer(error: BaseException | None):  # type: ignore[no-untyped-def]
    """A send that fails with `error` (or succeeds), counting how often it reached the wire."""
    calls: list[int] = []

    async def send() -> str:
        calls.append(1)
        if error is not None:
            raise error
        return "ok"

    return send, calls


def test_method_names_are_telegrams() -> None:
    assert method_name(HISTORY) == "messages.getHistory"
    assert method_name(STATE) == "updates.getState"
    assert method_name(functions.InvokeWithLayerRequest(1, STATE)) == "invokeWithLayer"


async def test_a_flood_wait_is_counted_once_and_the_method_refused_unsent_until_it_is_over() -> None:
    clock = Clock()
    guard = RequestGuard("the user account", clock=clock)
    send, calls = answer(errors.FloodWaitError(request=HISTORY, capture=26))
    with pytest.raises(errors.FloodWaitError):
        await guard.call(HISTORY, send)
    clock.now += 10
    with pytest.raises(errors.FloodWaitError) as refused:
        await guard.call(HISTORY, send)
    assert refused.value.seconds == 16
    assert len(calls) == 1  # the refusal never reached Telegram
    assert (guard.flood.count, guard.flood.seconds) == (1, 26)
    assert list(guard.flood.active()) == ["messages.getHistory"]
    (problem,) = guard.flood.problems()
    assert problem.subject == "flood:messages.getHistory" and not problem.fatal

    other, _ = answer(None)
    assert await guard.call(STATE, other) == "ok"  # other methods are not held up
    clock.now += 17
    ok, later_calls = answer(None)
    assert await guard.call(HISTORY, ok) == "ok"
    assert len(later_calls) == 1 and guard.flood.active() == {} and guard.flood.count == 1


async def test_a_start_up_step_waits_out_its_flood_wait_recorded_first_then_goes_through() -> None:
    clock = Clock()
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.now += seconds

    guard = RequestGuard("the user account", clock=clock, sleep=sleep)
    recorded: list[list[str]] = []

    async def record() -> None:
        recorded.append([p.subject for p in guard.flood.problems()])

    guard.on_wait = record
    flooded, calls = answer(errors.FloodWaitError(request=STATE, capture=26))
    fine, _ = answer(None)
    attempts = iter([flooded, fine])

    async def step() -> str:
        return await guard.call(STATE, next(attempts))

    assert await guard.wait_out(step) == "ok"
    assert recorded == [["flood:updates.getState"]]  # shown while it lasted, before the sleep
    assert slept == [26] and len(calls) == 1 and guard.flood.active() == {}


async def test_waiting_out_lets_every_other_error_through_at_once() -> None:
    guard = RequestGuard("the user account", sleep=_never_sleeps)
    send, calls = answer(errors.AuthKeyUnregisteredError(request=STATE))
    with pytest.raises(errors.AuthKeyUnregisteredError):
        await guard.wait_out(lambda: guard.call(STATE, send))
    assert len(calls) == 1


async def _never_sleeps(seconds: float) -> None:
    raise AssertionError(f"slept {seconds} s on an error that is not a flood wait")


@pytest.mark.parametrize(
    ("error", "state"),
    [
        (errors.AuthKeyUnregisteredError(request=STATE), "revoked"),
        (errors.AuthKeyDuplicatedError(request=STATE), "duplicated"),
        (errors.UserDeactivatedBanError(request=STATE), "banned"),
    ],
)
async def test_a_dead_key_of_a_signed_in_account_is_reported_once_and_nothing_is_sent_after(
    error: errors.RPCError, state: str
) -> None:
    guard = RequestGuard("the user account")
    guard.signed_in = True
    reported: list[AccountFault] = []
    guard.on_fault = reported.append
    send, calls = answer(error)
    with pytest.raises(type(error)):
        await guard.call(STATE, send)
    with pytest.raises(type(error)):
        await guard.call(HISTORY, send)
    assert len(calls) == 1
    (fault,) = reported
    assert fault.state == state and guard.fault is fault
    assert state in str(fault) and "the user account" in str(fault)
    assert fault.problem().fatal and fault.problem().subject == "account"


async def test_before_sign_in_an_unregistered_key_is_only_remembered() -> None:
    guard = RequestGuard("the bot account")
    guard.on_fault = lambda fault: pytest.fail(f"reported during login: {fault}")
    send, calls = answer(errors.AuthKeyUnregisteredError(request=STATE))
    for _ in range(2):
        with pytest.raises(errors.AuthKeyUnregisteredError):
            await guard.call(STATE, send)
    assert len(calls) == 2 and guard.fault is None
    assert guard.seen is not None and guard.seen.error == "AUTH_KEY_UNREGISTERED"

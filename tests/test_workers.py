"""A fleet of workers on one archive, end to end: each reads with its own account through the real Telethon
client against the sandbox; channels are shared through leases, taken over when a worker stops renewing,
and every alert reaches the analyst chat exactly once. The fleet's tests run on both backends: an archive
file and a PostgreSQL database (`archive_location`)."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sys
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor.cli.daemon import check_health
from monitor.cli.workers import fleet_report
from monitor.config import Config, FleetSettings, Secret, WorkerSettings
from monitor.daemon import Daemon, FleetWorker, WorkerRefused
from monitor.demo import sandbox_config
from monitor.health import HealthLimits
from monitor.sandbox.scenario import ChannelSpec, HistoryPost, PostSpec, Scenario
from monitor.sandbox.server import RunningSandbox
from monitor.store import Location, open_archive
from monitor.telegram.held_back import Handover
from monitor.telegram.takeover import TakeoverCatchUp
from tests.support import FAST_READING, FLAGGED, NO_PACING, RARE_JOBS, StartSandbox, own_messages, until

CHANNELS = tuple(
    ChannelSpec(id=1600000001 + i, username=f"fleet_news{i}", title=f"Fleet news {i}") for i in range(6)
)
ALL = {spec.id for spec in CHANNELS}
LEASE_SECONDS = 3.0


def fleet_scenario(accounts: int, members: int = 1) -> Scenario:
    history = tuple(
        HistoryPost(ago=7200 - i, post=PostSpec(spec.id, f"старая сводка {i}"))
        for i, spec in enumerate(CHANNELS)
    )
    return Scenario(name="fleet", channels=CHANNELS, history=history).with_accounts(accounts, members)


def fleet_config(
    sandbox: RunningSandbox,
    archive: Path,
    sessions: tuple[str, ...] | None = None,
    url: str | None = None,
    lease: float = 15.0,
) -> Config:
    """With `url` the archive is that PostgreSQL database (`archive` then only places locks and sessions)."""
    config = sandbox_config(sandbox, archive, alerts=NO_PACING, schedule=RARE_JOBS, reading=FAST_READING)
    config = replace(config, archive_url=url)
    sessions = sandbox.user_sessions if sessions is None else sessions
    workers = tuple(WorkerSettings(f"w{n}", Secret(s)) for n, s in enumerate(sessions, start=1))
    # In one process with the sandbox and its peers, a worker's loop may stall for a few seconds on a busy
    # machine; a longer lease keeps that from looking like a dead worker. The killed-worker test uses
    # processes and the short LEASE_SECONDS.
    return replace(config, fleet=FleetSettings(workers, lease_seconds=lease, renew_seconds=0.5))


class ObservedWorker(FleetWorker):
    """A worker that tells its fleet each time the set of channels it reads changes; one that `crashed`
    stops without giving its leases back, as a killed process leaves them."""

    def __init__(self, fleet: Fleet, daemon: Daemon, settings: WorkerSettings) -> None:
        super().__init__(daemon, settings)
        self.observer = fleet
        self.crashed = False

    async def leave(self) -> None:
        """A crash leaves the leases and the seat in the archive; the bot's session lock goes with it."""
        if not self.crashed:
            await super().leave()
        elif self.seat is not None:
            await self.stop_sending(give_up=False)

    def read_held(self, marks: Mapping[int, int] | None = None) -> dict[int, Handover]:
        handed = super().read_held(marks)
        self.observer.note_overlaps()
        return handed


def observed_worker(fleet: Fleet, name: str) -> Daemon:
    daemon = Daemon(fleet.config, worker=fleet.config.fleet.worker(name))
    daemon.fleet = ObservedWorker(fleet, daemon, fleet.config.fleet.worker(name))
    return daemon


def takeover_of(daemon: Daemon) -> TakeoverCatchUp:
    assert daemon.fleet is not None and daemon.fleet.takeover is not None
    return daemon.fleet.takeover


@dataclass
class Fleet:
    sandbox: RunningSandbox
    config: Config
    daemons: dict[str, Daemon] = field(default_factory=dict)
    overlaps: list[set[int]] = field(default_factory=list)  # channels read by two workers at one moment
    _tasks: dict[str, tuple[asyncio.Event, asyncio.Task[None]]] = field(default_factory=dict)

    async def start(self, name: str) -> Daemon:
        daemon = observed_worker(self, name)
        stop = asyncio.Event()
        self._tasks[name] = (stop, asyncio.create_task(daemon.run(stop)))
        self.daemons[name] = daemon
        await asyncio.wait_for(daemon.looked.wait(), 20)
        return daemon

    async def stop(self, name: str) -> None:
        stop, task = self._tasks.pop(name)
        stop.set()
        await asyncio.wait_for(task, 15)

    async def crash(self, name: str) -> None:
        """Stop a worker as a kill would: its leases and seat stay until they expire."""
        worker = self.daemons[name].fleet
        assert isinstance(worker, ObservedWorker)
        worker.crashed = True
        await self.stop(name)

    def note_overlaps(self) -> None:
        sets = list(self.reading().values())
        self.overlaps.extend(a & b for i, a in enumerate(sets) for b in sets[i + 1 :] if a & b)

    def reading(self) -> dict[str, set[int]]:
        return {
            name: {w.id for w in d.state.channels} for name, d in self.daemons.items() if name in self._tasks
        }

    async def close(self) -> None:
        for name in list(self._tasks):
            await self.stop(name)


@pytest.fixture
async def fleet_of(
    start_sandbox_for: StartSandbox, tmp_path: Path, archive_location: Location
) -> AsyncIterator[Callable[..., Fleet]]:
    """Fleets on an archive file (tmp_path / "fleet.db") or, once per test, on a PostgreSQL database."""
    fleets: list[Fleet] = []
    url = archive_location if isinstance(archive_location, str) else None

    async def make(
        accounts: int, members: int = 1, lease: float = 15.0, record_requests: Path | None = None
    ) -> Fleet:
        sandbox = await start_sandbox_for(fleet_scenario(accounts, members), record_requests=record_requests)
        fleet = Fleet(sandbox, fleet_config(sandbox, tmp_path / "fleet.db", url=url, lease=lease))
        fleets.append(fleet)
        return fleet

    yield make
    for fleet in fleets:
        await fleet.close()


def shared_out(fleet: Fleet) -> dict[str, set[int]] | None:
    """The workers' reading sets when together they read every channel, each exactly once."""
    sets = fleet.reading()
    every = [i for s in sets.values() for i in s]
    return sets if sorted(every) == sorted(spec.id for spec in CHANNELS) else None


def alerts_in_chat(sandbox: RunningSandbox) -> dict[tuple[str, int], int]:
    counts: dict[tuple[str, int], int] = {}
    for message in own_messages(sandbox):
        for channel, post in re.findall(r"t\.me/(\w+)/(\d+)", message.text):
            counts[(channel, int(post))] = counts.get((channel, int(post)), 0) + 1
    return counts


async def test_three_workers_share_the_channels_and_alert_each_post_once(fleet_of) -> None:
    fleet = await fleet_of(3)
    for name in ("w1", "w2", "w3"):
        await fleet.start(name)
    world = fleet.sandbox.world
    accounts = (fleet.sandbox.user_id, *fleet.sandbox.reader_ids)
    # Each account's own channels (it joined them: live updates there), two each.
    expected = {
        f"w{n}": {c for c in world.channels if a in world.channels[c].members and c in ALL}
        for n, a in enumerate(accounts, 1)
    }
    assert all(len(s) == 2 for s in expected.values())

    async def settled() -> bool:
        """Each worker reads the channels its account joined, as its leases in the archive say."""
        held = await holders(fleet.config.archive_location)
        return shared_out(fleet) == expected and all(
            held[c] == name for name, s in expected.items() for c in s
        )

    await until(settled, "every channel read by the one worker whose account joined it")
    sets = expected
    posted = [(spec.username, await world.publish(spec.username, FLAGGED)) for spec in CHANNELS]
    await until(
        lambda: all(key in alerts_in_chat(fleet.sandbox) for key in posted),
        "an alert for every post",
        timeout=30,
    )
    assert all(alerts_in_chat(fleet.sandbox)[key] == 1 for key in posted)
    assert shared_out(fleet) == sets
    report = await fleet_report(fleet.config.archive_location)
    assert [(w["worker"], w["status"], w["channels"]) for w in report["workers"]] == [
        ("w1", "live", 2),
        ("w2", "live", 2),
        ("w3", "live", 2),
    ]
    assert sum(w["sender"] for w in report["workers"]) == 1
    verdict = await check_health(fleet.config.archive_location, HealthLimits(), {}, None)
    assert verdict["status"] == "healthy", verdict["reasons"]
    assert fleet.overlaps == []
    # The sender's /status shows the whole fleet, not only the channels its own worker reads.
    await fleet.sandbox.world.analyst_says("/status")
    reply = await until(
        lambda: next((m.text for m in own_messages(fleet.sandbox) if m.text.startswith("Status")), None),
        "the sender's reply to /status",
    )
    fleet_part = reply.split("Fleet (3)\n", 1)[1]
    assert [line.split(" · ")[:3] for line in fleet_part.splitlines()[:3]] == [
        ["w1", "live", "2 channels"],
        ["w2", "live", "2 channels"],
        ["w3", "live", "2 channels"],
    ]


# -- a worker that dies ---------------------------------------------------------------------------------

MONITOR = Path(sys.executable).with_name("monitor")


async def start_worker(config: Path, name: str, log: Path) -> asyncio.subprocess.Process:
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(
            str(MONITOR),
            "run",
            "--config",
            str(config),
            "--worker",
            name,
            stdout=out,
            stderr=out,
            env=os.environ.copy(),
        )


def written_fleet(sandbox: RunningSandbox, directory: Path, archive: Location | None = None) -> Path:
    """The config `monitor sandbox --accounts N --write-config` writes, with test-short leases; with a
    PostgreSQL `archive` its [archive] is that database's url instead of the file."""
    from monitor.sandbox.config_file import write_monitor_config

    path = directory / "fleet.toml"
    write_monitor_config(path, sandbox)
    text = path.read_text(encoding="utf-8")
    if isinstance(archive, str):
        text, found = re.subn(r"\[archive\]\npath = [^\n]*\n", f'[archive]\nurl = "{archive}"\n', text)
        assert found == 1
    text = re.sub(r"lease_seconds = \d+", f"lease_seconds = {LEASE_SECONDS:g}", text)
    text = re.sub(r"renew_seconds = \d+", "renew_seconds = 1", text)
    path.write_text(text, encoding="utf-8")
    return path


async def holders(archive: Location) -> dict[int, str | None]:
    async with await open_archive(archive, readonly=True) as store:
        return {c: worker for c, (worker, _) in (await store.leases.holders()).items()}


async def test_a_killed_workers_channels_and_seat_are_taken_over_with_nothing_lost_or_sent_twice(
    start_sandbox_for: StartSandbox, tmp_path: Path, archive_location: Location
) -> None:
    sandbox = await start_sandbox_for(fleet_scenario(2))
    archive = tmp_path / "fleet.db" if isinstance(archive_location, Path) else archive_location
    config = written_fleet(sandbox, tmp_path, archive)
    log = tmp_path / "workers.log"
    await (await open_archive(archive)).close()  # created, so the test can read it while workers start
    processes = {name: await start_worker(config, name, log) for name in ("worker1", "worker2")}
    try:
        every = {spec.id for spec in CHANNELS}

        async def both_reading() -> bool:
            held = await holders(archive)
            return set(held) == every and set(held.values()) == {"worker1", "worker2"}

        await until(both_reading, "both workers holding their channels", timeout=60)
        async with await open_archive(archive, readonly=True) as store:
            seated = await until(lambda: store.leases.job_holder("sender"), "a worker in the sender's seat")
        victim = seated[0]
        survivor = ({"worker1", "worker2"} - {victim}).pop()
        processes[victim].send_signal(signal.SIGKILL)
        await processes[victim].wait()
        world = sandbox.world
        posted = [(spec, await world.publish(spec.username, FLAGGED)) for spec in CHANNELS]

        async def all_taken_over() -> bool:
            return set((await holders(archive)).values()) == {survivor}

        await until(all_taken_over, "the survivor holding every channel", timeout=30)

        async def all_stored() -> bool:
            async with await open_archive(archive, readonly=True) as store:
                return all([await store.get_post(spec.id, mid) for spec, mid in posted])

        await until(all_stored, "every post in the archive", timeout=30)
        keys = [(spec.username, mid) for spec, mid in posted]
        await until(
            lambda: all(k in alerts_in_chat(sandbox) for k in keys), "an alert for every post", timeout=30
        )
        async with await open_archive(archive, readonly=True) as store:
            assert (await store.leases.job_holder("sender"))[0] == survivor
            workers = {w.name: w for w in await store.leases.workers()}
        assert workers[survivor].state["taken_over"] >= 1
        fleet_verdict = await check_health(archive, HealthLimits(), {}, None)
        assert fleet_verdict["status"] == "healthy", fleet_verdict["reasons"]
        assert any(f"worker {victim} stopped renewing" in note for note in fleet_verdict["notes"])
        victim_verdict = await check_health(archive, HealthLimits(), {}, None, victim)
        assert victim_verdict["reasons"][0].startswith(f"worker {victim} has not renewed its leases")
        processes[survivor].send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(processes[survivor].wait(), 20) == 0
    finally:
        for process in processes.values():
            if process.returncode is None:
                process.kill()
                await process.wait()
    assert all(alerts_in_chat(sandbox)[k] == 1 for k in keys)
    assert "Traceback" not in log.read_text()


async def test_a_second_worker_on_the_same_account_is_refused_with_status_2(
    start_sandbox_for: StartSandbox, tmp_path: Path, archive_location: Location
) -> None:
    sandbox = await start_sandbox_for(fleet_scenario(2))
    archive = tmp_path / "fleet.db" if isinstance(archive_location, Path) else archive_location
    config = written_fleet(sandbox, tmp_path, archive)
    log = tmp_path / "workers.log"
    first = await start_worker(config, "worker1", log)
    try:
        await until(lambda: "daemon_ready" in log.read_text(), "the first worker ready", timeout=60)
        second = await start_worker(config, "worker1", tmp_path / "second.log")
        assert await asyncio.wait_for(second.wait(), 30) == 2
    finally:
        first.send_signal(signal.SIGTERM)
        await asyncio.wait_for(first.wait(), 20)
    (fatal,) = [line for line in (tmp_path / "second.log").read_text().splitlines() if "event=fatal" in line]
    assert "worker worker1" in fatal and "already in use" in fatal


async def test_two_logins_of_one_account_are_two_workers_too_many(fleet_of, tmp_path: Path) -> None:
    fleet = await fleet_of(2)
    sandbox = fleet.sandbox
    again = sandbox.server.mint_session(sandbox.user_id)  # a second device of the first account
    url = fleet.config.archive_url
    fleet.config = fleet_config(sandbox, tmp_path / "fleet.db", (*sandbox.user_sessions, again), url)
    await fleet.start("w1")
    refused = Daemon(fleet.config, worker=fleet.config.fleet.worker("w3"))
    with pytest.raises(WorkerRefused, match="already read by worker w1"):
        await refused.run(asyncio.Event())


async def test_a_sender_that_died_mid_send_is_taken_over_without_a_duplicate(
    fleet_of, tmp_path: Path
) -> None:
    from telethon import functions

    from tests.support import CHANNEL, flag, sending_client

    fleet = await fleet_of(2)
    sandbox = fleet.sandbox
    async with await open_archive(fleet.config.archive_location) as store:
        await store.upsert_channel(CHANNEL, f"@{CHANNEL.username}")
        (alert_id,) = await flag(store, 41)
        random_id = 0x5EED
        await store.outbox.claim([alert_id], random_id)
        now = datetime.now(UTC)
        await store.leases.hold_job("sender", "gone", now=now, lease=timedelta(seconds=LEASE_SECONDS))
    bot = sending_client(sandbox.bot_session)  # the dead sender's send went through before it died
    await bot.connect()
    await bot(
        functions.messages.SendMessageRequest(sandbox.analyst_chat_id, "Border alert", random_id=random_id)
    )
    await bot.disconnect()
    before = len(own_messages(sandbox))
    await fleet.start("w2")

    async def sent() -> bool:
        return await fleet.daemons["w2"].store.outbox.depth() == 0

    await until(sent, "the claimed alert marked sent by the next sender", timeout=20)
    assert len(own_messages(sandbox)) == before


# -- a takeover from the updates the taking account kept --------------------------------------------------

TAKEOVER_LEASE = 6.0  # a crashed worker's leases expire this long after its last renewal
READS = {"messages.getHistory", "updates.getChannelDifference", "channels.getMessages"}


async def split_between_two_members(fleet: Fleet) -> tuple[set[int], set[int]]:
    """Both workers started, each reading three channels that both accounts joined; (w1's, w2's)."""
    await fleet.start("w1")
    await fleet.start("w2")

    async def split() -> bool:
        sets = shared_out(fleet)
        return sets is not None and [len(s) for s in sets.values()] == [3, 3]

    await until(split, "the six channels split three and three", timeout=30)
    store = fleet.daemons["w2"].store

    async def backfilled() -> bool:  # history reads after this are the takeover's alone
        return all([(await store.sync_state(spec.id)).get("backfill_done") for spec in CHANNELS])

    await until(backfilled, "every channel's history read", timeout=30)
    reading = fleet.reading()
    return reading["w1"], reading["w2"]


def reads_since(record: Path, start: int, account: int) -> list[str]:
    """The channel reads `account` asked the sandbox for after the first `start` requests."""
    lines = record.read_text(encoding="utf-8").splitlines()[start:]
    rows = [json.loads(line) for line in lines]
    return [r["method"] for r in rows if r["account"] == str(account) and r["method"] in READS]


async def stored_and_alerted_once(fleet: Fleet, posted: list[tuple[ChannelSpec, int]]) -> None:
    store = fleet.daemons["w2"].store

    async def stored() -> bool:
        return all([await store.get_post(spec.id, mid) for spec, mid in posted])

    await until(stored, "every post of the crashed worker's channels in the archive", timeout=30)
    keys = [(spec.username, mid) for spec, mid in posted]
    await until(lambda: all(k in alerts_in_chat(fleet.sandbox) for k in keys), "their alerts", timeout=30)

    async def sent() -> bool:
        return await store.outbox.depth() == 0

    await until(sent, "every alert marked sent")
    assert all(alerts_in_chat(fleet.sandbox)[k] == 1 for k in keys)


async def test_a_member_taking_over_stores_the_posts_of_the_lease_gap_from_its_kept_updates_without_a_read(
    fleet_of, tmp_path: Path
) -> None:
    record = tmp_path / "requests.jsonl"
    fleet = await fleet_of(2, members=2, lease=TAKEOVER_LEASE, record_requests=record)
    gone, kept = await split_between_two_members(fleet)
    await fleet.crash("w1")
    start = len(record.read_text(encoding="utf-8").splitlines())
    world, specs = fleet.sandbox.world, [spec for spec in CHANNELS if spec.id in gone]
    posted = [(spec, await world.publish(spec.username, FLAGGED)) for spec in specs]
    posted.append((specs[0], await world.publish(specs[0].username, FLAGGED)))
    survivor = fleet.daemons["w2"]

    async def taken_over() -> bool:
        return set((await holders(fleet.config.archive_location)).values()) == {"w2"}

    await until(taken_over, "w2 holding every channel once w1's leases expired", timeout=30)
    await stored_and_alerted_once(fleet, posted)
    await until(lambda: survivor.looked_at is not None and not takeover_of(survivor).fresh, "a look after it")
    assert reads_since(record, start, fleet.sandbox.reader_ids[0]) == []
    assert takeover_of(survivor).caught_up == 0
    assert {w.id for w in survivor.state.channels} == gone | kept
    assert fleet.overlaps == []


async def test_a_gap_in_the_kept_updates_costs_one_catch_up_of_that_channel_alone(
    fleet_of, tmp_path: Path
) -> None:
    record = tmp_path / "requests.jsonl"
    fleet = await fleet_of(2, members=2, lease=TAKEOVER_LEASE, record_requests=record)
    gone, _ = await split_between_two_members(fleet)
    survivor = fleet.daemons["w2"]
    assert survivor.live is not None
    survivor.live.held_back.per_channel = 1  # a second post on a channel pushes out its first: a gap
    await fleet.crash("w1")
    start = len(record.read_text(encoding="utf-8").splitlines())
    world, specs = fleet.sandbox.world, [spec for spec in CHANNELS if spec.id in gone]
    posted = [(spec, await world.publish(spec.username, FLAGGED)) for spec in specs]
    posted.append((specs[0], await world.publish(specs[0].username, FLAGGED)))
    await stored_and_alerted_once(fleet, posted)
    await until(lambda: takeover_of(survivor).caught_up == 1, "the catch-up of the channel with the gap")
    await until(lambda: survivor.looked_at is not None and not takeover_of(survivor).fresh, "a look after it")
    assert reads_since(record, start, fleet.sandbox.reader_ids[0]) == ["updates.getChannelDifference"]

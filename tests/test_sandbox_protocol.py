"""The sandbox's MTProto side against the real, unmodified Telethon client, with a small stand-in world."""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import os
import random
import signal
import struct
import sys
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from zlib import crc32

import pytest
from telethon import TelegramClient, events, functions, types
from telethon.crypto import rsa
from telethon.errors import BadRequestError, ServerError
from telethon.network.connection import (
    ConnectionTcpAbridged,
    ConnectionTcpFull,
    ConnectionTcpIntermediate,
    ConnectionTcpObfuscated,
)
from telethon.network.mtprotostate import MTProtoState
from telethon.sessions import StringSession
from telethon.tl.core import MessageContainer

from monitor.config import load_config
from monitor.sandbox.config_tl import make_config
from monitor.sandbox.errors import RpcError
from monitor.sandbox.server import ClientLink, SandboxServer
from monitor.sandbox.session import serialize_result
from tests.support import Connect, until

DEADLINE = 10.0


class FakeWorld:
    """Answers the handful of calls a connecting Telethon client makes, plus a few probes for the tests."""

    def __init__(self) -> None:
        self.authorizations: dict[int, int] = {}
        self.server: SandboxServer | None = None
        self.links: list[ClientLink] = []
        self.gone: list[ClientLink] = []
        self.log: list[str] = []
        self.gate = asyncio.Event()

    def connected(self, link: ClientLink) -> None:
        self.links.append(link)

    def disconnected(self, link: ClientLink) -> None:
        self.gone.append(link)

    def _user(self, link: ClientLink) -> int:
        if link.auth_key_id not in self.authorizations:
            raise RpcError(401, "AUTH_KEY_UNREGISTERED")
        return self.authorizations[link.auth_key_id]

    async def handle(self, link: ClientLink, request: object) -> object:
        now = datetime.now(UTC)
        match request:
            case functions.help.GetConfigRequest():
                assert self.server is not None
                return make_config(self.server.host, self.server.port)
            case functions.users.GetUsersRequest(id=ids):
                me = self._user(link)
                return [
                    types.User(id=me + n, is_self=n == 0, access_hash=7, first_name="U" * 40)
                    for n in range(len(ids))
                ]
            case functions.updates.GetStateRequest():
                self._user(link)
                return types.updates.State(pts=1, qts=0, date=now, seq=0, unread_count=0)
            case functions.updates.GetDifferenceRequest():
                return types.updates.DifferenceEmpty(date=now, seq=0)
            case functions.help.SaveAppLogRequest(events=logged):
                self.log.append(f"applog:{len(logged)}")
                return True
            case functions.contacts.GetContactIDsRequest():
                return [1, 2, 2**31 - 1]
            case functions.photos.DeletePhotosRequest():
                return [2**40, 3]
            case functions.help.GetNearestDcRequest():
                return await self._gated()
            case functions.help.GetSupportNameRequest():
                self.log.append("second")
                return types.help.SupportName(name="second")
            case functions.help.GetAppConfigRequest():
                raise ValueError("a bug in the world")
        raise RpcError(400, f"METHOD_NOT_IMPLEMENTED_{type(request).__name__}")

    async def _gated(self) -> types.NearestDc:
        self.log.append("first-start")
        await self.gate.wait()
        self.log.append("first-end")
        return types.NearestDc(country="ZZ", this_dc=2, nearest_dc=2)


@pytest.fixture
async def world() -> FakeWorld:
    return FakeWorld()


@pytest.fixture
async def server(world: FakeWorld) -> AsyncIterator[SandboxServer]:
    server = SandboxServer(world, "127.0.0.1", 0)
    world.server = server
    await server.start()
    rsa.add_key(server.rsa_public_key_pem, old=False)
    yield server
    await server.stop()


@pytest.fixture
def connect(server: SandboxServer, connect: Connect) -> Connect:
    """Clients of this module's bare server, giving up after two connection attempts."""
    return functools.partial(connect, server, connection_retries=2)


@pytest.mark.parametrize(
    "connection",
    [ConnectionTcpFull, ConnectionTcpIntermediate, ConnectionTcpAbridged, ConnectionTcpObfuscated],
)
async def test_fresh_client_does_the_handshake_and_gets_the_config(server, connect, connection):
    client = await connect(connection=connection)
    config = await client(functions.help.GetConfigRequest())
    assert config.this_dc == 2
    assert (config.dc_options[0].ip_address, config.dc_options[0].port) == ("127.0.0.1", server.port)
    assert server.counters["handshakes"] == 1
    assert not await client.is_user_authorized()


async def test_minted_session_is_signed_in_without_a_handshake(server, connect):
    client = await connect(server.mint_session(4242))
    me = await client.get_me()
    assert me.id == 4242
    assert server.counters["handshakes"] == 0


async def test_two_clients_at_once_each_see_their_own_user(server, connect):
    first, second = await asyncio.gather(connect(server.mint_session(1)), connect(server.mint_session(2)))
    ids = await asyncio.gather(*(c.get_me() for c in (first, second, first, second)))
    assert [u.id for u in ids] == [1, 2, 1, 2]
    assert len(server.links) == 2


async def test_many_requests_travel_in_containers_and_get_answered(server, connect):
    client = await connect(server.mint_session(7))
    calls_before = server.counters["rpc"]
    configs = await asyncio.gather(*(client(functions.help.GetConfigRequest()) for _ in range(2000)))
    assert len(configs) == 2000 and all(c.this_dc == 2 for c in configs)
    assert server.counters["container_items"] >= 1000
    assert server.counters["rpc"] - calls_before == 2000  # each answered the first time: no resends


async def test_gzip_both_ways_and_acks_arrive(server, connect, world):
    client = await connect(server.mint_session(7))
    entry = types.InputAppEvent(time=1.0, type="x" * 3000, peer=0, data=types.JsonNull())
    assert await client(functions.help.SaveAppLogRequest(events=[entry]))  # Telethon gzips bodies > 512 bytes
    assert server.counters["gzip_packed"] >= 1 and world.log == ["applog:1"]
    users = await client(functions.users.GetUsersRequest([types.InputUserSelf()] * 60))  # answer > 1 KB
    assert len(users) == 60 and users[0].first_name == "U" * 40
    await client(functions.help.GetConfigRequest())  # carries the acks of the answers before it
    await until(lambda: server.counters["msgs_ack"] > 0, "msgs_ack from the client")


async def test_vector_and_bool_results_are_serialised_per_request(server, connect):
    client = await connect(server.mint_session(7))
    assert await client(functions.contacts.GetContactIDsRequest(hash=0)) == [1, 2, 2**31 - 1]
    assert await client(functions.photos.DeletePhotosRequest(id=[])) == [2**40, 3]


def test_plain_results_serialise_as_tl():
    request = functions.help.GetConfigRequest()
    assert serialize_result(request, True) == struct.pack("<I", 0x997275B5)
    assert serialize_result(request, False) == struct.pack("<I", 0xBC799737)
    assert serialize_result(request, 5) == struct.pack("<i", 5)
    with pytest.raises(TypeError):
        serialize_result(request, object())


async def test_ping_gets_a_bare_pong(server, connect):
    client = await connect(server.mint_session(7))
    pong = await client(functions.PingRequest(ping_id=99))
    assert isinstance(pong, types.Pong) and pong.ping_id == 99
    pong = await client(functions.PingDelayDisconnectRequest(ping_id=100, disconnect_delay=60))
    assert pong.ping_id == 100


async def test_rpc_errors_reach_the_client_and_world_bugs_become_500(server, connect):
    client = await connect(server.mint_session(7))
    with pytest.raises(BadRequestError, match="METHOD_NOT_IMPLEMENTED_GetCountriesListRequest"):
        await client(functions.help.GetCountriesListRequest(lang_code="en", hash=0))
    with pytest.raises(ServerError, match="INTERNAL_SERVER_ERROR"):
        # through the sender: TelegramClient would sleep and retry a 500 by itself
        await client._sender.send(functions.help.GetAppConfigRequest(hash=0))
    assert (await client.get_me()).id == 7  # the connection survives both


async def test_invoke_after_msg_waits_for_the_earlier_request(server, connect, world):
    client = await connect(server.mint_session(7))
    both = asyncio.ensure_future(
        client([functions.help.GetNearestDcRequest(), functions.help.GetSupportNameRequest()], ordered=True)
    )
    await until(lambda: "first-start" in world.log, "the first request")
    assert "second" not in world.log
    world.gate.set()
    nearest, support = await asyncio.wait_for(both, DEADLINE)
    assert nearest.country == "ZZ" and support.name == "second"
    assert world.log == ["first-start", "first-end", "second"]


async def test_pushed_updates_reach_event_handlers_in_bulk(server, connect, world):
    client = await connect(server.mint_session(7))
    await client.get_me()  # subscribes the connection to updates
    seen: list[int] = []
    client.add_event_handler(lambda update: seen.append(update.user_id), events.Raw(types.UpdateUserTyping))
    link = world.links[-1]
    assert link.wants_updates
    total = 3000
    for n in range(total):
        update = types.UpdateUserTyping(user_id=n, action=types.SendMessageTypingAction())
        await link.push(types.UpdateShort(update=update, date=datetime.now(UTC)))
    await until(lambda: len(seen) == total, f"{total} pushed updates")
    assert seen == list(range(total))


async def test_invoke_without_updates_leaves_the_link_unsubscribed(server, connect, world):
    client = await connect(server.mint_session(7), receive_updates=False)  # wraps every request
    assert (await client.get_me()).id == 7
    assert await client(functions.help.GetConfigRequest())
    assert not world.links[-1].wants_updates


async def test_dropped_connections_are_reopened_by_telethon(server, connect, world):
    client = await connect(server.mint_session(7))
    assert (await client.get_me()).id == 7
    assert await server.drop_connections() == 1
    await until(lambda: len(world.gone) == 1, "world.disconnected")
    assert (await client.get_me()).id == 7  # Telethon reconnects by itself and resends
    assert server.counters["connections"] == 2 and len(server.links) == 1


async def raw_connection(server: SandboxServer) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection(server.host, server.port)


async def closed_by_server(reader: asyncio.StreamReader) -> bytes:
    """Everything the server sent before closing the connection (fails if it does not close)."""
    received = b""
    async with asyncio.timeout(DEADLINE):
        while chunk := await reader.read(65536):
            received += chunk
    return received


def full_frame(payload: bytes, seq: int = 0) -> bytes:
    data = struct.pack("<ii", len(payload) + 12, seq) + payload
    return data + struct.pack("<I", crc32(data))


def plain(request: object) -> bytes:
    body = bytes(request)
    return struct.pack("<qqi", 0, int(time.time() * 2**32) & ~3, len(body)) + body


def minted_key_id(server: SandboxServer) -> int:
    return StringSession(server.mint_session(7)).auth_key.key_id


HOSTILE = {
    "random header": lambda server: b"\x17" * 64,
    "bad crc": lambda server: full_frame(b"\0" * 24)[:-4] + b"\0\0\0\0",
    "huge length": lambda server: struct.pack("<ii", 2**30, 0),
    "wrong sequence": lambda server: (
        full_frame(plain(functions.ReqPqMultiRequest(nonce=1))) + full_frame(b"\0" * 24, seq=5)
    ),
    "plain junk": lambda server: full_frame(b"\0" * 8 + os.urandom(16)),
    "handshake out of order": lambda server: full_frame(
        plain(functions.SetClientDHParamsRequest(1, 2, b"x" * 16))
    ),
    "forged message under a known key": lambda server: full_frame(
        struct.pack("<Q", minted_key_id(server)) + os.urandom(88)
    ),
    "intermediate huge length": lambda server: b"\xee\xee\xee\xee" + struct.pack("<I", 2**31 - 1),
    "abridged junk": lambda server: b"\xef" + bytes([6]) + os.urandom(24),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
async def test_hostile_bytes_close_only_that_connection(server, connect, name):
    client = await connect(server.mint_session(7))
    reader, writer = await raw_connection(server)
    writer.write(HOSTILE[name](server))
    await writer.drain()
    await closed_by_server(reader)
    writer.close()
    assert (await client.get_me()).id == 7
    await until(lambda: len(server.links) == 1, "the hostile link to go")


async def test_unknown_auth_key_gets_transport_error_404_then_close(server):
    reader, writer = await raw_connection(server)
    writer.write(full_frame(struct.pack("<Q", 12345) + os.urandom(88)))
    await writer.drain()
    answer = await closed_by_server(reader)
    writer.close()
    assert answer == full_frame(struct.pack("<i", -404))


async def test_stop_closes_every_connection_and_the_listener(world):
    server = SandboxServer(world, "127.0.0.1", 0)
    world.server = server
    await server.start()
    reader, writer = await raw_connection(server)
    writer.write(b"\xee\xee\xee\xee")
    await writer.drain()
    await until(lambda: server.links, "the raw link")
    await server.stop()
    assert await closed_by_server(reader) == b""
    writer.close()
    assert server.links == ()
    with pytest.raises(OSError):
        await raw_connection(server)


async def test_started_sandbox_serves_its_ready_made_sessions(sandbox):
    ready = sandbox.ready_line()
    assert ready["port"] == sandbox.port and ready["channels"] == list(sandbox.channels)
    assert ready["analyst_chat_id"] < -1000000000000
    user = TelegramClient(StringSession(sandbox.user_session), 1, "0" * 32, connection_retries=1, timeout=5)
    bot = TelegramClient(StringSession(sandbox.bot_session), 1, "0" * 32, connection_retries=1, timeout=5)
    async with user, bot:
        me, bot_me = await asyncio.gather(user.get_me(), bot.get_me())
    assert (me.id, me.bot) == (sandbox.user_id, False)
    assert (bot_me.id, bot_me.bot) == (sandbox.bot_id, True)


async def test_command_prints_one_ready_line_writes_a_config_and_exits_0_on_sigterm(tmp_path):
    config = tmp_path / "sandbox.toml"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "monitor", "sandbox", "--port", "0", "--write-config", str(config),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        ready = json.loads(await asyncio.wait_for(process.stdout.readline(), DEADLINE))
        settings = load_config(config)
        assert (settings.telegram.server.host, settings.telegram.server.port) == (
            ready["host"],
            ready["port"],
        )
        assert settings.telegram.server.rsa_public_key == ready["rsa_public_key"]
        assert settings.telegram.session.reveal() == ready["user_session"]
        assert settings.analyst.chat_id == ready["analyst_chat_id"]
        assert [c.ref for c in settings.channels] == [f"@{name}" for name in ready["channels"]]
        secrets = [
            p for p in tmp_path.iterdir() if p.suffix in (".api_hash", ".user_session", ".bot_session")
        ]
        assert len(secrets) == 3 and all(p.stat().st_mode & 0o777 == 0o600 for p in secrets)
        rsa.add_key(ready["rsa_public_key"], old=False)
        client = TelegramClient(StringSession(ready["user_session"]), 1, "0" * 32, connection_retries=1)
        async with client:
            assert (await client.get_me()).id == ready["user_id"]
    finally:
        process.send_signal(signal.SIGTERM)
        rest, logged = await asyncio.wait_for(process.communicate(), DEADLINE)
    assert process.returncode == 0
    assert rest == b""  # exactly one line on stdout
    lifecycle = ["sandbox_listening", "config_written", "sandbox_ready", "sandbox_stopped"]
    events = [word.removeprefix("event=") for word in logged.decode().split() if word.startswith("event=")]
    assert [e for e in events if e in lifecycle] == lifecycle  # ready only once listening and configured


class RawSession:
    """A hand-driven encrypted session (Telethon's own MTProtoState) for bytes no real client would send."""

    def __init__(self, session_string: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        loggers = defaultdict(lambda: logging.getLogger("raw-session"))
        self.state = MTProtoState(StringSession(session_string).auth_key, loggers)
        self.reader, self.writer, self.seq = reader, writer, 0

    def send(self, body: bytes, salt: int = 0) -> int:
        self.state.salt = salt
        msg_id = self.state._get_new_msg_id()
        data = self.state.encrypt_message_data(struct.pack("<qii", msg_id, 1, len(body)) + body)
        self.writer.write(full_frame(data, self.seq))
        self.seq += 1
        return msg_id

    async def receive(self) -> list[object]:
        """The objects of the next server packet, containers opened."""
        async with asyncio.timeout(DEADLINE):
            head = await self.reader.readexactly(8)
            payload = (await self.reader.readexactly(struct.unpack("<i", head[:4])[0] - 8))[:-4]
        obj = self.state.decrypt_message_data(payload).obj
        if isinstance(obj, MessageContainer):
            return [message.obj for message in obj.messages]
        return [obj]


async def test_authenticated_junk_gets_rpc_errors_and_a_broken_container_closes(server):
    reader, writer = await raw_connection(server)
    raw = RawSession(server.mint_session(7), reader, writer)
    first = raw.send(bytes(functions.help.GetConfigRequest()))
    (salt,) = await raw.receive()
    assert isinstance(salt, types.BadServerSalt) and salt.bad_msg_id == first
    junk = raw.send(struct.pack("<I", 0x12345678) + b"\0" * 12, salt.new_server_salt)
    replies = await raw.receive()
    while len(replies) < 2:
        replies += await raw.receive()
    assert isinstance(replies[0], types.NewSessionCreated)
    assert replies[1].req_msg_id == junk and "INPUT_METHOD_INVALID" in replies[1].error.error_message
    raw.send(struct.pack("<Ii", 0x73F1F8DC, 1) + struct.pack("<qii", 4, 1, 10_000), salt.new_server_salt)
    await closed_by_server(reader)
    writer.close()


async def test_random_bytes_on_every_transport_never_reach_the_error_path(server, caplog):
    rng = random.Random(20240601)
    prefixes = [b"", b"\xef", b"\xee\xee\xee\xee", b"\xdd\xdd\xdd\xdd", struct.pack("<ii", 64, 0)]
    for n in range(120):
        reader, writer = await raw_connection(server)
        junk = rng.randbytes(rng.randrange(0, 300))
        writer.write(prefixes[n % len(prefixes)] + junk)
        writer.write_eof()
        await closed_by_server(reader)
        writer.close()
    await until(lambda: not server.links, "every junk connection to close")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    reader, writer = await raw_connection(server)
    writer.write(full_frame(plain(functions.ReqPqMultiRequest(nonce=5))))
    answer = await reader.readexactly(8)
    assert struct.unpack("<ii", answer)[1] == 0  # the server still answers handshakes
    writer.close()


async def test_msg_ids_off_the_clock_get_bad_msg_notification_and_telethon_recovers(server, connect):
    reader, writer = await raw_connection(server)
    raw = RawSession(server.mint_session(7), reader, writer)
    raw.state.time_offset = -1000
    late = raw.send(bytes(functions.help.GetConfigRequest()))
    (notice,) = await raw.receive()
    assert (notice.bad_msg_id, notice.error_code) == (late, 16)
    writer.close()
    client = await connect(server.mint_session(8))
    client._sender._state.time_offset = 1000  # a client clock far ahead: code 17, Telethon corrects itself
    assert (await client.get_me()).id == 8

"""The sandbox's TCP server: one ClientLink per connection, speaking MTProto to the real Telethon client.

Each connection detects its transport, serves the auth-key exchange in plain messages, then decrypts
messages of a known key, answers service messages itself (ping, salts, acks) and hands every other
request, unwrapped, to the world. A connection that breaks the protocol is closed; the server and the
other connections carry on.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import ipaddress
import logging
import socket
import struct
import time
from collections import Counter
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from telethon.crypto import AuthKey
from telethon.errors import TypeNotFoundError
from telethon.extensions import BinaryReader
from telethon.sessions import StringSession
from telethon.tl.functions import GetFutureSaltsRequest, PingDelayDisconnectRequest, PingRequest
from telethon.tl.tlobject import TLObject, TLRequest
from telethon.tl.types import FutureSalt, FutureSalts, MsgsAck, Pong

from monitor.sandbox.config_tl import SANDBOX_DC
from monitor.sandbox.errors import ProtocolError, RpcError
from monitor.sandbox.faults import Faults
from monitor.sandbox.handshake import Handshake, ServerKey, load_server_key, parse_plain, plain_message
from monitor.sandbox.log import log_event
from monitor.sandbox.recorder import Recorder
from monitor.sandbox.scenario import Scenario
from monitor.sandbox.session import (
    Call,
    KeyStore,
    Message,
    MsgIdClock,
    Session,
    key_id_of,
    serialize_result,
    unwrap,
)
from monitor.sandbox.strictness import Strictness
from monitor.sandbox.transport import Transport, open_transport
from monitor.sandbox.world import World

log = logging.getLogger(__name__)

AUTH_KEY_NOT_FOUND = struct.pack("<i", -404)  # Telegram's transport error for an unknown auth key
MAX_QUEUED = 50_000  # server messages waiting for a client that does not read: beyond this it is dropped
CLOSE_TIMEOUT = 2.0  # seconds to let a closing socket flush
HELLO_TIMEOUT = 30.0  # seconds a new connection gets to name its transport: silent sockets do not pile up


class WorldProtocol(Protocol):
    """What the server needs from the world that answers the API (monitor.sandbox.world)."""

    authorizations: dict[int, int]

    async def handle(self, link: ClientLink, request: TLRequest) -> object: ...

    def connected(self, link: ClientLink) -> object: ...

    def disconnected(self, link: ClientLink) -> object: ...


async def _maybe_await(value: object) -> None:
    if inspect.isawaitable(value):
        await value


class ClientLink:
    """One client TCP connection as the world sees it: its key, session and a way to push updates."""

    def __init__(
        self, server: SandboxServer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.auth_key_id = 0
        self.session_id = 0
        self.wants_updates = False  # set by the first request not wrapped in invokeWithoutUpdates
        self.layer: int | None = None
        self.peer = str(writer.get_extra_info("peername"))
        self._server = server
        self._reader = reader
        self._writer = writer
        self._transport: Transport | None = None
        self._session: Session | None = None
        self._handshake: Handshake | None = None
        self._plain_clock = MsgIdClock()
        self._tasks: set[asyncio.Task[None]] = set()
        self._inflight: dict[int, asyncio.Task[None]] = {}
        self._wake = asyncio.Event()
        self._serve_task: asyncio.Task[None] | None = None
        self._ping_deadline: asyncio.TimerHandle | None = None
        self._known_to_world = False
        self.closed = False

    def __repr__(self) -> str:
        return f"<ClientLink {self.peer} key={self.auth_key_id:#x} session={self.session_id:#x}>"

    async def push(self, updates: TLObject) -> None:
        """Send an unsolicited Updates/UpdateShort...; skipped for links not subscribed to updates."""
        if self.closed or not self.wants_updates or self._session is None:
            return
        self._session.queue(bytes(updates), content=True)
        if self._session.pending > MAX_QUEUED:
            log_event(
                log, "link_too_slow", level=logging.WARNING, peer=self.peer, queued=self._session.pending
            )
            self._cancel()
            return
        self._wake.set()

    async def close(self) -> None:
        """Close the connection (queued data is flushed first) and wait until it is gone."""
        task = self._serve_task
        if task is None or task.done():
            return
        self._cancel()
        if asyncio.current_task() not in (task, *self._tasks):
            await asyncio.wait({task})

    async def drop(self) -> None:
        """Cut the TCP connection at once, as a network failure would."""
        self._writer.transport.abort()
        await self.close()

    def _cancel(self) -> None:
        """Make the serving task wind down; a link already shutting down is left to finish."""
        if self._serve_task is not None and not self.closed:
            self._serve_task.cancel()

    async def serve(self) -> None:
        """Run the connection until the client leaves, breaks the protocol or the link is closed."""
        self._serve_task = asyncio.current_task()
        reason = "closed"
        try:
            self._transport = await asyncio.wait_for(open_transport(self._reader), HELLO_TIMEOUT)
            self._spawn(self._write_loop())
            while True:
                await self._receive(await self._transport.recv())
        except (asyncio.IncompleteReadError, ConnectionError):
            reason = "eof"
        except TimeoutError:
            reason = "silent"
        except ProtocolError as error:
            reason = f"protocol: {error}"
        except asyncio.CancelledError:
            reason = "closed"  # close(), drop(), a ping deadline or server stop: end quietly
        except Exception:
            log.exception("connection %r failed", self)
            reason = "error"
        finally:
            await self._shutdown(reason)

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _shutdown(self, reason: str) -> None:
        self.closed = True
        if self._ping_deadline is not None:
            self._ping_deadline.cancel()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        while not self._writer.is_closing() and self._flush():
            pass  # answers already queued still go out before the close (the socket buffers them)
        self._writer.close()
        with contextlib.suppress(ConnectionError, TimeoutError):  # a peer already gone is closed anyway
            await asyncio.wait_for(self._writer.wait_closed(), CLOSE_TIMEOUT)
        level = logging.INFO if reason.startswith(("protocol", "error")) else logging.DEBUG
        log_event(log, "link_closed", level=level, peer=self.peer, reason=reason)
        self._server.forget(self)
        if self._known_to_world:
            try:
                await _maybe_await(self._server.world.disconnected(self))
            except Exception:
                log.exception("world.disconnected failed for %r", self)

    async def _receive(self, packet: bytes) -> None:
        key_id = key_id_of(packet)
        if key_id == 0:
            self._answer_handshake(packet)
            return
        if self._session is None or self._session.entry.key.key_id != key_id:
            self._use_key(key_id)
        assert self._session is not None
        messages = self._session.open(packet)
        self.session_id = self._session.session_id or 0
        if not self._known_to_world:
            self._known_to_world = True
            await _maybe_await(self._server.world.connected(self))
        for message in messages:
            self._dispatch(message)
        self._wake.set()

    def _use_key(self, key_id: int) -> None:
        entry = self._server.keys.get(key_id)
        if entry is None:
            self._send_frame(AUTH_KEY_NOT_FOUND)
            raise ProtocolError(f"unknown auth key {key_id:#x}")
        self._session = Session(entry)
        self.auth_key_id = key_id

    def _answer_handshake(self, packet: bytes) -> None:
        body = parse_plain(packet)
        try:
            request = BinaryReader(body).tgread_object()
        except Exception as error:
            raise ProtocolError(f"unreadable plain message: {error}") from error
        if self._handshake is None:
            self._handshake = Handshake(self._server.rsa_key)
        reply, auth_key = self._handshake.answer(request)
        if auth_key is not None:
            self._server.register_key(auth_key)
            self._handshake = None
        self._send_frame(plain_message(self._plain_clock.next(answer=True), bytes(reply)))

    def _dispatch(self, message: Message) -> None:
        """Answer service messages here; start a task for every API request."""
        self._server.counters["container_items" if message.contained else "messages"] += 1
        self._server.counters["gzip_packed"] += message.packed
        assert self._session is not None
        try:
            obj = BinaryReader(message.body).tgread_object()
        except TypeNotFoundError as error:
            self._session.queue_error(
                message.msg_id, 400, f"INPUT_METHOD_INVALID_{error.invalid_constructor_id}"
            )
            return
        except Exception:
            self._session.queue_error(message.msg_id, 400, "INPUT_FETCH_FAIL")
            return
        if isinstance(obj, MsgsAck):
            self._server.counters["msgs_ack"] += 1
        elif isinstance(obj, PingRequest | PingDelayDisconnectRequest):
            self._pong(message.msg_id, obj)
        elif isinstance(obj, GetFutureSaltsRequest):
            self._future_salts(message.msg_id, obj.num)
        elif isinstance(obj, TLRequest):
            self._start_call(message.msg_id, unwrap(obj))
        else:
            self._session.queue_error(message.msg_id, 400, f"INPUT_METHOD_INVALID_{type(obj).__name__}")

    def _pong(self, msg_id: int, ping: PingRequest | PingDelayDisconnectRequest) -> None:
        assert self._session is not None
        self._session.queue(bytes(Pong(msg_id, ping.ping_id)), content=True, answer=True)
        if isinstance(ping, PingDelayDisconnectRequest):
            if self._ping_deadline is not None:
                self._ping_deadline.cancel()
            loop = asyncio.get_running_loop()
            self._ping_deadline = loop.call_later(max(ping.disconnect_delay, 1), self._cancel)

    def _future_salts(self, msg_id: int, num: int) -> None:
        """The one salt this key has, valid for a day: the sandbox never rotates salts."""
        assert self._session is not None
        now = int(time.time())
        since, until = datetime.fromtimestamp(now, UTC), datetime.fromtimestamp(now + 86400, UTC)
        salts = [FutureSalt(since, until, self._session.entry.salt)] * max(1, min(num, 64))
        self._session.queue(bytes(FutureSalts(msg_id, now, salts)), content=True, answer=True)

    def _start_call(self, msg_id: int, call: Call) -> None:
        if call.layer is not None:
            self.layer = call.layer
        if not call.without_updates:
            self.wants_updates = True
        earlier = [self._inflight[i] for i in call.after if i in self._inflight]
        task = self._spawn(self._run_call(msg_id, call, earlier))
        self._inflight[msg_id] = task
        task.add_done_callback(lambda _: self._inflight.pop(msg_id, None))

    async def _run_call(self, msg_id: int, call: Call, earlier: list[asyncio.Task[None]]) -> None:
        """Ask the world, then queue rpc_result or rpc_error; invokeAfterMsg waits for the earlier call."""
        session = self._session
        assert session is not None
        if earlier:
            await asyncio.wait(earlier)
        self._server.counters["rpc"] += 1
        try:
            result = await self._server.world.handle(self, call.request)
            body = serialize_result(call.request, result)
        except RpcError as error:
            session.queue_error(msg_id, error.code, error.message)
        except Exception:
            log.exception("world failed on %s", type(call.request).__name__)
            session.queue_error(msg_id, 500, "INTERNAL_SERVER_ERROR")
        else:
            session.queue_result(msg_id, body)
        self._wake.set()

    async def _write_loop(self) -> None:
        try:
            while True:
                await self._wake.wait()
                self._wake.clear()
                while self._flush():
                    await self._writer.drain()
        except ConnectionError:
            self._cancel()  # the client is gone: end the link rather than keep reading a dead socket

    def _flush(self) -> bool:
        """Write one packet of queued messages; False when nothing was queued."""
        payload = self._session.flush() if self._session is not None else None
        if payload is None:
            return False
        self._send_frame(payload)
        return True

    def _send_frame(self, payload: bytes) -> None:
        assert self._transport is not None
        self._writer.write(self._transport.encode(payload))


def client_address(host: str) -> str:
    """The IP address clients should dial for a listening host (sessions store an IP, not a name)."""
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host == "::":
        return "::1"
    try:
        return ipaddress.ip_address(host).compressed
    except ValueError:
        return socket.gethostbyname(host)


class SandboxServer:
    """The MTProto server of the sandbox; the world answers the API, this class speaks the protocol."""

    def __init__(
        self, world: WorldProtocol, host: str = "127.0.0.1", port: int = 0, *, key: ServerKey | None = None
    ) -> None:
        self.world = world
        self.host = host
        self.port = port
        self.rsa_key = key or load_server_key()
        self.keys = KeyStore()
        self.counters: Counter[str] = Counter()
        self._links: set[ClientLink] = set()
        self._server: asyncio.Server | None = None
        self._stopping = False

    @property
    def rsa_public_key_pem(self) -> str:
        return self.rsa_key.public_pem

    @property
    def links(self) -> tuple[ClientLink, ...]:
        """The open client connections."""
        return tuple(self._links)

    async def start(self) -> None:
        """Listen (again, after `stop`, on the same port: an outage as clients see it)."""
        self._stopping = False
        self._server = await asyncio.start_server(self._on_connect, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        log_event(log, "sandbox_listening", host=self.host, port=self.port)

    async def stop(self) -> None:
        """Stop accepting, close every connection and wait for their tasks to end."""
        self._stopping = True
        if self._server is not None:
            self._server.close()
        await asyncio.gather(*(link.close() for link in list(self._links)))
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    async def drop_connections(self) -> int:
        """Cut every client connection (fault injection); returns how many were cut."""
        links = list(self._links)
        await asyncio.gather(*(link.drop() for link in links))
        log_event(log, "connections_dropped", count=len(links))
        return len(links)

    def register_key(self, key: AuthKey) -> None:
        self.keys.add(key)
        self.counters["handshakes"] += 1

    def mint_session(self, user_id: int) -> str:
        """A StringSession (DC 2, this server, a fresh auth key) already signed in as user_id."""
        entry = self.keys.mint()
        self.world.authorizations[entry.key.key_id] = user_id
        session = StringSession()
        session.set_dc(SANDBOX_DC, client_address(self.host), self.port)
        session.auth_key = entry.key
        return session.save()

    def forget(self, link: ClientLink) -> None:
        self._links.discard(link)

    async def _on_connect(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._stopping:
            writer.close()
            return
        link = ClientLink(self, reader, writer)
        self._links.add(link)
        self.counters["connections"] += 1
        await link.serve()


@dataclass(frozen=True)
class RunningSandbox:
    """A started sandbox: the address and key clients need, ready-made sessions, the world and the server."""

    host: str
    port: int
    rsa_public_key: str
    user_session: str
    bot_session: str
    analyst_chat_id: int
    channels: tuple[str, ...]
    user_id: int
    bot_id: int
    analyst_id: int
    world: World
    server: SandboxServer
    reader_sessions: tuple[str, ...] = ()  # one signed-in session per extra reading account
    reader_ids: tuple[int, ...] = ()

    @property
    def user_sessions(self) -> tuple[str, ...]:
        """A session for every reading account, the scenario's user first."""
        return (self.user_session, *self.reader_sessions)

    def ready_line(self) -> dict[str, object]:
        """What `monitor sandbox` prints once it accepts connections (one JSON object)."""
        return {
            "host": self.host,
            "port": self.port,
            "dc_id": SANDBOX_DC,
            "rsa_public_key": self.rsa_public_key,
            "user_session": self.user_session,
            "bot_session": self.bot_session,
            "analyst_chat_id": self.analyst_chat_id,
            "channels": list(self.channels),
            "user_id": self.user_id,
            "bot_id": self.bot_id,
            "analyst_id": self.analyst_id,
            "user_sessions": list(self.user_sessions),
        }

    async def stop(self) -> None:
        """Close every connection first (no request is left half-answered), then stop the world."""
        await self.server.stop()
        await self.world.stop()


async def start_sandbox(
    scenario: Scenario,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    faults: Faults | None = None,
    record_posts: Path | None = None,
    record_chat: Path | None = None,
    record_requests: Path | None = None,
    seed: int = 0,
    strictness: Strictness | None = None,
) -> RunningSandbox:
    """Build the world of `scenario`, listen on host:port (0: any free port) and start its timeline.

    `faults` replaces the scenario's own faults when given (None keeps the scenario's). `strictness`
    defaults to Telegram's limits (`Strictness()`); `strictness.relaxed()` switches them off.
    """
    recorder = Recorder.open(record_posts, record_chat, record_requests)
    world = World(scenario, faults, recorder, seed, strictness)
    server = SandboxServer(world, host, port)
    try:
        await server.start()
    except OSError:
        await world.stop()
        raise
    address = client_address(host)
    world.address = (address, server.port)
    running = RunningSandbox(
        host=address,
        port=server.port,
        rsa_public_key=server.rsa_public_key_pem,
        user_session=server.mint_session(world.user.id),
        bot_session=server.mint_session(world.bot.id),
        analyst_chat_id=world.analyst_chat_id,
        channels=tuple(world.channel_usernames),
        user_id=world.user.id,
        bot_id=world.bot.id,
        analyst_id=world.analyst.id,
        world=world,
        server=server,
        reader_sessions=tuple(server.mint_session(reader.id) for reader in scenario.readers),
        reader_ids=tuple(reader.id for reader in scenario.readers),
    )
    await world.start()
    return running

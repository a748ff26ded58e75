"""MTProto 2.0 encrypted sessions, server side: keys, message crypto, msg_id rules, salts, envelopes.

Salts: every auth key gets one random server salt for the life of the server. A message with any
other salt (Telethon starts with 0) is answered with bad_server_salt carrying the right one, and the
client resends, as Telegram does. seq_no is not checked (Telethon never relies on it).
"""

from __future__ import annotations

import os
import struct
import time
import zlib
from collections import OrderedDict, deque
from dataclasses import dataclass
from functools import cache
from hashlib import sha256

from telethon.crypto import AES, AuthKey
from telethon.extensions import BinaryReader
from telethon.tl.core import GzipPacked
from telethon.tl.functions import (
    InitConnectionRequest,
    InvokeAfterMsgRequest,
    InvokeAfterMsgsRequest,
    InvokeWithLayerRequest,
    InvokeWithoutUpdatesRequest,
)
from telethon.tl.tlobject import TLObject, TLRequest
from telethon.tl.types import BadMsgNotification, BadServerSalt, NewSessionCreated, RpcError

from monitor.sandbox.errors import ProtocolError

VECTOR = 0x1CB5C415
BOOL_TRUE = 0x997275B5
BOOL_FALSE = 0xBC799737
RPC_RESULT = 0xF35C6D01
MSG_CONTAINER = 0x73F1F8DC
GZIP_PACKED = 0x3072CFA1

MAX_UNPACKED = 16 * 1024 * 1024  # a gzip_packed body may not inflate beyond this (zip bombs)
MAX_CONTAINER = 1024  # messages in one container
OUT_CONTAINER_BYTES = 512 * 1024  # server containers stay well under Telegram's 1 MB packet limit
OUT_CONTAINER_MESSAGES = 100
GZIP_ABOVE = 1024  # bodies longer than this are sent gzip_packed when that is smaller
REMEMBERED_MSG_IDS = 4096  # duplicates within this window are ignored
MSG_ID_TOO_OLD = 300  # seconds; Telegram's bad_msg_notification codes 16 and 17
MSG_ID_TOO_NEW = 30


def _kdf(auth_key: bytes, msg_key: bytes, x: int) -> tuple[bytes, bytes]:
    """MTProto 2.0 AES key and IV; x is 0 for client-to-server messages and 8 for the other way."""
    a = sha256(msg_key + auth_key[x : x + 36]).digest()
    b = sha256(auth_key[x + 40 : x + 76] + msg_key).digest()
    return a[:8] + b[8:24] + a[24:32], b[:8] + a[8:24] + b[24:32]


@dataclass(frozen=True)
class KeyEntry:
    """An auth key the server knows and the salt it expects with it."""

    key: AuthKey
    salt: int


class KeyStore:
    """Auth keys by id: created by handshakes or minted for ready-made sessions; lost on restart."""

    def __init__(self) -> None:
        self._entries: dict[int, KeyEntry] = {}

    def add(self, key: AuthKey) -> KeyEntry:
        entry = KeyEntry(key=key, salt=struct.unpack("<q", os.urandom(8))[0] or 1)
        self._entries[key.key_id] = entry
        return entry

    def mint(self) -> KeyEntry:
        """A fresh random 2048-bit key, as a finished handshake would have produced."""
        key = AuthKey(os.urandom(256))
        while key.key_id in self._entries:
            key = AuthKey(os.urandom(256))
        return self.add(key)

    def get(self, key_id: int) -> KeyEntry | None:
        return self._entries.get(key_id)


@dataclass(frozen=True)
class Envelope:
    """A decrypted client message before any container or gzip is opened."""

    salt: int
    session_id: int
    msg_id: int
    seq_no: int
    body: bytes


@dataclass(frozen=True)
class Message:
    """One client message after containers and gzip_packed are opened."""

    msg_id: int
    seq_no: int
    body: bytes
    contained: bool = False  # it came inside a msg_container
    packed: bool = False  # it came gzip_packed

    @property
    def constructor(self) -> int:
        return struct.unpack_from("<I", self.body)[0]


def key_id_of(packet: bytes) -> int:
    if len(packet) < 8:
        raise ProtocolError("packet shorter than an auth key id")
    return struct.unpack_from("<Q", packet)[0]


def decrypt_client_message(key: AuthKey, packet: bytes) -> Envelope:
    """Decrypt and authenticate a client packet; anything that fails the msg_key check is refused."""
    if len(packet) < 72 or (len(packet) - 24) % 16:
        raise ProtocolError(f"encrypted packet of {len(packet)} bytes")
    msg_key = packet[8:24]
    aes_key, aes_iv = _kdf(key.key, msg_key, 0)
    plain = AES.decrypt_ige(packet[24:], aes_key, aes_iv)
    if sha256(key.key[88:120] + plain).digest()[8:24] != msg_key:
        raise ProtocolError("msg_key mismatch")
    salt, session_id, msg_id, seq_no, length = struct.unpack_from("<qqqii", plain)
    padding = len(plain) - 32 - length
    if length < 4 or length % 4 or not 12 <= padding <= 1024:
        raise ProtocolError(f"message length {length} does not fit its packet")
    return Envelope(salt, session_id, msg_id, seq_no, plain[32 : 32 + length])


def encrypt_server_message(entry: KeyEntry, session_id: int, msg_id: int, seq_no: int, body: bytes) -> bytes:
    """Encrypt one server message for the client (MTProto 2.0, server direction)."""
    key = entry.key.key
    plain = struct.pack("<qqqii", entry.salt, session_id, msg_id, seq_no, len(body)) + body
    plain += os.urandom(12 + (-(len(plain) + 12) % 16))
    msg_key = sha256(key[96:128] + plain).digest()[8:24]
    aes_key, aes_iv = _kdf(key, msg_key, 8)
    return struct.pack("<Q", entry.key.key_id) + msg_key + AES.encrypt_ige(plain, aes_key, aes_iv)


def _gunzip(body: bytes) -> bytes:
    try:
        packed = BinaryReader(body[4:]).tgread_bytes()
        inflater = zlib.decompressobj(wbits=31)
        data = inflater.decompress(packed, MAX_UNPACKED)
    except (zlib.error, BufferError, struct.error) as error:
        raise ProtocolError(f"bad gzip_packed: {error}") from error
    if inflater.unconsumed_tail or len(data) < 4:
        raise ProtocolError("gzip_packed too large or empty")
    return data


def _container_items(body: bytes) -> list[Message]:
    if len(body) < 8:
        raise ProtocolError("truncated container")
    count, offset, items = struct.unpack_from("<i", body, 4)[0], 8, []
    if not 0 <= count <= MAX_CONTAINER:
        raise ProtocolError(f"container of {count} messages")
    for _ in range(count):
        if offset + 16 > len(body):
            raise ProtocolError("truncated container")
        msg_id, seq_no, length = struct.unpack_from("<qii", body, offset)
        offset += 16
        if length < 4 or length % 4 or offset + length > len(body):
            raise ProtocolError(f"container item of length {length}")
        items.append(Message(msg_id, seq_no, body[offset : offset + length], contained=True))
        offset += length
    return items


def unpack(message: Message, *, in_container: bool = False, gzipped: bool = False) -> list[Message]:
    """Open msg_container and gzip_packed envelopes; nesting beyond one of each is refused."""
    if message.constructor == MSG_CONTAINER:
        if in_container or gzipped:
            raise ProtocolError("nested container")
        return [m for item in _container_items(message.body) for m in unpack(item, in_container=True)]
    if message.constructor == GZIP_PACKED:
        if gzipped:
            raise ProtocolError("nested gzip_packed")
        inner = Message(message.msg_id, message.seq_no, _gunzip(message.body), message.contained, packed=True)
        return unpack(inner, in_container=in_container, gzipped=True)
    return [message]


class MsgIdClock:
    """Server msg_ids: about unix time * 2^32, strictly increasing, 1 mod 4 for answers, 3 mod 4 otherwise."""

    def __init__(self) -> None:
        self._last = 0

    def next(self, *, answer: bool) -> int:
        base = int(time.time() * 2**32) & ~3
        if base <= self._last:
            base = (self._last & ~3) + 4
        self._last = base | (1 if answer else 3)
        return self._last


def _gzip_if_smaller(body: bytes) -> bytes:
    if len(body) <= GZIP_ABOVE:
        return body
    packed = bytes(GzipPacked(body))
    return packed if len(packed) < len(body) else body


@dataclass(frozen=True)
class Outgoing:
    msg_id: int
    seq_no: int
    body: bytes


class Session:
    """The MTProto session state of one connection: incoming checks and the queue of outgoing messages."""

    def __init__(self, entry: KeyEntry) -> None:
        self.entry = entry
        self.session_id: int | None = None
        self._clock = MsgIdClock()
        self._seen: OrderedDict[int, None] = OrderedDict()
        self._announced = False
        self._content_sent = 0
        self._outgoing: deque[Outgoing] = deque()

    @property
    def pending(self) -> int:
        """Messages queued and not yet flushed to the socket."""
        return len(self._outgoing)

    def open(self, packet: bytes) -> list[Message]:
        """Decrypt a packet into messages to process; a broken rule queues Telegram's notification instead."""
        envelope = decrypt_client_message(self.entry.key, packet)
        if envelope.session_id != self.session_id:
            self.session_id, self._announced = envelope.session_id, False
            self._seen.clear()
        code = self._msg_id_problem(envelope.msg_id)
        if code:
            self.queue(bytes(BadMsgNotification(envelope.msg_id, envelope.seq_no, code)), content=False)
            return []
        if envelope.salt != self.entry.salt:
            salt = BadServerSalt(envelope.msg_id, envelope.seq_no, 48, self.entry.salt)
            self.queue(bytes(salt), content=False)
            return []
        if not self._announced:
            self._announced = True
            unique_id = struct.unpack("<q", os.urandom(8))[0]
            created = NewSessionCreated(envelope.msg_id, unique_id, self.entry.salt)
            self.queue(bytes(created), content=True)
        if not self._remember(envelope.msg_id):
            return []
        top = Message(envelope.msg_id, envelope.seq_no, envelope.body)
        return [m for m in unpack(top) if not m.contained or self._remember(m.msg_id)]

    def _msg_id_problem(self, msg_id: int) -> int:
        """Telegram's bad_msg_notification code for a client msg_id, or 0 when it is acceptable."""
        if msg_id % 4:
            return 18
        sent_at, now = msg_id / 2**32, time.time()
        if sent_at < now - MSG_ID_TOO_OLD:
            return 16
        if sent_at > now + MSG_ID_TOO_NEW:
            return 17
        return 0

    def _remember(self, msg_id: int) -> bool:
        """False for a msg_id already processed in this session (a replay or a resend)."""
        if msg_id in self._seen:
            return False
        self._seen[msg_id] = None
        if len(self._seen) > REMEMBERED_MSG_IDS:
            self._seen.popitem(last=False)
        return True

    def queue(self, body: bytes, *, content: bool, answer: bool = False) -> int:
        """Queue one message for the client and return its msg_id."""
        msg_id = self._clock.next(answer=answer)
        seq_no = self._content_sent * 2 + 1 if content else self._content_sent * 2
        self._content_sent += content
        self._outgoing.append(Outgoing(msg_id, seq_no, _gzip_if_smaller(body) if content else body))
        return msg_id

    def queue_result(self, req_msg_id: int, result: bytes) -> None:
        body = struct.pack("<Iq", RPC_RESULT, req_msg_id) + _gzip_if_smaller(result)
        self.queue(body, content=True, answer=True)

    def queue_error(self, req_msg_id: int, code: int, message: str) -> None:
        self.queue_result(req_msg_id, bytes(RpcError(code, message)))

    def flush(self) -> bytes | None:
        """Encrypt the queued messages into one packet payload (a container when several), or None."""
        if not self._outgoing or self.session_id is None:
            return None
        batch, size = [], 0
        while self._outgoing and len(batch) < OUT_CONTAINER_MESSAGES:
            item = self._outgoing[0]
            if batch and size + len(item.body) + 16 > OUT_CONTAINER_BYTES:
                break
            batch.append(self._outgoing.popleft())
            size += len(item.body) + 16
        if len(batch) == 1:
            only = batch[0]
            return encrypt_server_message(self.entry, self.session_id, only.msg_id, only.seq_no, only.body)
        items = b"".join(struct.pack("<qii", m.msg_id, m.seq_no, len(m.body)) + m.body for m in batch)
        body = struct.pack("<Ii", MSG_CONTAINER, len(batch)) + items
        container_id = self._clock.next(answer=False)
        return encrypt_server_message(self.entry, self.session_id, container_id, self._content_sent * 2, body)


@dataclass(frozen=True)
class Call:
    """A request stripped of invokeWithLayer/initConnection/invokeWithoutUpdates/invokeAfter wrappers."""

    request: TLObject
    layer: int | None = None
    init: InitConnectionRequest | None = None
    without_updates: bool = False
    after: tuple[int, ...] = ()


def unwrap(request: TLObject) -> Call:
    """Strip the wrappers Telethon puts around requests, keeping what they say about the connection."""
    layer, init, without_updates, after = None, None, False, ()
    while True:
        if isinstance(request, InvokeWithLayerRequest):
            layer = request.layer
        elif isinstance(request, InitConnectionRequest):
            init = request
        elif isinstance(request, InvokeWithoutUpdatesRequest):
            without_updates = True
        elif isinstance(request, InvokeAfterMsgRequest):
            after = (*after, request.msg_id)
        elif isinstance(request, InvokeAfterMsgsRequest):
            after = (*after, *request.msg_ids)
        else:
            return Call(request, layer, init, without_updates, after)
        request = request.query


@cache
def _int_width(request_type: type[TLRequest]) -> int:
    """Bytes per element of a Vector<int>/Vector<long> result, read off the request's own result parser."""
    probe = BinaryReader(struct.pack("<Iiq", VECTOR, 1, 0))
    try:
        request_type.read_result(probe)
    except Exception:  # the request does not return a vector of numbers: a 32-bit int is TL's default
        return 4
    return probe.tell_position() - 8


def serialize_result(request: TLObject, result: object) -> bytes:
    """TL bytes of a world answer: TLObject as is, list -> Vector, bool -> Bool, int -> int."""
    if isinstance(result, bool):
        return struct.pack("<I", BOOL_TRUE if result else BOOL_FALSE)
    if isinstance(result, int):
        return struct.pack("<i", result)
    if isinstance(result, TLObject):
        return bytes(result)
    if isinstance(result, list | tuple):
        return struct.pack("<Ii", VECTOR, len(result)) + b"".join(_element(request, x) for x in result)
    raise TypeError(f"cannot serialise a {type(result).__name__} result of {type(request).__name__}")


def _element(request: TLObject, value: object) -> bytes:
    if isinstance(value, int) and not isinstance(value, bool):
        return struct.pack("<q" if _int_width(type(request)) == 8 else "<i", value)
    return serialize_result(request, value)

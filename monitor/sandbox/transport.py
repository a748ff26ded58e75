"""TCP framing of MTProto packets, server side: full, intermediate, padded intermediate, abridged, obfuscated.

Clients announce their framing in the first bytes of a connection (Telegram's rules): 0xef abridged,
0xeeeeeeee intermediate, 0xdddddddd padded intermediate, a 64-byte random header for obfuscated2, and
no tag at all for the full transport (its first packet starts with a length and sequence number 0).
"""

from __future__ import annotations

import asyncio
import os
import struct
from collections.abc import Awaitable, Callable
from typing import Protocol
from zlib import crc32

from telethon.crypto import AESModeCTR

from monitor.sandbox.errors import ProtocolError

MAX_PACKET = 4 * 1024 * 1024  # Telegram refuses packets above about 1 MB; this leaves room and stops abuse
ABRIDGED_TAG = b"\xef"
INTERMEDIATE_TAG = b"\xee\xee\xee\xee"
PADDED_TAG = b"\xdd\xdd\xdd\xdd"
OBFUSCATED_HEADER = 64

Read = Callable[[int], Awaitable[bytes]]


class Framing(Protocol):
    """One transport's packet format: how a payload is cut out of the stream and wrapped for sending."""

    name: str

    async def read_packet(self, read: Read) -> bytes: ...

    def encode(self, payload: bytes) -> bytes: ...


def _checked_length(length: int) -> int:
    if length < 0 or length > MAX_PACKET:
        raise ProtocolError(f"packet length {length} out of range")
    return length


class FullFraming:
    """Length, sequence number, payload and CRC32: the transport Telethon uses by default."""

    name = "full"

    def __init__(self) -> None:
        self._recv_seq = 0
        self._send_seq = 0

    async def read_packet(self, read: Read) -> bytes:
        head = await read(8)
        length, seq = struct.unpack("<ii", head)
        if length < 12 or length % 4:
            raise ProtocolError(f"full transport: bad packet length {length}")
        body = await read(_checked_length(length) - 8)
        if seq != self._recv_seq:
            raise ProtocolError(f"full transport: sequence {seq}, expected {self._recv_seq}")
        self._recv_seq += 1
        payload, checksum = body[:-4], struct.unpack("<I", body[-4:])[0]
        if crc32(head + payload) != checksum:
            raise ProtocolError("full transport: CRC mismatch")
        return payload

    def encode(self, payload: bytes) -> bytes:
        data = struct.pack("<ii", len(payload) + 12, self._send_seq) + payload
        self._send_seq += 1
        return data + struct.pack("<I", crc32(data))


class IntermediateFraming:
    """A 4-byte length before each payload; the padded variant appends 0-3 random bytes."""

    def __init__(self, padded: bool) -> None:
        self._padded = padded
        self.name = "padded-intermediate" if padded else "intermediate"

    async def read_packet(self, read: Read) -> bytes:
        length = struct.unpack("<I", await read(4))[0] & 0x7FFFFFFF  # the top bit asks for a quick ack
        packet = await read(_checked_length(length))
        return packet[: len(packet) - len(packet) % 4] if self._padded else packet

    def encode(self, payload: bytes) -> bytes:
        padding = os.urandom(int.from_bytes(os.urandom(1), "little") % 4) if self._padded else b""
        return struct.pack("<I", len(payload) + len(padding)) + payload + padding


class AbridgedFraming:
    """Length in 4-byte words, in one byte (or 0x7f and three more bytes)."""

    name = "abridged"

    async def read_packet(self, read: Read) -> bytes:
        words = (await read(1))[0] & 0x7F  # the top bit asks for a quick ack
        if words == 0x7F:
            words = int.from_bytes(await read(3), "little")
        return await read(_checked_length(words * 4))

    def encode(self, payload: bytes) -> bytes:
        words = len(payload) // 4
        head = bytes([words]) if words < 0x7F else b"\x7f" + words.to_bytes(3, "little")
        return head + payload


class Transport:
    """A connection's framing plus, for obfuscated2, the AES-CTR streams in both directions."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        framing: Framing,
        *,
        pending: bytes = b"",
        ciphers: tuple[AESModeCTR, AESModeCTR] | None = None,
    ) -> None:
        self._reader = reader
        self._framing = framing
        self._pending = pending
        self._ciphers = ciphers
        self.name = framing.name if ciphers is None else f"obfuscated-{framing.name}"

    async def _read(self, n: int) -> bytes:
        taken, self._pending = self._pending[:n], self._pending[n:]
        if len(taken) == n:
            return taken
        data = await self._reader.readexactly(n - len(taken))
        if self._ciphers is not None:
            data = self._ciphers[0].encrypt(data)
        return taken + data

    async def recv(self) -> bytes:
        """The next payload; raises ProtocolError on a malformed packet, IncompleteReadError on EOF."""
        return await self._framing.read_packet(self._read)

    def encode(self, payload: bytes) -> bytes:
        """Bytes to write for one payload; calls must follow the order of the writes (stream ciphers)."""
        data = self._framing.encode(payload)
        return data if self._ciphers is None else self._ciphers[1].encrypt(data)


async def open_transport(reader: asyncio.StreamReader) -> Transport:
    """Detect the client's transport from its first bytes and return the matching Transport."""
    first = await reader.readexactly(1)
    if first == ABRIDGED_TAG:
        return Transport(reader, AbridgedFraming())
    head = first + await reader.readexactly(3)
    if head == INTERMEDIATE_TAG:
        return Transport(reader, IntermediateFraming(padded=False))
    if head == PADDED_TAG:
        return Transport(reader, IntermediateFraming(padded=True))
    head += await reader.readexactly(4)
    if head[4:8] == b"\0\0\0\0":
        return Transport(reader, FullFraming(), pending=head)
    return _obfuscated(reader, head + await reader.readexactly(OBFUSCATED_HEADER - 8))


def _obfuscated(reader: asyncio.StreamReader, header: bytes) -> Transport:
    """Obfuscated2: the header carries the client's key and IV; the server's are the reversed bytes."""
    reverse = header[55:7:-1]
    decrypt = AESModeCTR(header[8:40], header[40:56])
    encrypt = AESModeCTR(bytes(reverse[:32]), bytes(reverse[32:48]))
    tag = decrypt.encrypt(header)[56:60]
    framings: dict[bytes, Framing] = {
        ABRIDGED_TAG * 4: AbridgedFraming(),
        INTERMEDIATE_TAG: IntermediateFraming(padded=False),
        PADDED_TAG: IntermediateFraming(padded=True),
    }
    if tag not in framings:
        raise ProtocolError("unknown transport")
    return Transport(reader, framings[tag], ciphers=(decrypt, encrypt))

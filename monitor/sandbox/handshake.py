"""Server side of MTProto's auth-key exchange (req_pq -> req_DH_params -> set_client_DH_params).

The sandbox answers with its own RSA key (monitor/sandbox/keys), which clients trust through
`telethon.crypto.rsa.add_key(pem, old=False)`, and Telegram's published 2048-bit safe prime with g = 3.
"""

from __future__ import annotations

import os
import struct
import time
from dataclasses import dataclass
from hashlib import sha1
from pathlib import Path

import rsa
import rsa.prime
from telethon.crypto import AES, AuthKey
from telethon.extensions import BinaryReader
from telethon.helpers import generate_key_data_from_nonce
from telethon.tl.functions import (
    ReqDHParamsRequest,
    ReqPqMultiRequest,
    ReqPqRequest,
    SetClientDHParamsRequest,
)
from telethon.tl.tlobject import TLObject
from telethon.tl.types import (
    ClientDHInnerData,
    DhGenOk,
    PQInnerData,
    PQInnerDataDc,
    ResPQ,
    ServerDHInnerData,
    ServerDHParamsOk,
)

from monitor.sandbox.errors import ProtocolError

KEYS_DIR = Path(__file__).parent / "keys"
DH_G = 3
DH_PRIME = int(
    "C71CAEB9C6B1C9048E6C522F70F13F73980D40238E3E21C14934D037563D930F48198A0AA7C14058229493D22530F4DB"
    "FA336F6E0AC925139543AED44CCE7C3720FD51F69458705AC68CD4FE6B6B13ABDC9746512969328454F18FAF8C595F64"
    "2477FE96BB2A941D5BCD1D4AC8CC49880708FA9B378E3C4F3A9060BEE67CF9A4A4A695811051907E162753B56B0F6B41"
    "0DBA74D8A84B2A14B3144E0EF1284754FD17ED950D5965B4B9DD46582DB1178D169C6BC465B0D6FF9CA3928FEF5B9AE4"
    "E418FC15E83EBEA0F87FA9FF5EED70050DED2849F47BF959D956850CE929851F0D8115F635B105EE2E4E15D04B2454BF"
    "6F4FADF034B10403119CD8E3B92FCC5B",
    16,
)
SAFETY_MARGIN = 2 ** (2048 - 64)  # g_a and g_b must keep this distance from 1 and dh_prime (Telegram's rule)
RSA_BLOCK = 255  # Telethon encrypts sha1(data) + data + padding, 255 bytes, with raw RSA


def int_bytes(value: int) -> bytes:
    """Shortest big-endian form of a non-negative integer, as MTProto writes pq, g_a and the auth key."""
    return value.to_bytes((value.bit_length() + 7) // 8, "big")


def _random_int(size: int) -> int:
    return int.from_bytes(os.urandom(size), "little", signed=True)


@dataclass(frozen=True)
class ServerKey:
    """The sandbox's RSA key pair and its Telegram fingerprint (last 8 bytes of sha1 of TL n and e)."""

    private: rsa.PrivateKey
    public_pem: str

    @property
    def fingerprint(self) -> int:
        data = TLObject.serialize_bytes(int_bytes(self.private.n)) + TLObject.serialize_bytes(
            int_bytes(self.private.e)
        )
        return struct.unpack("<q", sha1(data).digest()[-8:])[0]

    def decrypt(self, block: bytes) -> bytes:
        """Raw RSA decryption of one 256-byte block back into the 255 bytes the client encrypted."""
        value = int.from_bytes(block, "big")
        if len(block) != 256 or value >= self.private.n:
            raise ProtocolError("handshake: malformed RSA block")
        plain = self.private.blinded_decrypt(value)
        if plain.bit_length() > RSA_BLOCK * 8:
            raise ProtocolError("handshake: RSA block does not decrypt")
        return plain.to_bytes(RSA_BLOCK, "big")


def load_server_key(directory: Path = KEYS_DIR) -> ServerKey:
    """Load the fixed sandbox key pair from PEM files (fast: no key generation at startup)."""
    private = rsa.PrivateKey.load_pkcs1((directory / "sandbox_private.pem").read_bytes())
    public_pem = (directory / "sandbox_public.pem").read_text(encoding="ascii")
    return ServerKey(private=private, public_pem=public_pem)


def parse_plain(packet: bytes) -> bytes:
    """The body of an unencrypted message: auth_key_id 0, msg_id, length, body."""
    if len(packet) < 20:
        raise ProtocolError("plain message too short")
    length = struct.unpack_from("<i", packet, 16)[0]
    if length < 4 or length > len(packet) - 20:
        raise ProtocolError(f"plain message: bad length {length}")
    return packet[20 : 20 + length]


def plain_message(msg_id: int, body: bytes) -> bytes:
    """An unencrypted server message, the form every handshake answer takes."""
    return struct.pack("<qqi", 0, msg_id, len(body)) + body


def _read_hashed(data: bytes, expected: type[TLObject] | tuple[type[TLObject], ...]) -> TLObject:
    """Parse sha1(object) + object + padding and check the hash: it proves the decryption was right."""
    reader = BinaryReader(data[20:])
    try:
        obj = reader.tgread_object()
    except Exception as error:
        raise ProtocolError(f"handshake: unreadable inner data ({error})") from error
    if not isinstance(obj, expected):
        raise ProtocolError(f"handshake: unexpected {type(obj).__name__}")
    if sha1(data[20 : 20 + reader.tell_position()]).digest() != data[:20]:
        raise ProtocolError("handshake: inner data hash mismatch")
    return obj


def _pad16(data: bytes) -> bytes:
    return data + os.urandom(-len(data) % 16)


class Handshake:
    """One connection's progress through the key exchange; the last answer also yields the auth key."""

    def __init__(self, key: ServerKey) -> None:
        self._key = key
        self._nonce: int | None = None
        self._server_nonce = 0
        self._p = self._q = 0
        self._new_nonce = 0
        self._a = 0

    def answer(self, request: TLObject) -> tuple[TLObject, AuthKey | None]:
        """Reply to one handshake request; raises ProtocolError when the client strays from the exchange."""
        if isinstance(request, ReqPqMultiRequest | ReqPqRequest):
            return self._res_pq(request.nonce), None
        if isinstance(request, ReqDHParamsRequest):
            return self._dh_params(request), None
        if isinstance(request, SetClientDHParamsRequest):
            return self._dh_gen(request)
        raise ProtocolError(f"unencrypted {type(request).__name__} outside the key exchange")

    def _check_nonces(self, nonce: int, server_nonce: int) -> None:
        if self._nonce is None or nonce != self._nonce or server_nonce != self._server_nonce:
            raise ProtocolError("handshake: nonce mismatch")

    def _res_pq(self, nonce: int) -> ResPQ:
        self._nonce, self._server_nonce = nonce, _random_int(16)
        p, q = rsa.prime.getprime(31), rsa.prime.getprime(31)
        while p == q:
            q = rsa.prime.getprime(31)
        self._p, self._q = min(p, q), max(p, q)
        return ResPQ(nonce, self._server_nonce, int_bytes(p * q), [self._key.fingerprint])

    def _dh_params(self, request: ReqDHParamsRequest) -> ServerDHParamsOk:
        self._check_nonces(request.nonce, request.server_nonce)
        if request.public_key_fingerprint != self._key.fingerprint:
            raise ProtocolError("handshake: unknown RSA key fingerprint")
        if (request.p, request.q) != (int_bytes(self._p), int_bytes(self._q)):
            raise ProtocolError("handshake: wrong factorisation of pq")
        inner = _read_hashed(self._key.decrypt(request.encrypted_data), (PQInnerData, PQInnerDataDc))
        self._check_nonces(inner.nonce, inner.server_nonce)
        self._new_nonce = inner.new_nonce
        g_a = 0
        while not SAFETY_MARGIN <= g_a <= DH_PRIME - SAFETY_MARGIN:
            self._a = int.from_bytes(os.urandom(256), "big")
            g_a = pow(DH_G, self._a, DH_PRIME)
        answer = bytes(
            ServerDHInnerData(
                self._nonce, self._server_nonce, DH_G, int_bytes(DH_PRIME), int_bytes(g_a), int(time.time())
            )
        )
        key, iv = generate_key_data_from_nonce(self._server_nonce, self._new_nonce)
        encrypted = AES.encrypt_ige(_pad16(sha1(answer).digest() + answer), key, iv)
        return ServerDHParamsOk(self._nonce, self._server_nonce, encrypted)

    def _dh_gen(self, request: SetClientDHParamsRequest) -> tuple[DhGenOk, AuthKey]:
        self._check_nonces(request.nonce, request.server_nonce)
        if not self._a or not request.encrypted_data or len(request.encrypted_data) % 16:
            raise ProtocolError("handshake: set_client_DH_params out of order or malformed")
        key, iv = generate_key_data_from_nonce(self._server_nonce, self._new_nonce)
        inner = _read_hashed(AES.decrypt_ige(request.encrypted_data, key, iv), ClientDHInnerData)
        self._check_nonces(inner.nonce, inner.server_nonce)
        g_b = int.from_bytes(inner.g_b, "big")
        if not SAFETY_MARGIN <= g_b <= DH_PRIME - SAFETY_MARGIN:
            raise ProtocolError("handshake: g_b out of the safe range")
        auth_key = AuthKey(int_bytes(pow(g_b, self._a, DH_PRIME)))
        self._a = 0  # one key per exchange: a replayed final step is refused
        new_nonce_hash = auth_key.calc_new_nonce_hash(self._new_nonce, 1)
        return DhGenOk(self._nonce, self._server_nonce, new_nonce_hash), auth_key

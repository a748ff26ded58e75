"""Connecting and logging in: the config, phone + code sign-in, bot tokens, two-step passwords, log-out."""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING, Any

from telethon import password as srp
from telethon.tl import functions as fn
from telethon.tl import types

from monitor.sandbox.api.base import Handlers
from monitor.sandbox.config_tl import SANDBOX_DC, make_config
from monitor.sandbox.errors import RpcError
from monitor.sandbox.handshake import DH_G, DH_PRIME
from monitor.sandbox.scenario import Person, normalize_phone

if TYPE_CHECKING:
    from monitor.sandbox.world import ClientLink, World

LOGIN_CODE = "12345"

handlers = Handlers()


@handlers.on(fn.help.GetConfigRequest)
async def get_config(world: World, link: ClientLink, request: Any) -> types.Config:
    host, port = world.address
    return make_config(host, port, now=world.now())


@handlers.on(fn.help.GetNearestDcRequest)
async def get_nearest_dc(world: World, link: ClientLink, request: Any) -> types.NearestDc:
    return types.NearestDc(country="NL", this_dc=SANDBOX_DC, nearest_dc=SANDBOX_DC)


@handlers.on(fn.auth.SendCodeRequest)
async def send_code(world: World, link: ClientLink, request: Any) -> types.auth.SentCode:
    person = _person_by_phone(world, request.phone_number)
    code_hash = secrets.token_hex(8)
    world.pending_codes[code_hash] = person.phone or ""
    return types.auth.SentCode(
        type=types.auth.SentCodeTypeApp(length=len(LOGIN_CODE)), phone_code_hash=code_hash
    )


@handlers.on(fn.auth.SignInRequest)
async def sign_in(world: World, link: ClientLink, request: Any) -> types.auth.Authorization:
    person = _person_by_phone(world, request.phone_number)
    if not request.phone_code_hash:
        raise RpcError(400, "PHONE_CODE_HASH_EMPTY")
    if world.pending_codes.get(request.phone_code_hash) != person.phone:
        raise RpcError(400, "PHONE_CODE_EXPIRED")
    if not request.phone_code:
        raise RpcError(400, "PHONE_CODE_EMPTY")
    if request.phone_code != LOGIN_CODE:
        raise RpcError(400, "PHONE_CODE_INVALID")
    del world.pending_codes[request.phone_code_hash]
    if person.password:
        world.password_pending[link.auth_key_id] = person.id
        raise RpcError(401, "SESSION_PASSWORD_NEEDED")
    return _authorize(world, link, person)


@handlers.on(fn.auth.ImportBotAuthorizationRequest)
async def import_bot_authorization(world: World, link: ClientLink, request: Any) -> types.auth.Authorization:
    bot = next(
        (p for p in world.people.values() if p.bot_token and p.bot_token == request.bot_auth_token), None
    )
    if bot is None:
        raise RpcError(400, "ACCESS_TOKEN_INVALID")
    return _authorize(world, link, bot)


@handlers.on(fn.account.GetPasswordRequest)
async def get_password(world: World, link: ClientLink, request: Any) -> types.account.Password:
    person = _password_owner(world, link)
    new_algo = _kdf_algo(b"")
    secure = types.SecurePasswordKdfAlgoUnknown()
    if person is None or not person.password:
        return types.account.Password(
            new_algo=new_algo, new_secure_algo=secure, secure_random=secrets.token_bytes(32)
        )
    algo = _kdf_algo(_salt(world, person))
    verifier = pow(DH_G, int.from_bytes(srp.compute_hash(algo, person.password), "big"), DH_PRIME)
    secret = secrets.randbelow(DH_PRIME - 2) + 2
    k = int.from_bytes(srp.sha256(_pad(DH_PRIME), _pad(DH_G)), "big")
    srp_b = (k * verifier + pow(DH_G, secret, DH_PRIME)) % DH_PRIME
    srp_id = secrets.randbits(63)
    world.srp_secrets[link.auth_key_id] = (srp_id, secret, srp_b, verifier, algo)
    return types.account.Password(
        new_algo=new_algo,
        new_secure_algo=secure,
        secure_random=secrets.token_bytes(32),
        has_password=True,
        current_algo=algo,
        srp_B=_pad(srp_b),
        srp_id=srp_id,
    )


@handlers.on(fn.auth.CheckPasswordRequest)
async def check_password(world: World, link: ClientLink, request: Any) -> types.auth.Authorization:
    user_id = world.password_pending.get(link.auth_key_id)
    challenge = world.srp_secrets.pop(link.auth_key_id, None)
    if user_id is None:
        raise RpcError(400, "PASSWORD_HASH_INVALID")
    check = request.password
    if (
        challenge is None
        or not isinstance(check, types.InputCheckPasswordSRP)
        or check.srp_id != challenge[0]
    ):
        raise RpcError(400, "SRP_ID_INVALID")
    if not _srp_matches(check, *challenge[1:]):
        raise RpcError(400, "PASSWORD_HASH_INVALID")
    del world.password_pending[link.auth_key_id]
    return _authorize(world, link, world.people[user_id])


@handlers.on(fn.auth.LogOutRequest)
async def log_out(world: World, link: ClientLink, request: Any) -> types.auth.LoggedOut:
    world.user_of(link)
    del world.authorizations[link.auth_key_id]
    return types.auth.LoggedOut()


def _person_by_phone(world: World, phone: str) -> Person:
    digits = normalize_phone(phone or "")
    person = next((p for p in world.people.values() if p.phone and p.phone == digits), None)
    if person is None:
        raise RpcError(400, "PHONE_NUMBER_INVALID")
    return person


def _authorize(world: World, link: ClientLink, person: Person) -> types.auth.Authorization:
    world.authorizations[link.auth_key_id] = person.id
    return types.auth.Authorization(user=world.tl.user(person, person.id))


def _password_owner(world: World, link: ClientLink) -> Person | None:
    user_id = world.password_pending.get(link.auth_key_id, world.authorizations.get(link.auth_key_id))
    return world.people.get(user_id) if user_id is not None else None


def _kdf_algo(salt1: bytes) -> types.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow:
    return types.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow(
        salt1=salt1, salt2=salt1[::-1], g=DH_G, p=_pad(DH_PRIME)
    )


def _salt(world: World, person: Person) -> bytes:
    """A stable per-account salt, so the verifier is the same on every attempt."""
    return hashlib.sha256(f"{world.scenario.name}:{person.id}".encode()).digest()[:16]


def _pad(number: int) -> bytes:
    return number.to_bytes(256, "big")


def _srp_matches(
    check: types.InputCheckPasswordSRP, secret: int, srp_b: int, verifier: int, algo: Any
) -> bool:
    """Verify the client's SRP proof M1 the way Telegram's 2FA does (server side of SRP-6a)."""
    big_a = int.from_bytes(check.A, "big")
    if not 1 < big_a < DH_PRIME - 1:
        return False
    u = int.from_bytes(srp.sha256(_pad(big_a), _pad(srp_b)), "big")
    shared = pow(big_a * pow(verifier, u, DH_PRIME) % DH_PRIME, secret, DH_PRIME)
    key = srp.sha256(_pad(shared))
    expected = srp.sha256(
        srp.xor(srp.sha256(_pad(DH_PRIME)), srp.sha256(_pad(DH_G))),
        srp.sha256(algo.salt1),
        srp.sha256(algo.salt2),
        _pad(big_a),
        _pad(srp_b),
        key,
    )
    return secrets.compare_digest(expected, check.M1)

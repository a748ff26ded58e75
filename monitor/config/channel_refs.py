"""Channel references as operators write them: @username, numeric ids, t.me links and invite links."""

from __future__ import annotations

import re

from monitor.config.settings import ChannelRef

_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")
_INVITE_HASH = re.compile(r"[A-Za-z0-9_-]{6,}")
_LINK = re.compile(r"(?:https?://)?(?:www\.)?(?:t\.me|telegram\.me|telegram\.dog)/(?P<path>[^?#]*)", re.I)
_NUMERIC = re.compile(r"-?\d+")


def parse_channel_ref(ref: str) -> ChannelRef:
    """Parse @username, t.me links (post, /s/, /c/, invite) or numeric ids; ValueError says why not."""
    text = ref.strip()
    if not text:
        raise ValueError("empty channel reference")
    if _NUMERIC.fullmatch(text):
        return ChannelRef("id", _channel_id(int(text)))
    link = _LINK.fullmatch(text)
    if link:
        return _parse_link_path(link.group("path").strip("/"))
    if text.startswith("@"):
        text = text[1:]
    if _USERNAME.fullmatch(text):
        return ChannelRef("username", text)
    raise ValueError(
        f"{ref!r} is not a channel reference (use @username, https://t.me/username, a numeric id "
        "or an invite link https://t.me/+HASH)"
    )


MAX_CHANNEL_ID = 2**63 - 1  # the archive stores ids as SQLite's 64-bit integers


def _channel_id(number: int) -> int:
    """Turn a -100-marked or bare channel id into the bare positive id the archive uses."""
    bare = number if number > 0 else _unmarked(number)
    if bare > MAX_CHANNEL_ID:
        raise ValueError(f"{number} is not a channel id (too large for 64 bits)")
    return bare


def _unmarked(number: int) -> int:
    digits = str(-number)
    if digits.startswith("100") and len(digits) > 3:
        return int(digits[3:])
    raise ValueError(f"{number} is not a channel id (channel ids are positive or start with -100)")


def _parse_link_path(path: str) -> ChannelRef:
    parts = path.split("/")
    if parts[0] == "s":
        parts = parts[1:]
    head = parts[0] if parts else ""
    if head.startswith("+") or head == "joinchat":
        invite = head[1:] if head.startswith("+") else (parts[1] if len(parts) > 1 else "")
        if _INVITE_HASH.fullmatch(invite):
            return ChannelRef("invite", invite)
        raise ValueError(f"invite link with an invalid hash {invite!r}")
    if head == "c" and len(parts) in (2, 3) and parts[1].isdigit():
        return ChannelRef("id", _channel_id(int(parts[1])))
    if _USERNAME.fullmatch(head) and (len(parts) == 1 or (len(parts) == 2 and parts[1].isdigit())):
        return ChannelRef("username", head)
    raise ValueError(f"t.me link path {path!r} does not name a channel")


# ---------------------------------------------------------------------------------------------

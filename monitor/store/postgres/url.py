"""Archive locations: a file path (SQLite) or a postgresql:// URL, and URLs shown without their password."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

SCHEMES = ("postgresql://", "postgres://")
_PASSWORD_PARAM = re.compile(r"(password=)[^&\s]*", re.IGNORECASE)


def is_postgres_url(location: str | Path) -> bool:
    """A location naming a PostgreSQL database rather than an archive file."""
    return isinstance(location, str) and location.lower().startswith(SCHEMES)


def shown(location: str | Path) -> str:
    """A location as messages name it: a file as it is, a URL without its password."""
    return redact(location) if isinstance(location, str) else str(location)


def redact(url: str) -> str:
    """The URL as it may be shown or logged: user, host, port and database, never the password."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:  # an unparsable port or netloc: show the scheme alone
        return url.split("://", 1)[0] + "://…"
    shown = url
    if password is not None:
        userinfo, _, host = parts.netloc.rpartition("@")
        user = userinfo.split(":", 1)[0]
        shown = shown.replace(parts.netloc, f"{user}:***@{host}", 1)
    return _PASSWORD_PARAM.sub(r"\1***", shown)


def scrub(message: str, url: str) -> str:
    """A driver's message with any trace of the URL's password taken out: the URL itself, and the password
    as written or decoded, in case a library quotes either back."""
    message = message.replace(url, redact(url))
    for secret in sorted(_passwords(url), key=len, reverse=True):
        message = message.replace(secret, "***")
    return message


def _passwords(url: str) -> set[str]:
    found = {match.group(1) for match in re.finditer(r"password=([^&\s]+)", url, re.IGNORECASE)}
    try:
        password = urlsplit(url).password
    except ValueError:  # the netloc does not parse: take what stands between ':' and '@'
        password = url.split("://", 1)[-1].split("@", 1)[0].partition(":")[2] or None
    if password:
        found.add(password)
    return {secret for value in found for secret in (value, unquote(value)) if secret}

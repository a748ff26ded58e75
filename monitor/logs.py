"""Structured one-line logs on stderr (key=value, or JSON) with registered secrets redacted.

Every event is one line so logs can be grepped and shipped; the redaction happens in a filter on
the handler, so a secret cannot leak through a message, a field or a traceback.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sys
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

REDACTED = "***"
_MIN_SECRET_LENGTH = 8  # shorter values would blank out ordinary words and numbers
_secrets: set[str] = set()


def register_secret(value: str) -> None:
    """Remember a credential so every later log line shows *** in its place."""
    if len(value) >= _MIN_SECRET_LENGTH:
        _secrets.add(value)


def redact(text: str) -> str:
    """Replace every registered secret in `text`, longest first so overlapping secrets vanish whole."""
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


def log_event(logger: logging.Logger, event: str, /, *, level: int = logging.INFO, **fields: Any) -> None:
    """Log one named event with its fields, e.g. log_event(log, "post_saved", channel=1, id=2)."""
    logger.log(level, event, extra={"event_fields": fields})


@contextlib.contextmanager
def fatal_errors_logged(logger: logging.Logger, expected: Mapping[type[Exception], int]) -> Iterator[None]:
    """End the process with one structured `fatal` line instead of a bare traceback.

    An `expected` error (a dead account, a session, the archive, the network) is logged by its message
    and exits with the status it maps to (the first matching class); anything else also carries its
    traceback, as one field of the same line, and exits 1.
    """
    try:
        yield
    except tuple(expected) as error:
        log_event(logger, "fatal", level=logging.CRITICAL, error=describe(error))
        sys.exit(next(status for kind, status in expected.items() if isinstance(error, kind)))
    except Exception as error:
        logger.critical("fatal", exc_info=True, extra={"event_fields": {"error": describe(error)}})
        sys.exit(1)


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


class RedactSecrets(logging.Filter):
    """Rewrites a record's message, fields and traceback with registered secrets redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        fields = getattr(record, "event_fields", None)
        if fields:
            record.event_fields = {key: _redact_value(value) for key, value in fields.items()}
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def _redact_value(value: Any) -> Any:
    if isinstance(value, bool | int | float) or value is None:
        return value
    return redact(str(value))


class KeyValueFormatter(logging.Formatter):
    """ts=... level=... logger=... event=... key=value; values with spaces or quotes are JSON-quoted."""

    def format(self, record: logging.LogRecord) -> str:
        parts = [f"{key}={_kv(value)}" for key, value in _payload(record).items()]
        return " ".join(parts)


class JsonFormatter(logging.Formatter):
    """One JSON object per line for log shippers."""

    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(_payload(record), ensure_ascii=False, default=str)


def _payload(record: logging.LogRecord) -> dict[str, Any]:
    ts = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    payload: dict[str, Any] = {"ts": ts, "level": record.levelname.lower(), "logger": record.name}
    fields = getattr(record, "event_fields", None)
    if fields is None:
        payload["msg"] = record.getMessage()
    else:
        payload["event"] = record.getMessage()
        payload.update(fields)
    if record.exc_text:
        payload["exc"] = record.exc_text
    return payload


def _kv(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    if not text or any(ch.isspace() or ch in "\"'=" for ch in text):
        return json.dumps(text, ensure_ascii=False)
    return text


def setup_logging(level: int | str = logging.INFO, json: bool = False) -> None:
    """Send all logs to stderr in the chosen format; calling it again replaces the earlier set-up."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "monitor_handler", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.monitor_handler = True  # type: ignore[attr-defined]
    handler.addFilter(RedactSecrets())
    handler.setFormatter(JsonFormatter() if json else KeyValueFormatter())
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)

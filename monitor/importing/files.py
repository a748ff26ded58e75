"""Streaming readers for the post files analysts bring: JSONL, JSON arrays and Telegram Desktop exports.

The format is recognised from the content, not the file name. Files are read incrementally (a
Telegram Desktop export can be hundreds of MB), and a malformed record is yielded as an
`InputProblem` in its place so the caller reports it and carries on with the rest.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from monitor.importing.json_stream import TOO_DEEP, JsonStream, JsonSyntaxError, array_items
from monitor.model import bare_channel_id

_SURROGATE = re.compile(r"[\ud800-\udfff]")
# SQLite stores integers in 64 bits: a larger id could never be archived.
MAX_ID = 2**63 - 1
_ENCODING_NOTE = "invalid UTF-8 or a lone surrogate, replaced by U+FFFD"
_HEAD_CHARS = 1 << 20


class InputFileError(Exception):
    """The file cannot be read at all, or is in no format we know; the message names the file."""


@dataclass(frozen=True, slots=True)
class Location:
    """Where a record sits: the line it starts on, and for JSON documents its index in the array."""

    path: str
    line: int
    index: int | None = None
    chat: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}"
        if self.index is not None:
            where += f": {f'chat {self.chat!r} ' if self.chat else ''}message #{self.index}"
        return where


@dataclass(frozen=True, slots=True)
class InputRecord:
    """One post read from a file. `id`, `channel` and `date` are kept exactly as given, for echoing.

    A malformed `date` does not make the record unreadable: `when` is None and `date_problem` says why,
    so a command that needs dates skips the post and one that does not keeps it. `notes` are problems
    that were repaired in place (text that was not valid UTF-8), for the caller to report.
    """

    location: Location
    text: str
    id: str | int | None = None
    channel: str | int | None = None
    channel_id: int | None = None
    date: str | int | float | None = None
    when: datetime | None = None
    edited: datetime | None = None
    labels: tuple[str, ...] | None = None
    lang: str | None = None
    forward_origin: str | None = None
    media_kind: str | None = None
    links: tuple[str, ...] = ()
    date_problem: str | None = None
    notes: tuple[str, ...] = ()
    reply_to: int | None = None

    @property
    def message_id(self) -> int | None:
        """The id as a message number, when it is one."""
        if isinstance(self.id, int):
            return self.id
        if isinstance(self.id, str) and self.id.isdigit():
            return int(self.id)
        return None


@dataclass(frozen=True, slots=True)
class InputProblem:
    """A record that could not be used, and why."""

    location: Location
    reason: str

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"


def read_posts(path: Path) -> Iterator[InputRecord | InputProblem]:
    """Yield each post of a file in order, or a problem in place of each malformed one."""
    name = str(path)
    try:
        handle = open(path, encoding="utf-8-sig", errors="surrogateescape")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise InputFileError(f"{name}: cannot read: {exc.strerror or exc}") from None
    with handle:
        try:
            kind = _detect(handle)
            reader = _read_jsonl if kind == "jsonl" else _read_document
            yield from reader(handle, name)
        except OSError as exc:  # a disk or network-share error part way through a large file
            raise InputFileError(f"{name}: cannot read: {exc.strerror or exc}") from None


def _detect(handle: IO[str]) -> str:
    """Tell JSONL (a JSON object per line) from a JSON document (an export or an array of posts)."""
    head = handle.read(_HEAD_CHARS)
    handle.seek(0)
    stripped = head.lstrip()
    if stripped.startswith("["):
        return "document"
    if not stripped.startswith("{"):
        return "jsonl"
    lines = stripped.split("\n")
    if len(lines) == 1 and len(head) == _HEAD_CHARS:
        return "document"
    first = _parse_object(lines[0])
    if first is not None:
        return "document" if "messages" in first or "chats" in first else "jsonl"
    # A malformed first line does not hide a JSONL file whose next lines are objects; a document written
    # one message per line has a comma after every message but the last, so most of its lines fail.
    later = [_parse_object(line) is not None for line in lines[1:6] if line.strip()]
    return "jsonl" if later.count(True) > later.count(False) else "document"


def _parse_object(line: str) -> dict[str, Any] | None:
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError):
        return None
    return obj if isinstance(obj, dict) else None


# ---------------------------------------------------------------------------------------------
# JSONL


def _read_jsonl(handle: IO[str], name: str) -> Iterator[InputRecord | InputProblem]:
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        location = Location(name, number)
        try:
            obj = json.loads(line)
        except ValueError as exc:
            yield InputProblem(location, f"invalid JSON: {_short(exc)}")
            continue
        except RecursionError:
            yield InputProblem(location, f"invalid JSON: {TOO_DEEP}")
            continue
        yield _post_record(obj, location)


def _short(exc: Exception) -> str:
    message = str(exc)
    return message.split(": line ")[0] if isinstance(exc, json.JSONDecodeError) else message


def _post_record(obj: Any, location: Location) -> InputRecord | InputProblem:
    """Validate one post of the project's own format (JSONL line or array item)."""
    if not isinstance(obj, dict):
        return InputProblem(location, "not a JSON object")
    when, date_problem = _dated(obj.get("date"))
    try:
        return InputRecord(
            location=location,
            text=_text(obj["text"]) if "text" in obj else _fail("no 'text'"),
            id=_scalar(obj["id"] if "id" in obj else obj.get("message_id"), "id"),
            channel=_scalar(obj.get("channel"), "channel"),
            channel_id=_channel_id(obj),
            date=_plain(obj.get("date")),
            when=when,
            labels=_labels(obj.get("labels")),
            lang=_clean(_scalar(obj.get("lang"), "lang")) if obj.get("lang") is not None else None,
            date_problem=date_problem,
            notes=_encoding_notes(obj),
            reply_to=_message_number(obj.get("reply_to")),
        )
    except ValueError as exc:
        return InputProblem(location, str(exc))


def _dated(value: Any) -> tuple[datetime | None, str | None]:
    """The post's time, or the reason its `date` cannot be used."""
    try:
        return _when(value), None
    except ValueError as exc:
        return None, str(exc)


def _plain(value: Any) -> Any:
    """A value echoed back as given, made encodable (a repaired string is reported in the notes)."""
    return _clean(value) if isinstance(value, str) else value


def _encoding_notes(obj: dict[str, Any]) -> tuple[str, ...]:
    """Name each field whose strings held undecodable bytes or lone surrogates (repaired by _clean)."""
    return tuple(f"'{key}': {_ENCODING_NOTE}" for key, value in obj.items() if _has_surrogate(value))


def _has_surrogate(value: Any) -> bool:
    """Walks nested lists and objects without recursion (a parsed value can be nested deeply)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, dict):
            pending.extend(item.values())
            pending.extend(item.keys())
    return False


def _message_number(value: Any) -> int | None:
    """The id of an answered post (`reply_to`, or an export's `reply_to_message_id`), else None."""
    number = isinstance(value, int) and not isinstance(value, bool)
    return value if number and 0 < value <= MAX_ID else None


def _fail(reason: str) -> Any:
    raise ValueError(reason)


def _scalar(value: Any, key: str) -> Any:
    if value is None or (isinstance(value, int | str) and not isinstance(value, bool)):
        return _clean(value) if isinstance(value, str) else value
    raise ValueError(f"'{key}' must be a string or an integer, got {_kind(value)}")


def _kind(value: Any) -> str:
    """What a JSON value is, named without printing it (it may be huge or deeply nested)."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, float):
        return f"the number {value!r}"
    return {list: "a list", dict: "an object"}.get(type(value), type(value).__name__)


def _channel_id(obj: dict[str, Any]) -> int | None:
    """The bare channel id from `channel_id`, `sender_id` or a numeric `channel`."""
    for key in ("channel_id", "sender_id", "channel"):
        value = obj.get(key)
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return _channel_in_range(key, value)
    return None


def _channel_in_range(key: str, value: int) -> int:
    if abs(value) > MAX_ID:
        raise ValueError(f"'{key}' {value} is out of range (a channel id fits in 64 bits)")
    return bare_channel_id(value)


def _when(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            raise ValueError(f"'date' {value!r} is out of range") from None
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"'date' {_clean(value[:40])!r} is not an ISO 8601 date") from None
        try:
            return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
        except OverflowError:
            raise ValueError(f"'date' {value[:40]!r} is out of range in UTC") from None
    raise ValueError("'date' must be an ISO 8601 string or a Unix time")


def _labels(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(_clean(item) for item in value)
    raise ValueError("'labels' must be a list of conflict ids")


def _text(value: Any) -> str:
    """A text is a string, or (as Telegram Desktop writes it) a list of strings and entity objects."""
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, list):
        pieces = []
        for piece in value:
            if isinstance(piece, str):
                pieces.append(piece)
            elif isinstance(piece, dict) and isinstance(piece.get("text", ""), str):
                pieces.append(piece.get("text", ""))
            else:
                raise ValueError("'text' list holds something that is neither a string nor an entity")
        return _clean("".join(pieces))
    raise ValueError("'text' must be a string or a list of text pieces")


def _clean(text: str) -> str:
    """Lone surrogates (from "\\ud83d"-style escapes) cannot be encoded; swap them 1:1 so offsets hold."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


# ---------------------------------------------------------------------------------------------
# JSON documents: an array of posts, a Telegram Desktop chat export or a full-account export


def _read_document(handle: IO[str], name: str) -> Iterator[InputRecord | InputProblem]:
    stream = JsonStream(handle)
    export = _ExportWalk(stream)
    try:
        if stream.peek() == "[":
            export.chats = 1
            for index, line, obj in array_items(stream):
                yield _post_record(obj, Location(name, line, index))
        else:
            for chat, index, line, obj in export.messages():
                record = _export_record(obj, Location(name, line, index, chat.get("name")), chat)
                if record is not None:
                    yield record
        if stream.peek():
            raise JsonSyntaxError(stream.line(), "unexpected data after the JSON document")
    except JsonSyntaxError as exc:
        yield InputProblem(Location(name, exc.line), f"invalid JSON: {exc}; the rest of the file is skipped")
        return
    if not export.chats:
        raise InputFileError(
            f"{name}: not a post file: expected JSONL posts, a JSON array of posts or a Telegram "
            "Desktop export (result.json)"
        )


class _ExportWalk:
    """Walks a Telegram Desktop export: one chat, or every chat under chats.list / left_chats.list."""

    def __init__(self, stream: JsonStream) -> None:
        self.stream = stream
        self.chats = 0

    def messages(self) -> Iterator[tuple[dict[str, Any], int, int, Any]]:
        """Yield (chat facts so far, index, line, message) for one chat object and any chats nested in it."""
        stream = self.stream
        chat: dict[str, Any] = {}
        for _ in stream.items("{", "}"):
            key = stream.key()
            if key == "messages" and stream.peek() == "[":
                self.chats += 1
                for index, line, obj in array_items(stream):
                    yield chat, index, line, obj
            elif key in ("chats", "left_chats") and stream.peek() == "{":
                yield from self._chat_list()
            else:
                chat[key] = stream.value()

    def _chat_list(self) -> Iterator[tuple[dict[str, Any], int, int, Any]]:
        stream = self.stream
        for _ in stream.items("{", "}"):
            if stream.key() == "list" and stream.peek() == "[":
                for _chat in stream.items("[", "]"):
                    yield from self.messages()
            else:
                stream.value()


def _export_record(obj: Any, location: Location, chat: dict[str, Any]) -> InputRecord | InputProblem | None:
    """One Telegram Desktop message; service messages (joins, pins) are not posts and yield None."""
    if not isinstance(obj, dict):
        return InputProblem(location, "not a JSON object")
    if obj.get("type", "message") != "message":
        return None
    message_id = obj.get("id")
    if isinstance(message_id, bool) or not isinstance(message_id, int):
        return InputProblem(location, "no message 'id'")
    when, date_problem = _export_date(obj)
    edited, edit_problem = _dated_unix(obj, "edited_unixtime")
    try:
        return InputRecord(
            location=location,
            text=html.unescape(_text(obj.get("text", ""))),
            id=message_id,
            channel=_clean(chat["name"]) if isinstance(chat.get("name"), str) else None,
            channel_id=_export_chat_id(chat.get("id")),
            date=_plain(obj.get("date")),
            when=when,
            edited=edited,
            forward_origin=_clean(str(obj["forwarded_from"])) if obj.get("forwarded_from") else None,
            media_kind=_media_kind(obj),
            links=_links(obj.get("text")),
            date_problem=date_problem,
            notes=_encoding_notes(obj) + ((edit_problem,) if edit_problem else ()),
            reply_to=_message_number(obj.get("reply_to_message_id")),
        )
    except ValueError as exc:
        return InputProblem(location, str(exc))


def _export_date(obj: dict[str, Any]) -> tuple[datetime | None, str | None]:
    """`date_unixtime` when the export has it (exact), else the local-time `date`."""
    when, problem = _dated_unix(obj, "date_unixtime")
    return (when, problem) if when or problem else _dated(obj.get("date"))


def _export_chat_id(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return _channel_in_range("id", value)
    return None


def _dated_unix(obj: dict[str, Any], key: str) -> tuple[datetime | None, str | None]:
    """A Unix time written as a string of digits, or the reason it cannot be one."""
    value = obj.get(key)
    if not (isinstance(value, str) and value.isdigit()):
        return None, None
    try:
        return datetime.fromtimestamp(int(value), UTC), None
    except (OverflowError, OSError, ValueError):
        return None, f"'{key}' {value[:40]!r} is out of range"


def _media_kind(obj: dict[str, Any]) -> str | None:
    if isinstance(obj.get("media_type"), str):
        return obj["media_type"]
    for key, kind in (
        ("photo", "photo"),
        ("file", "document"),
        ("poll", "poll"),
        ("location_information", "geo"),
    ):
        if key in obj:
            return kind
    return None


def _links(text: Any) -> tuple[str, ...]:
    if not isinstance(text, list):
        return ()
    links = []
    for piece in text:
        if isinstance(piece, dict):
            target = piece.get("href") if piece.get("type") == "text_link" else piece.get("text")
            if piece.get("type") in ("link", "text_link") and isinstance(target, str):
                links.append(_clean(target))
    return tuple(links)

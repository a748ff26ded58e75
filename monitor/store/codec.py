"""Conversions between model values and archive columns: ISO-8601 UTC dates, JSON columns, clean text."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from json.encoder import encode_basestring

from monitor.model import ConflictScore, Evidence

_UNSTORABLE = re.compile("[\ud800-\udfff\x00]")


def clean_text(text: str) -> str:
    """Replace lone surrogates (not storable as UTF-8) and NUL (not storable in PostgreSQL's text, so not
    in either archive: both hold the same text) one-for-one by U+FFFD, so match offsets stay valid."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _UNSTORABLE.sub("\ufffd", text)
    return _UNSTORABLE.sub("\ufffd", text) if "\x00" in text else text


def clean_optional(text: str | None) -> str | None:
    return None if text is None else clean_text(text)


def to_iso(when: datetime) -> str:
    """Render as UTC ISO-8601; a naive datetime is taken to be UTC already."""
    if when.tzinfo is UTC:
        return when.isoformat()
    if when.tzinfo is None:
        return when.replace(tzinfo=UTC).isoformat()
    return when.astimezone(UTC).isoformat()


def to_iso_optional(when: datetime | None) -> str | None:
    return None if when is None else to_iso(when)


def from_iso(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


# The JSON columns written with every post are built by hand: json.dumps with options costs about 1 µs more
# per value (it sets up an encoder each call). The text is what json.dumps(..., ensure_ascii=False) gives.


def dump_reactions(reactions: Iterable[tuple[str, int]]) -> str | None:
    """A JSON object {"emoji": count} (NULL when there are none): readable in sqlite3 and datasette."""
    as_dict = {clean_text(emoji): count for emoji, count in reactions}
    if not as_dict:
        return None
    if not all(type(count) is int for count in as_dict.values()):
        return json.dumps(as_dict, ensure_ascii=False)
    return "{" + ", ".join(f"{encode_basestring(emoji)}: {count}" for emoji, count in as_dict.items()) + "}"


def load_reactions(text: str | None) -> tuple[tuple[str, int], ...]:
    return tuple(json.loads(text).items()) if text else ()


def dump_list(items: Iterable[str]) -> str | None:
    cleaned = [encode_basestring(clean_text(item)) for item in items]
    return "[" + ", ".join(cleaned) + "]" if cleaned else None


def load_list(text: str | None) -> tuple[str, ...]:
    return tuple(json.loads(text)) if text else ()


def dump_state(state: dict[str, object]) -> str:
    return json.dumps(state, ensure_ascii=False, sort_keys=True)


def load_state(text: str | None) -> dict[str, object]:
    return json.loads(text) if text else {}


def dump_scores(scores: Iterable[ConflictScore]) -> str | None:
    """The conflicts' scores with their evidence as a JSON array (NULL when no conflict had evidence)."""
    items = [
        {
            "conflict": score.conflict,
            "score": score.score,
            "threshold": score.threshold,
            "evidence": [
                {
                    "kind": e.kind,
                    "text": clean_text(e.text),
                    "points": e.points,
                    "detail": clean_text(e.detail),
                }
                for e in score.evidence
            ],
        }
        for score in scores
    ]
    return json.dumps(items, ensure_ascii=False) if items else None


def load_scores(text: str | None) -> tuple[ConflictScore, ...]:
    """Scores as stored; an unreadable value reads as none (the flags themselves are in `conflicts`)."""
    if not text:
        return ()
    try:
        return tuple(
            ConflictScore(
                item["conflict"],
                float(item["score"]),
                float(item["threshold"]),
                tuple(
                    Evidence(e["kind"], e["text"], float(e["points"]), e.get("detail", ""))
                    for e in item["evidence"]
                ),
            )
            for item in json.loads(text)
        )
    except (ValueError, TypeError, KeyError):
        return ()

"""Telegram HTML built from escaped fragments, each knowing its visible text (for length limits), and
snippets cut around the matched words."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

_WORD_SNAP = 20
_ELLIPSIS = "…"
# Bold runs a snippet may carry: a post matching everywhere must not exhaust a message's entities.
MAX_BOLD_SPANS = 12


@dataclass(frozen=True, slots=True)
class Fragment:
    """HTML together with the plain text Telegram will show, so lengths are known without parsing."""

    html: str = ""
    plain: str = ""

    def __add__(self, other: Fragment) -> Fragment:
        return Fragment(self.html + other.html, self.plain + other.plain)

    @property
    def size(self) -> int:
        """Length in UTF-16 code units, the unit of Telegram's message limit."""
        return len(self.plain.encode("utf-16-le")) // 2

    @property
    def entities(self) -> int:
        """Formatting entities Telegram will count: every tag, and every link it detects in the text."""
        return self.html.count("<b>") + self.html.count("<a ") + self.plain.count("https://")


def text(value: str) -> Fragment:
    """Untrusted text, escaped."""
    return Fragment(escape(value), value)


def bold(value: str) -> Fragment:
    return Fragment(f"<b>{escape(value)}</b>", value)


def concat(parts: Iterable[Fragment], sep: Fragment | None = None) -> Fragment:
    html: list[str] = []
    plain: list[str] = []
    for index, part in enumerate(parts):
        if index and sep is not None:
            html.append(sep.html)
            plain.append(sep.plain)
        html.append(part.html)
        plain.append(part.plain)
    return Fragment("".join(html), "".join(plain))


NEWLINE = text("\n")
DOT = text(" · ")


def clip(value: str, limit: int) -> str:
    """Bound a name or title so one long field cannot crowd the message."""
    return value if len(value) <= limit else value[: limit - 1] + _ELLIPSIS


def merge_spans(spans: Iterable[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """Sorted, clipped spans with overlapping and adjacent ones joined, so each bold run is one tag."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted((max(0, s), min(length, e)) for s, e in spans):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def snippet_window(body: str, spans: Sequence[tuple[int, int]], width: int) -> tuple[int, int]:
    """The [start, end) window of at most `width` chars shown for a post: from a little before the first
    match, snapped to word boundaries where one is near."""
    if len(body) <= width:
        return 0, len(body)
    first = spans[0][0] if spans else 0
    start = max(0, min(first - width // 4, len(body) - width))
    end = start + width
    if start > 0:
        space = body.find(" ", start, min(start + _WORD_SNAP, first))
        start = space + 1 if space >= 0 else start
    if end < len(body):
        space = body.rfind(" ", max(end - _WORD_SNAP, start + 1), end)
        end = space if space >= 0 else end
    return start, end


def snippet(body: str, spans: Iterable[tuple[int, int]], width: int) -> Fragment:
    """A bounded window of the post text around its first matches, matched spans in bold."""
    merged = merge_spans(spans, len(body))
    start, end = snippet_window(body, merged, width)
    parts = [text(_ELLIPSIS)] if start > 0 else []
    position = start
    shown = [(max(s, start), min(e, end)) for s, e in merged if max(s, start) < min(e, end)]
    for span_start, span_end in shown[:MAX_BOLD_SPANS]:
        parts += [text(body[position:span_start]), bold(body[span_start:span_end])]
        position = span_end
    parts.append(text(body[position:end]))
    if end < len(body):
        parts.append(text(_ELLIPSIS))
    return concat(parts)

"""Links written in a post's text. Telegram marks the links of a message it formats (entities), but a
plain-text post, a forwarded text or an imported file may carry URLs that nothing marked; the archive
keeps those too, as written, after the marked ones."""

from __future__ import annotations

import re
from collections.abc import Iterable

# A scheme, `www.` or a bare t.me/ link, up to whitespace, quotes, brackets or angle brackets.
_URL = re.compile(r"(?:\bhttps?://|\bwww\.|(?<![\w./@-])t\.me/)[^\s<>\"'«»“”()\[\]{}]+", re.IGNORECASE)
# Sentence punctuation right after a link belongs to the sentence, not to the link.
_TRAILING = ".,;:!?…"


def links_in_text(text: str) -> tuple[str, ...]:
    """URLs written in the text, in order, each once."""
    found = (match.group().rstrip(_TRAILING) for match in _URL.finditer(text))
    return tuple(dict.fromkeys(url for url in found if not url.lower().endswith(("://", "www.", "t.me/"))))


def with_text_links(links: Iterable[str], text: str) -> tuple[str, ...]:
    """The links already known (entities, export markup) followed by those only written in the text."""
    return tuple(dict.fromkeys([*links, *links_in_text(text)]))

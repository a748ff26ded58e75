"""Text normalisation for watchlist matching, with an offset map back to the original text.

Matching runs on a folded copy of the post (NFKC, lower case, ё -> е, invisible characters,
combining marks and the diaeresis of Latin letters removed, look-alike letters of a mixed-script
word unified, Arabic letter variants merged). Alerts must highlight the original words, so every
folded character remembers where it came from.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

# Characters that are folded to a different single character beyond NFKC + lower().
_FOLD_CHARS = {
    "ё": "е",
    "ґ": "г",
    "ѐ": "е",
    "ѝ": "и",
    # Chechen palochka is typed as Ӏ, I or і interchangeably.
    "ӏ": "і",
    # Hebrew geresh and gershayim (as in צה״ל) are typed as ASCII quotes just as often.
    "׳": "'",
    "״": '"',
    # Arabic: hamza-carrying alefs, alef maqsura, ta marbuta, Persian look-alikes.
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ى": "ي",
    "ة": "ه",
    "ی": "ي",
    "ک": "ك",
    # Apostrophes (Ukrainian words are written with any of them).
    "’": "'",
    "ʼ": "'",
    "‘": "'",
    "`": "'",
    "´": "'",
    # Hyphens and dashes.
    "‐": "-",
    "‑": "-",
    "‒": "-",
    "–": "-",
    "—": "-",
    "―": "-",
    "−": "-",
    "\u00a0": " ",
    "\t": " ",
    "\r": "\n",
    "\v": "\n",
    "\f": "\n",
    "\u0085": "\n",
    "\u2028": "\n",
    "\u2029": "\n",
}

# Latin letters that look like Cyrillic ones (lower case, after folding), and the reverse.
_LATIN_TO_CYRILLIC = str.maketrans("aceopxykmhtbi", "асеорхукмнтві")
_CYRILLIC_TO_LATIN = str.maketrans("асеорхукмнтвіѕј", "aceopxykmhtbisj")
_LATIN_ONLY = frozenset("dfgjlnqrsuvwz")
_CYRILLIC_ONLY = frozenset("бгджзийлпфцчшщъыьэюяєї")
_SCRIPT_SEAM = re.compile(r"[a-z][а-яєіїѕј]|[а-яєіїѕј][a-z]")
_LETTERS = re.compile(r"[^\W\d_]+")
_LETTER = re.compile(r"[^\W\d_]")
_WORD_CHAR = re.compile(r"[^\W_]")
_TOKEN = re.compile(r"\S+")
_SPACE_RUN = re.compile(r"[^\S\n]{2,}")
_COMBINING_RUN = re.compile(r"[^\W\d_][\u0300-\u036f]+")
_COMBINING_MARK = re.compile(r"[\u0300-\u036f]")

# A "sentence" this short is a heading (a place, a meeting's name): it joins the sentence after it. A line
# of its own may be longer: a council's or ministry's name over its notice ("Kiryat Shmona municipality 🚧").
HEADING_WORDS = 2
HEADING_LINE_WORDS = 4
# A newline, or sentence punctuation (possibly inside closing quotes) before a space, ends a sentence.
# The leading look-ahead lets the scan skip to the next candidate character (three times faster).
_SENTENCE_END = re.compile(r"(?=[\n.!?])(?:\n+|[.!?]+(?=[\"'»)\]*_]*\s)|[.!?]+$)")


class _FoldTable(dict[int, str]):
    """Per-character fold results keyed by code point (as str.translate wants), computed on first sight.

    `uneven` collects the characters whose fold is not exactly one character long.
    """

    def __init__(self) -> None:
        super().__init__()
        self.uneven: set[str] = set()

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = _fold_char(char)
        if len(folded) != 1:
            self.uneven.add(char)
        self[code] = folded
        return folded


def _fold_char(char: str) -> str:
    """Fold one character: NFKC, lower case, drop invisibles and diacritics, merge variants."""
    category = unicodedata.category(char)
    if category == "Cs":
        return " "
    if category == "Cf":
        return ""
    if char in _FOLD_CHARS:
        return _FOLD_CHARS[char]
    if char.isspace():
        return "\n" if char == "\n" else " "
    out = []
    for piece in unicodedata.normalize("NFKC", char).lower():
        if unicodedata.category(piece) in ("Mn", "Me") or piece == "\u0640":
            continue
        out.append(_FOLD_CHARS.get(piece, _latin_base(piece)))
    return "".join(out)


def _latin_base(letter: str) -> str:
    """A Latin letter without its diaeresis: transliterated names carry it or not (Aïtaroun, Saïda, Israël).

    Other accents stay: French words would meet English and Russian terms (délégation, État). Cyrillic
    keeps its marks, which make other letters (ї is not і).
    """
    if not unicodedata.name(letter, "").startswith("LATIN"):
        return letter
    base, *marks = unicodedata.normalize("NFD", letter)
    return base if marks == ["\u0308"] else letter


_TABLE = _FoldTable()


@dataclass(frozen=True, slots=True)
class Normalized:
    """A folded text and the original characters whose fold is not one character long.

    `uneven` holds their original indexes in order and `uneven_ends` the folded length up to and
    including each. Between two of them folding is one-to-one, so offsets map by arithmetic and a long
    post stores only its few uneven characters (both are empty when the whole text is aligned).
    """

    text: str
    original: str
    uneven: tuple[int, ...] = ()
    uneven_ends: tuple[int, ...] = ()

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a folded span [start, end) to the original text, covering every character it came from."""
        if not self.uneven:
            return start, end
        last = self.original_start(end - 1) + 1
        following = self.original_start(end) if end < len(self.text) else len(self.original)
        while last < following and unicodedata.combining(self.original[last]):
            last += 1
        return self.original_start(start), last

    def original_start(self, index: int) -> int:
        """The original index of the character whose fold holds folded offset `index`."""
        if not self.uneven:
            return index
        before = bisect_right(self.uneven_ends, index)  # uneven characters whose fold ends by `index`
        last = before - 1
        aligned = self.uneven[last] + 1 + index - self.uneven_ends[last] if before else index
        if before < len(self.uneven) and self.uneven[before] < aligned:
            return self.uneven[before]  # `index` falls inside the next uneven character's fold
        return aligned


def normalize(text: str) -> Normalized:
    """Fold `text` for matching; never raises on any str (lone surrogates, bidi marks, huge inputs)."""
    spaces = _SPACE_RUN.search(text)
    folded = (_SPACE_RUN.sub(_first_space, text) if spaces else text).translate(_TABLE)
    # Combining marks are rare: a scan for the marks alone is far cheaper than for letter + marks.
    combining = _COMBINING_RUN.search(text) if _COMBINING_MARK.search(text) else None
    uneven = _uneven_chars(text)
    if combining is None and spaces is None and uneven is None:
        return Normalized(_unify_scripts(folded), text)
    if combining is not None:
        return _normalize_decomposed(text)
    # Only the few characters whose fold changes length are visited one by one, so a long post costs
    # little more than str.translate: uneven characters get their fold's length, and the inside of a run
    # of spaces folds to nothing.
    lengths: dict[int, int] = {}
    if uneven is not None:
        for found in uneven.finditer(text):
            lengths[found.start()] = len(_TABLE[ord(found.group())])
    if spaces is not None:
        for run in _SPACE_RUN.finditer(text):
            lengths.update(dict.fromkeys(range(run.start() + 1, run.end()), 0))
    return _aligned(_unify_scripts(folded), text, lengths)


def _aligned(folded: str, text: str, lengths: dict[int, int]) -> Normalized:
    """The Normalized for folded text whose original characters at `lengths`' keys fold to that many."""
    indexes = sorted(lengths)
    ends = []
    shift = 0
    for index in indexes:
        shift += lengths[index] - 1
        ends.append(index + 1 + shift)
    return Normalized(folded, text, tuple(indexes), tuple(ends))


def _first_space(run: re.Match[str]) -> str:
    return run.group()[0]


def _uneven_chars(text: str) -> re.Pattern[str] | None:
    """A pattern of the characters of `text` whose fold is not one character long (None if none are)."""
    if not _TABLE.uneven or _TABLE.uneven.isdisjoint(text):
        return None
    if _UNEVEN[0] != len(_TABLE.uneven):
        _UNEVEN[:] = [
            len(_TABLE.uneven),
            re.compile("[" + "".join(map(re.escape, sorted(_TABLE.uneven))) + "]"),
        ]
    return _UNEVEN[1]  # type: ignore[return-value]


_UNEVEN: list[object] = [0, None]  # (size of _TABLE.uneven it was built for, the pattern)


def _normalize_decomposed(text: str) -> Normalized:
    """The general path, character by character: also composes letters written with combining marks."""
    pieces = [_TABLE[code] for code in map(ord, text)]
    for run in _COMBINING_RUN.finditer(text):
        _compose(text, run.start(), run.end(), pieces)
    for run in _SPACE_RUN.finditer(text):
        for index in range(run.start() + 1, run.end()):
            pieces[index] = ""
    lengths = {index: len(piece) for index, piece in enumerate(pieces) if len(piece) != 1}
    return _aligned(_unify_scripts("".join(pieces)), text, lengths)


def _compose(text: str, start: int, end: int, pieces: list[str]) -> None:
    """Give a decomposed letter (и + breve) the fold of its composed form (й) so it is not lost."""
    composed = unicodedata.normalize("NFC", text[start:end])
    if len(composed) == 1:
        pieces[start] = _TABLE[ord(composed)]
        for index in range(start + 1, end):
            pieces[index] = ""


def _unify_scripts(folded: str) -> str:
    """Rewrite look-alike letters in words mixing Latin and Cyrillic into the word's main script.

    Only the words around a script seam are visited, so a long post with one mixed word stays cheap.
    """
    pieces: list[str] = []
    done = 0
    for seam in _SCRIPT_SEAM.finditer(folded):
        if seam.start() < done:
            continue  # a second seam inside a word already rewritten
        start = seam.start()
        while start > done and _LETTER.match(folded, start - 1):
            start -= 1
        word = _LETTERS.match(folded, start)
        if word is None:
            continue
        pieces += [folded[done:start], _unify_word(word)]
        done = word.end()
    if not pieces:
        return folded
    pieces.append(folded[done:])
    return "".join(pieces)


def _unify_word(word_match: re.Match[str]) -> str:
    """Letters without a look-alike decide the script; a word made only of look-alikes is Cyrillic."""
    word = word_match.group()
    if not _SCRIPT_SEAM.search(word):
        return word
    latin = sum(1 for char in word if char in _LATIN_ONLY)
    cyrillic = sum(1 for char in word if char in _CYRILLIC_ONLY)
    if latin > cyrillic:
        return word.translate(_CYRILLIC_TO_LATIN)
    return word.translate(_LATIN_TO_CYRILLIC)


def sentence_starts(folded: Normalized) -> list[int]:
    """Folded-text offsets where sentences begin (always starting with 0), for same-sentence rules.

    A stretch without any word (a blank line after a full stop) does not count as a sentence, and a
    heading of at most HEADING_WORDS words ("Северск.", "Одеса.", "Рамштайн."), or a line of at most
    HEADING_LINE_WORDS, belongs to the sentence after it: channels name the place or the body that
    speaks, then say what happened there. Emoji and other symbols are not words. A full stop followed by a
    lowercase word ends an abbreviation ("4 тис. вікон"), not a sentence.
    """
    text = folded.text
    starts = [0]
    for end in _SENTENCE_END.finditer(text):
        if _abbreviation(folded, end):
            continue
        if _WORD_CHAR.search(text, starts[-1], end.start()):
            limit = HEADING_LINE_WORDS if end.group().startswith("\n") else HEADING_WORDS
            if _more_words_than(limit, text, starts[-1], end.start()):
                starts.append(end.end())
        elif len(starts) > 1:
            starts[-1] = end.end()
    return starts


def _abbreviation(folded: Normalized, end: re.Match[str]) -> bool:
    """Whether a full stop is followed by a lowercase word in the original text (folding lowercases all)."""
    if not end.group().startswith(".") or end.end() >= len(folded.text):
        return False
    start = folded.original_start(end.end())
    following = folded.original[start : start + 40].lstrip(" \"'»)]*_")
    return following[:1].islower()


def _more_words_than(limit: int, text: str, start: int, end: int) -> bool:
    """Whether text[start:end] holds more than `limit` words, emoji and other symbols aside.

    Counting stops past the limit, so a long sentence costs no more than a heading.
    """
    words = 0
    for token in _TOKEN.finditer(text, start, end):
        if _WORD_CHAR.search(token.group()):
            words += 1
            if words > limit:
                return True
    return False


def sentence_of(starts: list[int], index: int) -> int:
    """The number of the sentence containing folded offset `index`."""
    return bisect_right(starts, index) - 1

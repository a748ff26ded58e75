"""Word forms for search: each word of a post is indexed by its stem, so `Херсон` finds `Херсона`, `Херсоні`.

Stems come from the Snowball stemmers (PyStemmer, the C implementation: stemming runs over every stored
post, and the pure-Python port is an order of magnitude slower). Snowball has no Ukrainian stemmer, so a
word spelled with a letter that only Ukrainian has (і ї є ґ) loses one of the common Ukrainian case
endings instead; other Cyrillic words go through the Russian stemmer, whose endings Ukrainian mostly
shares. Latin words are stemmed as English; other scripts are indexed as written (lower-cased).

Both stemmers read a final -ов/-ев/-ів as a plural ending, which cuts place names (Харьков, Николаев,
Харків) to a stem their other forms do not share. Such a word is indexed both whole and cut, and a query
word asks for either, so `Харьков` finds `Харькова` and `ударов` still finds `удар`.

Stemming merges some words that differ: `Газа` (Gaza) and `газ` (gas) share the stem `газ`. Exact search
(`posts_fts`) stays available for that.

The index is `post_stems` (0004_archive_for_analysts.sql): a contentless FTS5 table whose rowid is a
search key that sorts by post date, so the newest matches are read first and a search stops after its
LIMIT instead of sorting every match.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache

import Stemmer

# Search keys count seconds from 2010-01-01 UTC (Telegram is younger) in the high 31 bits and hold the
# post's rowid in the low 32 bits: keys sort by date, then rowid, and give the rowid back.
KEY_EPOCH = 1_262_304_000
KEY_SHIFT = 32
KEY_ID_MASK = (1 << KEY_SHIFT) - 1
_MAX_SECONDS = (1 << 31) - 1

_WORD = re.compile(r"[^\W_]+")
_QUERY_TOKEN = re.compile(r'"(?:[^"]|"")*"?|[^\W_]+\*?|.', re.DOTALL)
_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})
_CYRILLIC = re.compile("[а-яё]")
_LATIN = re.compile("[a-z]")
_UKRAINIAN_ONLY = re.compile("[іїєґ]")
_UKRAINIAN_ENDINGS = sorted(
    [
        *("ами", "ями", "ові", "еві", "єві", "ого", "ому", "ими", "іми", "ах", "ях", "ів", "їв", "ам"),
        *("ям", "ом", "ем", "єм", "ою", "ею", "єю", "ий", "ій", "ої", "их", "ім", "им"),
        *("а", "я", "у", "ю", "і", "ї", "е", "є", "о", "и", "ь"),
    ],
    key=len,
    reverse=True,
)
_MIN_STEM = 3
_PLURAL_LIKE = ("ов", "ев", "ів", "їв")
_RUSSIAN = Stemmer.Stemmer("russian")
_ENGLISH = Stemmer.Stemmer("english")
# Distinct words whose indexed form stem_text keeps; past this many the cache starts again (a few tens of
# MB at most), so an archive's long tail of rare words, numbers and names cannot grow it without bound.
_TEXT_CACHE_WORDS = 300_000


@lru_cache(maxsize=200_000)
def word_stems(word: str) -> tuple[str, ...]:
    """The stems a word is indexed under (one, or the whole word and its cut form), lower-cased; cached:
    texts repeat their words."""
    word = word.lower().replace("ё", "е")
    if _UKRAINIAN_ONLY.search(word):
        stem = _ukrainian_stem(word)
    elif _CYRILLIC.search(word):
        stem = _RUSSIAN.stemWord(word)
    elif _LATIN.search(word):
        return (_ENGLISH.stemWord(word),)
    else:
        return (word,)
    if len(word) - len(stem) == 2 and word.endswith(_PLURAL_LIKE):
        return (word, stem) if len(stem) >= _MIN_STEM else (word,)
    return (stem,)


def stem_word(word: str) -> str:
    """The word's main stem: the one a prefix query uses."""
    return word_stems(word)[0]


def _ukrainian_stem(word: str) -> str:
    for ending in _UKRAINIAN_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= _MIN_STEM:
            return word[: -len(ending)]
    return word


class _IndexedForms(dict[str, str]):
    """Word as written -> what the index holds for it (its stems, space-separated).

    stem_text runs over every stored post: looking each word up here is a C-level dict look-up (`map`
    over `__getitem__`), where calling the cached word_stems and joining per word cost about 60 µs of a
    440-character post. Only a word not seen yet reaches __missing__.
    """

    def __missing__(self, word: str) -> str:
        if len(self) >= _TEXT_CACHE_WORDS:
            self.clear()
        indexed = self[word] = " ".join(word_stems(word))
        return indexed


_INDEXED_FORMS = _IndexedForms()


def stem_text(text: str | None) -> str:
    """What `post_stems` indexes for a text: its words' stems, space-separated (SQL function stem_text)."""
    return " ".join(map(_INDEXED_FORMS.__getitem__, _WORD.findall(text or "")))


def stem_query(query: str) -> str:
    """An FTS5 query over the stemmed index: each word becomes its stem (or `(whole OR cut)`).

    Operators (AND, OR, NOT, NEAR), parentheses, `^` and column filters are kept, so the query means the
    same over the stemmed index as it did over the words. A phrase lists every stem, as the index does; a
    prefix uses the main stem.
    """
    parts = []
    for token in _QUERY_TOKEN.findall(query):
        if token.startswith('"'):
            parts.append(_WORD.sub(lambda word: " ".join(word_stems(word.group())), token))
        elif token.endswith("*") and len(token) > 1:
            parts.append(stem_word(token[:-1]) + "*")
        elif _WORD.fullmatch(token) and token not in _OPERATORS:
            stems = word_stems(token)
            parts.append(stems[0] if len(stems) == 1 else "(" + " OR ".join(stems) + ")")
        else:
            parts.append(token)
    return "".join(parts)


def prefix_query(query: str) -> str:
    """An FTS5 query over the exact index that finds roughly what stem_query finds over the stemmed one:
    each word becomes its shortest stem as a prefix (`Херсона` -> `херсон*`); phrases stay as written.
    For posts not in the stemmed index yet (word_forms.py)."""
    parts = []
    for token in _QUERY_TOKEN.findall(query):
        if token.endswith("*") and len(token) > 1:
            parts.append(shortest_stem(token[:-1]) + "*")
        elif _WORD.fullmatch(token) and token not in _OPERATORS:
            parts.append(shortest_stem(token) + "*")
        else:
            parts.append(token)
    return "".join(parts)


def shortest_stem(word: str) -> str:
    """What a word of a query asks for among posts not indexed by word form yet, on either backend: words
    starting with its shortest stem."""
    return min(word_stems(word), key=len)


def key_bound(when: datetime) -> int:
    """The smallest search key of a post dated at `when` (to the second): the SQL of the key, in Python."""
    seconds = min(max(int(when.timestamp()) - KEY_EPOCH, 0), _MAX_SECONDS)
    return seconds << KEY_SHIFT

"""Search queries for PostgreSQL: the archive's query language (FTS5's: words, "phrases", prefix*, AND, OR,
NOT, parentheses) turned into tsquery text over the stems the archive indexes. Pure text work.

The index holds to_tsvector('simple', stem_text(text)): the stems of stems.py, in the order of the words,
which the 'simple' configuration takes as they are. A query is given to to_tsquery('simple', ...) with
each stem quoted, so both sides pass through the same parser. Precedence is FTS5's: NOT binds tighter
than AND (written, or implied between terms outside parentheses), AND tighter than OR; `a NOT b` is
`a & !b`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from monitor.store.stems import shortest_stem, stem_word, word_stems

# A query without any word: to_tsquery finds no lexeme in it, and an empty query matches nothing.
NOTHING = "' '"
_WORD = re.compile(r"[^\W_]+")
# FTS5's tokens: a string, parentheses, an operator word or a bareword (ASCII letters, digits and '_', and
# every non-ASCII character), optionally with a trailing '*'; anything else is a syntax error.
_TOKEN = re.compile(r'\s+|"(?:[^"]|"")*"|"[^"]*$|[()]|[\w\u0080-\U0010ffff\x1a]+\*?|.', re.DOTALL)
_BAREWORD = re.compile(r"[\w\u0080-\U0010ffff\x1a]+")


class QuerySyntaxError(ValueError):
    """The query is not valid in the archive's query language; the message says where."""


@dataclass(frozen=True, slots=True)
class Translated:
    """A query as a tsquery; `negated` when it holds a NOT (its matches are then no subset of its words')."""

    tsquery: str
    negated: bool


def stems_query(query: str) -> Translated:
    """The query over the stems index: each word asks for its stems (stems.py), a phrase for the stems of
    its words in a row, a prefix for words starting with the word's main stem."""
    return _Parser(_tokens(query), _stem_term).parse()


def words_query(query: str) -> Translated:
    """The query over the words as written (to_tsquery('simple', ...) lower-cases them as to_tsvector
    does the text): exact search."""
    return _Parser(_tokens(query), _word_term).parse()


def waiting_query(query: str) -> Translated:
    """The query over the words as written, for posts still waiting for their stems (upkeep.py): roughly
    what stems_query finds, each word as any word starting with its shortest stem (`Херсона` -> `херсон:*`);
    phrases as written."""
    return _Parser(_tokens(query), _waiting_term).parse()


def as_words(query: str) -> str:
    """Every whitespace-separated part as a phrase: how text that is not a valid query is searched."""
    return " ".join('"' + part.replace('"', '""') + '"' for part in query.split())


def _stem_term(words: list[str], kind: str) -> str:
    """A bare word asks for any of its stems; a phrase for all of them in a row, as the index holds them
    (so a quoted word indexed whole and cut finds that form only, as in the SQLite archive)."""
    if kind == "prefix":
        return f"'{stem_word(words[0])}':*"
    lexemes = [[f"'{stem}'" for stem in word_stems(word)] for word in words]
    if kind == "word" and len(lexemes[0]) > 1:
        return "(" + " | ".join(lexemes[0]) + ")"
    return _phrase([lexeme for forms in lexemes for lexeme in forms])


def _waiting_term(words: list[str], kind: str) -> str:
    if kind == "phrase":
        return _word_term(words, kind)
    return f"'{shortest_stem(words[0])}':*"


def _word_term(words: list[str], kind: str) -> str:
    lexemes = [f"'{word}'" for word in words]
    return f"{lexemes[0]}:*" if kind == "prefix" else _phrase(lexemes)


def _phrase(lexemes: list[str]) -> str:
    return lexemes[0] if len(lexemes) == 1 else "(" + " <-> ".join(lexemes) + ")"


def _tokens(query: str) -> list[str]:
    return [token for token in _TOKEN.findall(query) if not token.isspace()]


class _Parser:
    """Recursive descent over FTS5's grammar, writing the tsquery as it goes. As in FTS5, terms follow each
    other without AND only when neither is in parentheses, and a term without any word (a phrase of
    punctuation) drops out of the expression around it; a query of nothing else matches nothing."""

    def __init__(self, tokens: list[str], term: Callable[[list[str], str], str]) -> None:
        self._tokens = tokens
        self._at = 0
        self._term = term
        self._negated = False

    def parse(self) -> Translated:
        if not self._tokens:
            raise QuerySyntaxError("empty query")
        tsquery = self._or()
        if self._at < len(self._tokens):
            raise QuerySyntaxError(f"syntax error near {self._tokens[self._at]!r}")
        return Translated(tsquery or NOTHING, self._negated)

    def _peek(self) -> str | None:
        return self._tokens[self._at] if self._at < len(self._tokens) else None

    def _or(self) -> str | None:
        parts = [self._and()]
        while self._peek() == "OR":
            self._at += 1
            parts.append(self._and())
        return _joined(parts, " | ")

    def _and(self) -> str | None:
        grouped = self._peek() == "("
        parts = [self._not()]
        while (token := self._peek()) is not None and token not in ("OR", ")", "NOT"):
            if token == "AND":
                self._at += 1
            elif grouped or token == "(":
                raise QuerySyntaxError(f"syntax error near {token!r} (join parentheses with AND)")
            grouped = self._peek() == "("
            parts.append(self._not())
        return _joined(parts, " & ")

    def _not(self) -> str | None:
        result = self._primary()
        while self._peek() == "NOT":
            self._at += 1
            self._negated = True
            excluded = self._primary()
            if result is not None and excluded is not None:
                result = f"({result} & !{excluded})"
        return result

    def _primary(self) -> str | None:
        token = self._peek()
        if token is None:
            raise QuerySyntaxError("syntax error at the end")
        self._at += 1
        if token == "(":
            inner = self._or()
            if self._peek() != ")":
                raise QuerySyntaxError("unclosed parenthesis")
            self._at += 1
            return inner
        if token.startswith('"'):
            if len(token) < 2 or not token.endswith('"'):  # the tokenizer's unterminated form
                raise QuerySyntaxError("unterminated string")
            return self._words(token[1:-1].replace('""', '"'), "phrase")
        if token in ("AND", "OR", "NOT", ")") or (token == "NEAR" and self._peek() == "("):
            raise QuerySyntaxError(f"syntax error near {token!r}")
        if not _BAREWORD.match(token):
            raise QuerySyntaxError(f"syntax error near {token!r}")
        if token.endswith("*"):
            return self._words(token[:-1], "prefix")
        # A bareword such as `covid19x` or `a.b` may hold several words: they are a phrase.
        words = _WORD.findall(token)
        return self._words(token, "word" if len(words) == 1 else "phrase")

    def _words(self, text: str, kind: str) -> str | None:
        """`kind`: a word, a phrase or a prefix (term functions: _stem_term, _word_term)."""
        words = _WORD.findall(text)
        return self._term(words, kind) if words else None


def _joined(parts: list[str | None], operator: str) -> str | None:
    kept = [part for part in parts if part is not None]
    if len(kept) <= 1:
        return kept[0] if kept else None
    return "(" + operator.join(kept) + ")"

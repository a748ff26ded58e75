"""The SQL of archive searches: exact (posts_fts, sorted by date) and by word forms (post_stems, read in
search-key order), and word-form search while that index is incomplete (word_forms.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from monitor.store.rows import POST_SELECT
from monitor.store.stems import KEY_ID_MASK, KEY_SHIFT, key_bound, prefix_query, stem_query
from monitor.store.word_forms import Pending, with_pending_posts

# The parameters of a search statement, given the query and the limit.
_Bind = Callable[[str, int], list[object]]


def exact_search(where: str, params: list[object]) -> tuple[str, _Bind]:
    sql = (
        f"{POST_SELECT} FROM posts_fts JOIN posts AS p ON p.id = posts_fts.rowid "
        f"JOIN channels AS c ON c.id = p.channel_id WHERE posts_fts MATCH ? {where} "
        "ORDER BY p.date DESC, p.id DESC LIMIT ?"
    )
    return sql, lambda query, limit: [query, *params, limit]


def stem_search(
    where: str, params: list[object], since: datetime | None, until: datetime | None
) -> tuple[str, _Bind]:
    """Read `post_stems` backwards by search key (date, then id): no sort; date bounds bound the key."""
    if since is not None:
        where += " AND s.rowid >= ?"
        params = [*params, key_bound(since)]
    if until is not None:
        where += " AND s.rowid < ?"
        params = [*params, key_bound(until) + (1 << KEY_SHIFT)]
    sql = (
        f"{POST_SELECT}, s.rowid AS search_key FROM post_stems AS s "
        f"JOIN posts AS p ON p.id = (s.rowid & {KEY_ID_MASK}) "
        f"JOIN channels AS c ON c.id = p.channel_id WHERE post_stems MATCH ? {where} "
        "ORDER BY s.rowid DESC LIMIT ?"
    )
    return sql, lambda query, limit: [stem_query(query), *params, limit]


def with_pending(
    sql: str, bind: _Bind, where: str, params: list[object], state: Pending
) -> tuple[str, _Bind]:
    """While the word-form index is incomplete, pending posts are searched too (word_forms.py)."""
    return with_pending_posts(sql, where, state), lambda query, limit: [
        *bind(query, limit),
        prefix_query(query),
        *params,
        limit,
        limit,
    ]


def as_words(query: str) -> str:
    """Quote every word, so text that is not valid FTS5 syntax is searched as plain words."""
    return " ".join('"' + word.replace('"', '""') + '"' for word in query.split())

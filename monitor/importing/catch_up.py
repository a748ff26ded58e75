"""Bring an archive up to date with what it may still owe (store/upkeep.py): the exact full-text and
word-form indexes of posts imported with them deferred, and the links written in the text of posts stored
before those were kept.

All are resumable and leave the archive usable meanwhile (word-form search falls back, see
store/word_forms.py), so they run after an import and on demand (`monitor archive catch-up`), never when
an archive is opened: on millions of posts they take minutes, and the daemon must start at once. The exact
index goes first: word-form search of posts still waiting for their stems reads it.
"""

from __future__ import annotations

from collections.abc import Callable

from monitor.analysis.links import with_text_links
from monitor.store import Store
from monitor.store.upkeep import Owed


async def catch_up(store: Store, advance: Callable[[int], object] = lambda _: None) -> Owed:
    """Do all the owed work; `advance` is told of the posts each step went through. Returns what was owed."""
    owed = await store.upkeep.owed()
    if owed.exact_index:
        await store.upkeep.build_exact_index(advance)
    if owed.word_forms:
        await store.upkeep.build_word_forms(advance)
    if owed.text_links:
        await store.upkeep.fill_text_links(with_text_links, advance)
    return owed

"""Analysis of one post: its language and the conflicts the watchlists flag, as an Analysis record."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path

from monitor.analysis.language import LanguageDetector, make_detector
from monitor.analysis.watchlist import Watchlist, WatchlistError, load_watchlist
from monitor.model import NO_CONTEXT, Analysis, ChannelContext, Conflict, Match

# The bundled watchlist ships inside the package; pip installs packages unzipped, so it is a real file
# that configs and messages can name by path.
DEFAULT_CONFLICTS = Path(str(resources.files(__name__).joinpath("conflicts.toml")))

# Repeats of one term add no evidence; keeping them all would let one spammy post bloat the archive.
MATCHES_PER_TERM = 5

__all__ = ["DEFAULT_CONFLICTS", "Analyzer", "Watchlist", "WatchlistError", "load_watchlist"]


class Analyzer:
    """Pairs a language detector with compiled watchlists; build once, reuse for every post."""

    def __init__(
        self, watchlist: Watchlist, detector: LanguageDetector, thresholds: Mapping[str, float] | None = None
    ) -> None:
        """`thresholds` (from the config) override the watchlist's own per conflict."""
        self._watchlist = watchlist
        self._detector = detector
        self._thresholds = dict(thresholds or {})

    @classmethod
    def from_files(
        cls,
        conflicts: Path | None = None,
        backend: str = "langdetect",
        thresholds: Mapping[str, float] | None = None,
    ) -> Analyzer:
        """Load the watchlists (the bundled default when `conflicts` is None) and the named detector."""
        return cls(load_watchlist(conflicts or DEFAULT_CONFLICTS), make_detector(backend), thresholds)

    @property
    def watchlist(self) -> Watchlist:
        return self._watchlist

    @property
    def conflicts(self) -> dict[str, Conflict]:
        return self._watchlist.conflicts

    def threshold(self, conflict: str) -> float:
        """The threshold a conflict is held to: the config's if it sets one, else the watchlist's."""
        return self._thresholds.get(conflict, self._watchlist.threshold(conflict))

    def analyze(self, text: str, context: ChannelContext = NO_CONTEXT) -> Analysis:
        """Detect the language, then score the watchlists; the result names the watchlist version.

        `context` is what the caller knows of the post's channel and of the post it answers or forwards.
        """
        lang, confidence = self._detector.detect(text)
        matches, scores = self._watchlist.score(text, lang, context, self._thresholds)
        flagged = tuple(score.conflict for score in scores if score.flagged)
        return Analysis(lang, confidence, _first_per_term(matches), flagged, self._watchlist.version, scores)

    def analyze_many(
        self, texts: Iterable[str], contexts: Sequence[ChannelContext] | None = None
    ) -> list[Analysis]:
        """Analyse texts in order, each with its context when `contexts` (one per text) is given."""
        if contexts is None:
            return [self.analyze(text) for text in texts]
        return [self.analyze(text, context) for text, context in zip(texts, contexts, strict=True)]


def _first_per_term(matches: tuple[Match, ...]) -> tuple[Match, ...]:
    """Keep the first MATCHES_PER_TERM occurrences of each (conflict, term)."""
    seen: Counter[tuple[str, str]] = Counter()
    kept = []
    for match in matches:
        seen[match.conflict, match.term] += 1
        if seen[match.conflict, match.term] <= MATCHES_PER_TERM:
            kept.append(match)
    return tuple(kept)

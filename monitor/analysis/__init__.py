"""Analysis of one post: its language and the conflicts the watchlists flag, as an Analysis record."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from monitor.analysis.language import LanguageDetector, make_detector
from monitor.analysis.watchlist import Watchlist, WatchlistError, load_watchlist
from monitor.model import Analysis, Conflict, Match

# The bundled watchlist ships inside the package; pip installs packages unzipped, so it is a real file
# that configs and messages can name by path.
DEFAULT_CONFLICTS = Path(str(resources.files(__name__).joinpath("conflicts.toml")))

# Repeats of one term add no evidence; keeping them all would let one spammy post bloat the archive.
MATCHES_PER_TERM = 5

__all__ = ["DEFAULT_CONFLICTS", "Analyzer", "Watchlist", "WatchlistError", "load_watchlist"]


class Analyzer:
    """Pairs a language detector with compiled watchlists; build once, reuse for every post."""

    def __init__(self, watchlist: Watchlist, detector: LanguageDetector) -> None:
        self._watchlist = watchlist
        self._detector = detector

    @classmethod
    def from_files(cls, conflicts: Path | None = None, backend: str = "langdetect") -> Analyzer:
        """Load the watchlists (the bundled default when `conflicts` is None) and the named detector."""
        return cls(load_watchlist(conflicts or DEFAULT_CONFLICTS), make_detector(backend))

    @property
    def watchlist(self) -> Watchlist:
        return self._watchlist

    @property
    def conflicts(self) -> dict[str, Conflict]:
        return self._watchlist.conflicts

    def analyze(self, text: str) -> Analysis:
        """Detect the language, then match the watchlists; the result names the watchlist version."""
        lang, confidence = self._detector.detect(text)
        matches, flagged = self._watchlist.match(text, lang)
        return Analysis(lang, confidence, _first_per_term(matches), flagged, self._watchlist.version)

    def analyze_many(self, texts: Iterable[str]) -> list[Analysis]:
        """Analyse texts in order (a convenience for batch commands)."""
        return [self.analyze(text) for text in texts]


def _first_per_term(matches: tuple[Match, ...]) -> tuple[Match, ...]:
    """Keep the first MATCHES_PER_TERM occurrences of each (conflict, term)."""
    seen: Counter[tuple[str, str]] = Counter()
    kept = []
    for match in matches:
        seen[match.conflict, match.term] += 1
        if seen[match.conflict, match.term] <= MATCHES_PER_TERM:
            kept.append(match)
    return tuple(kept)

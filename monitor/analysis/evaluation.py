"""Scoring the watchlists against posts with gold labels: precision, recall and F1 per conflict.

Pure arithmetic, kept apart from the command so analysts' numbers can be tested without files.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Scores:
    """Counts for one conflict (or all of them); a ratio with nothing to divide is None, not 0."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float | None:
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    def __add__(self, other: Scores) -> Scores:
        return Scores(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def as_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": _round(self.precision),
            "recall": _round(self.recall),
            "f1": _round(self.f1),
        }


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


@dataclass(frozen=True, slots=True)
class Judged:
    """One labelled post: gold and predicted conflicts and languages."""

    id: object
    gold: frozenset[str]
    predicted: frozenset[str]
    gold_lang: str | None
    predicted_lang: str


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The scores of a whole labelled set."""

    posts: int
    per_conflict: dict[str, Scores]
    lang_total: int
    lang_correct: int
    mistakes: tuple[tuple[str, str, object], ...] = ()

    @property
    def micro(self) -> Scores:
        return sum(self.per_conflict.values(), Scores())

    @property
    def lang_accuracy(self) -> float | None:
        return _ratio(self.lang_correct, self.lang_total)

    def as_dict(self) -> dict[str, Any]:
        return {
            "posts": self.posts,
            "conflicts": {cid: scores.as_dict() for cid, scores in self.per_conflict.items()},
            "micro": self.micro.as_dict(),
            "language": {
                "posts": self.lang_total,
                "correct": self.lang_correct,
                "accuracy": _round(self.lang_accuracy),
            },
        }


def evaluate(judged: Iterable[Judged], conflicts: Iterable[str]) -> Evaluation:
    """Score predictions per conflict (the watchlist's plus any seen in the gold labels)."""
    counts: dict[str, list[int]] = {cid: [0, 0, 0] for cid in conflicts}
    mistakes: list[tuple[str, str, object]] = []
    posts = lang_total = lang_correct = 0
    for item in judged:
        posts += 1
        for cid in item.gold | item.predicted:
            tally = counts.setdefault(cid, [0, 0, 0])
            if cid in item.gold and cid in item.predicted:
                tally[0] += 1
            elif cid in item.predicted:
                tally[1] += 1
                mistakes.append(("false positive", cid, item.id))
            else:
                tally[2] += 1
                mistakes.append(("missed", cid, item.id))
        if item.gold_lang is not None:
            lang_total += 1
            lang_correct += item.gold_lang == item.predicted_lang
    per_conflict = {cid: Scores(*tally) for cid, tally in sorted(counts.items())}
    return Evaluation(posts, per_conflict, lang_total, lang_correct, tuple(mistakes))


# Thresholds `monitor evaluate --sweep` tries by default: every step the scoring can take (partial
# evidence and context move a score by quarters) from "any evidence at all" to "three independent items".
SWEEP_THRESHOLDS = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)


@dataclass(frozen=True, slots=True)
class Scored:
    """One labelled post with every conflict's score (0 when it had no evidence)."""

    id: object
    gold: frozenset[str]
    scores: dict[str, float]


def sweep(
    scored: Iterable[Scored], conflicts: Iterable[str], thresholds: Iterable[float] = SWEEP_THRESHOLDS
) -> dict[float, Evaluation]:
    """Score the set at each threshold (the same for every conflict): what an analyst picks a dial from."""
    items = list(scored)
    conflicts = tuple(conflicts)
    return {
        threshold: evaluate(
            (
                Judged(
                    item.id,
                    item.gold,
                    frozenset(c for c, value in item.scores.items() if value >= threshold),
                    None,
                    "",
                )
                for item in items
            ),
            conflicts,
        )
        for threshold in thresholds
    }

"""Evaluation arithmetic: per-conflict and micro scores, undefined ratios, language accuracy."""

from __future__ import annotations

from monitor.analysis.evaluation import Judged, Scores, evaluate


def judged(
    pid: int, gold: set[str], predicted: set[str], gold_lang: str | None = None, lang: str = "ru"
) -> Judged:
    return Judged(pid, frozenset(gold), frozenset(predicted), gold_lang, lang)


def test_scores_per_conflict_and_micro() -> None:
    result = evaluate(
        [
            judged(1, {"a"}, {"a"}, "ru", "ru"),
            judged(2, {"a"}, set(), "uk", "ru"),
            judged(3, set(), {"a", "b"}),
            judged(4, {"b"}, {"b"}, "en", "en"),
        ],
        ["a", "b", "c"],
    )

    assert result.posts == 4
    assert result.per_conflict == {"a": Scores(1, 1, 1), "b": Scores(1, 1, 0), "c": Scores()}
    assert result.micro == Scores(2, 2, 1)
    assert result.per_conflict["a"].precision == 0.5 and result.per_conflict["b"].recall == 1.0
    assert abs((result.micro.f1 or 0) - 4 / 7) < 1e-9
    assert (result.lang_correct, result.lang_total) == (2, 3)
    assert ("missed", "a", 2) in result.mistakes and ("false positive", "b", 3) in result.mistakes


def test_undefined_ratios_are_none_not_zero() -> None:
    scores = evaluate([judged(1, set(), set())], ["a"]).per_conflict["a"]

    assert scores.as_dict() == {"tp": 0, "fp": 0, "fn": 0, "precision": None, "recall": None, "f1": None}
    assert evaluate([], []).lang_accuracy is None


def test_labels_outside_the_watchlist_are_scored_too() -> None:
    result = evaluate([judged(1, {"unknown-war"}, set())], ["a"])

    assert result.per_conflict["unknown-war"] == Scores(0, 0, 1)
    assert result.as_dict()["micro"]["recall"] == 0.0

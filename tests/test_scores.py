"""Scores, evidence, thresholds and context: what a conflict's score is made of and what moves it."""

from __future__ import annotations

import tomllib

import pytest

from monitor.analysis import Analyzer
from monitor.analysis.evaluation import Scored, sweep
from monitor.analysis.language import make_detector
from monitor.analysis.watchlist import Watchlist
from monitor.model import NO_CONTEXT, ChannelContext

WATCHLIST = """\
version = "scores-1"

[context]
en = ["shelling", "missile{|s}", "strike{|s}"]

[conflicts.north]
name = "North war"

[conflicts.north.strong]
en = ["Northern Legion"]

[conflicts.north.anchors]
en = ["Borovia"]

[conflicts.north.common]
en = ["Capitalia"]

[conflicts.south]
name = "South war"

[conflicts.south.anchors]
en = ["Sudland"]

[names.north.places]
weak = ["Lakeview"]
"""

LONE_ANCHOR = "The Borovia delegation toured the new library and praised its reading rooms."
FULL = "Shelling hit a Borovia town overnight, and missiles struck the depot."
# The war word sits in another sentence than the anchor: evidence, but short of the rules.
LONE_WITH_WAR_WORD = "Residents of Borovia are asked to stay indoors tonight. More missiles are expected."
HARVEST = "Farmers finished the wheat harvest early this year and prices fell."


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    watchlist = Watchlist.from_mapping(tomllib.loads(WATCHLIST), text=WATCHLIST)
    return Analyzer(watchlist, make_detector("langdetect"))


def test_a_flagged_conflict_carries_its_score_threshold_and_evidence(analyzer: Analyzer) -> None:
    result = analyzer.analyze(FULL + " The Northern Legion said nothing.")
    score = result.score_of("north")
    assert result.conflicts == ("north",)
    assert score is not None and score.flagged and score.threshold == 1.0
    kinds = {(e.kind, e.text) for e in score.evidence}
    assert ("terms", "Northern Legion") in kinds and ("terms", "Borovia") in kinds
    anchored = next(e for e in score.evidence if e.text == "Borovia")
    assert "Shelling" in anchored.detail  # the war word as the post writes it, not the watchlist's pattern
    assert score.score == sum(e.points for e in score.evidence) == 2.0


def test_evidence_short_of_the_rules_is_scored_but_never_flags_on_its_own(analyzer: Analyzer) -> None:
    result = analyzer.analyze(LONE_ANCHOR)
    score = result.score_of("north")
    assert result.conflicts == ()
    assert score is not None and 0 < score.score < 1
    assert [e.kind for e in score.evidence] == ["partial"]


def test_partial_evidence_never_adds_up_past_half_a_point(analyzer: Analyzer) -> None:
    text = "Borovia hosts a fair. Lakeview hosts a concert. Capitalia hosts a parade. Borovia again."
    score = analyzer.analyze(text).score_of("north")
    assert score is not None and score.score <= 0.5


def test_a_channel_that_mostly_posts_about_a_conflict_lifts_partial_evidence(analyzer: Analyzer) -> None:
    war_channel = ChannelContext((("north", 0.8),), source="learned")
    lone = LONE_WITH_WAR_WORD
    assert analyzer.analyze(lone).conflicts == ()
    lifted = analyzer.analyze(lone, war_channel)
    assert lifted.conflicts == ("north",)
    context = [e for e in lifted.score_of("north").evidence if e.kind == "context"]  # type: ignore[union-attr]
    assert context and "80%" in context[0].detail


def test_context_gives_nothing_to_a_post_without_evidence_of_that_conflict(analyzer: Analyzer) -> None:
    war_channel = ChannelContext((("north", 1.0), ("south", 1.0)), source="config")
    result = analyzer.analyze(HARVEST, war_channel)
    assert result.conflicts == () and result.scores == ()
    other = analyzer.analyze("Sudland will host the regional chess final.", war_channel)
    assert other.score_of("north") is None


def test_a_channel_rarely_about_a_conflict_lends_proportionally_less(analyzer: Analyzer) -> None:
    lone = LONE_WITH_WAR_WORD
    rare = analyzer.analyze(lone, ChannelContext((("north", 0.1),), source="learned"))
    often = analyzer.analyze(lone, ChannelContext((("north", 0.6),), source="learned"))
    assert rare.score_of("north").score < often.score_of("north").score  # type: ignore[union-attr]
    assert rare.conflicts == ()


def test_a_reply_to_a_flagged_post_takes_its_conflict_as_context(analyzer: Analyzer) -> None:
    lone = LONE_WITH_WAR_WORD
    reply = analyzer.analyze(lone, ChannelContext(parent=("north",)))
    assert reply.conflicts == ("north",)
    assert analyzer.analyze(lone, ChannelContext(parent=("south",))).conflicts == ()


def test_a_threshold_from_the_config_overrides_the_watchlist(analyzer: Analyzer) -> None:
    strict = Analyzer(analyzer.watchlist, make_detector("langdetect"), {"north": 2.0})
    loose = Analyzer(analyzer.watchlist, make_detector("langdetect"), {"north": 0.25})
    single = "Shelling hit a Borovia town overnight."
    assert analyzer.analyze(single).conflicts == ("north",)
    assert strict.analyze(single).conflicts == ()
    assert strict.analyze(single).score_of("north").threshold == 2.0  # type: ignore[union-attr]
    assert loose.analyze(LONE_ANCHOR).conflicts == ("north",)
    assert strict.threshold("south") == 1.0


def test_without_context_the_default_flags_equal_the_rules_alone(analyzer: Analyzer) -> None:
    for text in (LONE_ANCHOR, FULL, HARVEST, "Capitalia and Lakeview sign a shelling treaty."):
        _, flagged = analyzer.watchlist.match(text)
        assert analyzer.analyze(text, NO_CONTEXT).conflicts == flagged


def test_a_sweep_trades_precision_for_recall_as_the_threshold_falls() -> None:
    items = [
        Scored(1, frozenset({"north"}), {"north": 2.0}),
        Scored(2, frozenset({"north"}), {"north": 0.5}),
        Scored(3, frozenset(), {"north": 0.5}),
        Scored(4, frozenset(), {}),
    ]
    results = sweep(items, ["north"], (0.5, 1.0, 3.0))
    assert results[0.5].per_conflict["north"].recall == 1.0
    assert results[0.5].per_conflict["north"].precision == pytest.approx(2 / 3)
    assert results[1.0].per_conflict["north"].recall == 0.5
    assert results[1.0].per_conflict["north"].precision == 1.0
    assert results[3.0].per_conflict["north"].tp == 0


def test_a_name_with_no_war_word_anywhere_stays_unflagged_even_in_a_war_channel(analyzer: Analyzer) -> None:
    war_channel = ChannelContext((("north", 1.0),), source="learned")
    assert analyzer.analyze(LONE_ANCHOR, war_channel).conflicts == ()


def test_very_common_anchors_alone_are_not_lifted_by_context(analyzer: Analyzer) -> None:
    war_channel = ChannelContext((("north", 1.0),), source="learned")
    text = "Capitalia welcomed guests. Capitalia opened a fair. Missiles were on display at a museum."
    score = analyzer.analyze(text, war_channel).score_of("north")
    assert score is not None and not score.flagged
    assert sum(e.points for e in score.evidence if e.kind == "partial") == 0.25

"""The Analyzer: language plus watchlist matches in one Analysis, tagged with the watchlist version."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.analysis import (
    DEFAULT_CONFLICTS,
    MATCHES_PER_TERM,
    Analyzer,
    WatchlistError,
    load_watchlist,
)

WATCHLIST = """\
version = "analyzer-test-7"

[context]
ru = ["удар{|ы}"]

[conflicts.demo]
name = "Demo"
severity = "critical"

[conflicts.demo.strong]
ru = ["ВСУ"]

[conflicts.demo.anchors]
ru = ["Украин{а|ы|е|у}"]
"""


class FixedDetector:
    """Reports the same language for every text and remembers what it was asked."""

    def __init__(self, lang: str = "xx", confidence: float = 0.5) -> None:
        self.answer = (lang, confidence)
        self.seen: list[str] = []

    def detect(self, text: str) -> tuple[str, float]:
        self.seen.append(text)
        return self.answer


@pytest.fixture
def conflicts_file(tmp_path: Path) -> Path:
    path = tmp_path / "conflicts.toml"
    path.write_text(WATCHLIST, encoding="utf-8")
    return path


@pytest.fixture
def analyzer(conflicts_file: Path) -> Analyzer:
    return Analyzer(load_watchlist(conflicts_file), FixedDetector("ru", 0.9))


def test_analysis_combines_language_matches_conflicts_and_version(analyzer):
    text = "ВСУ: удары по Украине"
    analysis = analyzer.analyze(text)
    assert (analysis.lang, analysis.lang_confidence) == ("ru", 0.9)
    assert analysis.conflicts == ("demo",)
    assert [text[m.start : m.end] for m in analysis.matches] == ["ВСУ", "Украине"]
    assert analysis.watchlist_version == "analyzer-test-7"


def test_unflagged_text_keeps_language_and_version(analyzer):
    analysis = analyzer.analyze("Украина славится борщом")
    assert analysis.conflicts == ()
    assert [m.term for m in analysis.matches] == ["Украин{а|ы|е|у}"]
    assert analysis.watchlist_version == "analyzer-test-7"


def test_repeats_of_one_term_are_kept_only_up_to_the_cap(analyzer):
    text = "ВСУ " * (MATCHES_PER_TERM + 20)
    analysis = analyzer.analyze(text)
    assert analysis.conflicts == ("demo",)
    assert [m.start for m in analysis.matches] == [4 * i for i in range(MATCHES_PER_TERM)]


def test_detector_sees_the_original_text(conflicts_file):
    detector = FixedDetector()
    Analyzer(load_watchlist(conflicts_file), detector).analyze("Texte\u200b original")
    assert detector.seen == ["Texte\u200b original"]


def test_analyze_many_keeps_input_order(analyzer):
    results = analyzer.analyze_many(["ничего", "ВСУ", "удар по Украине"])
    assert [result.conflicts for result in results] == [(), ("demo",), ("demo",)]


def test_conflicts_and_watchlist_are_exposed(analyzer):
    assert analyzer.conflicts["demo"].name == "Demo"
    assert analyzer.conflicts["demo"].severity == "critical"
    assert analyzer.watchlist.version == "analyzer-test-7"


def test_from_files_reports_a_broken_watchlist(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text('version = "1"\n[conflicts.x]\nname = \n', encoding="utf-8")
    with pytest.raises(WatchlistError, match=f"{broken}:3"):
        Analyzer.from_files(broken)


def test_from_files_rejects_an_unknown_backend(conflicts_file):
    with pytest.raises(ValueError, match="no-such-backend"):
        Analyzer.from_files(conflicts_file, backend="no-such-backend")


@pytest.fixture(scope="module")
def default_analyzer() -> Analyzer:
    return Analyzer.from_files()


def test_default_files_and_detector_flag_the_contract_posts(default_analyzer):
    assert DEFAULT_CONFLICTS.is_file()
    analyzer = default_analyzer
    war = analyzer.analyze("Вооружённые силы Украины атаковали Белгородскую область беспилотниками.")
    gas = analyzer.analyze("Цены на газ в Европе снова выросли на фоне холодной погоды.")
    assert (war.lang, war.conflicts) == ("ru", ("russia-ukraine",))
    assert (gas.lang, gas.conflicts) == ("ru", ())
    assert war.watchlist_version == analyzer.watchlist.version != ""


@settings(max_examples=100, deadline=None)
@given(st.text())
def test_any_text_is_analysed_without_error(default_analyzer, text):
    analysis = default_analyzer.analyze(text)
    assert all(0 <= m.start < m.end <= len(text) for m in analysis.matches)

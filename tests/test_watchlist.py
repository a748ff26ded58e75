"""Watchlist loading, term syntax, topic rules, spans and the shipped watchlist's quality floor."""

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.analysis import DEFAULT_CONFLICTS
from monitor.analysis.watchlist import Watchlist, WatchlistError, expand_term, load_watchlist
from monitor.model import NO_CONTEXT, ChannelContext

EVAL_SET = Path(__file__).parent / "data" / "eval_conflicts.jsonl"

SMALL = """\
version = "test-1"

[endings]
noun = "а|ы|е|у|ой"

[context]
ru = ["удар{|ы|а|ов}", "ракет{@noun}", "войн{@noun}"]
en = ["strike{|s}", "war"]

[incidents]
ru = ["погиб{ли|ло}", "взрыв{|а}"]

[conflicts.demo]
name = "Demo war"
severity = "high"

[conflicts.demo.strong]
ru = ["!Газ{а|ы|е|у|ой}", "ВСУ", "обстрел*"]
he = ["חמאס"]
ar = ["غزة"]

[conflicts.demo.anchors]
ru = ["Украин{@noun}", "Израил{ь|я|ю|ем|е}"]
en = ["Israel"]

[conflicts.demo.common]
ru = ["Росси{я|и|ю|ей}"]

[conflicts.demo.veto]
ru = ["1914"]

[conflicts.demo.exclude]
ru = ["Украин{а|ы} Ивановн{а|ы}"]
"""


@pytest.fixture(scope="module")
def small() -> Watchlist:
    import tomllib

    return Watchlist.from_mapping(tomllib.loads(SMALL), text=SMALL)


@pytest.fixture(scope="module")
def shipped() -> Watchlist:
    return load_watchlist(DEFAULT_CONFLICTS)


def flagged(watchlist: Watchlist, text: str) -> tuple[str, ...]:
    return watchlist.match(text)[1]


# ---------------------------------------------------------------------------------------- term syntax


def test_endings_expand_to_every_form():
    assert expand_term("Газ{а|ы|е}") == ["газа", "газы", "газе"]
    assert expand_term("Израил{ь|я}") == ["израиль", "израиля"]


def test_empty_ending_and_named_sets_expand():
    assert expand_term("удар{|ы}") == ["удар", "удары"]
    assert expand_term("ракет{@noun}", {"noun": "а|ы"}) == ["ракета", "ракеты"]


def test_a_consonant_change_replaces_the_final_letters_where_they_end_the_form():
    assert expand_term("Авдіївк{а|к>ці|г>зі}") == ["авдіївка", "авдіївці"]
    assert expand_term("Волновах{@n}", {"n": "а|к>ці|х>сі"}) == ["волноваха", "волновасі"]


def test_hyphenated_terms_also_match_with_a_space():
    assert expand_term("Кирьят-Шмона") == ["кирьят-шмона", "кирьят шмона"]


@pytest.mark.parametrize(
    "term",
    [
        *("Газ(а|ы)", "удар.+", "[Гг]аза", "Газ{а|ы", "Газ{а{ы}}", "об*стрел", "  ", "Газ|а", "Г!аза"),
        *("Газ>а", "Газ{к>}"),
    ],
)
def test_regex_like_or_malformed_terms_are_rejected(term):
    with pytest.raises(ValueError):
        expand_term(term)


def test_unknown_ending_set_is_rejected():
    with pytest.raises(ValueError, match="@adj"):
        expand_term("украинск{@adj}", {})


# ---------------------------------------------------------------------------------------- matching rules


def test_case_yo_and_lookalike_letters_do_not_hide_a_term(small):
    assert flagged(small, "вСу наступают") == ("demo",)
    assert flagged(small, "BCУ наступают") == ("demo",)
    assert flagged(small, "Удар по Укрaине") == ("demo",)


def test_zero_width_characters_and_soft_hyphens_do_not_hide_a_term(small):
    assert flagged(small, "В\u200bС\u200dУ") == ("demo",)
    assert flagged(small, "удар по Укра\u00adине") == ("demo",)


def test_terms_match_whole_words_only(small):
    assert flagged(small, "ВСУшный") == ()
    assert flagged(small, "Украинаааа удар") == ()


def test_open_ended_terms_run_on(small):
    assert flagged(small, "Ночные обстрелы продолжились") == ("demo",)


def test_capitalised_term_flags_mid_sentence_but_not_lowercase(small):
    assert flagged(small, "Израильская армия вошла в Газу.") == ("demo",)
    assert flagged(small, "Поставки газа выросли.") == ()
    assert flagged(small, "Завод ГАЗА работает.") == ()


def test_capitalised_term_at_sentence_start_needs_context(small):
    assert flagged(small, "Газа в хранилищах хватит.") == ()
    assert flagged(small, "Газа в хранилищах хватит для новых ударов.") == ("demo",)


def test_capitalised_term_heading_a_dateline_counts_as_written(small):
    # "Суми: ...", "Ізюм, 3 травня", "Суми. Вербна неділя. ...": a colon or comma after the sentence's first
    # word, or a full stop after it alone, makes it a heading, so a place.
    assert flagged(small, "Газа: ночь прошла спокойно.") == ("demo",)
    assert flagged(small, "Газа, третье мая. Ночь прошла спокойно.") == ("demo",)
    assert flagged(small, "Газа. Ночь прошла спокойно.") == ("demo",)
    assert flagged(small, "Газа в хранилищах хватит.") == ()


def test_anchor_needs_a_context_word_in_the_same_sentence(small):
    assert flagged(small, "Израиль принимает туристов.") == ()
    assert flagged(small, "Израиль нанёс удар.") == ("demo",)
    assert flagged(small, "Израиль принимает туристов. Удар грома напугал всех.") == ()


def test_common_anchor_needs_two_context_words_one_of_them_war_specific(small):
    assert flagged(small, "Россия и удары.") == ()
    assert flagged(small, "В России взрыв, погибли двое.") == ()
    assert flagged(small, "Ракеты и удары по России.") == ("demo",)
    assert flagged(small, "Удар по России, погибли двое.") == ("demo",)


def test_post_context_lets_an_anchor_count_with_war_words_elsewhere_in_the_post(small):
    import tomllib

    text = SMALL.replace('severity = "high"', 'severity = "high"\npost_context = 2')
    watchlist = Watchlist.from_mapping(tomllib.loads(text), text=text)
    speech = "Украина выстоит в этой борьбе. Ракеты и удары не сломили нас."
    assert flagged(watchlist, speech) == ("demo",)
    assert flagged(small, speech) == ()  # off by default
    _, scores = watchlist.score(speech)
    assert [(item.kind, item.points) for item in scores[0].evidence] == [("terms", 1.0)]  # no partial on top
    assert "ракеты" in scores[0].evidence[0].detail.lower()
    # One war word elsewhere, incident words, a common anchor or a vetoed sentence are not enough.
    assert flagged(watchlist, "Украина выстоит в этой борьбе. Ракеты летят.") == ()
    assert flagged(watchlist, "Украина выстоит в этой борьбе. Взрыв, погибли двое.") == ()
    assert flagged(watchlist, "Россия выстоит в этой борьбе. Ракеты и удары не сломили нас.") == ()
    assert flagged(watchlist, "Украина выстоит в этой борьбе. В 1914 году ракеты и удары.") == ()


def test_one_word_counts_once_however_many_terms_or_repeats_match_it():
    import tomllib

    text = SMALL.replace('ru = ["удар{|ы|а|ов}",', 'uk = ["удар{|и}"]\nru = ["удар{|ы|а|ов}",')
    twice = Watchlist.from_mapping(tomllib.loads(text), text=text)
    assert flagged(twice, "Россия: удар.") == ()
    assert flagged(twice, "Россия: удар, ещё удар и снова удары.") == ()
    assert flagged(twice, "Россия: удар и ракеты.") == ("demo",)


def test_veto_cancels_its_sentence_only(small):
    assert flagged(small, "В 1914 году война, удары по России, ВСУ.") == ()
    assert flagged(small, "В 1914 году всё было иначе. ВСУ наступают.") == ("demo",)


def test_soft_veto_yields_to_a_place_or_strong_term_of_the_conflict_in_its_sentence():
    data = {
        "version": "1",
        "context": {"en": ["missile{|s}"]},
        "conflicts": {
            "c": {
                "name": "C",
                "anchors": {"en": ["Ukraine"]},
                "veto": {"en": ["1943"]},
                "soft_veto": {"en": ["Israel"]},
                "strong": {"en": ["partial mobilisation"]},
            }
        },
        "names": {"c": {"places": {"weak": ["Kyiv"]}}},
    }
    watchlist = Watchlist.from_mapping(data)
    assert flagged(watchlist, "Missiles hit Ukraine today.") == ("c",)
    assert flagged(watchlist, "Ukraine condemns the missiles fired at Israel.") == ()
    assert flagged(watchlist, "Israel sends aid to Kyiv after missiles hit Ukraine.") == ("c",)
    assert flagged(watchlist, "In 1943 missiles hit Kyiv and Ukraine.") == ()  # a hard veto yields to nothing
    assert flagged(watchlist, "After the partial mobilisation, men fled to Israel.") == ("c",)
    assert flagged(watchlist, "Partial mobilisation in 1943.") == ()
    assert watchlist.match("Israel sends aid to Kyiv after missiles hit Ukraine.")[0][0].term == "Kyiv"


def test_veto_naming_another_war_yields_to_a_strong_term_built_on_a_name_of_this_one():
    data = {
        "version": "1",
        "conflicts": {
            "c": {
                "name": "C",
                "anchors": {"en": ["Kyiv", "border{|s}"]},
                "veto": {"en": ["Gaza", "Yakutia"]},
                "strong": {"en": ["aid to Kyiv", "border villages", "shelling"]},
            },
            "d": {"name": "D", "strong": {"en": ["Gaza"]}},
        },
    }
    watchlist = Watchlist.from_mapping(data)
    assert flagged(watchlist, "While all eyes are on Gaza, aid to Kyiv is stuck.") == ("c", "d")
    assert flagged(watchlist, "Shelling of Gaza goes on.") == ("d",)  # a strong term naming no one of C's
    assert flagged(watchlist, "Shelling hit border villages near Gaza.") == ("d",)  # "border" is no name
    assert flagged(watchlist, "Aid to Kyiv is a saying in Yakutia.") == ()  # Yakutia is no other war's word


def test_exclusion_hides_the_terms_inside_it(small):
    assert flagged(small, "Украина Ивановна получила удар судьбы.") == ()
    matches, _ = small.match("Украина Ивановна получила удар судьбы.")
    assert matches == ()


def test_hebrew_and_arabic_attached_prefixes_are_allowed(small):
    assert flagged(small, "ולחמאס יש") == ("demo",)
    assert flagged(small, "وبغزة قصف") == ("demo",)
    assert flagged(small, "אחמאס") == ()


def test_arabic_article_terms_also_match_after_the_li_contraction():
    data = {"version": "1", "conflicts": {"c": {"name": "C", "strong": {"ar": ["النقاط الخمس"]}}}}
    watchlist = Watchlist.from_mapping(data)
    assert flagged(watchlist, "الاحتلال للنقاط الخمس") == ("c",)  # li + al- is written لل
    assert flagged(watchlist, "وللنقاط الخمس") == ("c",)  # and + li + al-
    assert flagged(watchlist, "لنقاط الخمس") == ()  # li without the article is another phrase


def test_hebrew_prefixes_stack_only_in_the_languages_order(small):
    assert flagged(small, "ומהחמאס") == ("demo",)  # and + from + the
    assert flagged(small, "שבחמאס") == ("demo",)  # that + in
    assert flagged(small, "מבחמאס") == ()  # from + in does not stack: the letters belong to another word
    assert flagged(small, "בוחמאס") == ()  # "and" comes first


def test_match_records_term_language_and_original_span(small):
    text = "Вчера ВСУ и Израил\u00adь: удар."
    matches, conflicts = small.match(text)
    assert conflicts == ("demo",)
    assert [(m.conflict, m.term, m.lang, text[m.start : m.end]) for m in matches] == [
        ("demo", "ВСУ", "ru", "ВСУ"),
        ("demo", "Израил{ь|я|ю|ем|е}", "ru", "Израил\u00adь"),
    ]


def test_post_language_picks_which_listing_a_shared_word_reports():
    data = {
        "version": "1",
        "conflicts": {"c": {"name": "C", "strong": {"ru": ["HIMARS"], "en": ["HIMARS"]}}},
    }
    watchlist = Watchlist.from_mapping(data)
    assert [m.lang for m in watchlist.match("HIMARS", "en")[0]] == ["en"]
    assert [m.lang for m in watchlist.match("HIMARS", "ru")[0]] == ["ru"]


def test_threshold_asks_for_more_evidence():
    data = {
        "version": "1",
        "conflicts": {"c": {"name": "C", "threshold": 2, "strong": {"ru": ["ВСУ", "СВО"]}}},
    }
    watchlist = Watchlist.from_mapping(data)
    assert flagged(watchlist, "ВСУ и ВСУ") == ()
    assert flagged(watchlist, "ВСУ и СВО") == ("c",)


def test_term_counts_report_terms_per_language(small):
    assert small.term_counts() == {"demo": {"ru": 6, "he": 1, "ar": 1, "en": 1}}
    assert small.version == "test-1"
    assert small.conflicts["demo"].severity == "high"


# ---------------------------------------------------------------------------------------- errors


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "conflicts.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_toml_reports_the_parser_line(tmp_path):
    path = write(tmp_path, 'version = "1"\n\n[conflicts.x\nname = "X"\n')
    with pytest.raises(WatchlistError, match=rf"^{path}:3: invalid TOML"):
        load_watchlist(path)


def test_unknown_key_reports_its_line(tmp_path):
    path = write(tmp_path, SMALL.replace('severity = "high"', 'severity = "high"\nseverity_typo = 1'))
    line = SMALL.splitlines().index('severity = "high"') + 2
    with pytest.raises(WatchlistError, match=rf"{path}:{line}: conflicts.demo.severity_typo: unknown key"):
        load_watchlist(path)


def test_missing_name_reports_the_conflict_table(tmp_path):
    path = write(tmp_path, SMALL.replace('name = "Demo war"\n', ""))
    line = SMALL.splitlines().index("[conflicts.demo]") + 1
    with pytest.raises(WatchlistError, match=rf":{line}: conflicts.demo.name: a non-empty display name"):
        load_watchlist(path)


def test_empty_term_list_reports_its_line(tmp_path):
    path = write(tmp_path, SMALL.replace('en = ["Israel"]', "en = []"))
    line = SMALL.splitlines().index('en = ["Israel"]') + 1
    with pytest.raises(WatchlistError, match=rf":{line}: conflicts\.demo\.anchors\.en: must be a non-empty"):
        load_watchlist(path)


def test_a_term_listed_twice_is_an_error_naming_it(tmp_path):
    # Context words count per distinct term: the same entry twice would count one word twice.
    path = write(tmp_path, SMALL.replace('en = ["Israel"]', 'en = ["Israel", "Israel"]'))
    line = SMALL.splitlines().index('en = ["Israel"]') + 1
    with pytest.raises(
        WatchlistError, match=rf":{line}: conflicts\.demo\.anchors\.en: 'Israel' is listed twice"
    ):
        load_watchlist(path)
    text = NAMES.replace('weak = ["Bigcity", "Harbourton"]', 'weak = ["Bigcity", "Harbourton", "Bigcity"]')
    with pytest.raises(WatchlistError, match=r"names\.north\.places\.weak: 'Bigcity' is listed twice"):
        load_watchlist(write(tmp_path, text))


def test_bad_term_syntax_reports_the_line_of_the_term(tmp_path):
    text = SMALL.replace('ru = ["Россия{я|и|ю|ей}"]', "").replace(
        'ru = ["Росси{я|и|ю|ей}"]', 'ru = [\n  "Росси{я|и|ю|ей}",\n  "Моск(ва|вы)",\n]'
    )
    path = write(tmp_path, text)
    line = text.splitlines().index('  "Моск(ва|вы)",') + 1
    with pytest.raises(WatchlistError, match=rf":{line}: conflicts.demo.common.ru: .*regular expressions"):
        load_watchlist(path)


def test_a_malformed_consonant_change_in_an_ending_set_is_named(tmp_path):
    path = write(tmp_path, SMALL.replace('noun = "а|ы|е|у|ой"', 'noun = "а|ы|к>"'))
    line = SMALL.splitlines().index('noun = "а|ы|е|у|ой"') + 1
    with pytest.raises(WatchlistError, match=rf":{line}: endings\.noun: a consonant change is written"):
        load_watchlist(path)


def test_bad_severity_and_rule_values_are_named(tmp_path):
    path = write(tmp_path, SMALL.replace('severity = "high"', 'severity = "urgent"'))
    with pytest.raises(WatchlistError, match=r"conflicts\.demo\.severity: must be one of"):
        load_watchlist(path)
    path = write(tmp_path, SMALL.replace('severity = "high"', "threshold = 0"))
    with pytest.raises(WatchlistError, match=r"conflicts\.demo\.threshold: must be a positive number"):
        load_watchlist(path)
    path = write(tmp_path, SMALL.replace('severity = "high"', "post_context = -1"))
    with pytest.raises(WatchlistError, match=r"conflicts\.demo\.post_context: must be an integer >= 0"):
        load_watchlist(path)


def test_missing_version_and_unreadable_file_are_reported(tmp_path):
    path = write(tmp_path, SMALL.replace('version = "test-1"\n', ""))
    with pytest.raises(WatchlistError, match="version: a non-empty string"):
        load_watchlist(path)
    with pytest.raises(WatchlistError, match="cannot read"):
        load_watchlist(tmp_path / "missing.toml")


# ---------------------------------------------------------------------------------------- names layer

NAMES = """\
version = "names-1"

[context]
en = ["strike{|s}", "war", "ironclad{|s}"]
ru = ["удар{|ы|а|ов}"]

[incidents]
en = ["crash{|ed}", "killed"]

[conflicts.north]
name = "North war"

[conflicts.north.anchors]
en = ["Northland"]

[conflicts.south]
name = "South war"

[conflicts.south.anchors]
en = ["Southland"]

[conflicts.south.context]
en = ["Sunking", "dune raid{|s}"]

[names.north.places]
strong = ["Frostvale", "Фростдол{|а|е|ом}", "פרוסטוויל"]
weak = ["Bigcity", "Harbourton"]

[names.north.actors]
weak = ["Ironclad{|s}"]

[names.south.events]
strong = ["Sandpass summit"]
weak = ["corridor talks"]
paired = ["World Court", "WC"]
"""


@pytest.fixture(scope="module")
def names() -> Watchlist:
    import tomllib

    return Watchlist.from_mapping(tomllib.loads(NAMES), text=NAMES)


def test_strong_names_flag_in_any_language_and_script(names):
    assert flagged(names, "Warga Frostvale mengungsi malam ini.") == ("north",)  # Indonesian, no war word
    assert flagged(names, "Les habitants de Frostvale ont quitté la ville.") == ("north",)  # French
    assert flagged(names, "Жители Фростдола уехали.") == ("north",)  # an inflected Cyrillic form
    assert flagged(names, "התושבים בפרוסטוויל נשארו בבית") == ("north",)  # with the attached prefix ב
    assert flagged(names, "Delegates met at the Sandpass summit.") == ("south",)


def test_weak_names_need_company(names):
    assert flagged(names, "Bigcity opens a new library.") == ()
    assert flagged(names, "A strike hit Bigcity overnight.") == ("north",)  # a context word
    assert flagged(names, "Bigcity was quiet. Later, a strike.") == ("north",)  # next sentence (weak_window)
    assert flagged(names, "Bigcity and Harbourton expect rain.") == ()  # two places are not enough
    assert flagged(names, "Ironclads were seen near Harbourton.") == ("north",)  # equipment + a place
    assert flagged(names, "Southland hosts corridor talks.") == ("south",)  # a weak event + an anchor


def test_a_weak_actor_needs_a_war_word_where_a_weak_place_takes_an_incident(names):
    assert flagged(names, "An Ironclad crashed at an air show; two were killed.") == ()
    assert flagged(names, "An Ironclad was lost in a strike overnight.") == ("north",)
    assert flagged(names, "A bus crashed in Bigcity; two were killed.") == ("north",)


def test_a_term_listed_as_a_name_and_as_a_war_word_is_not_its_own_company(names):
    assert flagged(names, "Ironclads sail tonight.") == ()
    assert flagged(names, "Ironclads sail tonight. Two more ironclads follow.") == ()  # nor a second mention
    assert flagged(names, "Ironclads sail to Northland tonight.") == ("north",)  # the anchor has a war word


def test_a_paired_name_needs_the_conflicts_own_words_in_its_sentence(names):
    # A court that judges several wars is this one's only next to its own words: its leader, its anchor.
    assert flagged(names, "The World Court issued a warrant for the Sunking.") == ("south",)
    assert flagged(names, "The World Court will hear Southland's case.") == ("south",)
    # Shared war words, incident words and the court's own other name are no company.
    assert flagged(names, "The World Court heard a war crimes case after the strike.") == ()
    assert flagged(names, "The World Court (WC) opened its session.") == ()
    # A sentence away (weak_window), only the conflict's own words written as proper nouns keep it company:
    # the court in one sentence, the leader it judges in the next.
    assert flagged(names, "The World Court met today. The Sunking was absent.") == ("south",)
    assert flagged(names, "The World Court met today. Dune raids were discussed.") == ()
    assert flagged(names, "The World Court met today. It heard dune raids.") == ()
    assert flagged(names, "The World Court heard of dune raids.") == ("south",)
    # A paired name gives no company to a weak name either.
    assert flagged(names, "The World Court discussed corridor talks.") == ()


def test_weak_window_zero_keeps_company_in_the_sentence():
    import tomllib

    text = NAMES.replace('name = "North war"', 'name = "North war"\nweak_window = 0')
    text = text.replace('name = "South war"', 'name = "South war"\nweak_window = 0')
    watchlist = Watchlist.from_mapping(tomllib.loads(text), text=text)
    assert flagged(watchlist, "Bigcity was quiet. Later, a strike.") == ()
    assert flagged(watchlist, "The World Court met today. The Sunking was absent.") == ()


def test_handles_and_link_paths_are_not_names(names):
    assert flagged(names, "Subscribe: @frostvale and t.me/frostvale") == ()
    # Deeper in a link path too: the channel's name, not the place. A slash outside a link is no link.
    assert flagged(names, "Daily news\nt.me/daily_frostvale_official") == ()
    assert flagged(names, "Battalion XXIII-R/Frostvale reports") == ("north",)


def test_names_of_an_unknown_conflict_report_their_line(tmp_path):
    text = NAMES.replace("[names.south.events]", "[names.west.events]")
    path = write(tmp_path, text)
    line = text.splitlines().index("[names.west.events]") + 1
    with pytest.raises(WatchlistError, match=rf"^{path}:{line}: names\.west: unknown conflict 'west'"):
        load_watchlist(path)


def test_bad_name_pattern_reports_its_line(tmp_path):
    text = NAMES.replace(
        'weak = ["Bigcity", "Harbourton"]', 'weak = [\n  "Bigcity",\n  "Harb(our|or)ton",\n]'
    )
    path = write(tmp_path, text)
    line = text.splitlines().index('  "Harb(our|or)ton",') + 1
    with pytest.raises(WatchlistError, match=rf":{line}: names\.north\.places\.weak: .*regular expressions"):
        load_watchlist(path)


def test_unknown_name_category_or_strength_is_rejected(tmp_path):
    path = write(tmp_path, NAMES.replace("[names.north.actors]", "[names.north.units]"))
    with pytest.raises(WatchlistError, match=r"names\.north\.units: unknown key"):
        load_watchlist(path)
    path = write(tmp_path, NAMES.replace('weak = ["Ironclad{|s}"]', 'medium = ["Ironclad{|s}"]'))
    with pytest.raises(WatchlistError, match=r"names\.north\.actors\.medium: unknown key"):
        load_watchlist(path)


def test_a_place_listed_under_two_conflicts_is_an_error(tmp_path):
    text = NAMES + '\n[names.south.places]\nstrong = [\n  "Dunmore",\n  "Frostval{e|a}",\n]\n'
    path = write(tmp_path, text)
    line = text.splitlines().index('  "Frostval{e|a}",') + 1
    with pytest.raises(
        WatchlistError, match=rf":{line}: names\.south\.places\.strong: .*already listed for north"
    ):
        load_watchlist(path)
    # a name may not repeat another conflict's anchor either
    text = NAMES + '\n[names.south.places]\nweak = ["Northland"]\n'
    with pytest.raises(WatchlistError, match=r"already listed for north under conflicts\.north\.anchors"):
        load_watchlist(write(tmp_path, text))


def test_shipped_ending_sets_meet_the_stems_they_were_written_for():
    # @ru_ia, @ru_ie and @uk_ia end stems in и/і (операци-я, вооружени-е, ескалаці-я): a stem without it
    # (спецоперац{@ru_ia}) silently matched only its plural, and no error says so.
    stems = re.findall(r"(\w)\{@(ru_ia|ru_ie|uk_ia)\}", DEFAULT_CONFLICTS.read_text(encoding="utf-8"))
    assert stems
    assert [(last, ending) for last, ending in stems if last != ("і" if ending == "uk_ia" else "и")] == []


# Posts the shipped watchlist must flag, or leave alone, exactly so: each group came with the round of
# tuning whose sets found it.
SHIPPED_CASES = [
    ("Sirene berbunyi di Kiryat Shmona setelah peluncuran dari Lebanon.", ("israel-hezbollah",)),
    ("Des roquettes ont visé Khan Younis cette nuit.", ("israel-hamas",)),
    ("Units of the Tsentr group of forces took a village west of Pokrovsk.", ("russia-ukraine",)),
    ("Оператори дронів знищили техніку під Куп'янськом.", ("russia-ukraine",)),
    ("A group of Shaheds is heading for Kharkiv oblast.", ("russia-ukraine",)),
    ("ЦАХАЛ ликвидировал командира «Радвана».", ("israel-hezbollah",)),  # an inflected unit name
    ("Kharkiv hosts a book fair this weekend.", ()),
    ("Haifa and Acre are popular with tourists in spring.", ()),
    ("Аграрії завершили збирання врожаю ранніх зернових, попри обстріли.", ()),  # shelling in passing
    # 2022-era vocabulary and slang of both sides flags without any other war word.
    ("Цели денацификации и демилитаризации остаются прежними, напомнил спикер.", ("russia-ukraine",)),
    ("Укропы опять жалуются на нехватку снарядов.", ("russia-ukraine",)),
    ("Орки знову пробували зайти в село на світанку.", ("russia-ukraine",)),
    ("Ветераны спецоперации получат новые льготы с января.", ("russia-ukraine",)),
    ("Власти объявили о вхождении в состав России.", ("russia-ukraine",)),
    ("Бійці операції об'єднаних сил відбили штурм.", ("russia-ukraine",)),
    ("Спецоперация ФСБ по задержанию мошенников прошла в Самаре.", ()),
    # An ordinary anchor with a war word the lists used to lack.
    ("Мер заявив, що ми готові обороняти Київ.", ("russia-ukraine",)),
    ("The more terror against Ukraine, the stronger our answer.", ("russia-ukraine",)),
    ("Путин и канцлер обсудили ситуацию вокруг Украины.", ("russia-ukraine",)),
    # Metaphorical fronts, routine conscription and official visits are not the war.
    ("Брифінг про успіхи України на дипломатичному фронті.", ()),
    ("Осенний призыв в ВС РФ: новобранцы станут военнослужащими в октябре.", ()),
    # The attack itself, the truces of 2025 and the presidents' calls, with no war word.
    ("Нападение России на Украину изменило энергетическую карту Европы.", ("russia-ukraine",)),
    ("Пасхальное перемирие закончилось в полночь.", ("russia-ukraine",)),
    ("Путин провел телефонный разговор с Трампом.", ("russia-ukraine",)),
    ("Trump spoke by phone with Putin on Tuesday.", ("russia-ukraine",)),
    ("Трамп поговорил с Путиным об Иране.", ()),  # a veto word in the sentence: another story
    # Institutions that exist because of the war: military administrations, Stavka, alerts, curfew.
    ("Глава областной военной администрации сообщил о повреждении подстанции.", ("russia-ukraine",)),
    ("Президент провів засідання Ставки.", ("russia-ukraine",)),
    ("У Харківській області оголошено повітряну тривогу.", ("russia-ukraine",)),
    ("Комендантська година в Одесі діятиме з 00:00 до 05:00.", ("russia-ukraine",)),
    ("Уряд продовжив воєнний стан ще на 90 днів.", ("russia-ukraine",)),
    ("Президент Південної Кореї оголосив воєнний стан.", ()),
    ("В Брянской области объявлена угроза атаки БПЛА.", ("russia-ukraine",)),
    # War politics next to Ukraine: support, frozen assets, energy, refugees, territory, passports.
    ("Канцлер пообещал, что поддержка Украины не ослабнет.", ("russia-ukraine",)),
    ("ЕС передаст Украине доходы от замороженных активов.", ("russia-ukraine",)),
    ("Удары повредили энергетическую инфраструктуру Украины.", ("russia-ukraine",)),
    ("Беженцы из Украины получат продление статуса.", ("russia-ukraine",)),
    ("Заявление о нарушении территориальной целостности Украины.", ("russia-ukraine",)),
    ("На звільнених територіях Харківщини відновлюють школи.", ("russia-ukraine",)),
    ("В Мелитополе открыли пункт выдачи российских паспортов.", ("russia-ukraine",)),
    # Front-line reports: weapons, positions, commanders, ground taken.
    ("Гаубицы и окопы: командир рассказал о боях под Курском.", ("russia-ukraine",)),
    ("Генштаб сообщил, что войска взяли под контроль село в Харьковской области.", ("russia-ukraine",)),
    ("Кадыров наградил бойцов за мужество.", ("russia-ukraine",)),
    # How each side names the other and the war's legal aftermath.
    ("Держава-терорист знову атакувала енергетику.", ("russia-ukraine",)),
    ("Рада ухвалила рішення про спеціальний трибунал щодо злочину агресії.", ("russia-ukraine",)),
    ("Європа готова надати гарантії безпеки Україні.", ("russia-ukraine",)),
    ("Ополченцы ДНР отбили атаку под Авдеевкой.", ("russia-ukraine",)),
    ("Коалиция желающих обсудит миротворцев.", ("russia-ukraine",)),
    # The later war's weapons, places, embargoes, deals and memoranda next to Ukraine or its capital.
    ("Германия не передаст Киеву Taurus.", ("russia-ukraine",)),
    ("Жители Казачьей Лопани эвакуированы.", ("russia-ukraine",)),
    ("ЕС обсуждает эмбарго на российский газ.", ("russia-ukraine",)),
    ("Зеленский подписал соглашение о недрах с США.", ("russia-ukraine",)),
    ("Песков: Москва ждет от Киева ответа по меморандуму.", ("russia-ukraine",)),
    ("Москва и Минск подписали меморандум о туризме.", ()),  # a memorandum next to Moscow alone
    ("Новый Мираж появился в продаже в Новосибирске.", ()),
    # War-blogger shorthand: slang for the other side, front-line towns of 2022, partisans.
    ("Работа нашей арты по позициям нациков.", ("russia-ukraine",)),
    ("Наши заходят в Северодонецк.", ("russia-ukraine",)),
    ("Партизаны подорвали поезд под Мелитополем.", ("russia-ukraine",)),
    ("Белорусские партизаны вспоминают войну 1943 года.", ()),
    ("Russia and Ukraine swapped 390 prisoners each.", ("russia-ukraine",)),
    # A weak actor (an aircraft type, an official) needs a war word, not just an accident or a weapon.
    ("Су-34 потерпел крушение в Северной Осетии, экипаж погиб.", ()),
    # The ICC is Gaza's court only next to Israel's words; the warrant for Putin stays with Ukraine.
    ("Премьер Италии назвал ордер МУС в отношении Нетаньяху невыполнимым.", ("israel-hamas",)),
    ("Paris says it will not enforce the ICC warrant against Netanyahu.", ("israel-hamas",)),
    ("МУС проверит прокурора, выдавшего ордер на арест Путина.", ("russia-ukraine",)),
    ("The ICC opened a war crimes inquiry after the shelling.", ()),
    # How pro-Palestinian and Axis channels name the army, the dead and their weapons.
    ("IOF stormed Nablus before dawn and detained twelve men.", ("israel-hamas",)),
    ("Fighters hit a Merkava with a Yassin-105 round near the camp.", ("israel-hamas",)),
    ("Bulldozers demolished four homes in Masafer Yatta.", ("israel-hamas",)),
    ("Three martyrs fell in the bombing of Rafah this morning.", ("israel-hamas",)),
    # Official Russian English, guards titles, posthumous heroes, Akhmat's commander, counterattacks.
    ("Units of Battlegroup West improved their positions.", ("russia-ukraine",)),
    ("Volunteers left for the special military operation zone.", ("russia-ukraine",)),
    ("Мотострелковому полку присвоено почетное наименование «гвардейский».", ("russia-ukraine",)),
    ("Сержанту присвоено звание Героя России посмертно.", ("russia-ukraine",)),
    ("Космонавту присвоено звание Героя России.", ()),
    ("Алаудинов рассказал о штурме высоты.", ("russia-ukraine",)),
    ("Алаудинов поздравил земляков с праздником.", ()),
    ("Под Волчанском отбиты две контратаки.", ("russia-ukraine",)),
    # Sanctions on Russia alone are economics; tied to the war by a war word they count.
    ("Япония отменила часть санкций против России на гибридные автомобили.", ()),
    ("Новые санкции против России вводятся из-за войны с Украиной.", ("russia-ukraine",)),
    ("Брифінг радників щодо ситуації в Україні.", ("russia-ukraine",)),
    # Ukraine's front is a "confrontation line" in English too: Lebanon's needs Israel's words with it.
    ("Cities under siege or on the confrontation line will receive food sets.", ()),
    ("Home Front Command: no gatherings in confrontation-line communities.", ("israel-hezbollah",)),
    # The Hague court a sentence away from Netanyahu; not from a humanitarian word.
    (
        "Суд в Гааге решил иначе. Арестовывать премьера Израиля Нетаньяху никто не собирается.",
        ("israel-hamas",),
    ),
    ("Международный уголовный суд выдал новые ордера. Гуманитарные миссии промолчали.", ()),
    # A state of emergency in Kyiv; the Kyiv mayor's briefings.
    ("State of emergency in Kyiv from midnight.", ("russia-ukraine",)),
    ("Надзвичайний стан у Києві з опівночі.", ("russia-ukraine",)),
    ("Briefing by Kyiv Mayor Vitali Klitschko on the night in the capital.", ("russia-ukraine",)),
    # Drills, pacts with third countries and the defence ministry's court cases are not the war.
    ("Корабли флота России провели учения с пусками крылатых ракет в Баренцевом море.", ()),
    (
        "Одобрено соглашение о военном сотрудничестве с Лаосом, его подпишет Минобороны РФ.",
        (),
    ),
    ("Бывшего чиновника Минобороны России приговорили к восьми годам за хищение.", ()),
    ("Минобороны России: за сутки сбиты 40 беспилотников над Брянской областью.", ("russia-ukraine",)),
    # Naming Chechnya no longer vetoes a sentence: the Chechen wars' own words do.
    ("Бойцы полка «Ахмат-Чечня» заняли опорный пункт на Запорожском направлении.", ("russia-ukraine",)),
    ("Из Чечни в Запорожскую область прибыл ещё один батальон добровольцев.", ("russia-ukraine",)),
    ("Ветераны второй чеченской войны встретились в Грозном.", ()),
    ("В 1995 году бои в Грозном шли месяцами.", ()),
    ("Сегодня годовщина гибели Героя России Ахмат-Хаджи Кадырова.", ()),
    # Units, weapons, places and people the written war-blogger, army and French posts named.
    ("Раненые бойцы батальона «Юг-Ахмат» идут на поправку.", ("russia-ukraine",)),
    ("Британцы снова хвастаются «Шторм Шэдоу» по Брянску.", ("russia-ukraine",)),
    ("Troops located a weapons cache with launchers in the area of Mount Dov.", ("israel-hezbollah",)),
    ("Hind Rajab avait six ans.", ("israel-hamas",)),
    ("La coalition des volontaires se réunit à Paris.", ("russia-ukraine",)),
    ("Macron promet des garanties de sécurité pour Kiev.", ("russia-ukraine",)),
    ("Глава региона рассказал о восстановлении освобождённых сёл Курской области.", ("russia-ukraine",)),
    # Indonesia's parliament is the DPR; the Donetsk one is still a theatre.
    ("Ribuan mahasiswa berdemo di depan Gedung DPR menolak revisi undang-undang.", ()),
    ("DPR mengesahkan anggaran pendidikan tahun depan.", ()),
    ("Separatis DPR mengklaim merebut desa baru.", ("russia-ukraine",)),
    # Iran's strikes on Israel and back are neither of Israel's two wars.
    ("Iran fired missiles at Haifa after Israel struck Natanz.", ()),
    # The calls and plans of the 2025 talks, in Russian, Indonesian and French spellings.
    ("Путин и Трамп провели телефонный разговор в среду.", ("russia-ukraine",)),
    ("В Женеве обсуждали план из 28 пунктов.", ("russia-ukraine",)),
    ("Zelensky dan Trump membahas jaminan keamanan bagi Ukraina.", ("russia-ukraine",)),
    ("Zelensky signe une lettre d'intention pour des systèmes SAMP/T.", ("russia-ukraine",)),
    ("Zaporijjia : Rafael Grossi alerte sur la centrale.", ("russia-ukraine",)),
    ("Штурмовики зачищают кварталы Красноармейска.", ("russia-ukraine",)),
    ("Camp de Nour Chams : les familles dorment dans les écoles.", ("israel-hamas",)),
    ("Abou Obeida a pris la parole ce soir.", ("israel-hamas",)),
    # Kadyrov's forces by name; the MMA and football clubs of the same name are not the war.
    (
        "Провёл совещание с командирами «Ахмата», обсудили новые FPV-комплекты и связь.",
        ("russia-ukraine",),
    ),
    ("Раненые из «Ахмат-Запада» идут на поправку после боёв.", ("russia-ukraine",)),
    ("Бойцы клуба «Ахмат» выиграли три боя на турнире в Казани.", ()),
    ("Проспект Ахмата Кадырова перекроют на время ремонта.", ()),
    # Front sectors and salients, towns under the names the other side uses.
    ("Сдвиг на Ореховском участке: отошли от Малой Токмачки.", ("russia-ukraine",)),
    ("Северский выступ: закрепились на окраине Звановки.", ("russia-ukraine",)),
    ("Собираем на тепловизор для расчёта под Часовым Яром.", ("russia-ukraine",)),
    # Air defence over Russian regions, Ukraine's missiles and its officials' words.
    ("Ночью над Воронежем работала ПВО.", ("russia-ukraine",)),
    ("Украинские «Нептуны» прилетели по Новороссийску.", ("russia-ukraine",)),
    ("Новий пакет санкцій ЄС посилює тиск на агресора.", ("russia-ukraine",)),
    ("Наші далекобійні санкції в дії: НПЗ зупинив переробку.", ("russia-ukraine",)),
    ("Le Conseil adopte un paquet de sanctions contre la flotte fantôme.", ("russia-ukraine",)),
    ("Сибіга у Туреччині: підготовка до нового раунду в Стамбулі.", ("russia-ukraine",)),
    # Israel's side: the flotilla, the hostages' remains, Hezbollah's war media; marches are not drones.
    ("Kapal Global Sumud Flotilla dicegat di perairan internasional.", ("israel-hamas",)),
    ("The remains of hostage Sgt. First Class were returned overnight.", ("israel-hamas",)),
    ("الإعلام الحربي: استهداف دبابة ميركافا في موقع المالكية.", ("israel-hezbollah",)),
    ("ذكرى النكبة: مسيرات في رام الله إحياء للذكرى.", ()),
    ("روسيا: سقوط مسيرات أوكرانية على مصفاة.", ("russia-ukraine",)),
    ("Beirut port blast anniversary: families still wait for answers.", ()),
    # Slang and labels of this war's own (mobilised men, the "Bandera regime", the Crimea Platform).
    ("Мобики из одной бригады полгода без отпуска.", ("russia-ukraine",)),
    ("Активы отдадут бандеровскому режиму.", ("russia-ukraine",)),
    ("Кримська платформа збирається вп'яте.", ("russia-ukraine",)),
    ("Кураховское водохранилище обошли с севера.", ("russia-ukraine",)),
    # Units, drone crews and marines next to a place of the war; the grey zone; demining.
    ("Посетил позиции наших подразделений в Запорожской области.", ("russia-ukraine",)),
    ("Среди вернувшихся морпехи, которых взяли на Курщине.", ("russia-ukraine",)),
    ("Под Северском пока серая зона.", ("russia-ukraine",)),
    ("Another 1,500 hectares in Mykolaiv region cleared by demining teams.", ("russia-ukraine",)),
    # Ukraine's aid words: PURL, ERA loans, Ramstein; the fallen defenders.
    ("PURL: ще 500 мільйонів доларів на системи для нашого неба.", ("russia-ukraine",)),
    ("Рамштайн. Нові пакети: ППО, снаряди, дрони.", ("russia-ukraine",)),
    ("Освітні гранти для дітей загиблих захисників.", ("russia-ukraine",)),
    # Israel's side: Ofer prison releases; an Israeli drone on a Lebanese road.
    ("الإفراج عن أسيرات من سجن عوفر ضمن الدفعة الأولى.", ("israel-hamas",)),
    ("مسيرة إسرائيلية تستهدف سيارة على طريق النبطية.", ("israel-hezbollah",)),
    # Not the war: an aerodrome named Novorossiya, clashes in Thailand, a fight night, ISIS.
    ("Самолёт не долетел до аэродрома «Новороссия» в Приморье.", ()),
    ("Таиланд и Камбоджа обменялись артиллерийскими ударами в приграничном районе.", ()),
    ("Воспитанник бойцовского клуба победил соперника в главном бою вечера в Грозном.", ()),
    ("Боевое подразделение ИГИЛ внесено в перечень террористов в России.", ()),
    # A place as a heading, then what happened there.
    ("Запоріжжя. Керована авіабомба влучила в житловий квартал.", ("russia-ukraine",)),
    ("Одеса. Нічна атака дронами на порт, пошкоджене зерносховище.", ("russia-ukraine",)),
    # This war's words from 2023 to 2025: busification, the expired president, drone raids on refineries,
    # contract bonuses, frontline communities, the reparations loan, Defenders Day.
    ("Пополнение у них — бусифицированные из Винницы.", ("russia-ukraine",)),
    ("Просроченный президент снова просит ракеты.", ("russia-ukraine",)),
    ("На НПЗ после налёта беспилотников вспыхнул пожар.", ("russia-ukraine",)),
    ("Выплата при подписании контракта с Минобороны выросла до 2 млн рублей.", ("russia-ukraine",)),
    ("A winter plan for frontline communities: generators and heating points.", ("russia-ukraine",)),
    ("Рада ЄС погодилася працювати над репараційним кредитом.", ("russia-ukraine",)),
    ("З Днем захисників і захисниць!", ("russia-ukraine",)),
    ("Erdogan will host the next round in Istanbul. Prisoner exchanges first.", ("russia-ukraine",)),
    # Namesakes in Russia and a game's "new territories" are not the war.
    ("В уральском Волчанске закрывают угольный разрез.", ()),
    ("В Артёмовске Красноярского края отремонтировали мост.", ()),
    ("В симуляторе муравья армия захватывает новые территории.", ()),
    # Namesakes, anniversaries and ceremonies are not the war.
    ("Хоккеист Александр Сырский продлил контракт на два года.", ()),
    ("Il y a 50 ans, la guerre d'octobre 1973 commençait sur le Golan.", ()),
    ("The Armed Forces of Ukraine Honour Guard Orchestra performs tonight at the Philharmonic.", ()),
    ("Tornado warning for Lebanon and Wilson County until 9:45 pm. Sirens are sounding.", ()),
    ("Iranian missiles hit Haifa's refinery; Tehran says True Promise is over for now.", ()),
    ("DPR sahkan RUU TNI, mahasiswa berdemo hingga malam.", ()),
    ("Україна виконала умови для відкриття кластера переговорів про вступ до ЄС.", ()),
    ("80 лет назад завершилась Донбасская наступательная операция, освободили Сталино.", ()),
    # A commander still counts with war words near him; his army group by its name.
    ("Доповідь Сирського: Покровський та Запорізький напрямки.", ("russia-ukraine",)),
    ("Сырский сменил командующего ОСГВ «Хортица».", ("russia-ukraine",)),
    # 2025's talks and weapons, and how Israeli and Palestinian media name places.
    ("Стамбульский меморандум лежит на столе.", ("russia-ukraine",)),
    ("Наш «Довгий Нептун» також працює.", ("russia-ukraine",)),
    ("Москалькова передала украинской стороне списки гражданских.", ("russia-ukraine",)),
    ("מטוסי חיל האוויר תקפו בח'אן יונס.", ("israel-hamas",)),
    ("27 شهيدا منذ الفجر في خانيونس.", ("israel-hamas",)),
    ("Tens of thousands gathered in Hostages Square tonight.", ("israel-hamas",)),
    # Hard negatives: enthusiasm is not Hamas, a teacher is not the spy chief, a town in the Urals is not
    # the front, Iran's salvoes and the 1982 war are not Hezbollah's, a school shooting is not shelling.
    ("استقبلت الجماهير اللاعبين بحماس كبير في المطار.", ()),
    ("«Вчителем року» стала Марина Буданова з Кропивницького.", ()),
    ("Волчанск (Свердловская обл.) остался без банкомата.", ()),
    ("Иран выпустил новую волну ракет по Хайфе.", ()),
    ("June 6, 1982: the IDF crossed into Lebanon in Operation Peace for Galilee.", ()),
    ("Брянск: восьмиклассница открыла стрельбу из ружья, погибли двое.", ()),
    # ...while the same names in their war sense still count.
    ("Доповідь начальника ГУР Буданова про плани росії.", ("russia-ukraine",)),
    ("Hamas said the talks in Cairo would resume.", ("israel-hamas",)),
    ("זלנסקי: רוסיה תקפה הלילה את קייב ב-600 רחפנים.", ("russia-ukraine",)),
    # The navy's ceremonies at Haifa, Iran's missiles in Indonesian and Lebanon's civil war are not
    # Hezbollah's war; a hospital in Dzerzhinsk near Nizhny Novgorod is not the front.
    ("IDF: a change-of-command ceremony for the Navy took place at the Haifa naval base.", ()),
    ("Iran menembakkan rudal ke Israel; sirene meraung di Haifa.", ()),
    ("Il y a 50 ans, la guerre civile libanaise commençait.", ()),
    ("Второй случай ботулизма: пациент умер в больнице Дзержинска.", ()),
    # Naval drones, Taurus in Russian, a legitimate target, the NSDC, captivity, the yellow line.
    ("Нефтебаза в Феодосии горит после налёта морских дронов.", ("russia-ukraine",)),
    ("Мерц снова грозит «Таурусами».", ("russia-ukraine",)),
    ("МИД РФ: инструкторы в Одессе станут законной целью.", ("russia-ukraine",)),
    ("The NSDC imposed sanctions over the deportation of children.", ("russia-ukraine",)),
    ("Another 206 Ukrainians are home from captivity.", ("russia-ukraine",)),
    ("Troops east of the yellow line eliminated terrorists who crossed it.", ("israel-hamas",)),
    ("The body of the fallen hostage has been returned to Israel.", ("israel-hamas",)),
    # A speech names the side in one sentence and the fighting in others (post_context).
    ("Україна вистоїть у цій боротьбі. Наші воїни знову показали героїзм.", ("russia-ukraine",)),
    # The presidential office, "ros-propaganda", numbered brigades, captivity, enemy losses.
    ("Deputy Head of the Office of the President on aid to occupied towns.", ("russia-ukraine",)),
    ("Ще одна вигадка роспропаганди про наших партнерів.", ("russia-ukraine",)),
    ("Нагородив бійців 92-ї окремої штурмової бригади.", ("russia-ukraine",)),
    ("Ми говорили з матерями тих, хто досі в полоні.", ("russia-ukraine",)),
    ("Total combat losses of the enemy for the day: 1,130 personnel.", ("russia-ukraine",)),
    # Fundraisers, trench candles, e-summons, drone attacks, Ilovaisk, Surovikin, the envoys.
    ("Открыли сбор на тепловизоры для ребят, реквизиты в закрепе.", ("russia-ukraine",)),
    ("Школьники Твери отлили сотню окопных свечей.", ("russia-ukraine",)),
    ("Электронные повестки начнут приходить с осени.", ("russia-ukraine",)),
    ("Атака беспилотников на Сызрань, пострадавших нет.", ("russia-ukraine",)),
    ("Ещё помним котёл под Иловайском.", ("russia-ukraine",)),
    ("Суровикина снова видели на публике.", ("russia-ukraine",)),
    ("Ушаков: Уиткофф привёз в Москву новые предложения.", ("russia-ukraine",)),
    ("Міжнародний комітет Червоного Хреста досі не має доступу до Оленівки.", ("russia-ukraine",)),
    ("מפוני הצפון יקבלו מענק, הודיע משרד הביטחון.", ("israel-hezbollah",)),
    # Namesakes, football, history, quakes, a band and crime stories are not the wars.
    ("У Покровську (Якутія) морози до мінус п'ятдесяти.", ()),
    ("A late strike sent Dynamo Kyiv into the last eight.", ()),
    ("Lebanon, Ohio: the county fair was cancelled after a storm; two were injured.", ()),
    ("רעידת אדמה הורגשה בגליל, המוקד בדרום לבנון.", ()),
    ("ירי באשקלון: ארגון פשיעה מאחורי הרצח.", ()),
    ("В Самаре сыграли концерт «Сектора Газа».", ()),
    ("Художник родился в Мариуполе в 1842 году.", ()),
    ("Пятая годовщина взрыва в порту Бейрута: виновных так и не нашли.", ()),
    # Swaps through the UAE, air defence at work, group strikes, refineries, trials for "discrediting".
    ("Обмен прошёл при посредничестве ОАЭ, сообщили в ведомстве.", ("russia-ukraine",)),
    ("Ночью снова сработала ПВО, жителей просят не снимать.", ("russia-ukraine",)),
    ("За сутки нанесено три групповых удара по складам.", ("russia-ukraine",)),
    ("Блогера оштрафовали за дискредитацию армии.", ("russia-ukraine",)),
    ("Светлая память, погиб на Угледарском.", ("russia-ukraine",)),
    # Ukraine's drone fundraiser, deported children, the president's words for occupied land.
    ("Донати на Армію дронів ідуть щодня.", ("russia-ukraine",)),
    ("Ще п'ятеро депортованих дітей удома.", ("russia-ukraine",)),
    ("Mobile fire groups worked all night in the Kyiv region.", ("russia-ukraine",)),
    # Gaza's hospitals and its ministry, Beirut's suburbs, the support front, the families' headquarters.
    ("Queues again at the Nasser Medical Complex this morning.", ("israel-hamas",)),
    ("Evacuation warning issued for Haret Hreik.", ("israel-hezbollah",)),
    ("جبهة الإسناد مستمرة", ("israel-hezbollah",)),
    ("מטה המשפחות יקיים הפגנה הערב", ("israel-hamas",)),
    # Georgia's August war, a tremor in the Galilee, floods in Sderot, Odessa in Texas, a football club.
    ("Russian troops entered Tskhinvali in August 2008.", ()),
    ("A tremor of magnitude 3.8 was felt in Metula.", ()),
    ("הצפות בשדרות: כוחות כיבוי חילצו תושבים", ()),
    ("Odessa, Texas: a storm injured three people.", ()),
    ("עירוני קריית שמונה ניצחה במשחק החוץ", ()),
    # Summonses, the contact line, POWs home, an assault company, the Freedom of Russia Legion.
    ("Реестр повесток заработает с осени.", ("russia-ukraine",)),
    ("Москва не согласится на заморозку по линии соприкосновения.", ("russia-ukraine",)),
    ("Из плена вернулись ещё 84 человека.", ("russia-ukraine",)),
    ("Командир штурмовой роты получил орден.", ("russia-ukraine",)),
    ("Суд дал 15 лет за донат «Легиону Свобода России».", ("russia-ukraine",)),
    ("Выплаты получили семьи из Кореневского района.", ("russia-ukraine",)),
    ("Putin's arrest warrant still stands.", ("russia-ukraine",)),
    # Gaza's hospitals and neighbourhoods by name, the envelope in Hebrew, the northern border.
    ("Patients were moved out of the al-Awda hospital at dawn.", ("israel-hamas",)),
    ("Rescuers dug all night in Sheikh Radwan.", ("israel-hamas",)),
    ("אזעקות בעוטף, שני שיגורים יורטו", ("israel-hamas",)),
    ("הפסקת האש בגבול הצפון נכנסה לתוקף", ("israel-hezbollah",)),
    # Iran's salvoes on Haifa and Beersheba, a 2002 anniversary, Lebanon's civil war.
    ("Sirens sounded in Haifa and Beersheba after the launches.", ()),
    ("Иран ответил ракетами, сирены звучали в Хайфе.", ()),
    ("לפני 22 שנה, במבצע חומת מגן, נכנסו כוחות לג'נין.", ()),
    ("ذكرى الحرب الاهلية اللبنانية عام 1975", ()),
    # Insults for Kyiv's president, children taken, attacks on named plants, swaps, donations.
    ("Киевский клоун опять в турне по столицам.", ("russia-ukraine",)),
    ("Ордер выдан по делу о вывозе детей.", ("russia-ukraine",)),
    ("Губернатор сообщил об атаке на нефтебазу в районе.", ("russia-ukraine",)),
    ("Республика передала на обмен ещё 12 человек.", ("russia-ukraine",)),
    ("Открыт сбор для наших бойцов, реквизиты ниже.", ("russia-ukraine",)),
    ("Комика внесли в реестр за перевод в «Вернись живым».", ("russia-ukraine",)),
    ("Ушаков: контакты по украинской тематике продолжатся.", ("russia-ukraine",)),
    ("Сьогодні вшановуємо День пам'яті захисників.", ("russia-ukraine",)),
    ("We are ready for a 30-day interim ceasefire.", ("russia-ukraine",)),
    # Radwan in Hebrew, a freed captive, the movement's delegation, a hostage's coffin.
    ("חוסל מפקד ברדואן", ("israel-hezbollah",)),
    ("وفد الحركة يصل الى القاهرة", ("israel-hamas",)),
    ("The coffin of a deceased hostage was returned tonight.", ("israel-hamas",)),
    # Floods in a Pokrovsky district, Kruty in 1918, a road accident near Kiryat Shmona, Iran's salvoes.
    ("В Покровском районе из-за паводка эвакуируют жителей.", ()),
    ("29 січня 1918 року під Крутами студенти стали на шляху наступу на Київ.", ()),
    ("תאונת דרכים קטלנית סמוך לקריית שמונה", ()),
    ("ايران تطلق صواريخ باتجاه تل ابيب وحيفا", ()),
    # A refinery after a drone attack, desertion, the anniversary of annexation, "the front edge".
    ("Завод остановлен после ночной атаки беспилотников.", ("russia-ukraine",)),
    ("Ему дали пять лет за самовольное оставление части.", ("russia-ukraine",)),
    ("С годовщиной воссоединения, земляки!", ("russia-ukraine",)),
    ("Отправили на передок ещё двадцать человек.", ("russia-ukraine",)),
    ("Через «єВідновлення» виплачено ще 300 компенсацій.", ("russia-ukraine",)),
    ("Сьогодні День захисників і захисниць.", ("russia-ukraine",)),  # the nominative of Defenders Day
    ("Estimated losses of the enemy for the day: 980 personnel.", ("russia-ukraine",)),
    ("The flag over Snake Island still stands.", ("russia-ukraine",)),
    # Tal al-Sultan, Abu Obeida in Hebrew, the deal's second phase, the Lebanese border in Russian.
    ("Strikes again on Tal al-Sultan this morning.", ("israel-hamas",)),
    ('צה"ל: אבו עוביידה חוסל', ("israel-hamas",)),
    ("المرحلة الثانية من الاتفاق على الطاولة", ("israel-hamas",)),
    ("Обстановка на ливано-израильской границе снова накалилась.", ("israel-hezbollah",)),
    # A namesake town near Moscow, a snake's tongue, Donbas liberated in 1943, storms, Gaza Street.
    ("Красноармейск Московской области: прорыв теплотрассы, 30 домов без отопления.", ()),
    ("Питон — язык со змеиным именем, и атака на него бессмысленна.", ()),
    ("8 сентября — День освобождения Донбасса от гитлеровцев.", ()),
    ("Ужгород без світла: буревій обірвав лінії, бригади обленерго працюють.", ()),
    ("רחוב עזה בירושלים ייסגר בשל עבודות הקו הכחול", ()),
    # Supplies for the troops, fibre-optic drones, the south's airports, a sign-up bonus, slang, Neptune.
    ("Передали очередную партию: генераторы и аптечки.", ("russia-ukraine",)),
    ("Работаем FPV на оптоволокне.", ("russia-ukraine",)),
    ("Аэропорты юга России закрыты ещё на неделю.", ("russia-ukraine",)),
    ("Единовременная выплата при подписании контракта выросла вдвое.", ("russia-ukraine",)),
    ("Зеля опять просит денег.", ("russia-ukraine",)),
    ("Очередной «Нептун» по нефтебазе.", ("russia-ukraine",)),
    ("Ушаков: договорённости Анкориджа остаются в силе.", ("russia-ukraine",)),
    ("Our people are home after the exchange.", ("russia-ukraine",)),
    ("The ICC warrant for Putin stands.", ("russia-ukraine",)),
    ("Відвідав підземну школу в Запоріжжі.", ("russia-ukraine",)),
    # Gaza's roads and crossings, a prisoners' deal by name, a drone in Hebrew and Arabic.
    ("The IDF announced a tactical pause along Salah al-Din Road.", ("israel-hamas",)),
    ("الدفعة السابعة من صفقة طوفان الأحرار", ("israel-hamas",)),
    ("חדירת כלי טיס עוין בגליל המערבי", ("israel-hezbollah",)),
    # A football club, an MMA club, Eurovision.
    ("הפועל קריית שמונה ניצחה 2:0", ()),
    ("Бойцы клуба «Ахмат» показали отличный уровень.", ()),
    ("Українська делегація на Євробаченні виступить у півфіналі.", ()),
    # "False information" about the army, drops from drones, trophy tanks, a night strike, governors.
    ("Журналиста осудили за «заведомо ложной информации» об использовании армии.", ("russia-ukraine",)),
    ("С дрона сброшено взрывное устройство с беспилотника на автомобиль.", ("russia-ukraine",)),
    ("Трофейный «Абрамс» привезли на выставку.", ("russia-ukraine",)),
    ("Вокзал после ночного прилета.", ("russia-ukraine",)),
    ("Беспилотник атаковал общежитие, пострадали двое.", ("russia-ukraine",)),
    ("Голубев: в ходе отражения атаки повреждена кровля склада.", ("russia-ukraine",)),
    ("Brave1 certified 200 new systems this quarter.", ("russia-ukraine",)),
    ("Вручив Золотий хрест бійцям окремої штурмової.", ("russia-ukraine",)),
    # The families forum, Branit, the next phase of the deal, #CeasefireNow.
    ("פורום המשפחות: עצרת הערב בכיכר", ("israel-hamas",)),
    ("استهداف ثكنة برانيت", ("israel-hezbollah",)),
    ("March on Saturday. #CeasefireNow", ("israel-hamas",)),
    # Namesakes in Saratov oblast, the Battle of Kursk, Wagner in Mali, Gaza Street, a swimming title.
    ("Красноармейск Саратовской области: перевернулся автобус, пострадали 7 человек.", ()),
    ("80 years since the Battle of Kursk: wreaths at Prokhorovka for the fallen.", ()),
    ("Wagner convoy ambushed in northern Mali; dozens of fighters killed.", ()),
    ("Gaza Street in Jerusalem will be closed for light rail works.", ()),
    ("אליפות ישראל בשחייה: נבחרת קריית שמונה במקום הראשון", ()),
    # Falling debris, the Sparta battalion, surrender hotlines, a night attack, the Bandera junta.
    ("Пожар возник из-за падения обломков.", ("russia-ukraine",)),
    ("Комбат «Спарта» награждён посмертно.", ("russia-ukraine",)),
    ("Ещё один добровольно сдавшийся позвонил на горячую линию.", ("russia-ukraine",)),
    ("Завод горит после ночной атаки.", ("russia-ukraine",)),
    ("Бандеровская хунта снова празднует.", ("russia-ukraine",)),
    ("1000 днів від початку повномасштабного.", ("russia-ukraine",)),
    ("The Okhmatdyt children's hospital was hit.", ("russia-ukraine",)),
    ("Operational Command South reports calm on the islands.", ("russia-ukraine",)),
    # Ofer in Indonesian, October 7 in Arabic, a slogan.
    ("90 tahanan dibebaskan dari penjara Ofer malam ini.", ("israel-hamas",)),
    ("حصيلة العدوان منذ السابع من أكتوبر", ("israel-hamas",)),
    ("From the river to the sea, we march again.", ("israel-hamas",)),
    # A soldier from Haifa fell in Gaza, not the north; Kremennaya in Tomsk oblast; Kursk 1943; typhoons.
    (
        "Sgt. Yonatan Levi, 31, from Haifa, fell during combat in the northern Gaza Strip.",
        ("israel-hamas",),
    ),
    ("Жители Кременной в Томской области жалуются на дорогу.", ()),
    ("Курская битва: началась Орловско-Курская операция. Вечная память героям!", ()),
    ("Мобилизация сил МЧС: после тайфуна развернули пункты размещения.", ()),
    # Nicknames, the veterans' fund, the Ramstein format, captives, Debaltseve, FPV crews, MH17.
    ("Клоун из Банковой снова на саммите.", ("russia-ukraine",)),
    ("Фонд «Защитники Отечества» открыл новый филиал.", ("russia-ukraine",)),
    ("Рамштайн. Чергове засідання.", ("russia-ukraine",)),
    ("Мы встретились с матерями тех, кто находятся в плену.", ("russia-ukraine",)),
    ("Он выходил из Дебальцевского котла.", ("russia-ukraine",)),
    ("Наши FPV-расчеты поразили две цели.", ("russia-ukraine",)),
    ("Eleven years since the downing of MH17.", ("russia-ukraine",)),
    ("Графіки відключень діятимуть і завтра.", ("russia-ukraine",)),
    # Gaza's Baptist hospital, the pager blasts in Arabic.
    ("They struck the Baptist hospital again.", ("israel-hamas",)),
    ("ارتفاع عدد ضحايا تفجيرات أجهزة البيجر", ("israel-hezbollah",)),
    # Soviet troops in 1943, a Jakarta neighbourhood named Gaza, olive oil in Jenin.
    ("Ровно 80 лет назад советские войска освободили Харьков.", ()),
    ("Kampung Gaza di Tambora terendam banjir; warga mengungsi.", ()),
    ("جنين: مهرجان زيت الزيتون السنوي", ()),
    # Chasiv Yar's nominative, a slogan, the zero line, the Azov verdict, Kinburn, 1000 for 1000.
    ("Часовой Яр: флаг над огнеупорным заводом.", ("russia-ukraine",)),
    ("Одесса — русский город, и точка.", ("russia-ukraine",)),
    ("Мобресурс региона почти исчерпан.", ("russia-ukraine",)),
    ("Пацаны третью неделю на «нуле» без смены.", ("russia-ukraine",)),
    ("Суд признал «Азов» террористической организацией.", ("russia-ukraine",)),
    ("Кинбурнская коса снова под огнём.", ("russia-ukraine",)),
    ("Обмен 1000 на 1000 завершён.", ("russia-ukraine",)),
    ("Після масованого удару світла немає.", ("russia-ukraine",)),
    ("Units of the Defense Forces of the South report a quiet night.", ("russia-ukraine",)),
    # Nukhba fighters, the pagers in Hebrew.
    ("עשרות מחבלי נוחבה נעצרו.", ("israel-hamas",)),
    ("הביפרים התפוצצו בו זמנית.", ("israel-hezbollah",)),
    # The central bank's reserves, Sudan's corridors, a Javanese village, a road crash in Belgorod.
    ("Мобилизация резервов ЦБ не понадобится.", ()),
    ("Суданські біженці: ООН просить гуманітарний коридор в Ель-Фашер.", ()),
    ("Desa Gaza di Jawa Tengah dilanda banjir.", ()),
    ("В Белгороде столкнулись фура и автобус, пострадали трое.", ()),
    # Kadyrov's "shaitan from Kyiv", Mavic fundraisers, exchanges, relay-cabinet arson, Geran drones.
    ("Шайтан из Киева опять просит денег.", ("russia-ukraine",)),
    ("Собираем на мавики для расчётов, реквизиты в закрепе.", ("russia-ukraine",)),
    ("Ребята вернулись домой по обмену.", ("russia-ukraine",)),
    ("Задержан подросток, поджёгший релейный шкаф.", ("russia-ukraine",)),
    ("Цех выпускает «Гераньки» круглосуточно.", ("russia-ukraine",)),
    ("Вражеский беспилотник упал у склада.", ("russia-ukraine",)),
    ("Вночі знову били по енергетиці.", ("russia-ukraine",)),
    ("Attention: a high-speed target is heading west.", ("russia-ukraine",)),
    ("Japan pledged aid backed by frozen Russian assets.", ("russia-ukraine",)),
    ("عاجل | انطلاق المحادثات الأمريكية الأوكرانية في جدة", ("russia-ukraine",)),
    # October 7 condemned, Eshkol council, the Palestinian prisoners' commission, Shlomi's return.
    ("We condemn the terrorist attack against Israel.", ("israel-hamas",)),
    ("נפילה בשטח פתוח במועצה האזורית אשכול.", ("israel-hamas",)),
    ("هيئة شؤون الأسرى: الإفراج عن دفعة جديدة", ("israel-hamas",)),
    ("תושבי שלומי חוזרים הביתה.", ("israel-hezbollah",)),
    # "Zionist" strikes in south Lebanon are not Gaza's war.
    ("Sud-Liban : frappes sionistes sur Khiam malgré le cessez-le-feu.", ("israel-hezbollah",)),
    # Kyiv liberated in 1943, a Gaza in New Hampshire, Iraq's Kataib Hezbollah.
    ("Сегодня 80 лет освобождению Киева от немецко-фашистских захватчиков.", ()),
    ("80 years ago today, Soviet troops entered Kyiv.", ()),
    ("Gaza, New Hampshire: the town repaves Route 3A.", ()),
    ("كتائب حزب الله العراقية تعلن تعليق عملياتها", ()),
    # Azov's inflected forms, nicknames, Madyar's drone men, digital summons, body exchanges, refineries.
    ("Суд вынес приговоры бойцам «Азова».", ("russia-ukraine",)),
    ("Просроченный клоун снова просит танки.", ("russia-ukraine",)),
    ("Птенцы Мадьяра охотятся за нашей логистикой.", ("russia-ukraine",)),
    ("Бандеровская шваль зашла в Курскую область.", ("russia-ukraine",)),
    ("Сили спеціальних операцій уразили нафтобазу.", ("russia-ukraine",)),
    ("Відвідав пункт незламності на площі.", ("russia-ukraine",)),
    ("Госдума ввела цифровые повестки.", ("russia-ukraine",)),
    ("Состоялся обмен телами погибших.", ("russia-ukraine",)),
    ("Цены на бензин выросли после ударов по НПЗ.", ("russia-ukraine",)),
    ("Часть дронов подавлена РЭБ.", ("russia-ukraine",)),
    ("Позиція України незмінна: спершу — повне припинення вогню.", ("russia-ukraine",)),
    ("Ухвалено двадцятий пакет санкцій.", ("russia-ukraine",)),
    # An obituary from the Strip, a march, truce talks in Arabic, Hezbollah's martyrs, the northern truce.
    ("Sgt. Levi, 24, fell during operational activity in the northern Strip.", ("israel-hamas",)),
    ("March on Saturday: stop arming genocide.", ("israel-hamas",)),
    ("دعوة إلى استئناف مفاوضات التهدئة", ("israel-hamas",)),
    ("The resistance mourns a commander martyred on the road to Jerusalem.", ("israel-hezbollah",)),
    ("הקבינט אישר את הפסקת האש בגזרה הצפונית.", ("israel-hezbollah",)),
    # The Kursk submarine, 1943 anniversaries, an earthquake in Turkey, Lebanon's new president.
    ("Годовщина гибели подводной лодки «Курск»: погибли 118 моряков.", ()),
    ("Ровно 81 год назад освобождён Харьков.", ()),
    ("Співчуття народу Туреччини у зв'язку з жертвами землетрусу, МЗС України.", ()),
    ("83 years ago, troops of the 1st Ukrainian Front entered the city.", ()),
    ("Lebanon's parliament elects Joseph Aoun as president.", ()),
    # Kursk's invasion, repatriation, the front, nicknames, Euroclear, corps, spotters, Kherson's bank.
    ("Ему вменяют нападение на Курскую область.", ("russia-ukraine",)),
    ("Завершён этап репатриации тел.", ("russia-ukraine",)),
    ("Встретил ребят, вернувшихся с передовой.", ("russia-ukraine",)),
    ("Бандеровский клоун опять просит ракет.", ("russia-ukraine",)),
    ("Это капитуляция неонацистского режима.", ("russia-ukraine",)),
    ("Конфискация активов в Евроклире — воровство.", ("russia-ukraine",)),
    ("Бойцы 1-го армейского корпуса ждут ротации.", ("russia-ukraine",)),
    ("Задержан мужчина, корректировавший огонь по ТЭЦ.", ("russia-ukraine",)),
    ("Пацанам с Херсонского берега нужны генераторы.", ("russia-ukraine",)),
    # Children's return, military records, energy strikes, the Serebryanka forest, Air Commands, Pokrovsk.
    ("Подякував за повернення наших дітей.", ("russia-ukraine",)),
    ("Оновіть військово-облікові дані онлайн.", ("russia-ukraine",)),
    ("Every attack on our energy is a test.", ("russia-ukraine",)),
    ("Assault units advanced in the Serebryanka forest.", ("russia-ukraine",)),
    ("Glory to the gunners of the Eastern Air Command!", ("russia-ukraine",)),
    ("بوتين: قواتنا تتقدم في اتجاه بوكروفسك", ("russia-ukraine",)),
    # Kerem Shalom by its Arabic name, a French slogan, the 401st Brigade, al-Arouri.
    ("Trucks through Karem Abu Salem today: 0.", ("israel-hamas",)),
    ("Grande manif samedi : stop au génocide !", ("israel-hamas",)),
    ("כוחות חטיבה 401 פועלים בשכונה.", ("israel-hamas",)),
    ("اغتيال صالح العاروري", ("israel-hamas",)),
    # Karabakh's peacekeepers, the Galician army of 1919, football in Kharkiv and Gaza, a Haifa base.
    ("Российские миротворцы сообщили о гибели военнослужащих.", ()),
    ("105 років тому Українська Галицька армія перейшла Збруч.", ()),
    ("«Металіст 1925» обіграв суперника — перша перемога харків'ян.", ()),
    ("At the Haifa base the IDF chief thanked the outgoing navy commander.", ()),
    ("خدمات رفح يتوج بكأس غزة بعد فوزه على شباب خان يونس", ()),
    # The e-summons register, border villages, nicknames, the ombudsmen, Mavic 3T, Chasiv Yar's dative.
    ("Заработал единый реестр воинского учёта.", ("russia-ukraine",)),
    ("Гуляния отменили с учётом оперативной обстановки.", ("russia-ukraine",)),
    ("Дети из приграничных сёл учатся дистанционно.", ("russia-ukraine",)),
    ("Бандеровская клика снова просит ракет.", ("russia-ukraine",)),
    ("Нелегитимный Зе боится выборов.", ("russia-ukraine",)),
    ("Омбудсмен передала украинскому омбудсмену списки.", ("russia-ukraine",)),
    ("Карта 404 в трёх частях.", ("russia-ukraine",)),
    ("Парни получили два Мавика 3Т.", ("russia-ukraine",)),
    ("Мобилизованных вернули с передка.", ("russia-ukraine",)),
    ("По Часову Яру наши уже за каналом.", ("russia-ukraine",)),
    # The Register of Damage, outage schedules, a 30-day pause, UAVs, the talks in Arabic and Hebrew.
    ("До реєстру збитків подано 30 тисяч заяв.", ("russia-ukraine",)),
    ("У Києві діють графіки погодинних відключень.", ("russia-ukraine",)),
    ("The delegations agreed on a 30-day pause in the skies.", ("russia-ukraine",)),
    ("A group of UAVs over Sumy region.", ("russia-ukraine",)),
    ("جولة جديدة من المحادثات المباشرة بين موسكو وكييف", ("russia-ukraine",)),
    ("פוטין: המטרות של המבצע הצבאי המיוחד יושגו.", ("russia-ukraine",)),
    # Abu Marzouk in Moscow, Nasrallah's forty days.
    ("В Москву прибыл Муса Абу Марзук.", ("israel-hamas",)),
    ("Forty days since the martyrdom of Sayyed Hassan.", ("israel-hezbollah",)),
    # Football in Grozny and Ukraine, a gas blast in Lviv, geraniums, Iran's salvoes over Haifa.
    ("Поздравляю «Ахмат» с победой над «Спартаком»! Ребята сражались как львы.", ()),
    ("Вибух газу у Львові: під завалами двоє людей.", ()),
    ("Збірна України здобула перемогу над Ісландією.", ()),
    ("Выставка пеларгоний: 300 сортов «герани».", ()),
    ("Interceptions over Haifa as a salvo is launched from Iran.", ()),
    # Summonses, Crimea, men of draft age, the SSO, aid packages, the missing, mourning, Kherson's isles.
    ("Военком: повестки приходят через Госуслуги.", ("russia-ukraine",)),
    ("Крым — это Россия, и точка.", ("russia-ukraine",)),
    ("Задержаны перевозчики мужчин призывного возраста.", ("russia-ukraine",)),
    ("Вітаю з Днем Сил спеціальних операцій!", ("russia-ukraine",)),
    ("Подякував за 24-й пакет оборонної допомоги.", ("russia-ukraine",)),
    ("Виплати сім'ям безвісти зниклих захисників.", ("russia-ukraine",)),
    ("Затримали організатора переправлення чоловіків призовного віку.", ("russia-ukraine",)),
    ("Увага! Швидкісна ціль на південь.", ("russia-ukraine",)),
    ("Оголошено жалобу у Кривому Розі.", ("russia-ukraine",)),
    ("Евакуйовано мешканців острівної частини Херсона.", ("russia-ukraine",)),
    # Children home, Grain from Ukraine, an evacuation in Indonesian, the nuclear plant in French.
    ("Today 1,000 children are home. #BringKidsBack", ("russia-ukraine",)),
    ("The Grain from Ukraine initiative reached Africa.", ("russia-ukraine",)),
    ("KBRI Kyiv evakuasi 20 WNI.", ("russia-ukraine",)),
    ("La centrale de Zaporijjia privée d'alimentation externe.", ("russia-ukraine",)),
    # Rafah's hashtag, the siege in Arabic, the Flood in Indonesian, October 7 in Ukrainian.
    ("#AllEyesOnRafah trending nomor satu.", ("israel-hamas",)),
    ("وقفة تنديداً بحصار القطاع", ("israel-hamas",)),
    ("Sudah 450 hari sejak Thufanul Aqsa.", ("israel-hamas",)),
    ("Розмова з Нетаньягу: засудив теракт 7 жовтня.", ("israel-hamas",)),
    # A French bank siege (a second 'otages' was the first one's company), a soldier from Karmiel.
    ("Prise d'otages dans une agence bancaire : les otages libérés.", ()),
    ("Sgt. Avraham, from Karmiel, a soldier in the 8th Brigade, fell in combat.", ()),
    # The 'adjacent territory', Time of Heroes, contracts, assets, the mobilised, Engels, Belbek.
    ("Из сопредельной территории обстреляно село.", ("russia-ukraine",)),
    ("Выпускники «Времени героев» получили назначения.", ("russia-ukraine",)),
    ("Подписавшим контракт выплатят по 1,2 млн рублей.", ("russia-ukraine",)),
    ("Конфискация наших активов — воровство.", ("russia-ukraine",)),
    ("Собираем посылки для мобилизованных из Саратова.", ("russia-ukraine",)),
    ("Двухсотые с их стороны — 47 за ночь.", ("russia-ukraine",)),
    ("Дроны по Энгельсу опять.", ("russia-ukraine",)),
    ("Мир — когда флаг над Одессой.", ("russia-ukraine",)),
    ("Лубінець: повернуто тіла полеглих.", ("russia-ukraine",)),
    ("Border guards repelled a DRG attempt near the village.", ("russia-ukraine",)),
    ("SOF operators struck an S-300 battery at Belbek airfield.", ("russia-ukraine",)),
    # The Ukrainian locative of -ka and -kha towns; Ukrainian towns and war words as French writes them.
    ("Бої в Авдіївці тривають.", ("russia-ukraine",)),
    ("Сьогодні у Волновасі знову тиша.", ("russia-ukraine",)),
    ("Marioupol assiégée.", ("russia-ukraine",)),
    ("Kharkiv frappée cette nuit.", ("russia-ukraine",)),
    # Abductees, the Yahalom unit, Beirut's southern suburb, a Hamas delegation in Moscow.
    ("The body of the abductee was returned to Israel.", ("israel-hamas",)),
    ("Yahalom engineers destroyed a tunnel.", ("israel-hamas",)),
    ("La banlieue sud de Beyrouth visée.", ("israel-hezbollah",)),
    (
        "Делегация палестинского движения во главе с Мусой Абу Марзуком прибыла в Москву.",
        ("israel-hamas",),
    ),
    # Emergency crews, a gas blast, a hockey club, a football crowd's enthusiasm, the Battle of Kursk.
    ("Мобилизация сил: к тушению пожаров привлекли авиацию.", ()),
    ("Взрыв газа в жилом доме в Белгороде.", ()),
    ("ХК «Донбасс» выиграл кубок.", ()),
    ("حماس الجماهير يشعل مدرجات الملعب", ()),
    ("Il y a 80 ans, la bataille de Koursk : des combats acharnés.", ()),
    # English in Russian transliteration, as TASS and RT write the towns.
    ("Heavy shelling near Artemovsk.", ("russia-ukraine",)),
    ("Drone strikes on Gorlovka overnight.", ("russia-ukraine",)),
    ("Fighting continues near Krasnogorovka.", ("russia-ukraine",)),
    ("Troops advanced west of Rabotino.", ("russia-ukraine",)),
    ("Shelling of Aleshki and Krynki.", ("russia-ukraine",)),
    ("Drones hit an oil depot in Tuapse.", ("russia-ukraine",)),
    ("Missile strike on Krivoy Rog.", ("russia-ukraine",)),
    # Indonesian, Hebrew and Arabic spellings that matched nothing.
    ("Haniyah tewas dalam serangan.", ("israel-hamas",)),
    ("Serangan dan korban di Rumah Sakit Indonesia.", ("israel-hamas",)),
    ("הפצצות וקרבות בבית לאהיה", ("israel-hamas",)),
    ("Hizbulah meluncurkan roket.", ("israel-hezbollah",)),
    ("יירוטים ואזעקות בחורפיש", ("israel-hezbollah",)),
    # A new weak name (Volgograd) keeps out of the Second World War.
    ("Veterans lay wreaths in Volgograd for the Battle of Stalingrad.", ()),
    # Kyiv-held territory, sabotage groups, the referendums, Tekstilshchik, demobilisation, AWOL, UGVs.
    ("Списки жителей, находящихся на подконтрольной Киеву территории.", ("russia-ukraine",)),
    ("На границе ликвидирована диверсионная группа.", ("russia-ukraine",)),
    ("Ордер гаагской шарашки — клочок бумаги.", ("russia-ukraine",)),
    ("Три года назад жители четырёх регионов сделали свой выбор.", ("russia-ukraine",)),
    ("Удар по рынку в Текстильщике.", ("russia-ukraine",)),
    ("Пацаны на «ноле» без ротации.", ("russia-ukraine",)),
    ("Мобилизованных до сих пор не демобилизуют.", ("russia-ukraine",)),
    ("Бандеровский наркофюрер опять клянчит ракеты.", ("russia-ukraine",)),
    ("Из бригады бегут: СОЧ уже за тысячу.", ("russia-ukraine",)),
    ("Кодифіковано наземні роботизовані комплекси.", ("russia-ukraine",)),
    ("Обмінний фонд поповнено.", ("russia-ukraine",)),
    ("Units moved to more favorable positions west of the town.", ("russia-ukraine",)),
    # A Ukrainian euphemism for retreat, the nuclear plant's acronym, Alaska in Arabic.
    ("Energoatom: ZNPP lost off-site power again.", ("russia-ukraine",)),
    ("عاجل | ترامب بعد لقائه بوتين في ألاسكا", ("russia-ukraine",)),
    # ICC warrants, Abu Obeida's nickname, Daraj Tuffah, the Nova party; the north's truce, Wadi Saluki.
    ("Arrest warrants for Netanyahu and Gallant.", ("israel-hamas",)),
    ("The Masked One has spoken again.", ("israel-hamas",)),
    ("Command center struck in Daraj Tuffah.", ("israel-hamas",)),
    ("שנחטף מהמסיבה ברעים", ("israel-hamas",)),
    ("ההפסקה בצפון נכנסה לתוקף.", ("israel-hezbollah",)),
    ("Rockets and launchers located in the Wadi Saluki area.", ("israel-hezbollah",)),
    # A tribute to the band Sektor Gaza, Congo's war, Kyiv's liberation in 1943.
    ("Трибьют «Сектора Газа» в Воронеже.", ()),
    ("Goma: M23 and Rwandan troops agree to a ceasefire and a prisoner exchange.", ()),
    ("81-ша річниця визволення Києва від нацистських окупантів.", ()),
    # The clown from Kyiv, the Istanbul talks, Pyatnashka's commander, Mavics, contracts, 'birds'.
    ("Обращаюсь к клоуну из Киева.", ("russia-ukraine",)),
    ("Стамбульские переговоры нужны для мира на наших условиях.", ("russia-ukraine",)),
    ("Поздравляем Ахру Авидзбу с назначением.", ("russia-ukraine",)),
    ("Ответ на кражу наших активов простой.", ("russia-ukraine",)),
    ("Сбор на два «Мавика» закрыли за сутки.", ("russia-ukraine",)),
    ("Выплата при заключении контракта выросла.", ("russia-ukraine",)),
    ("Дорога под птичками, эвакуации нет.", ("russia-ukraine",)),
    ("Отправили очередной гумконвой.", ("russia-ukraine",)),
    ("Передавал кураторам из ГУР координаты аэродрома.", ("russia-ukraine",)),
    ("Обстановка: сбит вражеский Ми-8.", ("russia-ukraine",)),
    # Guided bombs in Ukrainian, Kherson's return, Crimea, combined strikes, 1000 days, 1000 for 1000.
    ("Харків. Знову КАБи по житлових кварталах.", ("russia-ukraine",)),
    ("Рік, відколи ми повернули Херсон.", ("russia-ukraine",)),
    ("Ukraine will never recognize Crimea as Russian.", ("russia-ukraine",)),
    ("Killed while repelling a massive combined strike.", ("russia-ukraine",)),
    ("1000 days of resistance.", ("russia-ukraine",)),
    ("الكرملين: الاتفاق على تبادل 1000 أسير مقابل 1000", ("russia-ukraine",)),
    # Sde Teiman, the Shati battalion, the abducted; the ground manoeuvre in the north; Gaza, Iowa.
    ("Libéré, il témoigne des sévices à Sde Teiman.", ("israel-hamas",)),
    ('דובר צה"ל: חוסל מפקד גדוד שאטי.', ("israel-hamas",)),
    ("The family of the abducted was informed.", ("israel-hamas",)),
    ("צו 8 לקראת תמרון קרקעי בצפון.", ("israel-hezbollah",)),
    ("Gaza, Iowa: small town holds its annual corn festival.", ()),
    # Men back from captivity, 'loud sounds', 'Kyiv in three days', the Antonivskyi bridge, 1000 for 1000.
    ("Встретился с ребятами, вернувшимися из плена.", ("russia-ukraine",)),
    ("Громкие звуки в Одессе, работали по порту.", ("russia-ukraine",)),
    ("«Киев за три дня» — пошёл четвёртый год.", ("russia-ukraine",)),
    ("Над Антоновским мостом развевался наш флаг.", ("russia-ukraine",)),
    ("Прокачка остановлена после удара по НПС «Унеча».", ("russia-ukraine",)),
    ("Договорились об обмене по формуле «1000 на 1000».", ("russia-ukraine",)),
    # Ilovaisk, reserved workers, occupied territories, ERA loans, the Tendra Spit, partial mobilisation.
    ("Вшановую захисників, які загинули в Іловайському котлі.", ("russia-ukraine",)),
    ("Уряд продовжив бронювання працівників критичних підприємств.", ("russia-ukraine",)),
    ("Elections in the temporarily occupied territories are null and void.", ("russia-ukraine",)),
    ("A new tranche under the ERA mechanism.", ("russia-ukraine",)),
    ("Marines raided the Tendra Spit.", ("russia-ukraine",)),
    ("פוטין מכריז על גיוס חלקי.", ("russia-ukraine",)),
    # October 7, aid distribution points, the deal's second wave; the five points in south Lebanon.
    ("Two years since the 7th of October.", ("israel-hamas",)),
    ("استشهاد 5 فلسطينيين قرب نقطة توزيع المساعدات غرب رفح.", ("israel-hamas",)),
    ("על הפרק – הפעימה השנייה של המתווה.", ("israel-hamas",)),
    ("بري: لا نقاش قبل الانسحاب من النقاط الخمس.", ("israel-hezbollah",)),
    # A TV series, a music producer, controlled blasts in Hebrew, Iran's salvoes, the Beirut port blast.
    ("Новая серия сериала «Мобилизация мечты» выходит в пятницу.", ()),
    ("Иосиф Пригожин и Валерия отметили годовщину свадьбы.", ()),
    ("תרגיל של פיקוד העורף: ייתכנו פיצוצים מבוקרים ותנועת כוחות.", ()),
    ("Iran responded with ballistic missiles on Haifa and Tel Aviv.", ()),
    ("Five years on: 218 killed, 2,750 tons of ammonium nitrate. Beirut remembers.", ()),
    # Enemy losses, the Gold Star, Oreshnik and drone drops in Ukrainian, drone forces, guided bombs.
    ("Орієнтовні втрати противника на сьогодні.", ("russia-ukraine",)),
    ("Посмертно нагороджено орденом «Золота Зірка».", ("russia-ukraine",)),
    ("Росія знову обрала «Орєшнік».", ("russia-ukraine",)),
    ("Світло повернули після нічної атаки на підстанцію.", ("russia-ukraine",)),
    ("Росіяни скинули вибухівку з дрона на маршрутку.", ("russia-ukraine",)),
    ("Сили безпілотних систем уразили НПЗ.", ("russia-ukraine",)),
    ("Влучання КАБу у двір багатоповерхівки.", ("russia-ukraine",)),
    ("Шахед курсом на Білу Церкву.", ("russia-ukraine",)),
    ("Трипілля: ракетою знищена Трипільська ТЕС.", ("russia-ukraine",)),
    # Summonses online, freed captives, the left-bank bridgehead, deported children.
    ("Военкоматы продолжают рассылку повесток через Госуслуги.", ("russia-ukraine",)),
    ("Прибыл отряд освобождённых из плена бойцов.", ("russia-ukraine",)),
    ("Marines continue holding the bridgehead on the left bank.", ("russia-ukraine",)),
    ("19,546 children have been deported.", ("russia-ukraine",)),
    # A slogan in Indonesian, a poet, prisoners in Arabic, the attack on Israel in Ukrainian; Fouad Shukr.
    ("Dari sungai sampai laut, Palestina akan merdeka!", ("israel-hamas",)),
    ("Refaat Alareer, on n'oublie pas.", ("israel-hamas",)),
    ("الحرية للأسرى في سجون الاحتلال", ("israel-hamas",)),
    ("МЗС засуджує терористичні атаки проти Ізраїлю.", ("israel-hamas",)),
    ("Hommage au commandant Fouad Chokor.", ("israel-hezbollah",)),
    # Gaza Township in Iowa, a man named Shlomi, Wagner in Mali.
    ("Gaza Township, Iowa: a man arrested after a bar shooting.", ()),
    ("Shlomi Ziv thanked the soldiers at the ceremony.", ()),
    ("Wagner fighters and Malian troops suffered heavy losses.", ()),
    # Hits, attack drones, children back from occupied land, strikes on the grid, the Air Force's alerts.
    ("Харків. Влучання у дитсадок.", ("russia-ukraine",)),
    ("Противник атакував 120 ударними БпЛА.", ("russia-ukraine",)),
    ("Ще троє дітей повернулися додому з ТОТ.", ("russia-ukraine",)),
    ("Кожен удар по нашій енергетиці має ціну.", ("russia-ukraine",)),
    ("Група КР з Каспію курсом на захід.", ("russia-ukraine",)),
    ("МіГ-31К на зльоті. Тривога по всій території!", ("russia-ukraine",)),
    ("На підконтрольну територію повернуто 909 тіл.", ("russia-ukraine",)),
    ("Місто зустріло Олега «на щиті».", ("russia-ukraine",)),
    ("Уламки збитого дрона впали на дитячий майданчик.", ("russia-ukraine",)),
    ("Координаційний штаб верифікував ще 300 наших громадян.", ("russia-ukraine",)),
    ("«Кіборги» тримали Донецький аеропорт 242 дні.", ("russia-ukraine",)),
    ("Оголошено обов'язкову евакуацію родин із дітьми.", ("russia-ukraine",)),
    # Waiting drones, combat pay, the MoD's contracts, plans, a ballistic alert.
    ("Противник применил дроны-ждуны на дороге.", ("russia-ukraine",)),
    ("Боевые выплаты раненым снова задерживают.", ("russia-ukraine",)),
    ("Обвиняемый заключил контракт с Минобороны.", ("russia-ukraine",)),
    ("We went through the 20-point framework point by point.", ("russia-ukraine",)),
    ("Ballistic threat from the north-east! Take cover.", ("russia-ukraine",)),
    # Mediators in French, all hostages home, Khan Younis's brigade, the Rashid road, hashtags, kibbutzim.
    (
        "Doha : reprise des discussions en présence des médiateurs égyptiens et qataris.",
        ("israel-hamas",),
    ),
    ("Support for the return of all hostages.", ("israel-hamas",)),
    ("ЦАХАЛ сообщил о ликвидации командира Ханюнисской бригады.", ("israel-hamas",)),
    ("Gencatan senjata berlaku. Warga kembali lewat Jalan Rashid.", ("israel-hamas",)),
    ("#StopArmingIsrael — les dockers refusent de charger.", ("israel-hamas",)),
    ("Ракетний удар по кібуцу.", ("israel-hamas",)),
    # Hail, heat stroke, household gas, a Pope's arrival, a French hold-up, North Korea, the Drakkar.
    ("На Вінниччині град розміром з горіх знищив посіви.", ()),
    ("На Херсонщині зростає ризик теплового удару.", ()),
    ("Тернопіль: вибух побутового газу в п'ятиповерхівці.", ()),
    ("Прилёт Папы Римского в Бейрут.", ()),
    ("Nantes : prise d'otages dans une agence bancaire, le forcené s'est rendu au RAID.", ()),
    ("КНДР провела испытание МБР «Хвасон-19», ракета упала в Японском море.", ()),
    ("23 octobre 1983 : attentat du Drakkar à Beyrouth. 58 parachutistes tués.", ()),
    ("В Охматдиті пересадили дитині печінку.", ()),
    # The nominative of the special operation (its ending set spelled only the plural), core war words.
    ("Спецоперация продолжается.", ("russia-ukraine",)),
    ("Обломки упали на поле в Брянской области.", ("russia-ukraine",)),
    ("Київ: уламки на Оболоні.", ("russia-ukraine",)),
    (
        "Échange de prisonniers : 1 000 contre 1 000, le plus important depuis février 2022.",
        ("russia-ukraine",),
    ),
    ("Pemukim ilegal merusak kebun zaitun di desa dekat Ramallah.", ("israel-hamas",)),
    # Localities and officials in each script.
    ("Airstrike on Jabalya overnight.", ("israel-hamas",)),
    ("قصف على كفار عزة الليلة.", ("israel-hamas",)),
    ("Удар по Айта-эш-Шааб.", ("israel-hezbollah",)),
    ("Обстріл Умані цієї ночі.", ("russia-ukraine",)),
    ("Frappe sur Kremenchouk cette nuit.", ("russia-ukraine",)),
    ("Boudanov a déclaré que les frappes continueront.", ("russia-ukraine",)),
    ("האשם ספי א-דין חוסל.", ("israel-hezbollah",)),
    # Curfews, kamikaze drones, Czech shells, children taken, the northern arena, the Strip in Arabic.
    ("На левом берегу Херсонской области продлили комендантский час.", ("russia-ukraine",)),
    ("Передал ещё одну партию дронов-камикадзе.", ("russia-ukraine",)),
    ("Дякую Чехії за снарядну ініціативу.", ("russia-ukraine",)),
    ("We discussed the return of children taken by Russia.", ("russia-ukraine",)),
    ("He fell during combat in the northern arena.", ("israel-hezbollah",)),
    ("بن غفير يهدد إذا تم وقف القتال في القطاع.", ("israel-hamas",)),
    ("Setahun Taufanul Aqsha.", ("israel-hamas",)),
    ("Жёны мобилизованных снова пришли к приёмной.", ("russia-ukraine",)),
    # Tents, Odesa in Texas, a quake felt in the north, the Holy Fire, the Yom Kippur War's valley.
    ("حملة تبرعات: الخيام والبطانيات مع دخول المنخفض الجوي.", ()),
    ("Стрілянина в Одесі, штат Техас: загинули четверо.", ()),
    ("דווח על נדנוד מבנים בחיפה ובקריית שמונה.", ()),
    ("Благодатный огонь доставят в Москву, делегация уже вылетела.", ()),
    ("The 7th Brigade held the Valley of Tears against 500 Syrian tanks on the Golan.", ()),
    # Guards of this version's own words: police raids and floods.
    ("Спецоперация в Подмосковье: задержаны 14 нелегальных мигрантов.", ()),
    ("Повінь на Закарпатті: зруйновано підвісний міст.", ()),
    # Real news: the resilience plan, antiwar marches; a war with North Korea is not this one.
    ("Зеленский представит «план стойкости».", ("russia-ukraine",)),
    ("В Берлине прошёл антивоенный марш.", ("russia-ukraine",)),
    ("Трамп хочет снизить риск вооружённого конфликта с КНДР.", ()),
    # Minerals, Baba Yaga drones, forward airfields, truces, the willing, drops, assaults, fundraisers.
    ("Соглашение по редкоземельным металлам так и не подписано.", ("russia-ukraine",)),
    ("«Рубикон» отработал по «Бабам-Ягам».", ("russia-ukraine",)),
    ("Удар по аэродрому подскока.", ("russia-ukraine",)),
    ("Кремль объявил трёхдневный режим тишины.", ("russia-ukraine",)),
    ("Очередной «саммит желающих» в Париже.", ("russia-ukraine",)),
    ("Два «трёхсотых» после сброса с дрона.", ("russia-ukraine",)),
    ("Каменское: штурмовые группы зашли в частный сектор.", ("russia-ukraine",)),
    ("Новогодний сбор для морпехов!", ("russia-ukraine",)),
    ("Песков: предпосылок для встречи лидеров в Будапеште пока нет.", ("russia-ukraine",)),
    # A hostile drone in Lebanon, south Lebanese villages, the pagers, hostages' remains, Gaza's places.
    ("مسيّرة معادية تستهدف دراجة نارية على طريق القليعة.", ("israel-hezbollah",)),
    ("IAF jets struck a weapons storage facility in Yohmor al-Shaqif.", ("israel-hezbollah",)),
    ('في الذكرى الأولى لـ"البيجر"', ("israel-hezbollah",)),
    ("The remains of another deceased hostage were handed over tonight.", ("israel-hamas",)),
    ("نادي الأسير: الإفراج عن الدفعة الثالثة.", ("israel-hamas",)),
    ("مشاهد من مستشفى شهداء الأقصى.", ("israel-hamas",)),
    ("Anas al-Sharif's last message.", ("israel-hamas",)),
    # Kazakhstan's Stepnogorsk, Iran's salvoes on Bat Yam, a drowning in the Litani.
    ("В Степногорске Акмолинской области возобновил работу комбинат.", ()),
    ("Иранские баллистические ракеты прилетели в Хайфу и Бат-Ям.", ()),
    ("النبطية: وفاة شاب غرقاً في نهر الليطاني أثناء السباحة.", ()),
    # Reserve+, border communities, evacuations, security agreements, assault drones, arresting Putin.
    ("У застосунку «Резерв+» можна отримати відстрочку.", ("russia-ukraine",)),
    ("Білопільська громада: після обстрілу знеструмлено 3 тисячі абонентів.", ("russia-ukraine",)),
    ("За добу з Краматорської громади евакуйовано 412 людей.", ("russia-ukraine",)),
    ("Signed the security agreement with Japan.", ("russia-ukraine",)),
    ("Уночі район атаковано ударними дронами.", ("russia-ukraine",)),
    ("Закликаємо Таджикистан заарештувати Путіна.", ("russia-ukraine",)),
    # The operational situation, repatriation, the expired president, curators, combined attacks, OSGs.
    ("Школы переходят на дистанционное обучение в связи с оперативной обстановкой.", ("russia-ukraine",)),
    ("В рамках репатриации Россия передала 909 тел.", ("russia-ukraine",)),
    ("Бандеровский «президент» с просроченными полномочиями снова выступил.", ("russia-ukraine",)),
    ("Житель Рыльска передавал куратору в Сумах снимки.", ("russia-ukraine",)),
    ("He was killed repelling a combined missile and drone attack.", ("russia-ukraine",)),
    ("Tavria OSG, past 24 hours: the enemy lost 312 personnel.", ("russia-ukraine",)),
    ("Canada will transfer $2bn from Russian frozen assets.", ("russia-ukraine",)),
    ("Беспилотник сбит над Ханкалой.", ("russia-ukraine",)),
    # A heater fire, measles shots, a flag over a stadium, Odessa in Texas, a hostage named Shlomi.
    ("Рівненщина: через несправний обігрівач сталася пожежа, загинули двоє людей.", ()),
    ("Мобільні бригади вакцинують дітей у громадах Закарпаття.", ()),
    ("Золото чемпіонату світу — і прапор над стадіоном.", ()),
    ("The gunman killed 7 people on a highway between Midland and Odessa.", ()),
    ("Noa, Almog, Andrey and Shlomi are home.", ()),
    # Air defence at work, taking a city, anti-drone nets, the wounded, a Mavic, exchanges and rounds.
    ("ПВО работает в Туапсе, сообщил глава района.", ("russia-ukraine",)),
    ("Жителей просят не снимать работу ПВО.", ("russia-ukraine",)),
    ("Взятие Харькова не входит в задачи, заявил генерал.", ("russia-ukraine",)),
    ("Нужны антидроновые сетки для расчёта.", ("russia-ukraine",)),
    ("Навестил раненых бойцов в госпитале.", ("russia-ukraine",)),
    ("Один мавик на всё отделение.", ("russia-ukraine",)),
    ("Встретили ребят, вернувшихся после обмена.", ("russia-ukraine",)),
    ("Ночью безэкипажники шли на порт.", ("russia-ukraine",)),
    ("После стамбульского раунда стороны обменялись меморандумами.", ("russia-ukraine",)),
    ("Прилёт по подстанции, света нет.", ("russia-ukraine",)),
    ("Кремль ждёт от Киева список на обмен.", ("russia-ukraine",)),
    ("Блогера оштрафовали за «дискредитацию».", ("russia-ukraine",)),
    ("Под Джанкоем слышны взрывы.", ("russia-ukraine",)),
    ("Курянам выплатили компенсации за жильё, пострадавшее от обломков.", ("russia-ukraine",)),
    ("Задержан подозреваемый в поджоге военкомата.", ("russia-ukraine",)),
    ("قصف عنيف على تشاسيف يار.", ("russia-ukraine",)),
    # West Bank towns and junctions, a south Lebanese village, a hostage slogan, the mediators, a raid.
    ("Troops operated overnight in Qabatiya and eliminated two terrorists.", ("israel-hamas",)),
    ("Stabbing attack at the Gush Etzion junction; the terrorist was neutralized.", ("israel-hamas",)),
    ("IDF troops struck a launcher in Markaba.", ("israel-hezbollah",)),
    ("Sur la place, la foule scande : « Ramenez-les maintenant ! »", ("israel-hamas",)),
    ("Delegasi menerima proposal mediator Qatar-Mesir.", ("israel-hamas",)),
    ("Jenin diserbu lagi menjelang subuh.", ("israel-hamas",)),
    # A plane's arrival, Israel's air defence against Iran, 1941.
    ("Прилёт по расписанию в 14:30.", ()),
    ("ПВО Израиля работает над Тель-Авивом после иранского залпа.", ()),
    ("В 1941 году взятие Киева открыло немцам путь на восток.", ()),
    # Strongpoints, manpower losses, combat training, the front line, liberated territories, combat tasks.
    ("Артиллеристы разбили опорный пункт противника.", ("russia-ukraine",)),
    ("Враг несёт потери в живой силе.", ("russia-ukraine",)),
    ("Вчерашние новобранцы прошли боевое слаживание.", ("russia-ukraine",)),
    ("Сосед вернулся с передовой на две недели.", ("russia-ukraine",)),
    ("Учителя едут работать на освобождённые территории.", ("russia-ukraine",)),
    ("Земляки выполняют боевые задачи уже второй год.", ("russia-ukraine",)),
    ("Передали ребятам за ленточку генератор.", ("russia-ukraine",)),
    ("Школьники плетут маскировочные сети.", ("russia-ukraine",)),
    ("Британские ракеты полетят вглубь наших территорий.", ("russia-ukraine",)),
    ("Части улучшили положение по переднему краю.", ("russia-ukraine",)),
    ("Пункт отбора на контракт открылся в Туле.", ("russia-ukraine",)),
    ("Над Грозным сбит беспилотник.", ("russia-ukraine",)),
    ("Под городом достроили подземную школу.", ("russia-ukraine",)),
    ("Мирная формула Киева никому не нужна, заявили в Кремле.", ("russia-ukraine",)),
    # Ukrainian captions: the Stavka, clashes, air defence, refineries, mobile fire groups, shells.
    ("Провів нараду Ставки.", ("russia-ukraine",)),
    ("За добу 120 бойових зіткнень.", ("russia-ukraine",)),
    ("Обговорили посилення нашої ППО.", ("russia-ukraine",)),
    ("Дякую партнерам за захист нашого неба.", ("russia-ukraine",)),
    ("Уражено НПЗ у Рязані.", ("russia-ukraine",)),
    ("Вночі працювали мобільні вогневі групи.", ("russia-ukraine",)),
    ("Отримали новий пакет снарядів.", ("russia-ukraine",)),
    ("The Crimean Platform meets in Kyiv.", ("russia-ukraine",)),
    ("Energy Ramstein brought new pledges.", ("russia-ukraine",)),
    # Gaza: a hospital by its short name, hostages' bodies.
    ("Бои у больницы «Шифа» продолжаются.", ("israel-hamas",)),
    ("Ночью Израиль получил тела заложников.", ("israel-hamas",)),
    # Grozny's history, and Ivan the Terrible's.
    ("В Грозном открыли выставку оружия времён Кавказской войны.", ()),
    ("Фильм об Иване Грозном получил приз.", ()),
    # Fibre-optic drones, meat assaults, the ribbon, exchange formulas, airport closures, energy truces.
    ("Под Краматорском нашли оптоволоконные катушки.", ("russia-ukraine",)),
    ("Опять мясные штурмы, опять без поддержки.", ("russia-ukraine",)),
    ("Брат уже полгода на «ленточке».", ("russia-ukraine",)),
    ("Обсуждается обмен по формуле «всех на всех».", ("russia-ukraine",)),
    ("В Самаре временные ограничения на приём и выпуск воздушных судов.", ("russia-ukraine",)),
    ("Стороны договорились об отказе от ударов по энергетике.", ("russia-ukraine",)),
    ("Погиб оператор FPV из нашего расчёта.", ("russia-ukraine",)),
    ("Энергомораторий продлевать не будут.", ("russia-ukraine",)),
    ("Саммит на базе Элмендорф-Ричардсон в Анкоридже завершился.", ("russia-ukraine",)),
    ("Развожаев: отражена атака, сбиты четыре цели.", ("russia-ukraine",)),
    ("Сбит дрон; операторы Рубикона ответили.", ("russia-ukraine",)),
    # Gaza: a school in Daraj, the Nova site, a hostage back in our hands, captives' families, Samaria.
    ("مجزرة في مدرسة التابعين.", ("israel-hamas",)),
    ("עשרות ביקרו היום באתר הנובה.", ("israel-hamas",)),
    ("עידן בידי כוחותינו.", ("israel-hamas",)),
    ("The captives' families marched to Jerusalem.", ("israel-hamas",)),
    ("מחבלים נעצרו בצפון השומרון.", ("israel-hamas",)),
    ("המשלחת ממריאה הלילה לדוחא.", ("israel-hamas",)),
    # Lebanon: the northern evacuees, Nasrallah's title, the pagers, Sheikh Naim, al-Habbariyeh.
    ("הממשלה האריכה את מענק המפונים מהצפון.", ("israel-hezbollah",)),
    ("#SayyedOfMartyrs", ("israel-hezbollah",)),
    ("One year since the pagers.", ("israel-hezbollah",)),
    ("Sheikh Naim mourned the martyrs of the strike.", ("israel-hezbollah",)),
    ("غارة من مسيّرة على سيارة في بلدة الهبارية.", ("israel-hezbollah",)),
    # Moscow's Krymsky Bridge, Beirut's port blast, Lebanon's banks, the Meron disaster, Gaza's evacuees.
    ("На Крымском мосту в Москве ограничат движение.", ()),
    ("Beirut port, four years on. 218 dead, still no one charged.", ()),
    ("جمعية المصارف تعلن الإضراب بعد اقتحام مودعين فرعاً في لبنان.", ()),
    ("ארבע שנים לאסון מירון: 45 הרוגים.", ()),
    ("הממשלה האריכה את מענקי המפונים מהעוטף.", ("israel-hamas",)),
    # The 30-day truce, captured mercenaries, Reunification Day, the Yanchul river.
    ("Перемирие на тридцать дней Москву не устраивает.", ("russia-ukraine",)),
    ("Пленные наёмники рассказали, сколько им платили.", ("russia-ukraine",)),
    ("Поздравляю всех с Днём воссоединения!", ("russia-ukraine",)),
    ("Противник отходит за Янчул, взорваны мосты.", ("russia-ukraine",)),
    # Ukrainian: exchanges in quotes, ballistic threats, Contract 18-24, fire from Russia, drops.
    ("Домовились про обмін «всіх на всіх».", ("russia-ukraine",)),
    ("Загроза застосування балістики!", ("russia-ukraine",)),
    ("Контракт 18-24: подано понад тисячу заяв.", ("russia-ukraine",)),
    ("Громаду обстріляли з території рф.", ("russia-ukraine",)),
    ("Дрон скинув вибухівку на авто.", ("russia-ukraine",)),
    ("У морі два ракетоносії.", ("russia-ukraine",)),
    ("Грант для ветеранів, які повернулися з фронту.", ("russia-ukraine",)),
    ("Уночі атакували порт Ізмаїльського району.", ("russia-ukraine",)),
    # Israel: the northern arrangement, Qabatiya spelled short, pauses, Gideon's Chariots, barrages.
    ("ההסדר בצפון נכנס לתוקף הלילה.", ("israel-hezbollah",)),
    ("מבצע בקבטיה: נעצרו 9 מבוקשים.", ("israel-hamas",)),
    ("המתווה כולל 60 ימי הפוגה.", ("israel-hamas",)),
    ("מבצע מרכבות גדעון נמשך.", ("israel-hamas",)),
    ("The atrocities of Oct. 7 must be named.", ("israel-hamas",)),
    ('נ"ט נורה לעבר מוצב מול מרוואחין.', ("israel-hezbollah",)),
    ("אשקלון: אחרי המטחים הלימודים מרחוק.", ("israel-hamas",)),
    # Accidents near the border, the Kursk bulge of 1943, floods in Zakarpattia, Kyiv's metro.
    ("תאונת דרכים קטלנית סמוך לכפר עזה.", ()),
    ("Fatal crash near Nir Oz: a driver was killed.", ()),
    ("Курская дуга переломила ход войны.", ()),
    ("Закарпаття: підтоплено 200 дворів, евакуйовано 60 людей.", ()),
    ("Станцію «Героїв Дніпра» закривають на ремонт.", ()),
    # Strikes on power plants, 155 mm shells, fibre-optic FPVs, al-Shifa spelled ash-.
    ("Ночью прилёт по ТЭЦ, свет отключён.", ("russia-ukraine",)),
    ("Европа обещает миллион 155-мм снарядов.", ("russia-ukraine",)),
    ("Закупили оптоволоконные FPV для расчёта.", ("russia-ukraine",)),
    ("Бои у больницы Аш-Шифа не стихают.", ("israel-hamas",)),
    # Ukrainian: underground classes, air defence at work, a strike drone, a quiet sky, the 3rd Assault,
    # prisoners' families, debris, shelling in slang, Chornobaivka, the Nikopol district.
    ("Школярі навчатимуться в підземних класах.", ("russia-ukraine",)),
    ("Над містом триває робота ППО.", ("russia-ukraine",)),
    ("Ударний дрон атакував автобус.", ("russia-ukraine",)),
    ("Обговорили повну тишу в небі.", ("russia-ukraine",)),
    ("Дякую 3-й штурмовій за стійкість.", ("russia-ukraine",)),
    ("Зустрівся з рідними полонених.", ("russia-ukraine",)),
    ("Уламки впали на дитячий майданчик.", ("russia-ukraine",)),
    ("Чорнобаївку знову обстріляли.", ("russia-ukraine",)),
    ("Нікопольщина: зранку гатили по громадах.", ("russia-ukraine",)),
    # Cosmonauts, Darfur, Congo, Pakistan, Latakia in Ukrainian; Tornado, Russia's rocket launcher.
    ("Командиру экипажа, вернувшегося с МКС, присвоено звание Героя России.", ()),
    ("Ветеран надел медаль на ленточке и вспомнил войну.", ()),
    ("Україна засуджує удар по табору в Дарфурі.", ()),
    ("Україна закликає громадян залишити ДР Конго через бойові дії.", ()),
    ("Україна вітає припинення вогню між Індією та Пакистаном.", ()),
    ("Борошно з України прибуло до Латакії після обстрілів.", ()),
    ("Российские военные из РСЗО «Торнадо» ударили по позициям ВСУ.", ("russia-ukraine",)),
    # The 7 October massacre in Russian, Israel's right to defend itself.
    ("Резню 7 октября никто не оправдывает.", ("israel-hamas",)),
    ("Україна підтримує право Ізраїлю на самозахист.", ("israel-hamas",)),
    # A landing ship, cluster shells and drag stretchers in slang, conscripts, refusers, projectiles.
    ("Под Бердянском поражён БДК.", ("russia-ukraine",)),
    ("В Херсоне опять кассетки по рынку.", ("russia-ukraine",)),
    ("Под Покровском нужны волокуши.", ("russia-ukraine",)),
    ("Под Белгородом служат срочники.", ("russia-ukraine",)),
    ("Отказников из-под Курска держат в подвале.", ("russia-ukraine",)),
    ("Projectiles fell near Haifa.", ("israel-hezbollah",)),
    # Krynky, Donetsk's Alley of Angels, Azov's fighters, the Dobropillia axis, Dnipro's missile plant.
    ("Крынки держатся.", ("russia-ukraine",)),
    ("Возложили цветы к Аллее ангелов.", ("russia-ukraine",)),
    ("Азовцев приговорили к 20 годам.", ("russia-ukraine",)),
    ("Бои на Добропольском направлении.", ("russia-ukraine",)),
    ("Южмаш снова под ударом.", ("russia-ukraine",)),
    ("Бурштынская ТЭС под ударом.", ("russia-ukraine",)),
    # The US envoy with Putin or the Kremlin's spokesman, not in Oman's talks with Iran; a meeting with
    # Zelensky as with Putin.
    ("Встреча Путина и Уиткоффа длилась пять часов.", ("russia-ukraine",)),
    ("Песков прокомментировал контакты с Уиткоффом.", ("russia-ukraine",)),
    ("Уиткофф и Аракчи провели раунд в Маскате.", ()),
    ("Путин готов встретиться с Зеленским.", ("russia-ukraine",)),
    # Gaza's Sumud flotilla and the 2025 plan's stabilisation force.
    ("Активистов с «Сумуд» задержали.", ("israel-hamas",)),
    ("Совбез одобрил международные силы стабилизации.", ("israel-hamas",)),
    # Wagner in Africa; crop-spraying drones.
    ("Вагнеровцы охраняют прииски в ЦАР.", ()),
    ("Белгородские фермеры купят дроны-опрыскиватели.", ()),
    # Ukrainian: a hit in slang, targets shot down, ordnance cleared, occupation "elections", a fallen
    # soldier's funeral, Ochakiv's district; storks arriving and martial arts are not the war.
    ("Запоріжжя. Прилетіло по підстанції.", ("russia-ukraine",)),
    ("Усі цілі на Київ знешкоджено.", ("russia-ukraine",)),
    ("На Херсонщині знайшли вибухонебезпечні предмети.", ("russia-ukraine",)),
    ("Так звані «вибори» в Криму нікчемні.", ("russia-ukraine",)),
    ("Прощання з Героєм відбудеться в неділю.", ("russia-ukraine",)),
    ("Очаківську громаду знову обстріляли.", ("russia-ukraine",)),
    ("На Полтавщині зафіксували перший приліт білих лелек.", ()),
    ("У Запоріжжі стартував фестиваль бойових мистецтв.", ()),
    # Russian: Ukrainian brigades abbreviated, trench EW, the Vampire launcher, Ukraine's NATO invitation;
    # a drunk driver, "banned in Russia" after a group's name and the Japanese peace treaty are not.
    ("Пленные из 3-й ОШБр рассказали о потерях.", ("russia-ukraine",)),
    ("Нужны окопные РЭБы.", ("russia-ukraine",)),
    ("По Белгороду снова били «Вампиры».", ("russia-ukraine",)),
    ("Против приглашения Украины в НАТО выступают США.", ("russia-ukraine",)),
    ("В Белгороде пьяный водитель сбил пешехода, пострадавших двое.", ()),
    ("Боевики ХТШ (запрещена в России) начали наступление.", ()),
    ("Токио мешает переговорам о мирном договоре между Россией и Японией.", ()),
    # English: Operation Spiderweb, the General Staff's losses count, Bring Kids Back; a memorandum alone
    # is not the war.
    ("Operation Spiderweb hit 41 aircraft.", ("russia-ukraine",)),
    ("Estimated losses of the adversary today: 1,040 personnel.", ("russia-ukraine",)),
    ("The boy is home. Bring Kids Back.", ("russia-ukraine",)),
    ("Ukraine and Japan signed a memorandum on e-commerce.", ()),
    # Israel: the "Black Sabbath", the Nova survivors, the hostages' hashtag, the Bibas family, the
    # envelope's evacuees, Operation Iron Wall; Entebbe, a training accident and crime are not.
    ("השבת השחורה לא תישכח.", ("israel-hamas",)),
    ("ניצולי הנובה חזרו לאתר.", ("israel-hamas",)),
    ("500 days. #BringThemHomeNow", ("israel-hamas",)),
    ("כפיר ביבס היה חוגג היום.", ("israel-hamas",)),
    ("מפוני העוטף יקבלו מענק.", ("israel-hamas",)),
    ("קיר ברזל נמשך בג'נין.", ("israel-hamas",)),
    ("מבצע יונתן: 102 חטופים חולצו באנטבה.", ()),
    ("רכב צבאי התהפך במהלך אימון ברמת הגולן: שני חיילים נפצעו.", ()),
    ("ירי בנוף הגליל על רקע פלילי.", ()),
    # Real news of 2024: territorial concessions, drone attacks, TurkStream, families reunited, the
    # European Peace Facility, Kyiv's NATO invitation, land "occupied" as a verb, the Netanyahu warrant.
    ("Киев должен сам решать о территориальных уступках.", ("russia-ukraine",)),
    ("В Раменском пожар на фоне атаки БПЛА.", ("russia-ukraine",)),
    ("Киев пытался взорвать «Турецкий поток».", ("russia-ukraine",)),
    ("Украина передала России детей в рамках воссоединения семей.", ("russia-ukraine",)),
    ("Главы МИД не разблокировали средства Европейского фонда мира для Украины.", ("russia-ukraine",)),
    ("Против приглашения Киева в НАТО выступает Венгрия.", ("russia-ukraine",)),
    ("Киев не может вернуть земли, которые оккупировали.", ("russia-ukraine",)),
    ("Шекель упал после ордера на арест премьера Израиля Нетаньяху.", ("israel-hamas",)),
    ("Германия откажется арестовать Нетаньяху.", ("israel-hamas",)),
    # Alone, or beside the Great Patriotic War or the PKK, they are not.
    ("Визовый центр ускорил воссоединение семей мигрантов.", ()),
    ("«Турецкий поток» прокачал рекордный объём газа.", ()),
    ("Президент Палестины приглашён на юбилей победы в Великой Отечественной войне.", ()),
    ("Боевики Рабочей партии Курдистана взорвали бомбы в Стамбуле.", ()),
    # Germany's Taurus, a town half encircled, a volunteer battalion, NATO's expansion as a war aim,
    # "decommunisation" promised to Ukraine, Bucha in any case.
    ("Канцлер снова мечтает о «Таурусах».", ("russia-ukraine",)),
    ("Северск почти в полукольце.", ("russia-ukraine",)),
    ("Тепловизоры для ребят из «Эспаньолы».", ("russia-ukraine",)),
    ("Путин напомнил о пяти волнах расширения НАТО.", ("russia-ukraine",)),
    ("Украине обещают настоящую декоммунизацию.", ("russia-ukraine",)),
    ("Суд приговорил блогера за видео о Буче.", ("russia-ukraine",)),
    # Greenland's annexation, the submarine Kursk.
    ("Трамп снова заговорил об аннексии Гренландии, там готовят референдум.", ()),
    ("25 лет назад в Баренцевом море погиб атомный подводный крейсер «Курск», погибли 118 моряков.", ()),
    # Resolution 2735, rallies for Gaza, the warrants for Netanyahu and Gallant, the Great Omari Mosque.
    ("Le Conseil de sécurité adopte la résolution 2735.", ("israel-hamas",)),
    ("La préfecture interdit la manifestation de soutien au peuple palestinien.", ("israel-hamas",)),
    ("La Haye : mandats d'arrêt contre Netanyahou et Gallant.", ("israel-hamas",)),
    ("مسيرات حاشدة في عمّان نصرة للقطاع.", ("israel-hamas",)),
    ("Umat muslim menggalang dana untuk Masjid Agung Al-Omari.", ("israel-hamas",)),
    # Gaza's football, the sheikh of the 1930s, Indonesia's 1945 militia, Iran's salvoes.
    ("نهائي كأس: شباب رفح يفوز على اتحاد الشجاعية.", ()),
    ("Remembering Sheikh Izz al-Din al-Qassam, killed in 1935.", ()),
    ("Timnas Palestina menahan imbang Korea Selatan, luar biasa semangat pasukan Al-Fida'i!", ()),
    ("Laskar Hizbullah turut berjuang dalam Pertempuran Surabaya.", ()),
    ("Sirene di Haifa dan Tel Aviv, rudal diluncurkan.", ()),
    # Ukraine's president: the Huliaipole axis in the nominative, the F-16 coalition, energy sites
    # shielded from strikes, the Stugna missile, Gold Stars; in English, heating points and the coalition.
    ("Гуляйпільський напрямок зараз найскладніший.", ("russia-ukraine",)),
    ("Дякую авіаційній коаліції.", ("russia-ukraine",)),
    ("Енергооб'єкти отримали захист третього рівня.", ("russia-ukraine",)),
    ("Бійці отримали нові «Стугни».", ("russia-ukraine",)),
    ("Вручив «Золоті Зірки» трьом воїнам.", ("russia-ukraine",)),
    ("Stugnas stopped the column.", ("russia-ukraine",)),
    ("The Unbreakability Points are open in the region.", ("russia-ukraine",)),
    ("The first jets arrived: thanks to the aviation coalition.", ("russia-ukraine",)),
    # Russian news: captured armour on show, families of the fallen, Operation Spiderweb in quotes.
    ("На Поклонной открыли выставку трофейной техники.", ("russia-ukraine",)),
    ("Семьям погибших военнослужащих выплатят по 3 млн.", ("russia-ukraine",)),
    ("«Паутина» уничтожила 41 самолёт.", ("russia-ukraine",)),
    # Gaza: the humanitarian zone, the Security Council on the Strip, the truce's second phase.
    ("Rockets were fired from the humanitarian zone.", ("israel-hamas",)),
    ("Совбез проголосовал по резолюции по сектору.", ("israel-hamas",)),
    ("Катар обсуждает второй этап перемирия.", ("israel-hamas",)),
    # A coup elsewhere, a moratorium on building.
    ("Ukraine condemns the military coup in Niger.", ()),
    ("В Москве ввели мораторий на строительство апартаментов.", ()),
    # The mobilised, Strelkov's unit in 2014, Uchkuevka, General Armageddon, Gerans in the plural, arms
    # supplied to Russia; a joint patrol with China and an MMA belt are not the war.
    ("Мобилизованные третий год без ротации.", ("russia-ukraine",)),
    ("Одиннадцать лет назад отряд Стрелкова вошёл в Славянск.", ("russia-ukraine",)),
    ("Учкуевка: пляж, дети, ракета.", ("russia-ukraine",)),
    ("Генерал Армагеддон снова в отпуске.", ("russia-ukraine",)),
    ("Львов: ночная атака Гераней.", ("russia-ukraine",)),
    ("Китай начал поставлять оружие России, пишут СМИ.", ("russia-ukraine",)),
    (
        "Ту-95МС провели совместное воздушное патрулирование с ВВС Китая, сообщили в Минобороны РФ.",
        (),
    ),
    ("AFC: главный бой вечера закончился нокаутом, «Ахмат» забирает пояс.", ()),
    # Arabic: a raid in the Tyre district; the Lebanese Forces party, an olive harvest and the sheikh of
    # 1935 are not the war.
    ("غارة على بلدة في قضاء صور.", ("israel-hezbollah",)),
    ("حزب القوات اللبنانية يفوز في انتخابات نقابة المهندسين.", ()),
    ("موسم قطاف الزيتون: إنتاج وفير هذا العام.", ()),
    ("في ذكرى استشهاد الشيخ عز الدين القسام عام 1935.", ()),
    # Ukrainian: prosthetics for the defenders, interceptor drones, the Czech shells, the Liutyi drone,
    # the fallen's bodies returned, a border district shelled; thieves in law and Azerbaijan are not.
    ("Superhumans: ще 200 протезувань.", ("russia-ukraine",)),
    ("Закупівлю дронів-перехоплювачів збільшено.", ("russia-ukraine",)),
    ("Перші снаряди в межах чеської ініціативи вже прибули.", ("russia-ukraine",)),
    ("«Люті» пройшли випробування.", ("russia-ukraine",)),
    ("Повернули тіла наших полеглих.", ("russia-ukraine",)),
    ("Новгород-Сіверщина: мінометний обстріл.", ("russia-ukraine",)),
    ("Набуло чинності рішення РНБО про санкції проти 52 «злодіїв у законі».", ()),
    ("Україна підтримує територіальну цілісність Азербайджану, закликаємо до припинення вогню.", ()),
    # Hebrew: yellow ribbons, the envelope's communities, the Far'a camp, the Qassam Brigades, the
    # captives' families, Russia's partial mobilisation; a drill, Victory Day, hospital pagers are not.
    ("אלפים בכיכר עם סרטים צהובים.", ("israel-hamas",)),
    ("טקס בכל יישובי העוטף.", ("israel-hamas",)),
    ("כוח פעל במחנה אל-פארעה.", ("israel-hamas",)),
    ("גדודי אל-קסאם פרסמו סרטון.", ("israel-hamas",)),
    ("משפחות השבויים נפגשו עם ראש הממשלה.", ("israel-hamas",)),
    ("שיא בעלייה מרוסיה מאז הגיוס החלקי.", ("russia-ukraine",)),
    ("תרגיל כוחות ביטחון בקריית שמונה: קולות נפץ.", ()),
    ("ותיקי הצבא האדום צעדו באשדוד ביום הניצחון על גרמניה הנאצית, עם מדליות מהמלחמה.", ()),
    ('רמב"ם נפרד מהביפרים.', ()),
    ("הביפרים התפוצצו ברחבי לבנון.", ("israel-hezbollah",)),
    # Ukraine's administrations and General Staff: cluster submunitions, "hit confirmed", the Tsezar
    # Kunikov, the entry-exit checkpoints, outages after an attack, a siege lifted; "carrying out combat
    # tasks" in Russian. Lightning and a storm on the Crimean bridge are not the war.
    ("Піротехніки знешкодили касетні суббоєприпаси біля школи.", ("russia-ukraine",)),
    ("Підтверджено ураження нафтоперекачувальної станції.", ("russia-ukraine",)),
    ("Уражено великий десантний корабель «Цезар Куніков».", ("russia-ukraine",)),
    ("КПВВ відкритий для тих, хто виїжджає.", ("russia-ukraine",)),
    ("Внаслідок атаки — екстрені відключення.", ("russia-ukraine",)),
    ("Три роки тому з Чернігова зняли облогу.", ("russia-ukraine",)),
    ("Погиб под Красноармейском, выполняя боевые задачи.", ("russia-ukraine",)),
    ("Влучання блискавки в будинок на Житомирщині: вогонь знищив покрівлю.", ()),
    ("Крымский мост перекрыт из-за шторма, порывы ветра до 25 м/с.", ()),
    # Gaza in English, Indonesian and French: a hostage held since 2014, the "Riviera" plan, the rallies'
    # hashtag, the stabilisation force, the World Court on genocide; the north: pagers, Beit Hillel.
    ("After 11 years, Lt. Hadar Goldin is coming home.", ("israel-hamas",)),
    ("Rencana Riviera Timur Tengah itu pembersihan etnis.", ("israel-hamas",)),
    ("Rassemblement place de la République. #StopGénocide", ("israel-hamas",)),
    ("Mabes TNI menyiapkan personel untuk Pasukan Stabilisasi Internasional.", ("israel-hamas",)),
    (
        "Mahkamah Internasional (ICJ) memerintahkan langkah sementara: cegah tindakan genosida.",
        ("israel-hamas",),
    ),
    ("Hundreds of pagers explode across Lebanon.", ("israel-hezbollah",)),
    ("Two reservists were killed when an explosive UAV hit near Beit Hillel.", ("israel-hezbollah",)),
    # Mozambique's Gaza province, Metula's hockey, Indonesia's parliament.
    ("Banjir besar melanda Provinsi Gaza di Mozambik, ribuan warga dievakuasi.", ()),
    ("Canada Centre, Metula: Israel's U-20 ice hockey team hosts the cup.", ()),
    ("Demo di depan DPR ricuh, gas air mata ditembakkan.", ()),
    # Hebrew: the Netzarim axis, Kibbutz Be'eri, the stabilisation force, Abu Shabab's militia, the
    # "Al-Aqsa Flood", the northern front; an earthquake report and a road accident in the north are not.
    ("כוחות הנדסה מפרקים את המוצבים לאורך נצרים.", ("israel-hamas",)),
    ("המשפחות הראשונות חזרו לקיבוץ בארי.", ("israel-hamas",)),
    ("שלוש מדינות יצטרפו לכוח הייצוב הבינלאומי.", ("israel-hamas",)),
    ("המיליציה של אבו שבאב ברפיח טוענת שחיסלה שני פעילים.", ("israel-hamas",)),
    ("מי שעדיין קורא לזה מבול אל-אקצא לא מבין.", ("israel-hamas",)),
    ("חזית הצפון במספרים: 60 אלף מפונים.", ("israel-hezbollah",)),
    ("רעידת אדמה הורגשה בצפת. לפי המכון הגאופיזי, המוקד בדרום לבנון.", ()),
    ("תאונה בכביש 90 בכניסה למטולה: שני פצועים קל.", ()),
    # Russian war bloggers: Tatarsky, a slur for Zelensky, the annexation votes, Ukraine's 47th brigade.
    ("Сегодня годовщина гибели Владлена Татарского.", ("russia-ukraine",)),
    ("Киевский наркоклоун опять требует денег.", ("russia-ukraine",)),
    ("Два года назад области проголосовали за вхождение в Россию.", ("russia-ukraine",)),
    ("Пленный из 47-й механизированной рассказал о ротации.", ("russia-ukraine",)),
    # Ukraine's president and ministries: the war levy, an assault brigade, the cruiser Moskva, demining,
    # the disengagement of 2019, the reparations loan, the Normandy format, Zelensky's "not a ride",
    # mobile fire groups, fortifications.
    ("Військовий збір для ФОП — 5%.", ("russia-ukraine",)),
    ("Відзначив 3-тю окрему штурмову.", ("russia-ukraine",)),
    ("Крейсер «Москва» відтепер — на дні.", ("russia-ukraine",)),
    ("Мінекономіки: гуманітарне розмінування триває.", ("russia-ukraine",)),
    ("Розведення сил у Золотому завершено.", ("russia-ukraine",)),
    ("Репараційна позика за рахунок знерухомлених активів — це справедливо.", ("russia-ukraine",)),
    ("Париж. Нормандський формат.", ("russia-ukraine",)),
    ("Мені потрібні боєприпаси, а не таксі.", ("russia-ukraine",)),
    ("Дякую мобільним вогневим групам Київщини.", ("russia-ukraine",)),
    ("Будуємо фортифікаційні споруди на Сумщині.", ("russia-ukraine",)),
    # Hebrew: al-Shifa, Bureij, the Bibas boys, the flotilla's ships, the 2014 operation, 7 October in the
    # Hebrew calendar; the Galilee division, the northern campaign, the pagers' anniversary.
    ("לוחמים נכנסו לבית החולים שיפא.", ("israel-hamas",)),
    ("כוחות פעלו במחנה אל-בורייג'.", ("israel-hamas",)),
    ("שירי, אריאל וכפיר בבית.", ("israel-hamas",)),
    ("השייטת השתלטה על ספינות המשט.", ("israel-hamas",)),
    ("עשור לצוק איתן.", ("israel-hamas",)),
    ('מענק מיוחד למי ששירת מאז שמחת תורה תשפ"ד.', ("israel-hamas",)),
    ("אוגדה 91 מסכמת את השבוע.", ("israel-hezbollah",)),
    ("המערכה בצפון נגמרת הלילה.", ("israel-hezbollah",)),
    ("שנה לביפרים.", ("israel-hezbollah",)),
    # Russian: talks "on Ukraine", sanctions on the oil majors, Lyman by its Russian name, the missing.
    ("Во время визита Макрон ничего не добился по Украине.", ("russia-ukraine",)),
    ("Новые санкции против «Роснефти» вступают в силу в пятницу.", ("russia-ukraine",)),
    ("Вспоминаем, как оставили Красный Лиман.", ("russia-ukraine",)),
    ("Двое сыновей пропали без вести под Изюмом.", ("russia-ukraine",)),
    # "Since 2014" is the war's start, not in a record's "the first time since 2014".
    ("Епископ считает, что Украина провоцировала Россию с 2014 года.", ("russia-ukraine",)),
    ("Впервые с 2014 года сборная Украины вышла в финал.", ()),
    # Ukrainian administrations: the displaced, a night attack, falling debris, a second strike at
    # rescuers, the shelled border areas, the Pavlohrad district; the immobilised assets in English.
    ("Кабмін продовжив виплати для ВПО.", ("russia-ukraine",)),
    ("Наслідки нічної атаки на Фастів усувають.", ("russia-ukraine",)),
    ("Падіння уламків у Дарницькому районі.", ("russia-ukraine",)),
    ("Рятувальники потрапили під повторний удар.", ("russia-ukraine",)),
    ("Обстріли прикордоння не вщухають.", ("russia-ukraine",)),
    ("Павлоградщина. Вночі збито п'ять дронів.", ("russia-ukraine",)),
    ("Proceeds from immobilized assets fund the next tranche.", ("russia-ukraine",)),
    # Hebrew: Egyptian-Qatari mediation, the envelope's rebuilding directorate, Be'eri, the border road,
    # Tyre; Be'eri's printing house and Tzur Hadassah are not.
    ("המגעים בתיווך מצרי-קטרי נמשכים.", ("israel-hamas",)),
    ("מנהלת תקומה מאשרת מענקים חדשים.", ("israel-hamas",)),
    ("עוד עשר משפחות חזרו לבארי.", ("israel-hamas",)),
    ("כביש 899 נסגר שוב לתנועה.", ("israel-hezbollah",)),
    ("תקיפה באזור צור הלילה.", ("israel-hezbollah",)),
    ("דפוס בארי זכה בפרס עיצוב.", ()),
    ("שריפה בצור הדסה, שלושה בתים נפגעו.", ()),
    # Arabic: Gaza's Sabra quarter.
    ("قصف منزل في حي الصبرة فجر اليوم.", ("israel-hamas",)),
    # Hebrew terms are written without their article, so they also match after ב ל כ, which absorb it.
    ("מחר יתקיים טקס לזכר הנרצחים בשבת השחורה.", ("israel-hamas",)),
    ("הצעה חדשה הועברה למתווך הקטארי.", ("israel-hamas",)),
    # Hebrew government posts: the northern sector, the north's residents home, the rebuilding
    # directorates of the north and the south, the western Negev; Lag BaOmer at Meron is not the war.
    ("מענק לחיילים ששירתו בגזרה הצפונית.", ("israel-hezbollah",)),
    ("ההחלטה: להחזיר את תושבי הצפון לבתיהם עד הקיץ.", ("israel-hezbollah",)),
    ("מנהלת תנופה לצפון פותחת משרד חדש.", ("israel-hezbollah",)),
    ("תלמידי אזור התקומה חוזרים לבתי הספר.", ("israel-hamas",)),
    ("מרכז החוסן בנגב המערבי פתוח לתושבים המפונים.", ("israel-hamas",)),
    ("שדרות חוזרת הביתה: רוב התושבים שבו לעיר.", ("israel-hamas",)),
    ('ל"ג בעומר במירון: אלפי מתפללים הגיעו, משטרת ישראל בכוננות.', ()),
    # Hostages by name; French: the hostages' families, the Philadelphi corridor, bombs on Beirut,
    # Sudzha evacuated; a bank stormed in Beirut and the wars of 1973 are not these wars.
    ("Emily Damari spoke at the rally tonight.", ("israel-hamas",)),
    ("Les familles d'otages manifestent à Tel-Aviv.", ("israel-hamas",)),
    ("Le corridor de Philadelphie reste le point de blocage.", ("israel-hamas",)),
    ("Beyrouth sous les bombes cette nuit.", ("israel-hezbollah",)),
    ("Moscou évacue Soudja.", ("russia-ukraine",)),
    ("Ratusan pager meledak di Lebanon.", ("israel-hezbollah",)),
    ("Des clients prennent d'assaut les banques à Beyrouth.", ()),
    ("50 years since the Yom Kippur War. Soldiers fell defending the Golan Heights and Sinai.", ()),
    # Russia-Ukraine: the British training mission, a drone's debris, a strike on a terminal, the
    # Mariupol theatre, "the second army of the world", the energy truce; a river's west bank is not
    # the West Bank, Venezuela's militia and the Dnipro-1 football club are not the war.
    ("Training under Interflex continues in Britain.", ("russia-ukraine",)),
    ("Бочаров: на заводе обломки двух беспилотников.", ("russia-ukraine",)),
    ("Ночью прилёт по терминалу, пожар потушен.", ("russia-ukraine",)),
    ("Річниця Маріупольського драмтеатру.", ("russia-ukraine",)),
    ("Вони зупинили «другу армію світу».", ("russia-ukraine",)),
    ("Говорили про енергетичне перемир'я.", ("russia-ukraine",)),
    ("Противник атакует на западном берегу Оскола.", ()),
    ("Мадуро объявил о мобилизации ополчения.", ()),
    ("Вітаємо «Дніпро-1» з перемогою в Кубку.", ()),
    # Ukraine's regional administrations: a drone's drop or hit, the threat of repeat attacks, the
    # temporarily occupied villages, camouflage nets, evacuation buses, the Beryslav district; ministries:
    # defenders male and female, families of the missing, the ERA loan and the aggressor state. A regional
    # administration's Easter greeting is not the war.
    ("Скид ВОГ з дрона на зупинку, двоє поранених.", ("russia-ukraine",)),
    ("Влучання БпЛА в багатоповерхівку.", ("russia-ukraine",)),
    ("Загроза повторних атак зберігається.", ("russia-ukraine",)),
    ("Допомогу можуть оформити мешканці тимчасово окупованих сіл.", ("russia-ukraine",)),
    ("Плетемо маскувальні сітки щочетверга.", ("russia-ukraine",)),
    ("Евакуаційний автобус з Херсона відправляється о 9:00.", ("russia-ukraine",)),
    ("Бериславщина: поранено чоловіка.", ("russia-ukraine",)),
    ("Протезування для захисників і захисниць безоплатне.", ("russia-ukraine",)),
    ("Гаряча лінія для родин зниклих безвісти.", ("russia-ukraine",)),
    ("Кредит ERA повертатимуть доходи від активів держави-агресора.", ("russia-ukraine",)),
    ("Херсонська ОВА вітає з Великоднем.", ()),
    # English: the warrant for Putin; the Holodomor and Karabakh are not this war. Russian: a unit's
    # temporary base, the EU's million shells, a strike on an airfield; hostages handed to the Red Cross.
    ("The ICC issued a warrant for Putin.", ("russia-ukraine",)),
    ("Holodomor Remembrance Day: millions of Ukrainians were killed by famine.", ()),
    (
        "We support the territorial integrity of Azerbaijan and call to protect civilians in Karabakh, "
        "Ukraine's MFA said.",
        (),
    ),
    ("Удар по пункту временной дислокации.", ("russia-ukraine",)),
    ("Каллас обещает «миллион снарядов».", ("russia-ukraine",)),
    ("В Таганроге прилёт по аэродрому.", ("russia-ukraine",)),
    ("Первые заложницы переданы Красному Кресту.", ("israel-hamas",)),
    # Hebrew: alerts and battles as war words, evacuees from the northern border; a drill, the 1973 war's
    # Valley of Tears and a flight to Bari in Italy are not these wars.
    ("עיריית אשקלון: התרעות לעבר העיר.", ("israel-hamas",)),
    ("הלוויה צבאית לסרן שנפל בקרבות ברפיח.", ("israel-hamas",)),
    ("תלמידי היישובים המפונים מהגבול הצפוני.", ("israel-hezbollah",)),
    ("מועצה אזורית אשכול: יתקיים תרגיל, יישמעו קולות ירי.", ()),
    ("50 שנה למלחמת יום הכיפורים. טקס ברמת הגולן לזכר הנופלים בקרבות בעמק הבכא.", ()),
    ("קו ישיר לבארי שבאיטליה.", ()),
    # A place name that is also a common word counts at a sentence's start when a dateline's colon or
    # comma follows it, or a full stop ends it as a heading ("суми" are sums).
    ("Суми: дві балістичні ракети по центру міста.", ("russia-ukraine",)),
    ("Суми. Неділя. По центру міста влучили дві балістичні ракети.", ("russia-ukraine",)),
    ("Суми, неділя. По центру міста влучили дві балістичні ракети.", ("russia-ukraine",)),
    # A Chechen leader's and a former president's channels: the Chechen battalions on Kyiv's side, the
    # annexed regions "are Russia", the borders of 1991; in English, sanctions on Rosneft, the FP-5.
    ("Ликвидирован командир батальона «Шейх Мансур».", ("russia-ukraine",)),
    ("Донецк, Луганск, Запорожье, Херсон — это Россия.", ("russia-ukraine",)),
    ("Он снова обещает выйти к границам 1991 года.", ("russia-ukraine",)),
    ("We welcome the sanctions on Rosneft.", ("russia-ukraine",)),
    ("The FP-5 is in serial production.", ("russia-ukraine",)),
    # Axis channels: salvos on the Galilee, Fadi rockets, Zubeidi freed; "in the Strip" in Russian.
    ("الجليل الأعلى الليلة... صليات متتالية.", ("israel-hezbollah",)),
    ("Haifa tonight: Fadi-3s over the bay.", ("israel-hezbollah",)),
    ("الأسير المحرر زكريا الزبيدي يصل رام الله.", ("israel-hamas",)),
    ("ЦАХАЛ начал наземную операцию в секторе.", ("israel-hamas",)),
    # Not these wars: a Quran verse, Iraq's Islamic Resistance, Hezbollah's "occupier", Chechnya's riot
    # police, Iran's missiles on Tel Aviv, a harvest, the Second World War, a football cup.
    ("خطبة الجمعة: «ألا إن حزب الله هم المفلحون».", ()),
    ("Islamic Resistance in Iraq claims a drone attack on Eilat.", ()),
    ("Naim Qassem: we will not hand over our weapons while the occupier remains.", ("israel-hezbollah",)),
    ("Бойцы ОМОН «Ахмат» задержали браконьеров, изъято оружие.", ()),
    ("Иран нанёс ракетный удар. Над Тель-Авивом работает ПВО.", ()),
    ("Мобилизация всех сил на уборку урожая.", ()),
    ("8 травня. Вісім мільйонів українців загинули в тій війні.", ()),
    ("«Шахтар» переміг у Лізі чемпіонів, Донецьк святкує перемогу.", ()),
    # Real news: South Korea's martial law is not this war; a strategic defeat of Russia and continued
    # support for Ukraine are.
    (
        "Лидер оппозиции Южной Кореи считает, что президент после провала попытки ввести военное "
        "положение спровоцирует КНДР.",
        (),
    ),
    ("Они добиваются стратегического поражения России.", ("russia-ukraine",)),
    ("Канцлер обещал и дальше поддерживать Украину.", ("russia-ukraine",)),
    # The army's and ministries' words: the registry, the Ghost of Kyiv, the JFO, missile debris, missing
    # on a combat mission, summonses online, Zelensky as "the Expired".
    ("Update your military registration data in the app.", ("russia-ukraine",)),
    ("Posthumously awarded: the Ghost of Kyiv.", ("russia-ukraine",)),
    ("JFO HQ: shelling near Pisky over the day.", ("russia-ukraine",)),
    ("Уламки балістичної ракети впали біля школи.", ("russia-ukraine",)),
    ("Зник безвісти під час виконання бойового завдання.", ("russia-ukraine",)),
    ("Повестки по Госуслугам приходят всем.", ("russia-ukraine",)),
    ("Опять Просроченный просит денег.", ("russia-ukraine",)),
    # French and Indonesian: the International Legion, the reparations loan, the Philadelphi axis,
    # "the Hezb" on Metula, north of the Strip; English: the Shifa hospital.
    ("Témoignages de la Légion internationale.", ("russia-ukraine",)),
    ("L'UE discute du prêt de réparation.", ("russia-ukraine",)),
    ("Netanyahou refuse de quitter l'axe Philadelphie.", ("israel-hamas",)),
    ("Le Hezb revendique une salve sur Metoula.", ("israel-hezbollah",)),
    ("Bantuan diterjunkan di wilayah utara Jalur.", ("israel-hamas",)),
    ("Troops operated in the area of Shifa Hospital.", ("israel-hamas",)),
    # Not these wars: a skating cup in Metula, peacekeepers' day, 1967, Iran and Israel in June 2025, a
    # namesake Avdiivka.
    ("The Canada Centre in Metula hosts the figure skating cup.", ()),
    ("Peacekeepers served in Kosovo and Lebanon, Ukraine's army said.", ()),
    ("Perang Enam Hari 1967: Sinai, Golan dan Tepi Barat direbut.", ()),
    ("Le cessez-le-feu entre Téhéran et Tel-Aviv annoncé par Trump tient.", ()),
    ("Авдіївка Сосницької громади отримала нову водонапірну вежу.", ()),
    # Hebrew: Tel al-Sultan, the Nova survivors, a delegation off to Doha, Qatar and Egypt, the five
    # points, the shelter with its article ("המרחב המוגן"), Mohammed Sinwar spelled without a yod.
    ("לוחמים פעלו בתל סולטאן.", ("israel-hamas",)),
    ("קו חם לשורדי המסיבה.", ("israel-hamas",)),
    ("משלחת בראשות ראש המוסד תצא מחר לדוחא.", ("israel-hamas",)),
    ("קטאר ומצרים העבירו הצעה חדשה.", ("israel-hamas",)),
    ("צה״ל נשאר בחמש הנקודות לאורך הגבול.", ("israel-hezbollah",)),
    ("עוד לילה במרחב המוגן בצפת.", ("israel-hezbollah",)),
    ("מוחמד סנוואר חוסל.", ("israel-hamas",)),
    # Arabic: the Strip's children, administrative detention, the buzzing drone, the Glilot base.
    ("الملايين في الشوارع لأجل أطفال القطاع.", ("israel-hamas",)),
    ("تحويل شاب إلى الاعتقال الإداري.", ("israel-hamas",)),
    ("الهدنة بدأت، ولأول مرة لا نسمع الزنانة.", ("israel-hamas",)),
    ("استهدف المجاهدون قاعدة غليلوت.", ("israel-hezbollah",)),
    # Ukraine's cities: a night missile attack, Lviv's military cemetery, a shell's hit, critical
    # infrastructure, Kherson "free again"; Russian: TOS-1 launchers, "new territorial realities".
    ("Собор зазнав руйнувань унаслідок нічної ракетної атаки.", ("russia-ukraine",)),
    ("На Марсовому полі ще три нові могили.", ("russia-ukraine",)),
    ("Снаряд влучив у дитячий майданчик.", ("russia-ukraine",)),
    ("Вночі пошкоджено об'єкт критичної інфраструктури.", ("russia-ukraine",)),
    ("Рік тому Херсон знову став вільним.", ("russia-ukraine",)),
    ("«Солнцепёки» отработали по пехоте.", ("russia-ukraine",)),
    ("Условия прежние: признание новых территориальных реалий.", ("russia-ukraine",)),
    # Not these wars: Be'eri Street, the police's name, a companion of the Prophet, Zeitoun in Cairo,
    # storks arriving, farm drones, Syria after Assad, the 1982 war.
    ("רחוב בארי ייסגר לתנועה בלילה.", ()),
    ("משטרת ישראל: נעצר חשוד בסחיטה באשקלון.", ()),
    ("أبو عبيدة عامر بن الجراح توفي في طاعون عمواس.", ()),
    ("حريق في مصنع بحي الزيتون شرق القاهرة.", ()),
    ("Перші лелеки прилетіли на Сумщину.", ()),
    ("Аграрні дрони обробили поля на Миколаївщині.", ()),
    ("После падения Асада армия заняла вершину Хермона на Голанах.", ()),
    ("היום לפני 44 שנה החל מבצע שלום הגליל.", ()),
    # Hebrew with the article absorbed or left out (במסיבה, קו עימות), back to the Galilee, the agreement
    # with Beirut, the Shifa hospital as a dateline.
    ('נחום ז"ל נרצח במסיבה ברעים.', ("israel-hamas",)),
    ("מעבר לפעילות מלאה באזורי קו עימות.", ("israel-hezbollah",)),
    ("1 במרץ – חוזרים לגליל.", ("israel-hezbollah",)),
    ("ההסכם עם ביירות נכנס לתוקף.", ("israel-hezbollah",)),
    ("שיפא: הכוחות פעלו במתחם.", ("israel-hamas",)),
    # Ukraine's president: Operation Spiderweb, the annexation, a Russian missile's hit, the thousandth
    # day, the peace formula.
    ("«Павутина». Операція, яка увійде в підручники.", ("russia-ukraine",)),
    ("Ми ніколи не визнаємо анексію Криму.", ("russia-ukraine",)),
    ("Російська ракета влучила по місту.", ("russia-ukraine",)),
    ("Сьогодні – 1000 днів.", ("russia-ukraine",)),
    ("Мирна формула: 10 пунктів.", ("russia-ukraine",)),
    # English and Arabic news: the Bibas family by name, the Board of Peace, the three mediators, Iqlim
    # al-Tuffah, the Strip's administration, the 28 points.
    ("Shiri, Ariel and Kfir. The procession leaves at noon.", ("israel-hamas",)),
    ("Board of Peace members meet in Cairo.", ("israel-hamas",)),
    ("قطر ومصر والولايات المتحدة في بيان مشترك.", ("israel-hamas",)),
    ("سلسلة غارات على إقليم التفاح.", ("israel-hezbollah",)),
    ("الفصائل تقبل بلجنة تكنوقراط لإدارة القطاع.", ("israel-hamas",)),
    ("المبعوث الروسي يبحث خطة النقاط الـ28.", ("russia-ukraine",)),
    # Not these wars: a burglary in Kiryat Shmona, Rothschild Boulevard (שדרות), Gaza Street in Amman,
    # Lebanon's elections.
    ("פריצה לשלוש חנויות בקריית שמונה הלילה.", ()),
    ("תאונה קשה בשדרות רוטשילד, רוכב נפצע.", ()),
    ("شارع غزة في عمّان يشهد ازدحاماً.", ()),
    ("Lebanon's parliamentary elections: Hezbollah loses its majority.", ()),
    # Russian news: the Istanbul format, the Tisza swimmers, buyers of Russian oil; the truce's second
    # phase, the slogan, the five hilltops.
    ("Песков: Москва готова к контактам в стамбульском формате.", ("russia-ukraine",)),
    ("Тело мужчины, пытавшегося переплыть Тису, нашли пограничники.", ("russia-ukraine",)),
    ("Сенат готовит пошлины против покупателей российской нефти.", ("russia-ukraine",)),
    ("Консультации о второй фазе перемирия возобновятся.", ("israel-hamas",)),
    ("Тысячи людей на улицах Лондона: «От реки до моря».", ("israel-hamas",)),
    ("Израильские войска должны покинуть пять высот.", ("israel-hezbollah",)),
    # Tulkarm in two words, the rallies' chant, pagers and walkie-talkies, Operation Iron Wall in
    # Indonesian, Russia's partial mobilisation.
    ("טול כרם: חוסל בכיר בגדוד.", ("israel-hamas",)),
    ("The only chant you could hear: 'Ceasefire NOW'.", ("israel-hamas",)),
    ("Pagers. Walkie-talkies. Thousands maimed.", ("israel-hezbollah",)),
    ("Jenin lagi. Operasi 'Tembok Besi' masuk pekan ketiga.", ("israel-hamas",)),
    ("Mobilisasi parsial: warga Dagestan unjuk rasa.", ("russia-ukraine",)),
    # Ukraine's General Staff and news: a hit near Cape Tarkhankut, a "gauleiter", a night strike, a
    # fundraiser for drones.
    ("Біля мису Тарханкут уражено малий ракетний корабель.", ("russia-ukraine",)),
    ("Суд заочно засудив гауляйтера Балицького.", ("russia-ukraine",)),
    ("Після нічного удару без світла 200 тисяч абонентів.", ("russia-ukraine",)),
    ("Відкрили збір на мавіки для бригади.", ("russia-ukraine",)),
    # Not these wars: a drone light show, Iran's missile on Haifa, a road accident in Sderot, a UFC fight.
    ("Шоу дронов над Москвой: в небо поднимут 3000 беспилотников.", ()),
    ("Иранская ракета попала в НПЗ в Хайфе.", ()),
    ("שדרות: בן 20 נהרג בתאונת אופנוע.", ()),
    ("Український боєць UFC провів блискавичний штурм.", ()),
    # Hebrew local authorities: shrapnel, residents back home, the envelope's kibbutzim, the Tkuma area
    # without its article, the Re'im memorial, the morning of 7 October, a direct hit in Ashkelon.
    ("עוד לילה: נפל רסס ברחוב הגעתון בנהריה.", ("israel-hezbollah",)),
    ("תושבי שלומי, ברוכים השבים הביתה!", ("israel-hezbollah",)),
    ("ברוכים הבאים לתושבי קיבוצי העוטף.", ("israel-hamas",)),
    ("מסלול פיצוי לחקלאים באזור תקומה.", ("israel-hamas",)),
    ("אתר ההנצחה בחניון רעים ייסגר לביקורים.", ("israel-hamas",)),
    ("הוותיקים זוכרים איך ברחו בבוקר שמחת תורה.", ("israel-hamas",)),
    ("עיריית אשקלון מחבקת משפחה שביתה נפגע פגיעה ישירה.", ("israel-hamas",)),
    # Ukraine's administrations: defenders home, a ballistic threat, a cluster submunition, the specially
    # missing; French and Arabic: the Ofer prison, the north of the Strip, the Shifa complex.
    ("Ще 190 захисників повернулися додому.", ("russia-ukraine",)),
    ("Тривога. Загроза балістики з півночі.", ("russia-ukraine",)),
    ("Знайшли касетний суббоєприпас біля школи.", ("russia-ukraine",)),
    ("Реєстр осіб, зниклих безвісти за особливих обставин.", ("russia-ukraine",)),
    ("Libérés cette nuit de la prison d'Ofer.", ("israel-hamas",)),
    ("Quatre soldats tués dans le nord de la bande.", ("israel-hamas",)),
    ("محيط مجمع الشفاء: الدبابات تطوق المستشفى.", ("israel-hamas",)),
    # Not these wars: a "green alarm" week, a custody dispute, the Red South festival, farm drones.
    ("שבוע 'אזעקה ירוקה' בבתי הספר באשקלון: חינוך סביבתי.", ()),
    ("ילד שנחטף על ידי אביו בסכסוך משמורת אותר באשקלון.", ()),
    ("פסטיבל דרום אדום ייפתח בשבת במועצה אזורית אשכול.", ()),
    ("Вінниччина: аграрії випробували дрони для обприскування.", ()),
    # Ukrainian news: "heading for Chernihiv", a collaborator, decoy drones, the Freedom of Russia legion,
    # the Tochka-U; Moscow and Kyiv in Arabic; a support package for Kyiv.
    ("Пташки з півночі, курс на Чернігів.", ("russia-ukraine",)),
    ("Повідомили про підозру колаборанту.", ("russia-ukraine",)),
    ("Частина цілей — «гербери».", ("russia-ukraine",)),
    ("Легіон «Свобода Росії» оприлюднив відео.", ("russia-ukraine",)),
    ("Краматорськ, вокзал. «Точка-У».", ("russia-ukraine",)),
    ("موسكو وكييف تتفقان على لقاء جديد.", ("russia-ukraine",)),
    ("Orban blocks the support package for Kyiv again.", ("russia-ukraine",)),
    # Not these wars: a youth tournament, a tax sweep, storks, the Beirut port blast, Turkey's Hezbollah.
    ("טורניר הכדורגל של קריית שמונה לנוער יוצא לדרך.", ()),
    ("רשות המסים: מבצע אכיפה באשדוד ובאשקלון.", ()),
    ("Прильоти лелек до Полтавщини почалися раніше.", ()),
    ("Бейрут: шість років від вибуху в порту.", ()),
    ("محكمة تصدر أحكاما بحق عناصر من حزب الله التركي.", ()),
    # Israel's government: the hostages' coordinator, a delegation off to Qatar, "Hamastan", the Nova's
    # murdered; Ukraine's: the Khartia brigade, the "invincibility points"; not a namesake Bakhmut in
    # Moldova or a football club's promotion in Kiryat Shmona.
    ("מתאם הממשלה לענייני השבויים והנעדרים עדכן את המשפחה.", ("israel-hamas",)),
    ("המשלחת יצאה הלילה לקטאר.", ("israel-hamas",)),
    ('רה"מ: לא תהיה חמאסטן ביום שאחרי.', ("israel-hamas",)),
    ("טקס לזכר נרצחי נובה.", ("israel-hamas",)),
    ("Бригада «Хартія» тримає оборону.", ("russia-ukraine",)),
    ("Відкрито «Незламні пункти» у Львові.", ("russia-ukraine",)),
    ("Село Бахмут у Молдові святкує храмове свято.", ()),
    ("עיריית קריית שמונה מברכת את הקבוצה על העלייה לליגת העל.", ()),
    # Israel's councils and ministries: reservists on the Lebanon sector, an attack at a Samaria junction;
    # Ukraine's: Russia's war crimes, POWs' families; Seoul on North Korea's troops in Kursk, the north's
    # residents home as a war aim, Strelkov in 2014.
    ("הוא שירת 200 יום בגזרת לבנון.", ("israel-hezbollah",)),
    ("פיגוע ירי סמוך לצומת עין סיניא, המחבל נמלט.", ("israel-hamas",)),
    ("Зареєстровано 140 тисяч воєнних злочинів рф.", ("russia-ukraine",)),
    ("Виплати для родин військовополонених зростуть з липня.", ("russia-ukraine",)),
    ("South Korea: North Korean troops are fighting in the Kursk region.", ("russia-ukraine",)),
    ("The cabinet made the return of the residents of the north a war aim.", ("israel-hezbollah",)),
    ("Весна 2014-го: у Стрелкова одна «Нона» на всех, напротив уже стояли гаубицы.", ("russia-ukraine",)),
    # Not these wars: Iran's missiles, a crime, a cable car, a gas explosion, the sea border deal of 2022.
    ("בעקבות הטילים מאיראן, הלימודים באשקלון יתקיימו מרחוק.", ()),
    ("ירי על רקע פלילי בנתיבות, צעיר נפצע.", ()),
    ("הרכבל במנרה חוזר לפעול בקיץ.", ()),
    ("Полтава: вибух газоповітряної суміші у багатоповерхівці.", ()),
    ("Israel and Lebanon sign a deal on their maritime border, clearing the Karish gas field.", ()),
    # Ukraine's state: Russia's special services, bodies repatriated, a jet downed; the Kursk front and
    # the al-Aqsa Martyrs' Brigades in Arabic; Canada's arrest of Netanyahu, contract soldiers in Russian.
    ("СБУ затримала агентів, яких вербували російські спецслужби.", ("russia-ukraine",)),
    ("Повернули тіла ще 500 полеглих.", ("russia-ukraine",)),
    ("Мінус ще один Су-34.", ("russia-ukraine",)),
    ("جبهة كورسك: وحدات أوكرانية اخترقت الحدود قرب سودجا.", ("russia-ukraine",)),
    ("كتائب شهداء الأقصى تتبنى العملية.", ("israel-hamas",)),
    ("Канада арестует Нетаньяху, если он приедет.", ("israel-hamas",)),
    ("С начала года контракты о прохождении службы подписали 100 тысяч человек.", ("russia-ukraine",)),
    # Not these wars: a smuggler's drone, a knife attack, the Naksa of 1967, a footballer named Nasrallah.
    ("На Закарпатті прикордонники перехопили безпілотник, який тягнув до Румунії 500 пачок сигарет.", ()),
    ("Бойня в подмосковной электричке: конфликт, агрессор ударил женщину ножом.", ()),
    ("ذكرى النكسة: في حزيران 1967 احتلت إسرائيل قطاع غزة.", ()),
    ("المهاجم علي نصر الله ينتقل إلى نادي الصفاء.", ()),
    # Donetsk's districts, Bryansk's border villages, Ukraine's sea corridor, Abu Obeida in the
    # genitive, Hezbollah's health authority, the referendums in Arabic, the north's rebuilding, Nova.
    ("Калининский район Донецка. Повреждены два дома, есть раненые.", ("russia-ukraine",)),
    ("Вечером Суземка снова под обстрелом, без света три улицы.", ("russia-ukraine",)),
    ("Український морський коридор за місяць пропустив сорок суден.", ("russia-ukraine",)),
    ("كلمة منتظرة لابي عبيدة مساء اليوم.", ("israel-hamas",)),
    ("الهيئة الصحية الإسلامية تنعى مسعفا من بلدة الطيبة.", ("israel-hezbollah",)),
    ("انطلاق استفتاء الانضمام في زابوريجيا.", ("russia-ukraine",)),
    ("מנהלת תנופה תקצה מיליון שקל לשיקום העסקים בגליל.", ("israel-hezbollah",)),
    ("טקס לציון שנה לטבח במסיבת נובה ייערך בשבת.", ("israel-hamas",)),
    # Not these wars: the M-2 highway named Crimea, road repairs in a border town, a title caption, a
    # footballer named Nasrallah, a summer festival in Kiryat Shmona.
    ("Три человека погибли в аварии на 103 км трассы М-2 «Крым» в Подмосковье.", ()),
    ("Ремонт дороги Шебекино — Новая Таволжанка завершат к осени.", ()),
    ("Брифінг Міністра оборони України. Наживо.", ()),
    ("نصر الله يسجل ثنائية في مباراة الدوري اللبناني.", ()),
    ("פסטיבל הקיץ בקריית שמונה נפתח הערב בפארק העירוני.", ()),
    # Israel turning Kyiv down counts for Russia's war; the Dnipro missile plant, the sea drone, men
    # liable for service; the hilltop youth and Huwara; all the hostages home.
    ("Израиль отказал Киеву в поставке систем ПВО.", ("russia-ukraine",)),
    ("«Орешник» по «Южмашу», и больше вопросов нет.", ("russia-ukraine",)),
    ("Ізраїль відмовився передавати Україні системи ППО.", ("russia-ukraine",)),
    ("Sea Baby знову уразили корабель у Новоросійську.", ("russia-ukraine",)),
    ("Прикордонники затримали трьох військовозобов'язаних біля Тиси.", ("russia-ukraine",)),
    ("פעילי נוער הגבעות נעצרו הלילה.", ("israel-hamas",)),
    ("מתנחלים הציתו רכבים בחווארה.", ("israel-hamas",)),
    ("We will not stop until all the hostages are home.", ("israel-hamas",)),
    # Not these wars: Finland's border regions, hired killers in Istanbul, a title caption, trams.
    ("Приграничные регионы Финляндии несут потери без российских туристов.", ()),
    ("Наёмные убийцы обстреляли кафе в центре Стамбула.", ()),
    ("Брифінг міністра оборони Рустема Умєрова. Наживо.", ()),
    ("Kharkiv: tram route No. 27 launches on Monday, linking Saltivka with the Central Market.", ()),
    # Sirens as also spelt in Arabic, the Black Sea initiative, the illegal invasion, Israel condemning
    # it, resolution 1701 with its year, Gaza City, the Beqaa in Hebrew.
    ("صافرات الانذار في نهاريا وعكا.", ("israel-hezbollah",)),
    ("موسكو تعلن عدم تمديد مبادرة البحر الاسود.", ("russia-ukraine",)),
    ("Each of them is helping to sustain Putin's illegal invasion.", ("russia-ukraine",)),
    ("Foreign Minister Lapid: Israel condemns the Russian invasion of Ukraine.", ("russia-ukraine",)),
    (
        "Exchanges of fire across the Blue Line must stop: implement resolution 1701 (2006).",
        ("israel-hezbollah",),
    ),
    ("הקבינט אישר להשתלט על העיר עזה.", ("israel-hamas",)),
    ("בבקעת הלבנון: חיל האוויר השמיד מתקן לייצור אמצעי לחימה.", ("israel-hezbollah",)),
    # Not these wars: Moscow's Donetsk Street, a scholar's death, a Quran burning, reconciliation talks,
    # BRICS, spies for Iran.
    ("На улице Донецкая водитель сбил пешехода.", ()),
    ("حماس تنعى العلامة يوسف القرضاوي.", ()),
    ("حزب الله يدين الاساءه للقران الكريم في السويد.", ()),
    ("فتح وحماس توقعان في بكين اعلانا لانهاء الانقسام.", ()),
    (
        "The BRICS Summit brings together delegations from 36 countries. Minister Lavrov welcomed them.",
        (),
    ),
    ('שב"כ: חמישה תושבי חיפה נעצרו בחשד לריגול עבור איראן, ביניהם חייל לשעבר.', ()),
    # Gaza's hostages named by region, the Kyiv junta, combined-arms armies, Sudzha and the annexation
    # referendums in French, Beirut's southern suburbs, FSB agents, Moscow's mayor in Arabic.
    ("Трамп: за захват заложников на Ближнем Востоке заплатят, если их не освободят.", ("israel-hamas",)),
    ("Очередные миллиарды для киевской хунты.", ("russia-ukraine",)),
    ("Подразделения 2-й общевойсковой армии продвинулись на полтора километра.", ("russia-ukraine",)),
    ("Région de Koursk : Moscou dit avoir repris Soudja.", ("russia-ukraine",)),
    (
        "Les administrations installées par Moscou organiseront des référendums de rattachement.",
        ("russia-ukraine",),
    ),
    ("Première frappe sur la banlieue sud depuis le cessez-le-feu.", ("israel-hezbollah",)),
    ("Контррозвідка СБУ затримала агента ФСБ у Дніпрі.", ("russia-ukraine",)),
    ("سوبيانين: الدفاعات الجوية أسقطت مسيرتين كانتا تحلقان باتجاه موسكو.", ("russia-ukraine",)),
    # Not these wars: Afghanistan's veterans, Lebanon's municipal elections.
    ("15 лютого — День вшанування учасників бойових дій на території інших держав.", ()),
    ("إقفال صناديق الاقتراع في محافظتي الجنوب والنبطية والفرز بدأ في بنت جبيل.", ()),
    (
        "Вооружённые силы Украины атаковали Белгородскую область беспилотниками, сообщили в Минобороны.",
        ("russia-ukraine",),
    ),
    (
        "Israeli troops continued operations in the Gaza Strip against Hamas targets overnight.",
        ("israel-hamas",),
    ),
    ("Цены на газ в Европе снова выросли на фоне холодной погоды.", ()),
    # Talks with Kyiv, Western weapons on Russia's territory, the Russian-Ukrainian crisis and airdrops
    # in Arabic, Lebanon's frontline villages, settlers' arson and the invasion in Hebrew, Shujaiya in
    # Indonesian.
    (
        "В Россию вернулись 46 жителей Курской области по итогам переговорного процесса с Киевом.",
        ("russia-ukraine",),
    ),
    (
        "Путин обратится к нации по поводу применения западного оружия на территории России.",
        ("russia-ukraine",),
    ),
    ("مجموعة الاتصال العربية المعنية بالازمة الروسية الاوكرانية تلتقي لافروف.", ("russia-ukraine",)),
    ("الانزالات الجوية وحدها لا تكفي.", ("israel-hamas",)),
    ("وزارة الشؤون الاجتماعية تسجل الاسر العائدة الى قرى الحافة الامامية.", ("israel-hezbollah",)),
    ("מתנחלים הציתו הלילה כלי רכב בכפר ליד רמאללה.", ("israel-hamas",)),
    ("רוסיה פלשה עם שחר, פיצוצים דווחו בקייב.", ("russia-ukraine",)),
    ("Laporan dari Syujaiyah: enam Merkava dihantam dalam 48 jam.", ("israel-hamas",)),
    # Not these wars: Indonesia's parliament (DPR), an air show, paving, expired food in Khan Younis.
    ("Demonstrasi di sekitar DPR berlanjut hingga malam, seorang pengemudi ojek meninggal.", ()),
    ("Su-57 fighter performs its aerobatic routine at an airshow in Zhuhai.", ()),
    ("כביש 90 בין ראש פינה לקריית שמונה ייחסם הלילה בשל עבודות סלילה.", ()),
    ("وزارة الاقتصاد الوطني في غزة تضبط لحوما منتهية الصلاحية في خان يونس.", ()),
    # Zelensky asking Israel past the Israel veto, Snake Island and the goodwill gesture, the Kreminna
    # direction, the mobilisation age and the annexation treaties in Ukrainian, Fuad Shukr's charge sheet.
    (
        "Зеленский по видеосвязи выступил в Кнессете и снова попросил у Израиля «Железный купол».",
        ("russia-ukraine",),
    ),
    ("Змеиный оставлен «в качестве жеста доброй воли».", ("russia-ukraine",)),
    ("На Кременском туман и грязь, штурмы у противника пошли опять.", ("russia-ukraine",)),
    ("Зеленський підписав закон про зниження мобілізаційного віку до 25 років.", ("russia-ukraine",)),
    ("Путін підписав так звані договори про «приєднання» чотирьох областей.", ("russia-ukraine",)),
    (
        "Target of tonight's strike in Haret Hreik: Fuad Shukr, wanted by Washington over the 1983 "
        "Marine barracks bombing.",
        ("israel-hezbollah",),
    ),
    # Not these wars: a garrison military court, the Volhynia massacre, Istanbul's mayor.
    ("Московский гарнизонный военный суд освободил из-под стражи бывшего замначальника управления ФСБ.", ()),
    ("Украина согласилась не препятствовать эксгумации жертв Волынской резни.", ()),
    ("Istanbul: Mayor Ekrem İmamoğlu detained in a dawn raid; rally at Saraçhane tonight.", ()),
    # The crisis in Ukraine, mediation between Russia and Ukraine, the people's republics in full, the EU's
    # numbered packages; the same in Hebrew and French; the right to strike those whose weapons hit Russia.
    ("Talks in Jeddah on the crisis in Ukraine ended without a joint statement.", ("russia-ukraine",)),
    ("Abu Dhabi says its mediation between Russia and Ukraine freed 150 more captives.", ("russia-ukraine",)),
    ("Moscow recognised the Luhansk People's Republic tonight.", ("russia-ukraine",)),
    ("Brussels agreed the 12th sanctions package against Russia.", ("russia-ukraine",)),
    ("ראש הממשלה שוחח הערב על ניסיונות התיווך בין רוסיה לאוקראינה.", ("russia-ukraine",)),
    ("Paris réaffirme son soutien à l'Ukraine face à l'agression russe.", ("russia-ukraine",)),
    ("Décret sur les « républiques populaires » de Donetsk et de Louhansk.", ("russia-ukraine",)),
    (
        "Москва ответит тем, кто разрешает применять своё оружие против российских объектов.",
        ("russia-ukraine",),
    ),
    # Gaza in the Houthis' and the Élysée's words, the US pier; a northern header and a missile below it.
    ("«הפעולות יימשכו עד הפסקת התוקפנות נגד עזה», אמר דובר החות'ים.", ("israel-hamas",)),
    ("המזח האמריקאי פורק בגלל מזג האוויר.", ("israel-hamas",)),
    ("La France condamne les attaques terroristes contre Israël.", ("israel-hamas",)),
    ("Un vidéaste tué par un tir d'obus près d'Alma el-Chaab.", ("israel-hezbollah",)),
    ("מועצה אזורית הגליל העליון\nתושב נהרג מפגיעת טיל בחצר ביתו.", ("israel-hezbollah",)),
    # Not these wars: transit through Istanbul, Ukrainian scammers, the north's civic news, a singer.
    ("Модель задержали на таможне: она летела из Ниццы в Москву транзитом через Стамбул.", ()),
    ("Пенсионер собрал взрывное устройство, чтобы защититься от украинских мошенников.", ()),
    ("מרכז קנדה מטולה\nמשטח הקרח פתוח בחנוכה כל יום.", ()),
    ("הקלפיות בקריית שמונה פתוחות היום עד 22:00.", ()),
    ("Israeli singer Eden Golan is through to the Eurovision final.", ()),
    ("Netanyahu orders the Shin Bet to help fight the crime wave in Arab towns.", ()),
    # Lebanon's official words: hostile raids, the southern villages; settlers' attacks in the West Bank.
    ("بلدية صور: الغارات المعادية دمرت ثلاثة مبان في حي الرمل.", ("israel-hezbollah",)),
    ("شكوى إلى مجلس الأمن بعد استخدام الفوسفور الأبيض في القرى الجنوبية.", ("israel-hezbollah",)),
    ("مستوطنون يعتدون على بلدة حوارة جنوب نابلس.", ("israel-hamas",)),
    # Not Lebanon's war: the army command's border police work, a marathon, Gaza's wounded, Russia's invasion.
    ("قيادة الجيش: إحباط تهريب 40 شخصا عند الحدود اللبنانية السورية.", ()),
    ("بلدية بنت جبيل تدعو إلى ماراثون البلدة السنوي يوم الأحد.", ()),
    ("وزير الصحة: لبنان يضع مستشفياته بتصرف جرحى قطاع غزة.", ("israel-hamas",)),
    ("القمح: الغزو الروسي لأوكرانيا هدد مصادر الإمداد للبنان.", ("russia-ukraine",)),
    # Ukraine's refugees in Hebrew, the annexation in Hebrew, Kherson's day, the Kursk operation.
    ("מטוס סיוע יצא לפולין עם ציוד לפליטים מאוקראינה.", ("russia-ukraine",)),
    ("רוסיה הודיעה על סיפוח ארבעה מחוזות באוקראינה.", ("russia-ukraine",)),
    ("Херсон — український! Рік від звільнення.", ("russia-ukraine",)),
    ("Операция в Курской области должна завершиться до весны.", ("russia-ukraine",)),
    ("«התוקפנות על עזה חייבת להיפסק», אמר נסראללה.", ("israel-hamas", "israel-hezbollah")),
    # Not these wars: servicemen's housing, an olympiad, a hostage's first name, a northern industrial park.
    ("Министр обороны Белоусов провёл совещание по выдаче служебного жилья военнослужащим.", ()),
    ("В Вооружённых Силах Российской Федерации стартовала олимпиада по военной истории.", ()),
    ("שלומי זיו חולץ בנוסייראת יחד עם שלושה חטופים.", ("israel-hamas",)),
    ("קריית שמונה: פארק תעשייה חדש ייפתח בכניסה לעיר.", ()),
    ("В России действовал мораторий: дольщики не могли взыскать штрафы.", ()),
    # Russia's partial mobilisation, Ukraine's displaced and the grain deal in French, helmets for Ukraine in
    # Hebrew; the hostage and ceasefire talks, the failure of October 7, hostage exchanges in French.
    ("Putin signs the decree on partial mobilisation.", ("russia-ukraine",)),
    ("Accueil des réfugiées ukrainiennes : nouvelles places à Lyon.", ("russia-ukraine",)),
    ("Moscou suspend l'accord céréalier, le blé flambe.", ("russia-ukraine",)),
    ("ישראל תשלח קסדות לשירותי ההצלה באוקראינה.", ("russia-ukraine",)),
    ("The envoys are back in Doha for the hostage and ceasefire talks.", ("israel-hamas",)),
    ("The chief of staff resigned over the failure of October 7.", ("israel-hamas",)),
    ("Trois prisonnières libérées dans le cadre d'un échange contre des otages.", ("israel-hamas",)),
    ("حلق الطيران الحربي المعادي فوق البلدة طوال الليل.", ("israel-hezbollah",)),
    ("נהריה: עונת הרחצה נדחית בשל המצב הביטחוני בגבול לבנון.", ("israel-hezbollah",)),
    # Not these wars: the Korean border, the Rada on cannabis, Lebanon's presidential vote, Israel's election,
    # Gaza's ministries on covid and Ramadan, Hezbollah at the polls, Karmiel's help for Ukraine's refugees.
    ("КНДР взорвала дороги к северу от демаркационной линии, армия Сеула в боевой готовности.", ()),
    ("Verkhovna Rada legalises medical cannabis.", ()),
    ("Lebanon's parliament again fails to elect a president; Berri adjourns.", ()),
    ("Final results of Israel's election: Ben Gvir's list is third.", ()),
    ("وزارة الصحة في غزة: تسجيل إصابات جديدة بفيروس كورونا.", ()),
    ("حركة حماس تهنئ شعبنا بحلول شهر رمضان المبارك.", ()),
    ("حزب الله يدعو إلى المشاركة في الاقتراع يوم الأحد.", ()),
    ("עיריית כרמיאל אוספת ציוד לפליטים שהגיעו מאוקראינה בעקבות הפלישה הרוסית.", ("russia-ukraine",)),
    # The war's budget, mobilised musicians, Zelensky "illegitimate", retreats to "more advantageous lines",
    # Indonesians evacuated from Ukraine and Lebanon; the occupier's five positions in the south.
    ("Госдума приняла бюджет с рекордными расходами на войну.", ("russia-ukraine",)),
    ("Концерт украинской певицы отменили: военкомы мобилизовали музыкантов.", ("russia-ukraine",)),
    ("Володин: полномочия Зеленского истекли.", ("russia-ukraine",)),
    ("Le ministère russe annonce un repli vers des lignes plus avantageuses.", ("russia-ukraine",)),
    ("Sebanyak 30 WNI dievakuasi dari Ukraina lewat Rumania.", ("russia-ukraine",)),
    ("Kemlu memulangkan 25 WNI dari Lebanon pekan ini.", ("israel-hezbollah",)),
    ("L'occupant garde cinq positions au Sud-Liban.", ("israel-hezbollah",)),
    # Not Lebanon's war: Georges Abdallah's release.
    ("Le militant libanais Georges Abdallah est libre, expulsé vers Beyrouth.", ()),
    # The peace formula, "the Kyiv clowns", the Crimean spring, Azovstal in the genitive, families fleeing the
    # fighting in Ukraine in Hebrew, frozen Russian assets, the UN's votes in Indonesian, the pause in Gaza.
    ("Никакой «формулы мира» не будет, заявил постпред.", ("russia-ukraine",)),
    ("Десять лет Крымской весне.", ("russia-ukraine",)),
    ("Из «Азовстали» вышли ещё 300 человек.", ("russia-ukraine",)),
    ("לעיר הגיעו עשרות משפחות שנמלטו מהלחימה באוקראינה.", ("russia-ukraine",)),
    ("The loan is serviced by revenues from immobilised Russian sovereign assets.", ("russia-ukraine",)),
    ("Indonesia menolak aneksasi ilegal Rusia atas empat wilayah.", ("russia-ukraine",)),
    ("בעקבות ההפוגה בעזה, הלימודים בעיר יחזרו מחר.", ("israel-hamas",)),
    # Not these wars: a head-on collision near Belgorod, measles shots, a beach season, a farmers' conference,
    # flu shots in Safed, Purim in Metula, Kiryat Shmona's pool, Ukraine's war refugees in Ashkelon.
    ("Лобовое столкновение на трассе под Белгородом: погибли трое.", ()),
    ("The Ministry of Health of Ukraine launches a measles vaccination campaign for children.", ()),
    ("חוף זיקים פתוחים לרחצה החל משבת.", ()),
    ("כנס החקלאים השנתי של המועצה האזורית אשכול ייערך ביום רביעי.", ()),
    ("מבצע חיסונים לשפעת בצפת.", ()),
    ("קרנבל פורים במטולה ברחוב הראשונים.", ()),
    ("הבריכה העירונית בקריית שמונה פתוחה לציבור.", ()),
    ("אשקלון אוספת ציוד לפליטי המלחמה באוקראינה.", ("russia-ukraine",)),
    # Volunteers' fundraisers and hit targets in Ukrainian, Izium's honorary name; settlers in
    # the Palestinian Authority's words.
    ("Збір на пікап для бригади майже закрили, бракує 20 тисяч.", ("russia-ukraine",)),
    ("Підсумок року: понад тисячу уражених цілей на Донеччині.", ("russia-ukraine",)),
    ("Танковому батальйону присвоєно почесну назву «Ізюмський».", ("russia-ukraine",)),
    ("مستعمرون يحرقون منازل في ترمسعيا خلال هجوم ليلي.", ("israel-hamas",)),
    # Not these wars: Lebanon's tally is not Gaza's, Lebanon's call on Russia is not its own war; the south's
    # water networks, tobacco and olive harvest; Gaza's cardiac unit and road works; the umrah.
    ("حصيلة العدوان الإسرائيلي على لبنان منذ 8 تشرين الأول: 3000 شهيد.", ("israel-hezbollah",)),
    ("الخارجية اللبنانية تدين اجتياح الأراضي الأوكرانية وتدعو روسيا إلى سحب قواتها.", ("russia-ukraine",)),
    ("مجلس الجنوب: تأهيل شبكة مياه الشفة في حاروف – قضاء النبطية.", ()),
    ("بلدية عيتا الشعب: تسليم محصول التبغ إلى مركز الريجي في بنت جبيل.", ()),
    ("وزارة الصحة في غزة تفتتح وحدة القسطرة القلبية في خان يونس.", ()),
    (
        "Делегация Чеченской Республики прибыла в Саудовскую Аравию для умры и гуманитарных встреч.",
        (),
    ),
    # War bloggers' slang in Ukrainian, Kreminna in the instrumental, mobile fire groups; the annexation and
    # Indonesia's embassy in Kyiv in Indonesian.
    ("Кацапи знову лізуть на нашу ділянку.", ("russia-ukraine",)),
    ("Білгородщина знову бавовнить, місцеві пишуть про детонацію.", ("russia-ukraine",)),
    ("Загинув під Кремінною, прикриваючи побратимів.", ("russia-ukraine",)),
    ("Мобільні вогневі групи за ніч збили дев'ять цілей.", ("russia-ukraine",)),
    ("Rusia menganeksasi empat wilayah dalam upacara di Kremlin.", ("russia-ukraine",)),
    # Not these wars: cotton prices, the west bank of a Ukrainian river is not the West Bank, captagon, the
    # IMF talks, a snowbound road in the Bekaa, Ain al-Hilweh's factional clashes.
    ("Бавовна подорожчала на біржі в Нью-Йорку.", ()),
    ("Russian forces are trying to build up on the west bank of the Oskil.", ("russia-ukraine",)),
    ("Lebanese army raids a captagon factory near Baalbek.", ()),
    ("ميقاتي يتابع المفاوضات مع صندوق النقد الدولي في السراي.", ()),
    ("الجيش يفتح الطرقات التي أقفلتها الثلوج في البقاع.", ()),
    # Russia's annexation in Lebanon's words; Artyomovsk in Krasnoyarsk krai is not Bakhmut.
    ("صوّت لبنان لصالح القرار الذي يرفض ضم روسيا لأربع مناطق أوكرانية.", ("russia-ukraine",)),
    ("Инцидент произошёл в Артёмовске в Курагинском районе, мальчик упал с велосипеда.", ()),
    # Not Lebanon's war: election results in the south, captagon, the central bank, a road accident on the
    # Tyre-Naqoura road, a gas cylinder, Syria's HTS at the border.
    ("النتائج الرسمية لدائرة الجنوب الثالثة: فوز 9 مرشحين في النبطية وبنت جبيل.", ()),
    ("الجيش يضبط 3 ملايين حبة كبتاغون في بعلبك.", ()),
    ("مجلس الوزراء يعيّن حاكماً لمصرف لبنان واعتراض رئيس الحكومة نواف سلام.", ()),
    ("حادث سير مروّع على طريق صور – الناقورة: وفاة شابين.", ()),
    ("اشتباكات في الهرمل بين عشائر وعناصر من هيئة تحرير الشام.", ()),
    # Israel's councils: a water outage and a public tender in Kiryat Shmona, a housing tender in Sderot;
    # Ukraine's war refugees in Nahariya lend Lebanon's war no word.
    ("הודעה לתושבי קריית שמונה: הפסקת מים יזומה בשכונת תל חי ביום שלישי.", ()),
    ("מכרז פומבי: שיפוץ הספרייה העירונית בקריית שמונה.", ()),
    ("מכרז לשיווק 240 יחידות דיור במערב שדרות, בשיתוף רשות מקרקעי ישראל.", ()),
    ("נהריה קולטת משפחות עולים שנמלטו מהמלחמה באוקראינה.", ("russia-ukraine",)),
    # The Svitlodarsk bulge and its power plant; a peace summit named alone.
    ("Светлодарская дуга: противник отошёл от Углегорской ТЭС.", ("russia-ukraine",)),
    ("Зеленский: Россию пригласят на второй Саммит мира.", ("russia-ukraine",)),
    ("Херсон наш! Сьогодні ми повертаємо південь.", ("russia-ukraine",)),
    # Not Russia's war: a new terminal at Grozny's airport named for Kadyrov's father, with flights to
    # Istanbul; a war word registered as a trademark; a hostage-taking in a pre-trial prison; a memorial of
    # 1941-1945 by a snowman.
    ("Новый пассажирский терминал аэропорта имени Ахмата-Хаджи Кадырова открыл рейсы в Стамбул.", ()),
    ("Заявку на товарный знак «Орешник» подали по 33-му классу МКТУ.", ()),
    ("Заложники в СИЗО Ростова освобождены, силовики начали штурм.", ()),
    (
        "В калужском Малоярославце снеговик стоял у памятника пограничника, погибшего в Великую Отечественную"
        " войну.",
        (),
    ),
    ("Україна та Японія підписали меморандум про співпрацю у сфері вищої освіти.", ()),
    # Hamas's full name and Hezbollah's "north of occupied Palestine" belong to the other war; Ashura's
    # processions and a storm over Beirut are not Lebanon's war.
    (
        "Communiqué du Mouvement de la Résistance islamique – Hamas : les captifs bombardés.",
        ("israel-hamas",),
    ),
    (
        "La Résistance islamique a tiré des roquettes sur le nord de la Palestine occupée.",
        ("israel-hezbollah",),
    ),
    ("في ذكرى استشهاد الإمام الحسين، مجالس العزاء الحسيني تعمّ النبطية وبلدات الجنوب.", ()),
    ("Alerte orange aux orages sur Beyrouth ce mardi, la route de l'aéroport inondée.", ()),
    ("Home Front Command soldiers help residents of Nahariya after heavy flooding.", ()),
    # Indonesia: volunteers back from Rafah; citizens told to leave Lebanon as the escalation grows.
    ("Relawan yang baru keluar dari Rafah bercerita tentang rumah sakit.", ("israel-hamas",)),
    ("KBRI Beirut mengimbau WNI keluar dari Lebanon menyusul eskalasi di perbatasan.", ("israel-hezbollah",)),
    # Ukrainian war bloggers: "bavovna" in quotation marks, the katsap adjective, the Vovchansk direction;
    # men of conscription age at the border, the grain initiative, Iran's drones in English.
    ("Саки, «бавовна» 💥 Туристи на пляжі знімають на телефон.", ("russia-ukraine",)),
    ("Перехоплення: кацапський мобік скаржиться мамі на дрони.", ("russia-ukraine",)),
    ("На Вовчанському напрямку знову гаряче, хлопці тримаються.", ("russia-ukraine",)),
    ("Border guards detained three men of conscription age on the Tysa river.", ("russia-ukraine",)),
    ("Russia's withdrawal from the Black Sea Grain Initiative hurts food security.", ("russia-ukraine",)),
    ("Iranian Shahed drones are being used to attack Ukrainian civilians.", ("russia-ukraine",)),
    # Not Russia's war: the Rada's other laws, heart attacks in Dnipro, a cat as the main enemy, a drunk
    # driver, tour operators on Istanbul, the Korean War.
    ("The Verkhovna Rada adopted the law on e-declarations of officials' assets.", ()),
    ("A hospital in Dnipro can now treat 1,500 heart attacks a year.", ()),
    ("Кіт о 4 ранку — головний ворог мого сну.", ()),
    ("У Дніпрі п'яний водій протаранив зупинку, троє постраждалих.", ()),
    ("По данным АТОР, Стамбул стал самым популярным у россиян направлением.", ()),
    ("Кофейня стоит в приграничном парке, на месте боёв Корейской войны.", ()),
    # Lebanon: the foreign ministry on Russia's war, its ministers on the south, Tyre's municipality on an
    # evacuation warning, a day of mourning for Gaza's martyrs; the civic news of the Bekaa and the south.
    ("يدين لبنان اجتياح الأراضي الأوكرانية ويدعو روسيا إلى وقف العمليات العسكرية فوراً.", ("russia-ukraine",)),
    (
        "وزير الزراعة عباس الحاج حسن: نفوق الماشية في القرى الحدودية نتيجة القصف الإسرائيلي.",
        ("israel-hezbollah",),
    ),
    ("بلدية صور: إنذار إسرائيلي بإخلاء مبانٍ في الحوش والرمل.", ("israel-hezbollah",)),
    ("محافظ بعلبك الهرمل: خطة أمنية في مدينة بعلبك بالتنسيق مع الجيش.", ()),
    ("بلدية بنت جبيل تدعوكم إلى مهرجان الصيف في الساحة العامة.", ()),
    ("في الذكرى الثامنة والسبعين لتأسيس الجيش اللبناني، قائد الجيش يوجه أمر اليوم.", ()),
    (
        "صدر صباح اليوم المرسوم القاضي بتنكيس الأعلام حداداً على شهداء غزة في المدارس اللبنانية.",
        ("israel-hamas",),
    ),
    # Israel: the buffer zone in Syria after Assad's fall.
    ('צה"ל פרס כוחות באזור החיץ ברמת הגולן.', ()),
    # Ukrainian war bloggers: Chornobaivka's airfield, the Atesh partisans, "balalaikas" over a city, the
    # Vampire drone, a strike ("prilyot") seen from a stabilisation point.
    ("Чорнобаївка. Знову. Вони справді не вчаться.", ("russia-ukraine",)),
    ("Партизани «Атеш» підпалили релейну шафу під Джанкоєм.", ("russia-ukraine",)),
    ("Знову «балалайки» над Черкасами.", ("russia-ukraine",)),
    ("Перше відео з нашого «Вампіра»: скид у бліндаж з 300 м.", ("russia-ukraine",)),
    ("Запоріжжя, вечір. Прильот по житловому. Бачив з вікна стабпункту.", ("russia-ukraine",)),
    # Not the wars: Sevastopol's beach gets a promenade; Gaza's municipalities hold an auction, a summer camp
    # and a book fair; Lebanon's southern towns pave roads and collect waste; Israel's northern towns open
    # school registration and a country club, and collect garden refuse.
    ("Развожаев открыл обновлённую набережную Учкуевки в Севастополе.", ()),
    ("تعلن بلدية جباليا النزلة عن إجراء مزاد علني لبيع سيارات خردة.", ()),
    ("بلدية دير البلح تعلن عن انطلاق المخيم الصيفي للأطفال.", ()),
    ("مكتبة بلدية غزة العامة تنظم معرض الكتاب السنوي.", ()),
    ("بلدية بنت جبيل: انطلاق أعمال تأهيل وتعبيد الطريق الرئيسية.", ()),
    ("اتحاد بلديات قضاء صور يعلن عن تلزيم جمع النفايات المنزلية.", ()),
    ('ההרשמה לגני הילדים בקריית שמונה לשנת הלימודים תשפ"ו פתוחה.', ()),
    ("הקאנטרי העירוני בקריית שמונה: ההרשמה לחוגי השחייה נפתחה.", ()),
    ("עיריית נהריה: פינוי גזם וגרוטאות בתיאום מראש בלבד.", ()),
    # A former president's names for Kyiv's leaders, the Patriots it begs for, the ICC's warrant in quotation
    # marks; France on the sham referendums; Indonesia's president on the Russia-Ukraine conflict.
    ("Теперь в Киеве сидит нелегитимный главарь.", ("russia-ukraine",)),
    ("Трамп и Вэнс сказали кокаиновому клоуну всё, что думают.", ("russia-ukraine",)),
    ("Если киевские вожди продолжат в том же духе, карта станет реальностью.", ("russia-ukraine",)),
    ("Зеленский снова клянчит «Пэтриоты».", ("russia-ukraine",)),
    ("Суд в Гааге выдал «ордер на арест» Президента России.", ("russia-ukraine",)),
    ("Ces prétendus « référendums » à Donetsk et Louhansk sont nuls et non avenus.", ("russia-ukraine",)),
    ("Kedua pemimpin membahas penyelesaian damai konflik Rusia–Ukraina.", ("russia-ukraine",)),
    # Not the wars: a tech campus near Haifa; Israel's Arab citizens in crime news.
    ("Nvidia plans a new campus near Haifa that could employ thousands, Israeli media report.", ()),
    ("Two men shot dead in Tayibe, the latest killings in Israel's Palestinian-Arab community.", ()),
    # Guided bombs in the plural; protective structures in border communities; Egypt's hostage-deal proposal;
    # Wagner's men taking Bakhmut's city hall and the Ukrainian delegation to Istanbul, in Arabic; the five
    # hills and the towns along the Lebanese border; a Lancet on an M777; fire maps of a struck refinery.
    ("Росіяни вдарили по Запоріжжю керованими авіабомбами.", ("russia-ukraine",)),
    (
        "Кабмін виділив кошти на будівництво захисних споруд у прикордонних громадах Сумщини.",
        ("russia-ukraine",),
    ),
    ("קבינט המלחמה יתכנס הערב לדון בהצעה המצרית.", ("israel-hamas",)),
    ("مجموعة فاغنر: مقاتلونا سيطروا على مبنى البلدية في وسط باخموت.", ("russia-ukraine",)),
    ("زيلينسكي: الوفد الأوكراني لن يشارك في محادثات إسطنبول.", ("russia-ukraine",)),
    ("نواف سلام: إسرائيل لم تنسحب من التلال الخمس.", ("israel-hezbollah",)),
    ("سكان الشمال لم يعودوا إلى المستوطنات المحاذية للحدود اللبنانية.", ("israel-hezbollah",)),
    ("Lancet footage: a loitering munition hits an M777 near Orikhiv.", ("russia-ukraine",)),
    ("Ryazan refinery hit by Ukrainian long-range drones, per NASA FIRMS hotspots.", ("russia-ukraine",)),
    # Not the wars: a tech park in Kiryat Shmona; a Hezbollah fighter at Mount Dov is not Gaza's; football
    # and tennis wins; Kazakhstan's army and Taiwan's drills.
    ("קריית שמונה: הושק מתחם הייטק חדש בעיר.", ()),
    ("מחבל חיזבאללה שהתקרב לגדר באזור הר דב זוהה על ידי תצפיתניות וחוסל.", ("israel-hezbollah",)),
    ("Вітаємо харківських футболістів з важливою перемогою.", ()),
    ("Наша землячка з Нової Каховки вийшла у фінал турніру WTA у Римі!", ()),
    ("A 'Ukrainian column' that's actually Kazakh army rehearsal footage from 2021.", ()),
    ("Taiwan's drills start today, first time with HIMARS; air raid exercises in Taipei.", ()),
    # Villages of south Lebanon and the Bekaa in strike reports; Gaza's aid distribution sites and its
    # government media office; the president's words in Ukrainian (the tank coalition, long-range weapons,
    # war criminals, ending the war); Avdiivka's Zenit position; the Rada's mobilisation law in French.
    ("بلدية عدلون: مسيّرة إسرائيلية استهدفت سيارة عند مدخل البلدة.", ("israel-hezbollah",)),
    ("بلدية الغازية: غارة إسرائيلية استهدفت مستودعاً قرب الأوتوستراد.", ("israel-hezbollah",)),
    ("ارتفاع عدد ضحايا «مراكز توزيع المساعدات» إلى 549 شهيدا.", ("israel-hamas",)),
    ("المكتب الإعلامي الحكومي: الاحتلال ارتكب 80 خرقا للاتفاق.", ("israel-hamas",)),
    ("Формуємо танкову коаліцію.", ("russia-ukraine",)),
    ("Путін не хоче закінчувати війну — тиск має зростати.", ("russia-ukraine",)),
    ("Кожен російський воєнний злочинець має відповісти.", ("russia-ukraine",)),
    ("После отхода ВСУ из района «Зенита» Авдеевка под контролем наших подразделений.", ("russia-ukraine",)),
    ("La Rada adopte la nouvelle loi sur la mobilisation.", ("russia-ukraine",)),
    # Not the wars: Gaza's ministries before the war (measles shots, a fire, a drowning, the school year,
    # travel lists for the Rafah crossing); BRICS in Kazan; the army orchestra, the Technion and Iran's spies
    # in Haifa.
    ("وزارة الصحة بغزة تطلق حملة التطعيم ضد الحصبة للأطفال.", ()),
    ("الدفاع المدني: 21 حالة وفاة في حريق اندلع في شقة سكنية بمخيم جباليا.", ()),
    ("وزارة الداخلية: حركة السفر عبر معبر رفح غدا تشمل المسجلين في كشف التنسيقات المصرية.", ()),
    ("В Казани открылся саммит БРИКС, в нем участвуют делегации 36 стран.", ()),
    ("תזמורת צה״ל בסיבוב הופעות בצפון – הערב בצפת, מחר בנהריה.", ()),
    ("From Israel's labs: researchers at the Technion in Haifa developed a sensor for farmers.", ()),
    ("The ISA and Israel Police arrested seven residents of Haifa suspected of spying for Iran.", ()),
    # The Upper Lars queue of 2022; the Henichesk district under Crimea's patronage; anti-tank ditches on the
    # border; Tyre city, the northern settlements, the ceasefire's monitoring committee and Binyamina in
    # Arabic; Crimea's annexation in Indonesian.
    (
        "Line of cars at the Upper Lars crossing stretches for kilometres after the call-up.",
        ("russia-ukraine",),
    ),
    ("Крымские энергетики восстановили ЛЭП в Геническом районе.", ("russia-ukraine",)),
    ("В Курской области оборудовано уже 50 км противотанковых рвов.", ("russia-ukraine",)),
    ("سقوط شهيدين في غارة إسرائيلية استهدفت سيارة في مدينة صور.", ("israel-hezbollah",)),
    ("نحو 60 ألف مستوطن ما زالوا خارج منازلهم في مستوطنات الشمال.", ("israel-hezbollah",)),
    ("بري: أي بحث يمر عبر لجنة الإشراف على وقف إطلاق النار.", ("israel-hezbollah",)),
    ("4 قتلى بسقوط مسيّرة انقضاضية على قاعدة تدريب قرب بنيامينا.", ("israel-hezbollah",)),
    (
        "Penangkapan ini bagian dari tekanan sejak semenanjung itu dianeksasi Rusia pada 2014.",
        ("russia-ukraine",),
    ),
    # Not the wars: the Gaza border kibbutzim's fruit picking, birdwatching and Shavuot; olim from Ukraine in
    # Ashkelon count for Russia's war only; Eid prayers in Dahiyeh; frost in the Khiam plain; Lebanon's
    # presidential vote; an embroidery workshop; a Gaza paramedic named Radwan; Grozny's new terminal.
    ("קטיף עצמי של הדרים בקיבוץ ניר עם!", ()),
    ("עיריית אשקלון קולטת משפחות עולים מאוקראינה שנמלטו מההפצצות הרוסיות בחרקוב.", ("russia-ukraine",)),
    ("صلاة العيد في مسجد الإمام الحسين – برج البراجنة عند الساعة 6:30.", ()),
    ("ارتفاع أسعار الخضار بعد موجة الصقيع التي ضربت سهل الخيام.", ()),
    ("Парламент Лівану обрав президентом командувача армії Жозефа Ауна.", ()),
    ("Atelier broderie palestinienne : motifs de Ramallah, Hébron, Bethléem.", ()),
    (
        "Rafah : la vidéo retrouvée sur le téléphone de Refaat Radwan contredit l'armée israélienne.",
        ("israel-hamas",),
    ),
    ("Аэропорт «Грозный» имени Кадырова получил новый терминал. Открыты прямые рейсы в Стамбул.", ()),
    # Kadyrov's men in Ukrainian; Iran's missiles for Russia's war; a ramming at Qalandiya; the war aim of
    # returning the north's residents, in Arabic; the annexation vote in Indonesian.
    ("Кадирівці знову «штурмують» TikTok, а не позиції.", ("russia-ukraine",)),
    (
        "The Iranian regime has transferred ballistic missiles to Russia for use in its war against Ukraine.",
        ("russia-ukraine",),
    ),
    ("נוטרל מחבל שניסה לבצע פיגוע דריסה במחסום קלנדיה.", ("israel-hamas",)),
    ("نتنياهو: تحديث أهداف الحرب لتشمل إعادة سكان الشمال إلى منازلهم.", ("israel-hezbollah",)),
    ("Indonesia menolak upaya aneksasi ilegal atas wilayah Donetsk dan Luhansk.", ("russia-ukraine",)),
    # Not the wars: an alarm clock as the enemy of the people; combat units' tryouts and a half-marathon in
    # Sderot; volunteers for Holocaust survivors and a skier in the north; a school's robotics prize; the
    # embassy's language classes in Kyiv; drownings and mushroom poisoning.
    ("Хто придумав будильник о 6:00 у суботу, той ворог народу.", ()),
    ("Soldiers from the Gaza Division ran in the Sderot half-marathon this morning.", ()),
    ("Soldiers renovated the homes of Holocaust survivors in Kiryat Shmona.", ()),
    ("A skier injured on Mount Hermon was evacuated by helicopter to Rambam Hospital in Haifa.", ()),
    ("בית ספר בקריית שמונה זכה בפרס החינוך הארצי על תוכנית הרובוטיקה.", ()),
    ("KBRI Kyiv membuka pendaftaran kelas BIPA angkatan musim semi 2025.", ()),
    ("За вихідні на водоймах України загинули 9 людей.", ()),
    # A Shahed that "hit" a house; Israeli strikes on smuggling crossings in the Hermel hills and on Msayleh;
    # regions' gifts "handed to the fighters"; Indobatt's posts; "Ukraine agressée"; Russia's illegal
    # annexations in English.
    ("Шахед влучив у будинок на Троєщині.", ("russia-ukraine",)),
    ("غارات إسرائيلية على معابر غير شرعية في جرود الهرمل.", ("israel-hezbollah",)),
    ("سلسلة غارات إسرائيلية عنيفة على منطقة المصيلح.", ("israel-hezbollah",)),
    ("Томская область передала бойцам 20 квадрокоптеров и 5 комплексов РЭБ.", ("russia-ukraine",)),
    ("Laporan Satgas Indobatt: empat pos terkena serpihan tembakan artileri.", ("israel-hezbollah",)),
    ("Nous soutenons l'Ukraine agressée, mais nous refusons la cobelligérance.", ("russia-ukraine",)),
    ("Some leaders turn a blind eye to Russia's illegal annexations.", ("russia-ukraine",)),
    # Not the wars: power supply hours in Dahiyeh; clashes with Syria's new authorities; a Metula hackathon.
    ("مؤسسة كهرباء لبنان: رفع ساعات التغذية في بيروت والضاحية الجنوبية.", ()),
    ("اشتباكات على الحدود اللبنانية - السورية بين عشائر لبنانية وعناصر من الإدارة السورية الجديدة.", ()),
    ("האקתון אגרו-טק במטולה: 48 שעות ופתרונות למגדלי התפוחים.", ()),
    # "The Ukrainian crisis" and the Black Sea deal in Arabic and Indonesian; the Rafah crossing, hostages "in
    # the Strip" and the UAE's field hospital; Lebanese displaced in Iraq; Baalbeck and the #LibanSud tag.
    ("مجموعة الاتصال الوزارية العربية بشأن الأزمة الأوكرانية تجتمع في الجزائر.", ("russia-ukraine",)),
    (
        "Kapal kargo pertama di bawah kesepakatan Laut Hitam berangkat dari pelabuhan Odesa.",
        ("russia-ukraine",),
    ),
    ("محافظة شمال سيناء: استقبال 32 جريحاً فلسطينياً عبر منفذ رفح البري.", ("israel-hamas",)),
    ("قطر ترحب بالإفراج عن الدفعة الثالثة من المحتجزين في القطاع.", ("israel-hamas",)),
    ("دخول 2600 نازح لبناني عبر منفذ القائم الحدودي.", ("israel-hezbollah",)),
    ("Raids israéliens sur Baalbeck : au moins 19 morts.", ("israel-hezbollah",)),
    ("#LibanSud | Frappe sur une maison en fin d'après-midi : deux morts.", ("israel-hezbollah",)),
    # Not the wars: the Crocus attack; Ukraine's EU accession talks; the Dnipro's west bank in Indonesian;
    # Russian citizens' polling stations and the Immortal Regiment abroad.
    ("Теракт в «Крокусе»: задержаны исполнители в Брянской области.", ()),
    (
        "The first Intergovernmental Conference launched Ukraine's EU accession talks: Ukraine's victory.",
        (),
    ),
    ("Pasukan Rusia menyelesaikan penarikan dari tepi barat Sungai Dnipro.", ("russia-ukraine",)),
    ("В Израиле будут работать избирательные участки: в Тель-Авиве, Хайфе и Иерусалиме.", ()),
    (
        "9 Мая в Бейруте соотечественники прошли колонной «Бессмертного полка» с портретами ветеранов"
        " Великой Отечественной войны.",
        (),
    ),
    # Missile strikes as Ukraine's officials name them; the killed in the front's slang; a third world war
    # with Kyiv's leader; Indonesia's army on the Russia-Ukraine war; UNIFIL in Russian; West Bank villages;
    # the cemeteries of numbers and self-demolitions.
    ("Масована ракетна атака. Одеса, Миколаїв, Вінниччина. Всі служби працюють.", ("russia-ukraine",)),
    ("Третину особового за тиждень — «двохсоті». Ротний просив відвести.", ("russia-ukraine",)),
    ("Зеленский снова просит денег. Третья мировая ему, видимо, не страшна.", ("russia-ukraine",)),
    (
        "TNI AD mempelajari penggunaan drone FPV dalam perang Rusia-Ukraina untuk doktrin baru.",
        ("russia-ukraine",),
    ),
    ("МИД России осуждает обстрел позиций ВСООНЛ.", ("israel-hezbollah",)),
    ("Des colons ont incendié des voitures à Turmus Ayya cette nuit.", ("israel-hamas",)),
    ("الاحتلال يحتجز جثامين 40 شهيدا في مقابر الأرقام.", ("israel-hamas",)),
    # Not the wars: an Independence Day flyover over Haifa and Ashdod, the Druze holiday in the Galilee, a
    # flood in Netivot, a Holodomor remembrance.
    ("Watch the IAF flyover above Haifa and Ashdod. Happy Independence Day, Israel!", ()),
    ("Druze soldiers marked the Nabi Shu'ayb holiday with their families in the Galilee.", ()),
    ("Heavy rain in the south: Home Front Command soldiers evacuated flooded homes in Netivot.", ()),
    ("Вшановуємо жертв Голодомору 1932–1933 років. Мільйони українців, знищені штучним голодом.", ()),
    # The zero line, basic training, Lancets, an S-400 struck in Crimea, Ukraine's general Sodol, children
    # deported, Russia's annexations in Indonesian, Iron Dome batteries beside Haifa.
    ("Третій місяць наша рота на нулі. Ротації не видно.", ("russia-ukraine",)),
    ("Нове поповнення після БЗВП не вміє навіть окоп копати.", ("russia-ukraine",)),
    ("Наш РЕБ за ніч поклав три «Ланцети».", ("russia-ukraine",)),
    ("Мінус С-400 під Джанкоєм. Гарна робота.", ("russia-ukraine",)),
    ("Содоля нарешті зняли з командування.", ("russia-ukraine",)),
    ("Повернули додому ще 7 дітей, депортованих з Херсонщини.", ("russia-ukraine",)),
    ("Majelis Umum PBB menolak aneksasi Rusia atas empat wilayah Ukraina.", ("russia-ukraine",)),
    ("مشاهد جوية تكشف مواقع بطاريات القبة الحديدية في حيفا.", ("israel-hezbollah",)),
    # Not the wars: Indonesia's parliament (DPR), snow on the Hermon,
    # an earthquake's condolences, Khomeini's anniversary.
    ("Wakil Presiden dilantik di Gedung MPR/DPR, Senayan.", ()),
    ("Due to extreme weather, IDF training on Mount Hermon and in the Golan Heights has been postponed.", ()),
    ("حركة حماس تعزي الشعب التركي بضحايا الزلزال المدمر.", ()),
    ("حزب الله يحيي ذكرى رحيل الامام الخميني في الضاحية.", ()),
    # Those waiting for the occupier, the front's directions, those at the zero line; settlers in the
    # Palestinian Authority's word; Tayr Harfa, Ramyah and the al-Ahli hospital; the deadliest day "since
    # the civil war".
    ("Ждуни в Херсоні так і не дочекались.", ("russia-ukraine",)),
    ("Наші FPV на Покровському працюють цілодобово.", ("russia-ukraine",)),
    ("Дякуємо кожному, хто на нулі.", ("russia-ukraine",)),
    ("الإمارات تشكر البلدين الصديقين روسيا وأوكرانيا على التعاون في تبادل الأسرى.", ("russia-ukraine",)),
    ("مستعمرون يحرقون مركبتين في قرية المغير.", ("israel-hamas",)),
    ("Frappe israélienne à Tayr Harfa : deux morts.", ("israel-hezbollah",)),
    ("L'hôpital al-Ahli al-Arabi a été frappé cette nuit.", ("israel-hamas",)),
    ("Pos Satgas Konga di Ramyah terkena serpihan artileri.", ("israel-hezbollah",)),
    (
        "Lebanon's health ministry: 300 killed in Israeli strikes, the deadliest day since the civil war.",
        ("israel-hezbollah",),
    ),
    # Not the wars: an embroidery exhibition, Lebanon's border with Syria, Gaza's ministries in quiet times.
    ("A new exhibition of Palestinian embroidery from Hebron and Ramallah opens in Paris.", ()),
    ("Lebanon and Syria agree on border demarcation after clashes near Hermel.", ()),
    ("وزارة الصحة - غزة: حملة توعية بمرض السكري في مراكز الرعاية الأولية.", ()),
    ("بلدية خانيونس: تنفيذ مشروع الإنارة العامة في شارع البحر.", ()),
    # Troops sent to Ukraine, its neutral status, "the realities on the ground", the new regions' elections
    # and constitution; the wounded by their number, ammunition depots, years of the full-scale war; Arab
    # governments' mediation; Lebanon's pagers, Hasbaya, resolution 1701 with a prefix.
    ("Песков: отправка контингентов стран НАТО на Украину недопустима.", ("russia-ukraine",)),
    ("Любые договорённости должны закрепить нейтральный статус Украины.", ("russia-ukraine",)),
    ("Переговоры возможны только с учётом реалий «на земле».", ("russia-ukraine",)),
    ("Выборы в Херсонской и Запорожской областях прошли при высокой явке.", ("russia-ukraine",)),
    ("Запорожье и Херсон закреплены в Конституции России.", ("russia-ukraine",)),
    ("Збираємо на реабілітацію для 300-х з нашої роти.", ("russia-ukraine",)),
    ("Мінус склад БК під Мелітополем.", ("russia-ukraine",)),
    ("Два роки повномасштабної. Тримаємось.", ("russia-ukraine",)),
    ("قطر تواصل الوساطة بين روسيا وأوكرانيا لإعادة الأطفال.", ("russia-ukraine",)),
    ("وزارة الصحة تطلب من حاملي أجهزة «بيجر» رميها فوراً.", ("israel-hezbollah",)),
    ("قصف إسرائيلي يستهدف منزلاً في حاصبيا.", ("israel-hezbollah",)),
    ("الخارجية: بقاء الاحتلال في التلال يخالف الالتزام للقرار 1701.", ("israel-hezbollah",)),
    # Not the wars: trains to the north, a bus driver assaulted, the Litani's pollution, an earthquake on
    # 7 October 2023.
    ("רכבת ישראל: תקלה במערכת האיתות בקו לחיפה.", ()),
    ("אשדוד: נערים תקפו נהג אוטובוס בתחנה המרכזית.", ()),
    ("المصلحة الوطنية لنهر الليطاني: تلوث بحيرة القرعون يتفاقم.", ()),
    ("Gempa mengguncang Herat, Afghanistan, Sabtu (7/10/2023).", ()),
    # Back to the zero line; France at Ukraine's side; air defence for Odesa; Russia told to withdraw its
    # troops in Indonesian.
    ("Три дні відпочинку, потім знову на нуль.", ("russia-ukraine",)),
    ("La France restera aux côtés de l'Ukraine aussi longtemps qu'il le faudra.", ("russia-ukraine",)),
    ("Le ministre des Armées à Odessa : renforcement de la défense sol-air du port.", ("russia-ukraine",)),
    ("Majelis Umum PBB menuntut Rusia menarik pasukannya dari Ukraina.", ("russia-ukraine",)),
    # Not the wars: the army's cadets, lyceums and rugby with a city's name; an idiom; Hezbollah's Ashura and
    # Mawlid; northern towns' bus lines and book weeks; Indonesia's DPR; the Beirut port explosion.
    ("Cadets of the Odesa Military Academy won the national chess cup.", ()),
    ("The Armed Forces rugby team beat the British Army in Kyiv.", ()),
    ("TikTok — наш ворог номер один.", ()),
    ("مسيرة العاشر من محرم في الضاحية الجنوبية بمشاركة حزب الله.", ()),
    ("שבוע הספר במטולה: מכירת ספרים ושעת סיפור.", ()),
    ("DPR sahkan revisi undang-undang penyiaran.", ()),
    ("Warga Beirut peringati dua tahun ledakan pelabuhan.", ()),
    # France on Russia's drones, its security agreement with Kyiv, Russia must not win; the Black Sea deal
    # of the Riyadh talks and the three-way meeting; "Ukrainian formations" and "Kyiv's ringleader"; missiles
    # on Zaporizhzhia; the Svatove direction; children taken away, Ukrainian grain, the grain initiative.
    ("Des drones russes ont violé l'espace aérien polonais cette nuit.", ("russia-ukraine",)),
    ("Paris et Kyiv signent un accord bilatéral de coopération en matière de sécurité.", ("russia-ukraine",)),
    ("Итоги переговоров: безопасность судоходства в Черном море будет обеспечена.", ("russia-ukraine",)),
    ("Зеленский готов к трехсторонней встрече.", ("russia-ukraine",)),
    ("Украинские формирования снова отличились в приграничье.", ("russia-ukraine",)),
    ("Запоріжжя вночі: два С-300 по приватному сектору.", ("russia-ukraine",)),
    ("Наші на Сватівському тримаються.", ("russia-ukraine",)),
    ("Повернули ще трьох дітей, незаконно вивезених до Білорусі.", ("russia-ukraine",)),
    ("Після виходу росії із зернової ініціативи ціни зросли.", ("russia-ukraine",)),
    # Not the wars: the rescuers' delegation abroad, holidays at the bases, a highway and an industrial park,
    # the peacekeepers' football.
    ("The search and rescue delegation returned from Turkey; soldiers were met by families.", ()),
    ("Chag Sameach! Soldiers of the Gaza Division built a sukkah at the base.", ()),
    ("הממשלה אישרה את הארכת כביש 6 עד קריית שמונה.", ()),
    ("Turnamen sepak bola persahabatan antara Satgas Indobatt dan pemuda Adshit al-Qusayr.", ()),
    # Demobilisation, shelling in one word, the annexed regions named together, Zelensky's formula, a refinery
    # by its adjective, the minerals deal, the grain initiative in Indonesian, partial mobilisation in Arabic;
    # li- before the article, the front-line villages, the war's leftover ordnance and targeted places in
    # Lebanon; the fighting in the north and the standby squads in Hebrew; Tzeva Adom and bombing in Russian;
    # a collection drive for Ukraine's refugees and a rescue in Nuseirat count for their own war only.
    ("Питання демобілізації знову відклали до осені.", ("russia-ukraine",)),
    ("Нікополь знову під артобстрілом.", ("russia-ukraine",)),
    ("Донецкая и Луганская народные республики вошли в состав России.", ("russia-ukraine",)),
    ("Про формулу Зеленского на Западе уже не вспоминают.", ("russia-ukraine",)),
    ("Туапсинский НПЗ снова под ударом беспилотников.", ("russia-ukraine",)),
    ("Зеленський: угоду про копалини підпишемо у Вашингтоні.", ("russia-ukraine",)),
    ("Rusia menolak memperpanjang Prakarsa Biji-bijian Laut Hitam.", ("russia-ukraine",)),
    ("روسيا تعلن التعبئة العسكرية الجزئية.", ("russia-ukraine",)),
    ("المفاوضات تتطرق للنقاط الخمس.", ("israel-hezbollah",)),
    (
        "الجيش يدعو الأهالي إلى التريث قبل التوجه إلى البلدات الأمامية التي توغل فيها العدو الإسرائيلي.",
        ("israel-hezbollah",),
    ),
    ("فوج الهندسة يفجر ذخائر من مخلفات العدوان الإسرائيلي في خراج البلدة.", ("israel-hezbollah",)),
    ("بلدية صور تدعو إلى الابتعاد عن الأماكن المستهدفة.", ("israel-hezbollah",)),
    ("מרכז החוסן פתוח לתושבים שחווים חרדה מהלחימה בצפון.", ("israel-hezbollah",)),
    ("ראש המועצה נפגש עם כיתות הכוננות בעוטף.", ("israel-hamas",)),
    ("Цева адом: Ашкелон, перехваты над морем.", ("israel-hamas",)),
    ("Газа в руинах, бомбят каждую ночь.", ("israel-hamas",)),
    ("עיריית נהריה יוצאת במבצע איסוף תרומות לפליטי המלחמה באוקראינה.", ("russia-ukraine",)),
    ("Спецоперация в Нусейрате: освобождены четверо заложников.", ("israel-hamas",)),
    # Not the wars: weather fronts, mobilising every effort for exams, India and Pakistan, Colombia's ELN,
    # Lebanon's basketball, the whole coast in a weather report, a Tel Aviv neighbourhood; the bloc named
    # for the resistance, Iran's state name and Yemen's truce fronts after li-.
    ("Холодный атмосферный фронт принесёт в Киев мокрый снег.", ()),
    ("Студенти, оголошуємо мобілізацію всіх сил перед сесією!", ()),
    ("India and Pakistan agree to a ceasefire after drone strikes, Trump says.", ()),
    ("ELN offensive in Catatumbo: peace talks suspended.", ()),
    ("منتخب لبنان لكرة السلة يحسم المباراة بهجوم صاروخي.", ()),
    ("الأرصاد: موج مرتفع من الناقورة إلى العريضة، ويمنع الإبحار.", ()),
    ("הודעה לתושבי שכונת נווה אביבים: מחר תופסק אספקת המים.", ()),
    ("كتلة الوفاء للمقاومة تسمي مرشحها لرئاسة الحكومة في لبنان.", ()),
    ("إدانة للاعتداءات الإسرائيلية على الجمهورية الإسلامية الإيرانية.", ()),
    ("خروقات مستمرة للهدنة الإنسانية في جبهات مأرب.", ()),
    # The stabilisation point, peace in Ukraine, deported children in French, the law on fakes about the army.
    ("Стабпункт переповнений, працюємо без зупинки.", ("russia-ukraine",)),
    ("Allies reaffirmed their support for a just peace in Ukraine.", ("russia-ukraine",)),
    ("Des enfants ukrainiens déportés retrouvent leurs familles.", ("russia-ukraine",)),
    ("Суд оштрафовал блогера за фейки о действиях Вооружённых Сил.", ("russia-ukraine",)),
    # Not the wars: the Istanbul Convention; Lebanon's storms, crop spraying, a telephone exchange, cadets;
    # Gaza's group weddings, sardines, power schedules, top students, chess, a free medical day.
    ("Ukraine ratifies the Istanbul Convention on domestic violence.", ()),
    ("عاصفة رعدية وسيول جارفة في قضاء صور.", ()),
    ("بلدية الشهابية تستعين بطائرة مسيرة لرش المبيدات.", ()),
    ("عطل في سنترال بنت جبيل يقطع الإنترنت.", ()),
    ("الجيش اللبناني يعلن عن تطويع تلامذة ضباط.", ()),
    ("حفل زفاف جماعي في مدينة غزة.", ()),
    ("موسم صيد السردين في بحر غزة.", ()),
    ("جدول الكهرباء في غزة ليوم غد.", ()),
    ("أوائل التوجيهي في قطاع غزة.", ()),
    ("بطولة فلسطين للشطرنج تنطلق في غزة.", ()),
    ("اليوم الطبي المجاني في مخيم النصيرات.", ()),
    # Soldiers' words (forced mobilisation, casualty evacuation, dugouts, plate carriers), liberation
    # slogans, aid to Kyiv, Ukraine's brigades in English, the grain deal and Lebanon's ceasefire committee in
    # Arabic, the Home Front Command and evacuees in Hebrew, the West Bank's Eli junction, Gaza's al-Shifa and
    # Sheikh Radwan.
    ("Сусіда бусифікували просто на зупинці.", ("russia-ukraine",)),
    ("Евак забрав двох трьохсотих ще до світанку.", ("russia-ukraine",)),
    ("У бліндажі знову миші, але тепло.", ("russia-ukraine",)),
    ("Шиємо плитоноски для всієї роти.", ("russia-ukraine",)),
    ("Ізюм наш, прапор уже на міськраді.", ("russia-ukraine",)),
    ("Херсонщина — это Россия, заявил губернатор.", ("russia-ukraine",)),
    ("Конгресс снова отложил помощь Киеву.", ("russia-ukraine",)),
    ("Корейцы замечены под Курском.", ("russia-ukraine",)),
    ("The 47th Separate Mechanized Brigade received new vehicles.", ("russia-ukraine",)),
    ("Kherson is ours again.", ("russia-ukraine",)),
    ("شحنة قمح من مرفأ أوديسا بموجب اتفاقية الحبوب.", ("russia-ukraine",)),
    ("بضائع من أراض تحتلها روسيا في مرفأ طرابلس.", ("russia-ukraine",)),
    ("اجتماع جديد للميكانيزم غدا.", ("israel-hezbollah",)),
    ("مسيرة في أجواء بيروت على علو منخفض.", ("israel-hezbollah",)),
    ("العائلات النازحة من قرى الجنوب تصل إلى صيدا.", ("israel-hezbollah",)),
    ("Des familles déplacées du Sud accueillies à Saïda.", ("israel-hezbollah",)),
    ("Réunion du Conseil de sécurité sur le Liban-Sud.", ("israel-hezbollah",)),
    ("בהתאם להנחיות פיקוד העורף, הלימודים בנהריה מרחוק.", ("israel-hezbollah",)),
    ("מאז תחילת הלחימה בגבול הצפון נסגרו עשרות עסקים.", ("israel-hezbollah",)),
    ("ערב הוקרה למפוני יישובי הצפון במלון בטבריה.", ("israel-hezbollah",)),
    ("פיגוע ירי בצומת עלי, המחבל נמלט.", ("israel-hamas",)),
    ("L'armée israélienne encercle l'hôpital al-Chifa.", ("israel-hamas",)),
    ("Bantuan makanan untuk warga Syekh Radwan.", ("israel-hamas",)),
    # Not the wars: Beirut's Martyrs' Square, Ghazzeh of the Bekaa, the Home Front Command's storm notice.
    ("حفل موسيقي في ساحة الشهداء في بيروت.", ()),
    ("بلدة غزة في البقاع الغربي تفتتح ملعبا.", ()),
    ("פיקוד העורף: בשל הסופה יש להימנע מנסיעה בגליל.", ()),
    # A metro in shelter mode, the daily minute of silence, housing certificates, deported children,
    # Russia's EW, the grain initiative, Bryansk's border districts, the Shahed's nickname, Iranian-made
    # drones, Lavrov's war aim, the Zaporizhzhia plant in Arabic, the Kakhovka dam in Hebrew; the
    # Philadelphi corridor in Ukrainian, the Eli junction, administrative detention, Rafah and Operation
    # Breakwater in Hebrew, the fighting in Arabic; Israel's hostages are not Ukraine's war.
    ("Метро знову працює в режимі укриття.", ("russia-ukraine",)),
    ("Вибухи на лівому березі. Залишайтеся в укриттях!", ("russia-ukraine",)),
    ("О 9:00 загальнонаціональна хвилина мовчання.", ("russia-ukraine",)),
    ("Ще 12 родин отримали житлові сертифікати.", ("russia-ukraine",)),
    ("Повертаємо дітей, яких незаконно вивезли до Росії.", ("russia-ukraine",)),
    ("Вокруг города поставили «Поле-21».", ("russia-ukraine",)),
    ("Москва вышла из зерновой инициативы.", ("russia-ukraine",)),
    ("Суражский район: обстрел из миномётов, ранен мужчина.", ("russia-ukraine",)),
    ("Над Туапсе ночью прошёл мопед, затем взрыв.", ("russia-ukraine",)),
    ("Iranian-made Shahed drones hit Ukrainian cities overnight.", ("russia-ukraine",)),
    ("Lavrov repeated the demand for the denazification of Ukraine.", ("russia-ukraine",)),
    ("عطل في محطة زابوروجيا يثير قلق الوكالة الدولية.", ("russia-ukraine",)),
    ("הסכר בנובה קחובקה נפרץ.", ("russia-ukraine",)),
    ("Контроль над Філадельфійським коридором зберігається.", ("israel-hamas",)),
    ("Shooting attack at the Eli junction, a terrorist opened fire.", ("israel-hamas",)),
    ("الأسير يواصل إضرابه رفضا لاعتقاله الإداري.", ("israel-hamas",)),
    ("חודשיים ברפיח, ועכשיו הביתה.", ("israel-hamas",)),
    ("שובר גלים: מעצרים בשכם הלילה.", ("israel-hamas",)),
    ("سنواصل القتال في لبنان حتى إعادة السكان.", ("israel-hezbollah",)),
    ("ХАМАС повернув тіла двох заручників.", ("israel-hamas",)),
    # Not the wars: the Holodomor's minute, crop-spraying drones, Egypt's Rafah, Haifa's football, a
    # penalty-area "rocket"; Ukraine's own civilian hostages stay Ukraine's war.
    ("Сьогодні День пам'яті жертв голодоморів. О 16:00 — загальнонаціональна хвилина мовчання.", ()),
    ("Брянские аграрии используют дроны для внесения удобрений.", ()),
    ("מצרים מרחיבה את הנמל ברפיח המצרית.", ()),
    ("מכבי חיפה: התקפה אחרי התקפה ואין גול.", ()),
    ("قذيفة صاروخية من خارج منطقة الجزاء تمنح طولكرم الفوز.", ()),
    ("Повернення цивільних заручників і депортованих дітей — перший пункт у Стамбулі.", ("russia-ukraine",)),
    # Strikes on the energy system, the sea corridor, Darya Dugina, guided bombs, Umerov in French, Russian
    # prisoners of war; Lebanon's front-line villages and a building razed; the northern front in Hebrew; a
    # West Bank hill.
    ("Росія знову вдарила по енергетиці, графіки на чотири черги.", ("russia-ukraine",)),
    ("Ночные удары по энергетике продолжаются.", ("russia-ukraine",)),
    ("Морський коридор працює, вийшли ще 30 суден.", ("russia-ukraine",)),
    ("Годовщина гибели Дарьи Дугиной.", ("russia-ukraine",)),
    ("Zakharova commented on the murder of Darya Dugina.", ("russia-ukraine",)),
    ("Загроза застосування керованих авіабомб по області.", ("russia-ukraine",)),
    ("Lecornu s'est entretenu avec Roustem Oumierov.", ("russia-ukraine",)),
    ("Поблагодарил за помощь в возвращении российских военнопленных.", ("russia-ukraine",)),
    ("توزيع مساعدات على العائلات الوافدة من القرى الأمامية.", ("israel-hezbollah",)),
    ("كهرباء لبنان تستبدل الكابلات عند المبنى الذي سوي بالأرض.", ("israel-hezbollah",)),
    ("הקבינט אישר גיוס לקראת הפעילות בגזרת הצפון.", ("israel-hezbollah",)),
    ("Weekly march near Jabal Sabih, dozens injured by live fire.", ("israel-hamas",)),
    # Not the wars: a Sufi saint's university, a tennis player, fog, a front office, Napoleon, the Great War,
    # armyworms, a Crusader siege, the Litani river authority, a basketball club, a kibbutz, a choir, a
    # cinematheque; fuel prices in Lebanon after Russia's war are that war's, not Lebanon's.
    ("Делегация посетила университет имени Кунта-Хаджи Кадырова.", ()),
    ("Daniil Medvedev wins a four-hour battle in the semi-final.", ()),
    ("Одеса в полоні туману, водіям обережно.", ()),
    ("Фронт-офіс ЦНАП на Салтівці переїжджає на просп. Героїв Харкова.", ()),
    ("Napoleon's army reached Moscow after the battle.", ()),
    ("Macron a ravivé la flamme du Soldat inconnu pour l'armistice de la Grande Guerre.", ()),
    ("غزو دودة الحشد لحقول الذرة في سهل البقاع.", ()),
    ("محاضرة في قلعة الشقيف بعنوان أرنون بين الصليبيين وصلاح الدين: تاريخ الحصار الذي فرضه على القلعة.", ()),
    ("المصلحة الوطنية لنهر الليطاني تبدأ موسم الري.", ()),
    ("הפועל גליל עליון עם התקפה מהירה וניצחון.", ()),
    ("מוסדות החינוך שחזרו לפעילות: כברי, עברון, לוחמי הגטאות, שבי ציון.", ()),
    ("מקהלת ותיקי הגליל במופע מלחמה ושלום של טולסטוי.", ()),
    ("בסינמטק קריית שמונה: קרב היריות הגדול על המסך.", ()),
    ("بسبب الحرب الروسية على أوكرانيا ارتفعت أسعار المازوت في بعلبك.", ("russia-ukraine",)),
    # Monitoring channels' words (a city 'loud', a hit, fast targets, cruise missiles, the two-walls rule),
    # sea mines, 'Kherson is Ukraine', IDPs and document checks of men, the grain initiative and the Rafah
    # terminal in French, Khuza'a in Hebrew, the Lebanese army's words for strikes on its posts, sonic booms.
    ("Гучно у Харкові, тримайтеся.", ("russia-ukraine",)),
    ("Днепр громко, все в коридор.", ("russia-ukraine",)),
    ("Вчора два прильоти по центру міста.", ("russia-ukraine",)),
    ("Скоростная цель в направлении города!", ("russia-ukraine",)),
    ("Нагадуємо правило двох стін для дітей.", ("russia-ukraine",)),
    ("На пляж выбросило морскую мину.", ("russia-ukraine",)),
    ("Херсон — это Украина!", ("russia-ukraine",)),
    ("Крилаті над Полтавщиною, курс на захід.", ("russia-ukraine",)),
    ("Шахед на Білу Церкву з півдня.", ("russia-ukraine",)),
    ("Выплаты для ВПЛ продлевают до лета.", ("russia-ukraine",)),
    ("На выезде проверяют документы у всех мужчин.", ("russia-ukraine",)),
    ("Moscou suspend sa participation à l'initiative céréalière.", ("russia-ukraine",)),
    ("Les camions franchissent le terminal de Rafah au compte-gouttes.", ("israel-hamas",)),
    ("כוחות פועלים במרחב ח'זאעה.", ("israel-hamas",)),
    ("استهدف العدو الإسرائيلي حاجزا للجيش عند مدخل البلدة.", ("israel-hezbollah",)),
    ("خرق جدار الصوت فوق صيدا مرتين.", ("israel-hezbollah",)),
    # Not the wars: the anime, Ghazzeh's municipality in the Bekaa, a "rocket" shot in football, Syria's
    # security forces on the border; a space rocket and air defence over Tel
    # Aviv are not Ukraine's war.
    ("«Атака титанів» повертається в кінотеатри Києва.", ()),
    ("بلدية غزة – البقاع الغربي تطلق مشروع مياه.", ()),
    ("تسديدة صاروخية من خارج المنطقة تمنح لبنان التعادل أمام فلسطين.", ()),
    ("اشتباكات عند الحدود مع الأمن العام السوري قرب الهرمل.", ()),
    ("Ракетоноситель «Союз» стартовал с космодрома Восточный.", ()),
    ("Над Тель-Авівом працює ППО.", ()),
    # A name written with a diaeresis, brigades named after someone, drone operators, the Hospitallers, a
    # return from a swap, a front-line village, Israel's drones by name, the displaced in French, tanks in
    # Arabic, Islamic Jihad's 2023 round, a hunger-striking prisoner.
    ("Aïtaroun : un drone a largué une grenade sur une pelleteuse.", ("israel-hezbollah",)),
    ("Зібрали на РЕБ для 24-ї бригади імені короля Данила.", ("russia-ukraine",)),
    ("Шукаємо операторів БпЛА, навчання з нуля.", ("russia-ukraine",)),
    ("Медикам Госпітальєрів потрібні аптечки.", ("russia-ukraine",)),
    ("Наш Кум повернувся з обміну після двох років.", ("russia-ukraine",)),
    ("Ищем оператора БПЛА.", ("russia-ukraine",)),
    ("Под Курдюмовкой сгорела машина вместе с аптечками после удара.", ("russia-ukraine",)),
    ("Un Hermes 450 tourne au-dessus de Nabatieh.", ("israel-hezbollah",)),
    ("Municipalité de Nabatieh : distribution aux familles déplacées jeudi.", ("israel-hezbollah",)),
    ("رفح الآن: الدبابات وصلت دوار العودة.", ("israel-hamas",)),
    ("#ثأر_الأحرار وقف إطلاق النار يدخل حيز التنفيذ.", ("israel-hamas",)),
    ("استشهاد الأسير خضر عدنان في زنزانته.", ("israel-hamas",)),
    # Not the wars: Gaza's Ramadan timetable, currency prices, water cuts for maintenance, angling, karate,
    # a derby, Fatah's anniversary rally, the Algiers reconciliation, Ain Jalut; Lebanon's basketball, a
    # football derby in Beirut, celebratory gunfire, a ransom, clan feuds, wheat stocks.
    ("إمساكية شهر رمضان لمدينة غزة.", ()),
    ("أسعار العملات اليوم في غزة.", ()),
    ("بلدية غزة: قطع المياه عن حي الرمال لأعمال صيانة.", ()),
    ("مسابقة صيد الأسماك بالصنارة على شاطئ دير البلح.", ()),
    ("بطل غزة في الكاراتيه يحصد ذهبية.", ()),
    ("ضربة جزاء تحسم ديربي رفح.", ()),
    ("مهرجان في غزة في ذكرى انطلاقة حركة فتح.", ()),
    ("وفدا فتح وحماس يوقعان إعلان الجزائر.", ()),
    ("معركة عين جالوت عام 1260: حين كسر قطز وبيبرس جيش المغول على أرض فلسطين", ()),
    ("Le Liban bat la Jordanie en Coupe d'Asie FIBA, l'attaque a brillé.", ()),
    ("Derby de Beyrouth : une vraie bombe à la 88e minute.", ()),
    ("Baalbek : des tirs de joie blessent un enfant.", ()),
    ("Bekaa : un commerçant enlevé près de Baalbek, on réclame une rançon. L'armée fouille Brital.", ()),
    ("Baalbek : trêve entre les clans après des affrontements.", ()),
    ("Le Liban importe son blé d'Ukraine, la guerre menace ses stocks.", ("russia-ukraine",)),
    # Air-defence gunners by their nickname, anti-tank mines, the mobilised, an encirclement, an assault
    # brigade in French; undercover units, Judea and Samaria in Arabic, a West Bank checkpoint; Aitou.
    ("ППОшники, хто цієї ночі теж не спав — ставте вогник.", ("russia-ukraine",)),
    ("ПВОшники снова всю ночь на ногах.", ("russia-ukraine",)),
    ("Фермер знайшов у полі дві протитанкові міни.", ("russia-ukraine",)),
    ("Мобілізований у 45, зараз старший навідник.", ("russia-ukraine",)),
    ("Три роки тому Чернігів жив в оточенні.", ("russia-ukraine",)),
    ("Cagnotte pour la 3e brigade d'assaut : il manque 1 900 €.", ("russia-ukraine",)),
    ("قوة خاصة من المستعربين تعتقل شابا في المدينة.", ("israel-hamas",)),
    ("الجيش يعتقل مطلوبين في أنحاء يهودا والسامرة.", ("israel-hamas",)),
    ("تحرك لآليات الاحتلال من حاجز الجلمة باتجاه المدينة.", ("israel-hamas",)),
    ("الغارة على أيطو أدت إلى استشهاد 22 شخصا.", ("israel-hezbollah",)),
    # Not the wars: Ukraine's football derby, a water cut for a repair in a West Bank town.
    ("Classic derby: Shakhtar Donetsk beat Dynamo Kyiv, the attack was unstoppable.", ()),
    ("بلدية قلقيلية: انقطاع المياه غدا بسبب تصليح انفجار في الخط الرئيسي.", ()),
    ("Selon Moscou, l'opération militaire spéciale se poursuit.", ("russia-ukraine",)),
    ("Nouvelles livraisons au régime de Kiev annoncées hier.", ("russia-ukraine",)),
    ("Vougledar est tombée après des mois de siège.", ("russia-ukraine",)),
    ("Sourovikine a pris le commandement des forces.", ("russia-ukraine",)),
    ("Nuit agitée à Chajaya, des tirs entendus.", ("israel-hamas",)),
    ("Les D9 à Jénine, encore.", ("israel-hamas",)),
    ("Un soldat blessé par une frappe à Aïn Ebel.", ("israel-hezbollah",)),
    ("تشييع الشهيد في بلدة الغندورية عصر اليوم.", ("israel-hezbollah",)),
    ("عملية تبادل جديدة مع كييف اليوم.", ("russia-ukraine",)),
    ("استئناف المفاوضات بشأن المحتجزين في الدوحة.", ("israel-hamas",)),
    ("Twenty Russian servicemen came home from captivity.", ("russia-ukraine",)),
    ("Говорили о справедливом мире для Украины.", ("russia-ukraine",)),
    ("Russia used Iranian drones to strike Kyiv overnight.", ("russia-ukraine",)),
    ("Рашисти знову вгатили ракетою по Харкову, ACA тут ні до чого.", ("russia-ukraine",)),
    ("Hezbollah drones launched toward Karish were intercepted.", ("israel-hezbollah",)),
    # Not the wars: heart health, road works, a student rocket, budget revenue, the Red Army's parade,
    # Iran's salvoes, a football club.
    ("Цукор — ворог №1 для зубів.", ()),
    ("Відкрито фронт робіт на об'їзній Києва.", ()),
    ("Львівська політехніка запустила ракету на 3 км.", ()),
    ("Мобилизация доходов бюджета в Москве продолжится.", ()),
    ("Танки Красной армии проехали по Волгограду на параде.", ()),
    ("L'Iran tire des missiles sur Tel-Aviv et Haïfa.", ()),
    ("Maccabi Haifa soldiers of the pitch beat Hapoel again.", ()),
    ("Николаев, громко 💥", ("russia-ukraine",)),
    ("Одесса — тревога, будьте внимательны.", ("russia-ukraine",)),
    ("Северная часть Салтовки — снова прилёт.", ("russia-ukraine",)),
    ("הותר לפרסום: לוחם מבאר שבע נפל בדרום לבנון.", ("israel-hezbollah",)),
    ("תקיפה על מוצב ברכת ריש הבוקר.", ("israel-hezbollah",)),
    ("الاحتلال يصادق على مخطط E1 قرب القدس.", ("israel-hamas",)),
    ("Storm Shadows reached Sevastopol overnight.", ("russia-ukraine",)),
    ("Novoshakhtinsk refinery is burning again.", ("russia-ukraine",)),
    ("Coordination HQ: 150 defenders are home.", ("russia-ukraine",)),
    ("Exhumations at a mass burial site near Izium continue.", ("russia-ukraine",)),
    ("غرق عشرات الخيام في مواصي خانيونس الليلة.", ("israel-hamas",)),
    ("قوات الاحتلال تقتحم بيرزيت وتعتقل طالبين.", ("israel-hamas",)),
    ("عشرات المسلحين عالقون خلف الخط الأصفر.", ("israel-hamas",)),
    ("Les forces ont pris un village en RPD.", ("russia-ukraine",)),
    ("Barnea et Abbas Kamel au Caire pour les otages.", ("israel-hamas",)),
    ("Юнаковка: наши заходят в село.", ("russia-ukraine",)),
    ("Под Покровском выбито три «Хамви».", ("russia-ukraine",)),
    # Not the wars: a swearing-in, Poltava in 1709, Gaza's power schedule, a graduation, the sardine
    # season, a wedding, a job offer, a party, a weather front, a raid with no special operation.
    ("טקס השבעה של חטיבת גבעתי בכותל.", ()),
    ("The Battle of Poltava, 1709: Peter's army wins.", ()),
    ("جدول توزيع الكهرباء في غزة ليوم الثلاثاء.", ()),
    ("الجامعة في غزة تحتفل بتخريج الفوج العشرين.", ()),
    ("موسم السردين في غزة هذا العام وفير.", ()),
    ("زفة العريس في حي الشجاعية الليلة.", ()),
    ("وظائف شاغرة في مدارس الأونروا بالخليل.", ()),
    ("Les Forces libanaises boycottent la séance.", ()),
    ("Фронт дождей идёт на Курск.", ()),
    ("Уразово снова под обстрелом артиллерии.", ("russia-ukraine",)),
    ("В результате обмена домой вернулись жители Курской области.", ("russia-ukraine",)),
    ("Operasi Panah Utara memasuki hari ketiga.", ("israel-hezbollah",)),
    ("أسير محرر من سجن «عوفر» يروي تفاصيل اعتقاله.", ("israel-hamas",)),
    ("مسيرة انطلقت من لبنان سقطت في الجليل.", ("israel-hezbollah",)),
    # Not the wars: crop-spraying drones, a school's drill, Gaza's power schedule, a half marathon in
    # Kyiv, the cherry season and a race in the north.
    ("В Белгородском районе используют дроны для обработки полей.", ()),
    ("В школе Курска прошла учебная эвакуация.", ()),
    ("جدول التوزيع لمناطق غزة غدا: 8 ساعات وصل.", ()),
    ("Soldiers ran the Kyiv Half Marathon.", ()),
    ("עונת הדובדבנים במטולה נפתחה.", ()),
    ("מרוץ הלילה בקריית שמונה: ההרשמה נפתחה.", ()),
    ("Israel sent generators to Kyiv ahead of the winter strikes.", ("russia-ukraine",)),
    ("Iran supplies the drones that hit Odesa and Kharkiv every night.", ("russia-ukraine",)),
    ("Отработала ПВО, всё спокойно.", ("russia-ukraine",)),
    ("Бои за Синьковку продолжаются.", ("russia-ukraine",)),
    ("Салтівський район: влучання в багатоповерхівку.", ("russia-ukraine",)),
    ("Indonesia menyesalkan Rusia keluar dari Inisiatif Gandum Laut Hitam.", ("russia-ukraine",)),
    ("UNIFIL patrols along the Blue Line resumed.", ("israel-hezbollah",)),
    # Not the wars: Ukraine's condolences to Israel, a tank game, a football counter-attack in south
    # Lebanon, the Crusaders, Ghazzeh in the Bekaa, hockey's blue line.
    ("Ukraine condemns the missile attack on Israel and mourns its victims.", ()),
    ("В War Thunder добавили танк Т-90М.", ()),
    ("الهجوم المرتد منح النبطية الفوز.", ()),
    ("قلعة الشقيف في أرنون صمدت في حصار صلاح الدين الأيوبي.", ()),
    ("زفاف العريس من بلدة غزة (البقاع الغربي).", ()),
    ("A power-play shot from the blue line decided it.", ()),
    ("רוסיה פתחה במתקפה על אוקראינה הלילה.", ("russia-ukraine",)),
    ("صافرات في عسقلان الآن.", ("israel-hamas",)),
    ("إنذار عاجل إلى سكان مدينة صور.", ("israel-hezbollah",)),
    ("Fumée au-dessus de la flotte de la mer Noire ce matin.", ("russia-ukraine",)),
    ("Tchassiv Yar tient toujours.", ("russia-ukraine",)),
    ("Jembatan Krimea ditutup lagi pagi ini.", ("russia-ukraine",)),
    ("Israel will help protect Ukrainian cities from missiles.", ("russia-ukraine",)),
    # Not the wars: fireworks from Metula to Eilat, the hostages' rescue named Arnon.
    ("Fireworks and flyovers from Metula to Eilat tonight.", ()),
    ('عملية "أرنون" حررت أربعة رهائن من النصيرات.', ("israel-hamas",)),
    ("Troops raided Tammun overnight and arrested two terrorists.", ("israel-hamas",)),
    ("Shots fired at a car near Elon Moreh; the terrorist fled.", ("israel-hamas",)),
    ("A tunnel shaft was found in the Shati area.", ("israel-hamas",)),
    ("The Ukrainian delegation met the Russian side in Istanbul.", ("russia-ukraine",)),
    ("استئناف مفاوضات وقف إطلاق النار وتبادل الأسرى غدا.", ("israel-hamas",)),
    ("تعثر المحادثات الروسية الأوكرانية في جنيف.", ("russia-ukraine",)),
    ("الجنرال جاسبر جيفرز يبحث خروقات وقف إطلاق النار.", ("israel-hezbollah",)),
    ("Rusia menolak kembali ke kesepakatan gandum Laut Hitam.", ("russia-ukraine",)),
    ("PLTN Zaporizhzhia kembali tanpa listrik eksternal.", ("russia-ukraine",)),
    ("Nouvel échange 1 000 contre 1 000 annoncé.", ("russia-ukraine",)),
    ("Бои идут на севере сектора.", ("israel-hamas",)),
    ("Shireen Abu Akleh's family still waits for justice.", ("israel-hamas",)),
    # Not the wars: an athletes' delegation, an earthquake rescue delegation, Majdal Shams in Ukrainian.
    ("Twelve soldiers join the Olympic delegation to Paris.", ()),
    ("Співчуваємо родинам загиблих на Голанських висотах, ракета влучила у футбольне поле.", ()),
    ("Мінус «Тигр» з десантом 👋", ("russia-ukraine",)),
    ("ТОС-1А — мінус 🔥", ("russia-ukraine",)),
    ("عاجل | انفجارات تهز مدينة أوديسا.", ("russia-ukraine",)),
    ("استئناف تصدير الحبوب الأوكرانية من أوديسا.", ("russia-ukraine",)),
    ("התחנה הגרעינית בזפוריז'יה שוב ללא חשמל.", ("russia-ukraine",)),
    ("Mia Schem est rentrée chez elle.", ("israel-hamas",)),
    ("Un survivant du festival Nova témoigne.", ("israel-hamas",)),
    ("Le 24 février 2022 reste une date noire.", ("russia-ukraine",)),
    # The west bank of the Dnipro is Russia's war, not the West Bank's.
    ("روسيا تسحب قواتها من الضفة الغربية لنهر دنيبرو.", ("russia-ukraine",)),
    ("В Мелитополе выдали ещё 500 паспортов гражданина РФ.", ("russia-ukraine",)),
    ("Rusia dan Ukraina kembali bertukar tawanan hari ini.", ("russia-ukraine",)),
    ("Рух Кримським мостом відновлено.", ("russia-ukraine",)),
    ("У Севастополі гучно.", ("russia-ukraine",)),
    ("В Курске громко.", ("russia-ukraine",)),
    ("Александр Труфанов вернулся домой.", ("israel-hamas",)),
    ("הפריצה למחוז קורסק נמשכת.", ("russia-ukraine",)),
    # Not the wars: a space rocket's debris, the Battle of Konotop.
    ("Уламки ракети Starship впали в океан.", ()),
    ("Військо гетьмана Виговського розгромило московську армію під Конотопом.", ()),
    ("زيلينسكي يدعو إلى دعم صيغة السلام.", ("russia-ukraine",)),
    ("روسيا تعلن تعبئة جزئية.", ("russia-ukraine",)),
    ("נשיא אוקראינה הכריז על גיוס כללי.", ("russia-ukraine",)),
    ("Миколаїв — гучно!", ("russia-ukraine",)),
    ("Херсон, Острів: пошкоджено два будинки.", ("russia-ukraine",)),
    # Not the wars: a basketball score, an "invasion" of cars, the First World War's famine, a joint exercise.
    ("عرقجي سجل 28 نقطة في فوز لبنان.", ()),
    ("«غزو» السيارات الصينية لأسواق لبنان.", ()),
    ("مجاعة جبل لبنان خلال الحرب العالمية الأولى.", ()),
    ("HIMARS menembak dalam latihan Super Garuda Shield.", ()),
    ("פיגוע ירי סמוך לקדומים, צעיר נפצע.", ("israel-hamas",)),
    ("מחבל נוטרל בכניסה לאיתמר.", ("israel-hamas",)),
    ("פיגוע ירי במעבר אלנבי.", ("israel-hamas",)),
    ("פעילות מבצעית בטול כרם, הכביש חסום.", ("israel-hamas",)),
    # Not the wars: Soviet Ukraine's liberation in 1943.
    ("В боях за столицу Советской Украины пали тысячи бойцов.", ()),
    ("A stabbing attack was foiled near Ma'ale Adumim.", ("israel-hamas",)),
    ("Работинское направление: противник атакует.", ("russia-ukraine",)),
    # Not the wars: the Palestinian central bank, works going on "on a wide front".
    ("The Palestine Monetary Authority launched a new payment system.", ()),
    ("Собянин: работы идут широким фронтом.", ()),
    ("בית החולים השדה נפתח במוסטיסקה.", ("russia-ukraine",)),
    ("The field hospital in Mostyska treated 6,000 patients.", ("russia-ukraine",)),
    ("אלפי פליטים מחרקוב הגיעו לפולין.", ("russia-ukraine",)),
    ("האיחוד האירופי אישר חבילת סנקציות חדשה נגד רוסיה.", ("russia-ukraine",)),
    ("הסכם התבואה נחתם באיסטנבול.", ("russia-ukraine",)),
    ("משרד החוץ: אין לנסוע לאומן, האזור תחת משטר צבאי.", ("russia-ukraine",)),
    ("זלנסקי שוחח הערב עם נשיא צרפת.", ("russia-ukraine",)),
    ("סיוע הומניטרי נוסף יצא היום לדנייפרו.", ("russia-ukraine",)),
    ("Kharkiv: dua orang meninggal setelah gedung terkena.", ("russia-ukraine",)),
    # Not Lebanon's war: a "complex" ambush in Gaza is not the village of Markaba.
    ("القسام: نفذنا كمينا مركبا في بيت حانون.", ("israel-hamas",)),
    ("إجلاء 40 طالبا لبنانيا من أوكرانيا عبر الحدود البولندية.", ("russia-ukraine",)),
    ("مخزون القمح يكفي لشهر بعد توقف الشحنات من أوكرانيا.", ("russia-ukraine",)),
    ("انطلاق محادثات روسية أوكرانية في إسطنبول.", ("russia-ukraine",)),
    ("إسقاط 20 مسيرة فوق مقاطعة بريانسك.", ("russia-ukraine",)),
    ("L'UE adopte un nouveau paquet de sanctions contre la Russie.", ("russia-ukraine",)),
    ("Convoi n°12 bien arrivé à Kharkiv avec deux ambulances.", ("russia-ukraine",)),
    ("Le Corps des volontaires russes revendique un raid.", ("russia-ukraine",)),
    ("Zaporijjia : la centrale de nouveau sans courant externe.", ("russia-ukraine",)),
    ("Zelensky addressed the Knesset by video: provide Ukraine with Iron Dome.", ("russia-ukraine",)),
    ("Russia's partial mobilisation sends thousands of men to Israel.", ("russia-ukraine",)),
    ("Congress passed $61 billion for Ukraine and more for Israel.", ("russia-ukraine",)),
    ("The cruiser Moskva is now a diving site.", ("russia-ukraine",)),
    ("Putin signed the accession treaties at the Kremlin.", ("russia-ukraine",)),
    ("Конгресс снова спорит, давать ли деньги Киеву.", ("russia-ukraine",)),
    ("В Курской области продолжает действовать режим контртеррористической операции.", ("russia-ukraine",)),
    ("В Брянской области сохраняется средний уровень реагирования.", ("russia-ukraine",)),
    ("Киевские власти снова переименовали улицы.", ("russia-ukraine",)),
    ("Жители севера Израиля снова провели ночь под обстрелом.", ("israel-hezbollah",)),
    ("Футболисты дважды ударили по воротам соперника.", ()),
    ("Сьогодні відкриваємо набір до «Лінії дронів».", ("russia-ukraine",)),
    ("Вночі росіяни вдарили по околиці Херсона.", ("russia-ukraine",)),
    ("У Дніпрі вибухова хвиля пошкодила вікна лікарні.", ("russia-ukraine",)),
    ("Ротація: 38 діб на позиції, всі вийшли живими.", ("russia-ukraine",)),
    ("Наша команда вийшла на позицію лідера турніру.", ()),
    ("Twelve more children are home. #BringKidsBackUA", ("russia-ukraine",)),
    ("Germany joins the tank coalition.", ("russia-ukraine",)),
    ("עיריית אשקלון: הפגיעה הישירה גרמה נזק לשלושה בניינים.", ("israel-hamas",)),
    ("עקב המצב הביטחוני, הלימודים בשדרות יתקיימו מרחוק.", ("israel-hamas",)),
    ("Лавров: без учёта этого прочного мира на Украине не будет.", ("russia-ukraine",)),
    ("Посол напомнил, что Минские соглашения так и не были выполнены.", ("russia-ukraine",)),
    ("Брюссель снова обсуждает путь Украины в НАТО.", ("russia-ukraine",)),
    ("Нужды на неделю: сети маскировочные, свечи окопные.", ("russia-ukraine",)),
    ("Наш боец трехсотый, лежит в госпитале.", ("russia-ukraine",)),
    ("Побратим трьохсотий, евакуювали вчасно.", ("russia-ukraine",)),
    ("Комбат знову наказав штурмувати посадку вдень.", ("russia-ukraine",)),
    ("Лежу в Дніпрі з контузією, осколки вже дістали.", ("russia-ukraine",)),
    ("Investigators began exhumations near Izium.", ("russia-ukraine",)),
    ("Poutine signe les traités de rattachement au Kremlin.", ("russia-ukraine",)),
    ("Dnipro : des survivants sous les décombres.", ("russia-ukraine",)),
    ("L'UE signe un accord sur les minerais avec Kigali.", ()),
    ("إغلاق حاجز حوارة بالاتجاهين منذ الصباح.", ("israel-hamas",)),
    ("محكمة عوفر تمدد اعتقال طالب من جنين.", ("israel-hamas",)),
    ("הממשלה אישרה תוכנית לשיקום חבל תקומה.", ("israel-hamas",)),
    ("גופתו של יוסי הושבה לישראל הלילה.", ("israel-hamas",)),
    ("Каланчак: за ночь повреждены три дома, ранена пенсионерка от осколочных ранений.", ("russia-ukraine",)),
    ("В Мелитополе вводится режим светомаскировки.", ("russia-ukraine",)),
    ("Задержаны трое украинских агентов.", ("russia-ukraine",)),
    ("Новий Mavic уже їде на Сумщину.", ("russia-ukraine",)),
    ("Два пікапи для 14-ї механізованої вже в дорозі.", ("russia-ukraine",)),
    ("НРК для 92-ї вже на місці.", ("russia-ukraine",)),
    ("Франківці, станьте на коліно: процесія рухається вулицею Мазепи.", ("russia-ukraine",)),
    ("Живий коридор о 12:00 біля ратуші.", ("russia-ukraine",)),
    ("У Франківську чути вибухи, не виходьте до відбою тривоги.", ("russia-ukraine",)),
    ("Над Тель-Авівом працює ППО.", ()),
    ("Children learned what a butterfly mine looks like.", ("russia-ukraine",)),
    ("Survivors of the flour massacre speak.", ("israel-hamas",)),
    ("שנה וחצי בלי הבית. #הצפון_לא_הפקר", ("israel-hezbollah",)),
    ("نهاريا تحت الصفارات الليلة", ("israel-hezbollah",)),
    ("Statut S : le Conseil fédéral prolonge la mesure.", ("russia-ukraine",)),
    ("Les personnes arrivées d'Ukraine sont reçues le mardi.", ("russia-ukraine",)),
    ("Les familles de Kharkiv doivent renouveler leur protection temporaire.", ("russia-ukraine",)),
    ("Pas de calendrier d'adhésion à l'OTAN pour l'Ukraine.", ("russia-ukraine",)),
    ("Des proches d'otages reçus à Genève.", ("israel-hamas",)),
    ("Ottawa suspend les exportations d'armes vers Israël.", ("israel-hamas",)),
    ("Rafah : 20 camions du Croissant-Rouge sont entrés.", ("israel-hamas",)),
    ("Запад отправляет миллиарды Киеву.", ("russia-ukraine",)),
    ("Ещё десять историй под тегом #ИменаПогибших.", ("russia-ukraine",)),
    ("Александр Трупанов вернулся домой.", ("israel-hamas",)),
    ("Кілька влучань у ДніпроГЕС, станція знеструмлена.", ("russia-ukraine",)),
    ("Росія знову вдарила по Одещині.", ("russia-ukraine",)),
    ("Weekly results of Magyar's Birds.", ("russia-ukraine",)),
    ("Russian losses as of today: 1,660 personnel.", ("russia-ukraine",)),
    ("Bavovna in Sevastopol bay tonight.", ("russia-ukraine",)),
    ("Відступаючи, гітлерівці підірвали греблю ДніпроГЕС.", ()),
    ("Продолжается набор в добровольческий батальон «Волжский».", ("russia-ukraine",)),
    ("Ночью ПВО сбила беспилотник над Стерлитамаком.", ("russia-ukraine",)),
    ("Беспилотник пытался атаковать нефтебазу, пострадавших нет.", ("russia-ukraine",)),
    ("Над Чапаевском сбиты два беспилотника.", ("russia-ukraine",)),
    ("В гимназии открыли «Парту героя» в память о выпускнике.", ("russia-ukraine",)),
    ("Новоросійськ: над Шесхарісом заграва.", ("russia-ukraine",)),
    ("Мэрия Ашкелона: по указанию Командования тыла занятий завтра нет.", ("israel-hamas",)),
    ("Кнессет утвердил льготы для участников операции «Железные мечи».", ("israel-hamas",)),
    ("$800 million in additional security assistance for Ukraine.", ("russia-ukraine",)),
    ("איסטנבול: המשלחות של רוסיה ואוקראינה נפגשו.", ("russia-ukraine",)),
    ("Харків: рятувальники дістали з-під завалів ще одну людину.", ("russia-ukraine",)),
    ("Для тысяч релокантов новые правила пребывания — удар.", ("russia-ukraine",)),
    ("היום לפני שנה נועה חזרה הביתה מהשבי.", ("israel-hamas",)),
    ("За каждой литургией читается Молитва о Святой Руси.", ("russia-ukraine",)),
    ("יום 500 בכיכר. #כולם_עכשיו", ("israel-hamas",)),
    ("המשפחות קיבלו הלילה אות חיים.", ("israel-hamas",)),
    ("47 שנה למבצע אנטבה: 102 בני ערובה חולצו.", ()),
    ("Дети нашли ПФМ-1 во дворе.", ("russia-ukraine",)),
    ("В парке опять «Лепестки»: не трогайте зелёные предметы.", ("russia-ukraine",)),
    ("Показания по оборонительным рубежам Курской области дал экс-губернатор.", ("russia-ukraine",)),
    ("Музей повертає колекцію, вивезену в перші дні повномасштабної.", ("russia-ukraine",)),
    ("Des vétérans du régiment Azov en visite à Lyon.", ("russia-ukraine",)),
    ("תפילה במחנה שורה לזכר הנרצחים.", ("israel-hamas",)),
    ("تبادل 150 أسير بين روسيا وأوكرانيا بوساطة إماراتية", ("russia-ukraine",)),
    ("Bomb threats were emailed to schools in Kyiv this morning.", ()),
    ("The Kyiv derby ended 1-1 after a late attack.", ()),
    ("#ПутьДомой: жёны снова вышли к приёмной.", ("russia-ukraine",)),
    ("Муж в «Шторм V» с весны, отпуска не было.", ("russia-ukraine",)),
    ("Брат вернулся из плена, похудел на двадцать килограммов.", ("russia-ukraine",)),
    ("The Kiev regime bans yet another church.", ("russia-ukraine",)),
    ("Des PFM-1 retrouvées dans une cour d'école.", ("russia-ukraine",)),
    ("הבנים שלנו נלחמים בעזה.", ("israel-hamas",)),
    ("אזעקה בעין קיניא.", ("israel-hezbollah",)),
    ("Волонтери привезли протези хлопцям після поранень на Донеччині.", ("russia-ukraine",)),
    ("Правительство одобрило соглашение о возвращении заложников.", ("israel-hamas",)),
    ("Сдерот оживает после 7 октября.", ("israel-hamas",)),
    ("Одинадцять років тому Росія анексувала Крим.", ("russia-ukraine",)),
    ("Ofer Kalderon est libre.", ("israel-hamas",)),
    ("Inside the basement of the Rantisi hospital.", ("israel-hamas",)),
    ("Canadian instructors under Operation Unifier wrapped up another course.", ("russia-ukraine",)),
    ("Australia will send 30 more Bushmasters to Ukraine.", ("russia-ukraine",)),
    ("More Canadians boarded flights out of Beirut today.", ("israel-hezbollah",)),
    ("Над морем у Балаклавы сбиты две воздушные цели.", ("russia-ukraine",)),
    ("Из плена домой вернулись двое морпехов.", ("russia-ukraine",)),
    ("В бухте стрельба: работает флот.", ("russia-ukraine",)),
    ("Ночью противник ударил по Севморзаводу.", ("russia-ukraine",)),
    ("The inquiry into the strike that killed Zomi Frankcom is out.", ("israel-hamas",)),
    ("טקס לזכר בני הקיבוץ שנפלו השנה בעזה.", ("israel-hamas",)),
    ("قوة كوماندوس إسرائيلية نزلت على شاطئ البترون", ("israel-hezbollah",)),
    ("Після ударів по енергосистемі попит на генератори зріс удесятеро.", ("russia-ukraine",)),
    ("В Буйнакске простились с бойцом.", ("russia-ukraine",)),
    ("Pertukaran tawanan antara Rusia dan Ukraina kembali terjadi.", ("russia-ukraine",)),
    ("В Алабуге собирают «Гераньки» по иранским чертежам для ударов по Украине.", ("russia-ukraine",)),
    ("Через загрозу обстрілів ярмарок цього року не відкриють.", ("russia-ukraine",)),
    ("Трьох волинян посмертно нагородили орденом «За мужність».", ("russia-ukraine",)),
    ("В «Дії» з'явився чат-бот єВорог.", ("russia-ukraine",)),
    ("Белгородская область: ограничения мобильного интернета продлены.", ("russia-ukraine",)),
    ("The first ship left Odesa today. #BlackSeaGrainInitiative", ("russia-ukraine",)),
    ("שנה למלחמה בצפון, והתושבים עדיין לא חזרו.", ("israel-hezbollah",)),
    ("אוקראינה מפגיזה מטרות בתוך רוסיה.", ("russia-ukraine",)),
    ("مسيّرات «جيرانيوم-2» فوق المدن ليلاً", ("russia-ukraine",)),
    ("Harga minyak belum pulih dari perang di Ukraina, kini Hamas.", ("russia-ukraine", "israel-hamas")),
    ("Un Montréalais figure parmi les victimes du festival de musique Nova.", ("israel-hamas",)),
    ("Quake tremors felt in Istanbul. AFAD: 29 people injured.", ()),
    ("За форсирование Днепра звание Героя Советского Союза получили тысячи бойцов.", ()),
    ("В Тегеране слышны взрывы, работает ПВО.", ()),
    ("FEMA is out of money, but there's always another billion for Kyiv.", ("russia-ukraine",)),
    ("Mike Johnson will bring the Ukraine bill to the floor.", ("russia-ukraine",)),
    ("I asked for an audit of the money appropriated for Ukraine.", ("russia-ukraine",)),
    ("Putin calls up 300,000 reservists.", ("russia-ukraine",)),
    ("الكنيست يصادق على قانون يحظر عمل الأونروا", ("israel-hamas",)),
    ("الأونروا: نفاد مخزون الطحين في القطاع", ("israel-hamas",)),
    ("عيادة الأونروا في المخيم: الدوام في رمضان من الثامنة حتى الواحدة", ()),
    ("Законопроєкт 10449 ухвалено в цілому.", ("russia-ukraine",)),
    ("Дякую Німеччині за ще одну систему Patriot.", ("russia-ukraine",)),
    ("Палата представителей проголосовала за $61 млрд для Киева.", ("russia-ukraine",)),
    ("Бербок: «Мы ведём войну против России».", ("russia-ukraine",)),
    ("Kontrak kerja ternyata dinas militer di zona operasi militer khusus.", ("russia-ukraine",)),
    ("Collecte de dons pour nos frères à Ghaza ce vendredi.", ("israel-hamas",)),
    ("Семенівка: влучання в будівлю колишнього молокозаводу.", ("russia-ukraine",)),
    ("FPV влучив в авто волонтерів біля Мезенівки.", ("russia-ukraine",)),
    ("Загубився пес, відгукується на кличку Барон, бачили біля Семенівки.", ()),
    ("בכל בתי הספר בעיר התקיים טקס לזכר בני העיר שנרצחו בשמחת תורה.", ("israel-hamas",)),
    ("المملكة تستضيف الاجتماع الأول للتحالف الدولي لتنفيذ حل الدولتين", ("israel-hamas",)),
    ("انطلاق المحادثات بين الوفدين الأمريكي والروسي في الرياض", ("russia-ukraine",)),
    ("Глава республики проводил добровольцев батальона «Боотур».", ("russia-ukraine",)),
    ("Hearings in the genocide case against Israel open today.", ("israel-hamas",)),
    ("Ещё одно стихотворение о ребятах. #наширебята", ("russia-ukraine",)),
    ("השקט המוזר הזה שנשאר מאז אותה שבת.", ("israel-hamas",)),
    ("ברפת בשומרה נהרגו הלילה עשרים פרות.", ("israel-hezbollah",)),
    ("Харківщина: за добу обстріляно 14 населених пунктів.", ("russia-ukraine",)),
    ("مخطط استيطاني جديد يلتهم 300 دونم من أراضي بيت جالا", ("israel-hamas",)),
    ("Le croiseur Moskva a coulé cette nuit.", ("russia-ukraine",)),
    ("L'île aux Serpents est de nouveau libre.", ("russia-ukraine",)),
    ("В списке вернувшихся через Беларусь — наша соседка.", ("russia-ukraine",)),
    ("Теткинский сахарный завод остановил работу.", ("russia-ukraine",)),
    ("Сбор на турникеты для медроты закрыт, спасибо всем.", ("russia-ukraine",)),
    ("Запрошуємо ветеранів і ветеранок на безкоштовні тренування.", ("russia-ukraine",)),
    ("Наша збірна вже на Іграх Нескорених у Ванкувері.", ("russia-ukraine",)),
    ("Ветеранська кав'ярня відкрилася у Львові.", ("russia-ukraine",)),
    ("Партнери з Тель-Авіва провели ніч в укриттях через іранську ракетну атаку.", ()),
    ("Пирогов ввёл сортировку раненых в Севастополе во время Крымской войны.", ()),
    ("Мы вспоминаем медсестёр, выносивших раненых под Сталинградом и Курском.", ()),
    ("La commune propose deux logements pour accueillir des familles ukrainiennes.", ("russia-ukraine",)),
    ("Les Ukrainiens de Montpellier collectent des garrots pour le front.", ("russia-ukraine",)),
    ("שנה לאסון במג'דל שמס נדלקו 12 נרות.", ("israel-hezbollah",)),
    ("יום האדמה: זוכרים את ההרוגים של 1976 ואת המאבק על האדמה בגליל.", ()),
    ("Vnukovo and Domodedovo under Kovyor restrictions again.", ("russia-ukraine",)),
    ("Han Kuang begins: HIMARS on the coast and an air-raid alert drill.", ()),
    ("The Amal-Hezbollah bloc walks out to break quorum.", ()),
    ("Sanksi kepada Iran Air atas pengiriman rudal ke Rusia untuk dipakai di Ukraina.", ("russia-ukraine",)),
    ("استشهاد لاعب نادي التضامن صور في غارة إسرائيلية على بلدة معركة قضاء صور.", ("israel-hezbollah",)),
    ("المهاجم علي نصر الله ينتقل إلى نادي الصفاء بعقد لموسمين.", ()),
    ("صفارات الإنذار تدوي في وسط فلسطين المحتلة إثر إطلاق صاروخ من اليمن", ()),
    ("البرلمان اللبناني ينتخب قائد الجيش رئيساً للجمهورية", ()),
    ("Fête patronale à la paroisse de la Sainte-Famille de Gaza : messe solennelle puis kermesse.", ()),
    ("7 octobre : fête de Notre-Dame du Rosaire.", ()),
    ("В Днепрянах дрон сбросил боеприпас на велосипедиста.", ("russia-ukraine",)),
    ("Базовая станция в Каховке повреждена прилётом.", ("russia-ukraine",)),
    ("В Мелитополе взорван автомобиль сотрудника администрации.", ("russia-ukraine",)),
    ("Фронт работ определён: в Запорожской области отремонтируем 320 км региональных дорог.", ()),
    ("Розклад приміських Харків — Куп'янськ з 1 березня.", ()),
    ("Shahed fragment found in a backyard in Nufăru, Tulcea county.", ("russia-ukraine",)),
    ("The drone that fell near Ceadîr-Lunga was a Gerbera-type decoy.", ("russia-ukraine",)),
    ("RO-ALERT: possibility of objects falling from the airspace.", ("russia-ukraine",)),
    ("Des centaines de bipeurs ont explosé simultanément cet après-midi.", ("israel-hezbollah",)),
    ("Zaporijjia : un immeuble éventré cette nuit.", ("russia-ukraine",)),
    ("Les paroisses ouvrent des points d'invincibilité à Lviv.", ("russia-ukraine",)),
    ("ערב עדות במרכז ותיקים בית הלל.", ()),
    ("عائلات الأسرى الصهاينة تغلق شارع أيالون في تل أبيب", ("israel-hamas",)),
    (
        "Охотники Якутии собрали деньги на тепловизоры для земляков из батальона «Боотур».",
        ("russia-ukraine",),
    ),
    ("Покровск (Якутия): на Лене начался ледоход, переправа закрыта.", ()),
    ("Навіть в умовах повномасштабної війни ми підвищили оплату праці вчителів.", ("russia-ukraine",)),
    ("Вероніка з харківської школи в метро — призерка олімпіади з математики.", ("russia-ukraine",)),
    ("Save Ukraine повернули з рф 15-річного Богдана.", ("russia-ukraine",)),
    ("Учні гімназії — чемпіони України з бойового гопака.", ()),
    ("Учні агроліцею на Полтавщині зібрали дрон для моніторингу посівів.", ()),
    ("A family from Kharkiv arrived in Spokane through Uniting for Ukraine.", ("russia-ukraine",)),
    (
        "Flags will fly at half-staff in memory of the lives lost in Gaza and Lebanon.",
        ("israel-hamas", "israel-hezbollah"),
    ),
    (
        "People marched over the death of Tyre Nichols. They read the names of men killed by police.",
        (),
    ),
    ("Матч прерывали на 40 минут из-за воздушной тревоги.", ("russia-ukraine",)),
    ("«Маккаби» Хайфа досрочно стал чемпионом Израиля.", ()),
    ("המלחמה בדרום והחשש מחזית שנייה בצפון הבריחו משקיעים.", ("israel-hezbollah",)),
    (
        "تحذير عاجل للمواطنين الأوكرانيين في لبنان في ظل التصعيد الخطير للأعمال القتالية",
        ("israel-hezbollah",),
    ),
    ("⚽️ شاختار دونيتسك يهزم برشلونة في دوري أبطال أوروبا بهجوم سريع", ()),
    ("Families who arrived from Ukraine can apply for a school place.", ("russia-ukraine",)),
    ("Free transport for Ukrainians with temporary protection ends on 1 January.", ("russia-ukraine",)),
    ('The drone that crashed near Rēzekne was a Russian "Gerbera" decoy.', ("russia-ukraine",)),
    ("Drones hit the Novatek terminal at Ust-Luga overnight.", ("russia-ukraine",)),
    ("העגבניות של מושב יכיני חזרו למדפים #קונים_מהעוטף", ("israel-hamas",)),
    ("מחלבת העזים במושב כרם בן זמרה נפגעה מרסיסים.", ("israel-hezbollah",)),
    ("Warga yang rumahnya rusak akibat serangan Rusia bisa mengajukan kompensasi.", ("russia-ukraine",)),
    ("Шины «Кама» всё отгружают на ленточку.", ("russia-ukraine",)),
    (
        "Ahed Zaqout, mantan gelandang Timnas Palestina, tewas ketika rumahnya di Kota Gaza dihantam rudal.",
        ("israel-hamas",),
    ),
    ("Андрей Козлов освобождён вместе с Шломи Зивом.", ()),
    ("Объявляем всеобщую мобилизацию волонтёров на предпесаховую раздачу!", ()),
    ("Уроженец Харькова провёл чистую атаку с подхватом.", ()),
    ("Olga Kharlan a battu la Russe qui tirait sous bannière neutre.", ("russia-ukraine",)),
    ("Premier match officiel de la sélection depuis le 24 février.", ("russia-ukraine",)),
    ("Oleksandr Usyk a rejoint la défense territoriale de Kyiv.", ("russia-ukraine",)),
    ("Gambit will not be invited in light of the events in Ukraine.", ("russia-ukraine",)),
    ("He is playing from his aunt's flat after his family fled Tyre.", ("israel-hezbollah",)),
    ("Жінки-військовослужбовиці отримують окремі кімнати. #Невидимий_батальйон", ("russia-ukraine",)),
    ("Роз'яснення щодо військового обліку жінок.", ("russia-ukraine",)),
    (
        "Уряд компенсуватиме аграріям 80% вартості робіт з розмінування сільськогосподарських земель.",
        ("russia-ukraine",),
    ),
    ("Суховантаж підірвався на морській міні біля порту Південний.", ("russia-ukraine",)),
    ("Китайські трактори йдуть на штурм українського ринку.", ()),
]


@pytest.mark.parametrize(("text", "expected"), SHIPPED_CASES)
def test_shipped_watchlist_flags_each_case_exactly(shipped, text, expected):
    assert flagged(shipped, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Place and weapon names that are also common words count only with a capital letter.
        ("После удачного полета компания продолжит испытания.", ()),
        ("Цены на марганец выросли на бирже.", ()),
        ("Новый калибр для охотников поступил в продажу.", ()),
        ("В парке вырос орешник.", ()),
        ("ВСУ оставили Крынки.", ("russia-ukraine",)),
        ("По Днепру ударил «Орешник».", ("russia-ukraine",)),
    ],
)
def test_shipped_names_that_are_also_common_words(shipped, text, expected):
    assert flagged(shipped, text) == expected


def score_of(watchlist: Watchlist, text: str, conflict: str, context: ChannelContext = NO_CONTEXT) -> float:
    _, scores = watchlist.score(text, context=context)
    return next((item.score for item in scores if item.conflict == conflict), 0.0)


def test_a_post_naming_both_sides_keeps_its_partial_evidence_whole(shipped):
    # No war word: a lone common anchor (Putin) is worth a quarter point, an anchor met by a common
    # anchor (Kyiv and Putin) the full half point of partial evidence.
    both = "Путин снова заговорил о Киеве на встрече с журналистами."
    one_side = "Путин снова заговорил о Москве на встрече с журналистами."
    assert score_of(shipped, both, "russia-ukraine") == 0.5
    assert score_of(shipped, one_side, "russia-ukraine") == 0.25
    # Neither is flagged alone; in a channel that mostly posts about the war, naming both sides is enough.
    assert flagged(shipped, both) == flagged(shipped, one_side) == ()
    war_channel = ChannelContext(priors=(("russia-ukraine", 0.6),), source="learned")
    assert score_of(shipped, both, "russia-ukraine", war_channel) == 1.0
    assert score_of(shipped, one_side, "russia-ukraine", war_channel) == 0.75


# ---------------------------------------------------------------------------------------- hostile text


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(),
            st.sampled_from(["ВСУ", "Газа", "Израиль", "удар", "\u200b", "\u00ad", "\u202e", "\ud800"]),
            st.sampled_from(["חמאס", "ולחמאס", "غزة", "وبغزة", "\u061c", "\ufeff"]),
        ),
        max_size=30,
    ).map("".join)
)
def test_hostile_text_never_crashes_and_spans_stay_in_range(small, text):
    matches, conflicts = small.match(text)
    assert set(conflicts) <= {"demo"}
    for match in matches:
        assert 0 <= match.start < match.end <= len(text)


def test_huge_post_with_zero_width_runs_is_matched(shipped):
    text = ("\u200b" * 1000 + "обычный текст без войны. ") * 2000 + "ВСУ \u202eнаступают\u202c"
    matches, conflicts = shipped.match(text)
    assert "russia-ukraine" in conflicts
    assert text[matches[-1].start : matches[-1].end] == "ВСУ"


# ---------------------------------------------------------------------------------------- shipped watchlist


def test_shipped_watchlist_loads_with_all_required_languages(shipped):
    assert set(shipped.conflicts) >= {"russia-ukraine", "israel-hamas", "israel-hezbollah"}
    for conflict, per_lang in shipped.term_counts().items():
        assert {"en", "ru", "uk", "ar", "he"} <= set(per_lang), conflict


def scores_per_conflict(watchlist: Watchlist, records: list[dict]) -> dict[str, tuple[float, float]]:
    """Precision and recall of each conflict over labelled records; a conflict the records never label or
    flag has nothing to miss or get wrong (1.0), while false flags of an unlabelled conflict still count."""
    scores = {}
    for conflict in watchlist.conflicts:
        tp = fp = fn = 0
        for record in records:
            predicted = conflict in flagged(watchlist, record["text"])
            expected = conflict in record["labels"]
            tp += predicted and expected
            fp += predicted and not expected
            fn += expected and not predicted
        scores[conflict] = (tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0)
    return scores


def read_records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_shipped_watchlist_meets_precision_and_recall_on_the_evaluation_set(shipped):
    records = read_records(EVAL_SET)
    assert len(records) >= 100
    assert {record["lang"] for record in records} >= {"ru", "uk", "en", "ar", "he", "ce"}
    for conflict, (precision, recall) in scores_per_conflict(shipped, records).items():
        assert precision >= 0.9, conflict
        assert recall >= 0.85, conflict


@pytest.mark.parametrize(
    "name",
    [
        "written_more",
        "written_blind2",
        "written_blind3",
        "written_blind4",
        "written_blind5",
        "written_blind6",
        "written_blind8",
        "written_blind9",
        "written_blind10",
        "written_blind11",
        "written_blind12",
        "written_blind13",
        "written_blind14",
        "written_blind15",
        "written_blind16",
        "written_blind17",
        "written_blind18",
        "written_blind19",
        "written_blind20",
        "written_blind21",
        "written_blind22",
        "written_blind23",
        "written_blind24",
        "written_blind25",
        "written_blind26",
        "written_blind27",
        "written_blind28",
        "written_blind29",
        "written_blind30",
        "written_blind31",
        "written_blind33",
        "written_blind34",
        "written_blind35",
        "written_blind36",
        "written_blind37",
        "written_blind38",
        "written_blind39",
        "written_blind40",
        "written_blind41",
        "written_blind42",
        "written_blind43",
        "written_blind44",
        "written_blind45",
        "written_blind46",
        "written_blind47",
        "written_blind48",
        "written_blind49",
        "written_blind50",
        "written_blind51",
        "written_blind52",
        "written_blind54",
        "written_blind55",
        "written_blind56",
        "written_blind57",
        "written_blind58",
        "written_blind60",
        "written_blind62",
        "written_blind63",
        "written_blind66",
        "written_blind67",
        "written_blind68",
        "written_blind69",
        "written_blind70",
        "written_blind71",
        "written_blind73",
        "written_blind75",
        "written_blind76",
        "written_blind77",
        "written_blind78",
        "written_blind79",
        "written_blind80",
        "written_blind81",
        "written_blind82",
        "written_blind83",
        "written_blind84",
        "written_blind85",
        "written_blind86",
        "written_blind87",
        "written_blind88",
        "written_blind89",
        "written_blind90",
        "written_blind91",
        "written_blind92",
        "written_blind93",
        "written_blind94",
        "written_blind95",
        "written_blind96",
        "written_blind97",
        "written_blind98",
        "written_blind99",
        "written_blind100",
        "written_blind102",
        "written_blind104",
        "written_blind106",
        "written_blind107",
        "written_blind108",
        "written_blind109",
        "written_blind110",
        "written_blind114",
        "written_blind115",
        "written_blind116",
        "written_blind117",
        "written_blind118",
        "written_blind119",
        "written_blind121",
        "written_blind122",
        "written_blind123",
        "written_blind124",
        "written_blind125",
        "written_blind126",
        "written_blind127",
        "written_blind128",
        "written_blind129",
        "written_blind130",
        "written_blind133",
        "written_blind134",
        "written_blind135",
        "written_blind136",
        "written_blind138",
        "written_blind139",
        "written_blind140",
        "written_blind141",
        "written_blind142",
        "written_blind143",
        "written_blind144",
        "written_blind145",
        "written_blind146",
        "written_blind147",
        "written_blind148",
        "written_blind149",
        "written_blind151",
        "written_blind152",
        "written_blind153",
        "written_blind155",
        "written_blind158",
        "written_blind159",
        "written_blind160",
        "written_blind161",
        "written_blind162",
        "written_blind163",
        "written_blind164",
        "written_blind166",
        "written_blind168",
        "written_blind170",
        "written_blind172",
        "written_blind173",
        "written_blind175",
        "written_blind176",
        "written_blind177",
        "written_blind178",
        "written_blind180",
        "written_blind182",
        "written_blind184",
        "written_blind186",
        "written_blind188",
        "written_blind189",
        "written_blind193",
        "written_blind196",
        "written_blind197",
        "written_blind198",
        "written_blind202",
        "written_blind212",
        "written_blind218",
        "written_blind221",
        "written_blind222",
        "written_blind226",
        "written_blind230",
        "written_blind239",
        "written_blind241",
        "written_blind243",
        "written_blind245",
        "written_blind246",
        "written_blind247",
        "written_blind249",
        "written_blind250",
        "written_blind251",
        "written_blind253",
        "written_blind255",
        "written_blind256",
        "written_blind258",
        "written_blind259",
        "written_blind263",
        "written_blind264",
        "written_blind266",
        "written_blind267",
        "written_blind270",
        "written_blind271",
        "written_blind273",
        "written_blind276",
        "written_blind280",
        "written_blind282",
        "written_blind283",
        "written_blind287",
        "written_blind289",
        "written_blind293",
        "written_blind294",
        "written_blind297",
        "written_blind298",
        "written_blind305",
        "written_blind311",
        "written_blind314",
        "written_blind315",
        "written_blind316",
        "written_blind326",
        "written_blind328",
    ],
)
def test_shipped_watchlist_keeps_its_figures_on_the_blind_written_sets(shipped, name):
    # Tuned on since they were scored blind (docs/benchmarks.md): a guard against losing what was won, on
    # the posts whose labels are clear (an unsure anniversary may go either way).
    # Recall is guarded only where a set labels a conflict on ten clear posts or more: on the odd Gaza
    # comparison in a Ukrainian set, one post moves it by a third.
    records = [r for r in read_records(EVAL_SET.parent / "labeled" / f"{name}.jsonl") if not r["unsure"]]
    assert len(records) >= 200
    for conflict, (precision, recall) in scores_per_conflict(shipped, records).items():
        assert precision >= 0.95, conflict
        if sum(conflict in r["labels"] for r in records) >= 10:
            assert recall >= 0.8, conflict

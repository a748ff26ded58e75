"""Folding for matching: what it erases, what it unifies, and that offsets lead back to the original."""

from hypothesis import given
from hypothesis import strategies as st

from monitor.analysis.normalize import normalize, sentence_of, sentence_starts


def test_case_and_yo_are_folded():
    assert normalize("ВООРУЖЁННЫЕ Силы").text == "вооруженные силы"


def test_nfkc_folds_compatibility_characters():
    assert normalize("ＨＡＭＡＳ").text == "hamas"
    assert normalize("№5").text == "no5"


def test_invisible_characters_and_soft_hyphens_are_dropped():
    folded = normalize("Га\u00adза\u200b \u200dХАМАС\ufeff")
    assert folded.text == "газа хамас"


def test_latin_lookalikes_inside_a_cyrillic_word_become_cyrillic():
    assert normalize("Укрaина").text == "украина"
    assert normalize("BCУ").text == "всу"


def test_cyrillic_lookalikes_inside_a_latin_word_become_latin():
    assert normalize("Hаmаs").text == "hamas"


def test_pure_latin_words_next_to_cyrillic_ones_are_left_alone():
    assert normalize("ракеты ATACMS").text == "ракеты atacms"


def test_arabic_letter_variants_and_diacritics_are_merged():
    assert normalize("غزّة").text == normalize("غزه").text
    assert normalize("إسرائيل").text == "اسرائيل"


def test_hebrew_gershayim_is_typed_as_a_quote():
    assert normalize("צה״ל").text == 'צה"ל'


def test_stress_marks_are_dropped_but_decomposed_letters_are_kept():
    assert normalize("Га́за").text == "газа"
    assert normalize("и\u0306од").text == "йод"


def test_a_latin_diaeresis_is_dropped_but_other_accents_and_cyrillic_marks_stay():
    # Transliterated names come with or without it; French words keep theirs (délégation is no delegation).
    assert normalize("Aïtaroun, Saïda, Israël").text == "aitaroun, saida, israel"
    assert normalize("Ai\u0308taroun").text == "aitaroun"
    assert normalize("délégation à l'État").text == "délégation à l'état"
    assert normalize("її Київ").text == "її київ"


def test_runs_of_spaces_collapse_but_newlines_stay():
    assert normalize("сектор   Газа\n\nудар").text == "сектор газа\n\nудар"


def test_span_maps_back_to_the_original_surface_form():
    original = "Удар по сек\u200bтору   Га\u00adзы."
    folded = normalize(original)
    start = folded.text.index("газы")
    begin, end = folded.span(start, start + len("газы"))
    assert original[begin:end] == "Га\u00adзы"


def test_span_of_an_expanded_character_covers_it_once():
    original = "x № y"
    folded = normalize(original)
    begin, end = folded.span(2, 4)
    assert original[begin:end] == "№"


def test_span_keeps_combining_marks_of_the_last_letter():
    original = "Хамас и\u0306"
    folded = normalize(original)
    begin, end = folded.span(len(folded.text) - 1, len(folded.text))
    assert original[begin:end] == "и\u0306"


def test_lone_surrogates_become_word_breaks():
    assert normalize("a\ud800b").text == "a b"


def test_sentences_split_at_punctuation_and_newlines():
    folded = normalize("Первое из трёх. Второе из трёх!\nТретье «цитата из трёх.» Четвёртое из трёх")
    text, starts = folded.text, sentence_starts(folded)
    words = ("первое", "второе", "третье", "четвертое")
    assert [sentence_of(starts, text.index(word)) for word in words] == [0, 1, 2, 3]


def test_a_heading_of_one_or_two_words_belongs_to_the_next_sentence():
    folded = normalize("Северск. Противник отходит. Кримська платформа. Крим повернеться додому. Всё")
    text, starts = folded.text, sentence_starts(folded)
    words = ("северск", "противник", "кримська", "крим ", "все")
    # The last word has no sentence after it to join: it stays a sentence of its own.
    assert [sentence_of(starts, text.index(word)) for word in words] == [0, 0, 1, 1, 2]


def test_a_header_line_of_up_to_four_words_belongs_to_the_line_after_it():
    # A council's name over its notice: the notice's words judge it. Emoji are not words.
    folded = normalize("עיריית קריית שמונה 🅿️\nתווי החניה זמינים\nמועצה אזורית מרום הגליל העליון\nעדכון")
    text, starts = folded.text, sentence_starts(folded)
    words = ("עיריית", "תווי", "מועצה", "עדכון")
    assert [sentence_of(starts, text.index(word)) for word in words] == [0, 0, 1, 2]


def test_decimal_points_do_not_end_a_sentence():
    assert sentence_starts(normalize("В 18.00 начался обстрел")) == [0]


def test_an_abbreviation_before_a_lowercase_word_does_not_end_a_sentence():
    # "4 тис. вікон": the town and the shelling stay in one sentence; a capital after the stop still splits.
    folded = normalize("Харків: відновили 4 тис. вікон після обстрілів. Далі буде")
    text, starts = folded.text, sentence_starts(folded)
    assert [sentence_of(starts, text.index(word)) for word in ("харків", "обстрілів", "далі")] == [0, 0, 1]


@given(st.text())
def test_any_text_folds_and_every_span_stays_inside_the_original(text):
    folded = normalize(text)
    assert list(folded.uneven) == sorted(set(folded.uneven))
    assert all(0 <= index < len(text) for index in folded.uneven)
    origins = [folded.original_start(start) for start in range(len(folded.text))]
    assert origins == sorted(origins)
    for start in range(len(folded.text)):
        begin, end = folded.span(start, start + 1)
        assert 0 <= begin < end <= len(text)

"""Language identification of posts: deterministic langdetect helped by script and letter rules.

The rules come first because they are both faster and more accurate than langdetect where a script or a
letter settles the question (Hebrew, Ukrainian і/ї/є, Russian ы/э), and because langdetect has no model
at all for Chechen, Belarusian, Kazakh or Serbian, which it reports as Russian, Ukrainian or Macedonian.
A Cyrillic letter a language lacks rules that language out, however short the text: on a few words
langdetect's close Slavic profiles guess, and read "Эта атака отражена." as Bulgarian.

It stays one module past 500 lines on purpose: each script's rules hand undecided texts to langdetect
with a narrowed list of candidates, and that hand-over is easiest to check when both sit together.
"""

from __future__ import annotations

import bisect
import os
import re
from abc import ABC, abstractmethod
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

UND = "und"
BACKENDS: tuple[str, ...] = ("langdetect", "fast")

SEED = 0  # langdetect samples n-grams at random; a fixed seed makes every answer reproducible
N_TRIAL = 3  # langdetect averages this many sampling runs (its own default is 7)
MIN_LETTERS = 4  # below this an alphabetic text says nothing reliable about its language
MIN_IDEOGRAPHS = 2  # one CJK character can already be a word
RAW_LIMIT = 4000  # characters of the original text looked at: bounds the cost of 100,000-character posts
RULE_CHARS = 1200  # characters of cleaned text the letter rules count over
SAMPLE_CHARS = 360  # about 300 letters: what langdetect sees
OVERRULE_LETTERS = 30  # below this langdetect may not overrule the likeliest Cyrillic candidate


class LanguageDetector(Protocol):
    """What the analysis needs from a language identifier, whatever its backend."""

    def detect(self, text: str) -> tuple[str, float]:
        """Return an ISO 639-1 code (or "und") and a confidence in [0, 1]."""


def make_detector(backend: str = "langdetect") -> LanguageDetector:
    """Build the detector a config names, failing loudly on a typo rather than silently falling back."""
    if backend == "langdetect":
        return LangdetectDetector()
    if backend == "fast":
        return FastDetector()
    raise ValueError(f"unknown language backend {backend!r}; known backends: {', '.join(BACKENDS)}")


# ---------------------------------------------------------------------------------------------- cleaning

_TLDS = "ru|ua|by|kz|com|org|net|info|io|me|il|tv|su|рф"
_URL = re.compile(
    rf"(?:[hH][tT][tT][pP][sS]?://|[wW][wW][wW]\.|t\.me/)\S*|(?<![\w.-])[\w.-]+\.(?:{_TLDS})\b\S*"
)
_AT = re.compile(r"[^\s@]*@\S*")  # @mentions and e-mail addresses
_CYR = "\u0400-\u052f"
# Latin look-alikes typed inside Cyrillic words (spam evasion, Latin i for Ukrainian і) and the
# stand-ins Chechen writers use for the palochka (1, I, l, |); "1" counts only after a Cyrillic letter
# so that "1941г" stays a number.
_LOOKALIKE = "aceiopxyAEHIKMOPCTXBYl1|"
_MIXED = re.compile(rf"(?<=[{_CYR}])[{_LOOKALIKE}]+|[{_LOOKALIKE.replace('1', '')}]+(?=[{_CYR}])")
_ADJACENT = re.compile(rf"[{_CYR}][{_LOOKALIKE}]|[{_LOOKALIKE}][{_CYR}]")  # a cheap test before _MIXED
_LOOKALIKES = str.maketrans("aceiopxyAEHKMOPCTXBY", "асеіорхуАЕНКМОРСТХВУ") | {
    ord(c): "\u04c0" for c in "I1l|"
}


# Combining marks are parts of letters, not punctuation: Hebrew and Arabic points and Cyrillic stress marks
# can go, but the vowel signs of Indic scripts are letters langdetect needs.
_POINTS = re.compile("[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_INDIC = re.compile("[\u0900-\u0dff]")
_NON_LETTERS = re.compile(r"[\W\d_]+")
_NON_LETTERS_INDIC = re.compile(r"(?:[^\w\u0900-\u0dff]|[\d_])+")


def _clean(raw: str) -> str:
    """Drop links, mentions, numbers, punctuation and emoji; undo look-alike letters; keep single spaces."""
    text = _URL.sub(" ", raw)
    if "@" in text:
        text = _AT.sub(" ", text)
    if _ADJACENT.search(text):
        text = _MIXED.sub(_unmix, text)
    text = _POINTS.sub("", text)
    non_letters = _NON_LETTERS_INDIC if _INDIC.search(text) else _NON_LETTERS
    return non_letters.sub(" ", text).strip()


# ---------------------------------------------------------------------------------------------- scripts

# (first, last, tag): a tag is an ISO 639-1 code when the script alone names the language.
_SCRIPT_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x005A, "Latn"),
    (0x0061, 0x007A, "Latn"),
    (0x00C0, 0x024F, "Latn"),
    (0x0370, 0x03FF, "el"),
    (0x0400, 0x052F, "Cyrl"),
    (0x0530, 0x058F, "hy"),
    (0x0590, 0x05FF, "Hebr"),
    (0x0600, 0x06FF, "Arab"),
    (0x0750, 0x077F, "Arab"),
    (0x08A0, 0x08FF, "Arab"),
    (0x0900, 0x097F, "Deva"),
    (0x0980, 0x09FF, "bn"),
    (0x0A00, 0x0A7F, "pa"),
    (0x0A80, 0x0AFF, "gu"),
    (0x0B80, 0x0BFF, "ta"),
    (0x0C00, 0x0C7F, "te"),
    (0x0C80, 0x0CFF, "kn"),
    (0x0D00, 0x0D7F, "ml"),
    (0x0D80, 0x0DFF, "si"),
    (0x0E00, 0x0E7F, "th"),
    (0x0E80, 0x0EFF, "lo"),
    (0x0F00, 0x0FFF, "bo"),
    (0x1000, 0x109F, "my"),
    (0x10A0, 0x10FF, "ka"),
    (0x1100, 0x11FF, "ko"),
    (0x1200, 0x139F, "am"),
    (0x1780, 0x17FF, "km"),
    (0x1C80, 0x1C8F, "Cyrl"),
    (0x1E00, 0x1EFF, "Latn"),
    (0x1F00, 0x1FFF, "el"),
    (0x2DE0, 0x2DFF, "Cyrl"),
    (0x3040, 0x30FF, "Kana"),
    (0x3130, 0x318F, "ko"),
    (0x3400, 0x4DBF, "Hani"),
    (0x4E00, 0x9FFF, "Hani"),
    (0xA640, 0xA69F, "Cyrl"),
    (0xAC00, 0xD7AF, "ko"),
    (0xF900, 0xFAFF, "Hani"),
    (0xFB1D, 0xFB4F, "Hebr"),
    (0xFB50, 0xFDFF, "Arab"),
    (0xFE70, 0xFEFF, "Arab"),
    (0x20000, 0x2FA1F, "Hani"),
)
_RANGE_STARTS = [first for first, _, _ in _SCRIPT_RANGES]
_TAGS = sorted({tag for _, _, tag in _SCRIPT_RANGES})
# Small scripts map through str.translate to one private-use character per tag; the big ideographic
# blocks stay as they are and are classified one distinct character at a time.
_TAG_CHAR = {tag: chr(0xE000 + i) for i, tag in enumerate(_TAGS)}
_CHAR_TAG = {ch: tag for tag, ch in _TAG_CHAR.items()}
_TRANSLATE: dict[int, str | None] = {ord(" "): None}
for _first, _last, _tag in _SCRIPT_RANGES:
    if _last - _first < 4096:
        _TRANSLATE.update(dict.fromkeys(range(_first, _last + 1), _TAG_CHAR[_tag]))


def _script_of(ch: str) -> str:
    """The script tag of a letter outside the translated blocks; "Zyyy" when none is known."""
    cp = ord(ch)
    i = bisect.bisect_right(_RANGE_STARTS, cp) - 1
    if i >= 0 and _SCRIPT_RANGES[i][0] <= cp <= _SCRIPT_RANGES[i][1]:
        return _SCRIPT_RANGES[i][2]
    return "Zyyy"


def _script_counts(sample: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    tags = sample.translate(_TRANSLATE)
    for ch in dict.fromkeys(tags):  # first-seen order, so ties never depend on string hashing
        counts[_CHAR_TAG.get(ch) or _script_of(ch)] += tags.count(ch)
    return counts


# ---------------------------------------------------------------------------------------------- prepared text


@dataclass(frozen=True, slots=True)
class _Text:
    """A post reduced to what language identification looks at."""

    sample: str  # cleaned letters and single spaces, original case, about SAMPLE_CHARS long
    lower: str  # lower-cased cleaned text, up to RULE_CHARS long, palochka stand-ins as "ӏ"
    letters: int
    script: str
    share: float  # the dominant script's share of the letters
    palochka: bool  # a real palochka (not a stand-in) occurs

    @property
    def enough(self) -> bool:
        needed = MIN_IDEOGRAPHS if self.script in ("Hani", "Kana", "ko") else MIN_LETTERS
        return self.letters >= needed


def _prepare(text: str) -> _Text:
    raw = text[:RAW_LIMIT]
    palochka = "\u04c0" in raw or "\u04cf" in raw
    window = _clean(raw)[:RULE_CHARS]
    sample = _cut(window, SAMPLE_CHARS)
    counts = _script_counts(sample)
    script, top = counts.most_common(1)[0] if counts else ("Zyyy", 0)
    letters = len(window) - window.count(" ")
    return _Text(
        sample=sample,
        lower=window.lower(),
        letters=letters,
        script=script,
        share=top / max(1, sum(counts.values())),
        palochka=palochka,
    )


def _unmix(match: re.Match[str]) -> str:
    return match.group().translate(_LOOKALIKES)


def _cut(text: str, limit: int) -> str:
    """Cut at a word boundary so that langdetect never sees a truncated word."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    space = head.rfind(" ")
    return head[:space] if space > limit // 2 else head


def _confidence(strength: float, letters: int) -> float:
    """Scale a rule's certainty down for short texts, where any rule has less to go on."""
    return round(max(0.0, min(0.99, strength * letters / (letters + 10))), 3)


# ---------------------------------------------------------------------------------------------- word lists

_STOPWORDS: dict[str, str] = {
    "ru": "что это он она они оно ее её только уже еще ещё когда если тоже чтобы меня мне тебя "
    "себя был была было были будет бы же вот очень можно нет ничего сейчас который которые которая "
    "которой которого надо нужно теперь потом после для к ко об где даже всего всех свой своей сам "
    "сама самый чем потому почему здесь его ему их всегда никогда хотя и мы вы ты",
    "uk": "що це як та але чи ще ми ви вони вона воно його з зі із дуже треба тому коли якщо щоб ось був "
    "була було були буде нема хто вже лише який яка яке якого цей ця цього цих мене можна зараз тепер "
    "потім де навіть усе від він ні її їх також тільки між після і",
    "bg": "е са съм ще това тази този тези които който която което че във със към има няма беше бяха "
    "като вече още нещо нищо всичко всички мен тя той ние вие тук защо кога какво когато обаче ако "
    "сега трябва нали дали ги и",
    "mk": "во со ќе ги ја тоа оваа овој овие тие таа тој јас која кој кое кои сум каде зошто затоа "
    "уште многу сите секој е дека туку биле бил беше и",
    "sr": "је су из ће као али био било били сам смо сте овај тај још већ где када "
    "зашто јер него мене мени њега њој свој све сви сада пре због кроз према између врло веома више оне "
    "један једна и",
    "be": "гэта гэты ён яна яны яго яе але ці таксама толькі калі каб ужо яшчэ вельмі трэба вось "
    "быў была было былі будзе мяне ад пра дзе нават і ў",
    "kk": "және мен бен пен бұл ол деп үшін бір екі жоқ емес еді болып болды осы сол екен",
    "ce": "ду ю бу ву хьо со тхо уьш цо цу шен дӏа схьа чу тӏе тӏехь дац яц ца массо нах дала вай "
    "вайн хӏинца цунна хьуна сан хьан баркалла декъал хуьлда",
    "en": "the and of to is in that it was for on are with as be this by at from have has had not but "
    "or an they we you he she which will would can there their been were who what when about more "
    "all one if so do no up out into than them its also how our my his her your me him did very",
    "de": "der die das und ist nicht ein eine einen einem auch sich mit dem den des von zu auf für "
    "wie aber wir ich sie er es war wird werden sind hat haben noch nach bei aus um nur oder wenn "
    "kann schon dass sehr mir mich uns ihr",
    "fr": "le la les et est un une des du de en que qui dans pour pas sur au aux avec ce cette il elle "
    "ils nous vous je ne se sont mais ou par plus tout été être avait fait très son sa ses leur",
    "es": "el la los las y es un una de del que en por con para no se lo su al como pero más fue "
    "muy ya sus le este esta son entre cuando también hay sin sobre ser tiene yo",
    "it": "il lo la gli le e è un una di del della che in per non si con sono ma come più anche "
    "questo questa alla dei nel ha ho io suo sua loro molto",
    "pt": "o a os as e é um uma de do da dos das que em no na por para com não se mais mas foi ao "
    "como seu sua também são muito eu ele ela isso",
    "nl": "de het een en van is dat die in te niet op zijn met voor er maar om ook als aan dan bij "
    "nog wel naar ik je we hij ze was heeft worden wordt",
    "pl": "i w z na nie się to że do jest jak ale od po za co tak jego już tylko był była było są "
    "może jednak przez dla też tym jej ich czy",
    "tr": "ve bir bu da de için ile ne çok daha gibi ama olarak var değil ben sen o biz onun kadar "
    "sonra en mi mı mu ki şey",
}
_WORD_LANGS: dict[str, tuple[str, ...]] = {}
for _lang, _words in _STOPWORDS.items():
    for _word in _words.split():
        _WORD_LANGS[_word] = (*_WORD_LANGS.get(_word, ()), _lang)


def _votes(lower: str, candidates: tuple[str, ...]) -> Counter[str]:
    """Count function words of each candidate language; such words are frequent in any real sentence."""
    votes: Counter[str] = Counter()
    allowed = set(candidates)
    for word in lower.split():
        for lang in _WORD_LANGS.get(word, ()):
            if lang in allowed:
                votes[lang] += 1
    return votes


def _best(votes: Counter[str], candidates: tuple[str, ...]) -> tuple[str, float]:
    """The most voted candidate, ties going to the earlier (more likely) one, with the vote share."""
    total = sum(votes.values())
    lang = max(candidates, key=lambda c: (votes[c], -candidates.index(c)))
    return lang, (votes[lang] / total if total else 0.0)


# ---------------------------------------------------------------------------------------------- Cyrillic


@dataclass(frozen=True, slots=True)
class _Open:
    """The rules narrowed a text down to these candidates, most likely first (none: any language)."""

    candidates: tuple[str, ...]


_CE_WORD = re.compile(r"\w*(?:ӏ|[аоуюя]ь|хь|кх|къ)\w*")
_CE_CORE = re.compile(r"[аоуюя]ь|хь|кх")
_OTHER_WORD = re.compile(r"\w*[ыэёіїєґўщ]\w*")


def _is_chechen(lower: str, palochka: bool) -> bool:
    """Chechen letters (palochka, vowel+ь, хь, кх, къ) must mark more words than Russian/Ukrainian ones."""
    if not (palochka or _CE_CORE.search(lower)):
        return False
    chechen = set(_CE_WORD.findall(lower))
    other = set(_OTHER_WORD.findall(lower))
    for word in lower.split():
        langs = _WORD_LANGS.get(word, ())
        if "ce" in langs:
            chechen.add(word)
        elif "ru" in langs or "uk" in langs:
            other.add(word)
    return len(chechen) >= 2 and len(chechen) > len(other)


def _cyrillic(lower: str, letters: int, palochka: bool) -> tuple[str, float] | _Open:
    """Chechen and the Turkic languages first (their marks are specific), then the alphabets decide."""
    if _is_chechen(lower, palochka):
        return "ce", _confidence(1.0, letters)
    text = lower.replace("ӏ", "і")
    if _LATIN_LETTER.search(text):
        # Look-alike repair can leave a Cyrillic і inside a Latin brand name; such words prove nothing.
        text = _LATIN_WORD.sub(" ", text)
    turkic = _count(text, _TURKIC)
    if turkic:
        verdict = _central_asian(text, letters, turkic)
        if verdict is not None:
            return verdict
        text = text.translate(_DROP_KAZAKH)  # a few names in a Russian text: no evidence either way
    candidates, strength = _by_alphabet(text)
    if len(candidates) > 1 and "be" in candidates and _belarusian(text):
        candidates, strength = ("be",), 1.0
    if len(candidates) == 1:
        return candidates[0], _confidence(strength, letters)
    if set(candidates) == {"sr", "mk"}:
        return _serbian_or_macedonian(text, letters)
    if set(candidates) == {"be", "kk"}:
        return _belarusian_or_kazakh(text, letters)
    return _Open(candidates)


_LATIN_LETTER = re.compile("[a-z]")
_LATIN_WORD = re.compile(r"\S*[a-z]\S*")


def _count(text: str, letters: str) -> int:
    return sum(text.count(ch) for ch in letters)


_TURKIC = "әғқұһңөүҷӣӯҳҙҫҡҗ"


def _central_asian(text: str, letters: int, turkic: int) -> tuple[str, float] | None:
    """Kazakh and its neighbours have letters of their own; a few of them in a long Russian text are names."""
    if turkic < max(1 if letters < 60 else 2, 0.015 * letters):
        return None
    if _count(text, "ҷӣӯ"):
        return "tg", _confidence(1.0, letters)
    if _count(text, "ҙҫҡ"):
        return "ba", _confidence(1.0, letters)
    if _count(text, "җ"):
        return "tt", _confidence(1.0, letters)
    if _count(text, "әғқұһі"):
        return "kk", _confidence(1.0, letters)
    return ("ky" if "ң" in text else "mn"), _confidence(0.7, letters)


# The letters each language writes, most likely language first. A word with any other Cyrillic letter
# cannot be written in it: ы э ё rule out uk, bg, sr, mk; і ї є ґ ў rule out ru and bg; ї є ґ only
# Ukrainian, ў only Belarusian; и щ ъ rule out be; ђ ћ only Serbian, ѓ ќ ѕ only Macedonian; й ь я ю щ
# ъ rule out sr and mk. Kazakh writes every Russian letter (in loanwords) and і, so its own letters have
# to speak for it (_central_asian); without them _by_alphabet admits it only on letters it shares.
_RU_LETTERS = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_ALPHABETS: dict[str, str] = {
    "ru": _RU_LETTERS,
    "uk": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
    "bg": "абвгдежзийклмнопрстуфхцчшщъьюяѝ",
    "mk": "абвгдѓежзѕијклљмнњопрстќуфхцчџшѐѝ",
    "sr": "абвгдђежзијклљмнњопрстћуфхцчџш",
    "be": "абвгдеёжзійклмнопрстуўфхцчшыьэюя",
    "kk": _RU_LETTERS + "әғқңөұүһі",
}
_SLAVIC = tuple(_ALPHABETS)[:-1]
_KNOWN_LETTERS = frozenset("".join(_ALPHABETS.values()))
# Letters a language has, in places it never puts them: Russian ъ stands only before е ё ю я (a final ъ
# is old spelling, as in "Коммерсантъ"), Bulgarian ь only before о; one other ь may be a foreign name
# ("Игорь"), two rule Bulgarian out.
_MISPLACED = {"ru": r"|ъ[^еёюя\s]", "kk": r"|ъ[^еёюя\s]", "bg": r"|ь(?!о).*ь(?!о)"}
# One search per language: a character class of the letters it lacks, or a misplaced letter.
_RULED_OUT = {
    lang: re.compile(f"[{''.join(sorted(_KNOWN_LETTERS - set(letters)))}]{_MISPLACED.get(lang, '')}")
    for lang, letters in _ALPHABETS.items()
}
# Native Kazakh words do without these letters (they come with Russian loanwords); ў is Belarusian.
_SLAVIC_ONLY = "вёфцчщъьэюў"
_NOT_KAZAKH = re.compile(f"[{_SLAVIC_ONLY}]")
_DROP_KAZAKH = dict.fromkeys(map(ord, "әғқңөұүһ"))


def _by_alphabet(text: str) -> tuple[tuple[str, ...], float]:
    """The languages whose alphabet fits the text, with the strength of that evidence.

    One letter a language lacks rules it out. When every language is ruled out (a Russian post quoting
    a Ukrainian word), the words that rule each one out are counted: the languages with fewer than twice
    the fewest such words stay candidates, for function words and langdetect to choose from. Kazakh,
    without letters of its own here, takes part only when no letter its native words lack occurs.
    """
    langs = _SLAVIC if _NOT_KAZAKH.search(text) else (*_SLAVIC, "kk")
    fitting = tuple(lang for lang in langs if not _RULED_OUT[lang].search(text))
    if fitting:
        return fitting, 1.0
    against = _against(text, langs)
    fewest = min(against.values())
    candidates = tuple(lang for lang in langs if against[lang] < 2 * fewest)
    runner_up = min((n for n in against.values() if n >= 2 * fewest), default=2 * fewest)
    return candidates, 1.0 - fewest / runner_up


def _belarusian_or_kazakh(text: str, letters: int) -> tuple[str, float]:
    """і next to ы or э, with neither Kazakh letters nor Belarusian spellings, and none of the letters
    native Kazakh words lack either: Kazakh, unless Belarusian function words say otherwise."""
    votes = _votes(text, ("be", "kk"))
    lang, share = _best(votes, ("kk", "be"))
    return lang, _confidence(0.5 + 0.4 * share, letters)


def _against(text: str, langs: tuple[str, ...]) -> Counter[str]:
    """For each language, the words of the text it could not have written (a repeated word counts again)."""
    against: Counter[str] = Counter({lang: 0 for lang in langs})
    for word, n in Counter(text.split()).items():
        for lang in langs:
            if _RULED_OUT[lang].search(word):
                against[lang] += n
    return against


# Serbian declines nouns (-ом, -ог, -их, -ју) and writes -ао for Macedonian -ал; Macedonian puts the
# article -от on nouns instead.
_SR_ENDING = re.compile(r"\w(?:ије|ају|ити|ећи|\w(?:ом|ог|их|ју|ао))\b")
_MK_ENDING = re.compile(r"\w\wот\b")


def _serbian_or_macedonian(text: str, letters: int) -> tuple[str, float]:
    """Macedonian says во/со/е/дека where Serbian says у/са/је/да; word endings tell the two apart too."""
    votes = _votes(text, ("sr", "mk"))
    # "у" counts only here: Russian uses it as much as Serbian, Macedonian says "во".
    votes["sr"] += len(_SR_ENDING.findall(text)) + text.split().count("у")
    votes["mk"] += len(_MK_ENDING.findall(text))
    lang, share = _best(votes, ("mk", "sr"))
    return lang, _confidence(0.5 + 0.45 * share, letters)


# Russian writes гэ only in ГЭС and the like, and дзе in Дзержинский; под-/над- + з is Russian too.
_BE_STRONG = re.compile(r"ў|[жшч]ы|(?<!по)(?<!на)дз(?!ерж)[еяюіьё]|гэт|нне\b|ць\b")
_BE_WEAK = re.compile(r"[бвджзклмнпрстфхцчш]э")


def _belarusian(text: str) -> bool:
    """Belarusian spellings (ў, жы, гэта, дзе, -ць, consonant + э) in a text whose alphabet fits Russian
    as well; a few words with и or щ (names, quotes) do not outweigh many such spellings."""
    strong = len(_BE_STRONG.findall(text))
    marks = 2 * strong + len(_BE_WEAK.findall(text))
    if marks < 2:
        return False
    against = _against(text, ("be",))["be"]
    return bool(strong and not against) or against <= 0.25 * marks


# ---------------------------------------------------------------------------------------------- other scripts

_URDU, _PASHTO, _PERSIAN, _ARABIC = "ٹڈڑںےۓ", "ټډړږښګڼېۍ", "پچژگکی", "يكةى"


def _arabic_script(lower: str, letters: int) -> tuple[str, float] | _Open:
    """Arabic letters alone mean Arabic; Persian, Urdu and Pashto add letters of their own."""
    urdu, pashto, persian = _count(lower, _URDU), _count(lower, _PASHTO), _count(lower, _PERSIAN)
    if not (urdu or pashto or persian):
        return "ar", _confidence(1.0, letters)
    return _Open(("ar", "fa", "ur", "ps"))


def _arabic_by_letters(lower: str, letters: int) -> tuple[str, float]:
    """Without a statistical model the letters only Persian, Urdu or Pashto use decide."""
    scores = {
        "ur": _count(lower, _URDU) * 3,
        "ps": _count(lower, _PASHTO) * 3,
        "fa": _count(lower, _PERSIAN),
        "ar": _count(lower, _ARABIC),
    }
    lang = max(scores, key=scores.__getitem__)
    total = sum(scores.values())
    return lang, _confidence(scores[lang] / total if total else 0.5, letters)


_KANA = re.compile("[\u3040-\u30ff]")  # Japanese mixes kana into kanji; Chinese never does


def _by_script(text: _Text) -> tuple[str, float] | _Open:
    """Decide what the script alone or letter rules can decide; leave the rest open."""
    if text.script == "Cyrl":
        return _cyrillic(text.lower, text.letters, text.palochka)
    if text.script == "Arab":
        return _arabic_script(text.lower, text.letters)
    if text.script == "Hebr":
        return ("yi" if _count(text.lower, "װױײ") else "he"), _confidence(text.share, text.letters)
    if text.script == "Hani":
        return ("ja", _confidence(1.0, text.letters)) if _KANA.search(text.sample) else _Open(("zh", "ja"))
    if text.script == "Kana":
        return "ja", _confidence(1.0, text.letters)
    if text.script in ("Latn", "Deva", "Zyyy"):
        return _Open(())
    return text.script, _confidence(text.share, text.letters)


# ---------------------------------------------------------------------------------------------- backends


# Languages only the letter rules decide (langdetect has no profile for them).
_RULE_LANGUAGES = ("ba", "be", "ce", "kk", "ky", "mn", "ps", "sr", "tg", "tt", "yi")


def known_languages() -> frozenset[str]:
    """Every code `detect` can answer, so that a filter on a language nobody detects is told apart from
    a language that was not seen: langdetect's languages (without region), the languages a script
    names, those the letter rules decide, and "und"."""
    profiles = {name.split("-")[0] for name in os.listdir(PROFILES_DIRECTORY)}
    scripts = {tag for tag in _TAGS if tag.islower()}
    return frozenset({UND, *profiles, *scripts, *_RULE_LANGUAGES})


@cache
def _factory() -> DetectorFactory:
    """langdetect's profiles load once per process (about a second) and are only read afterwards."""
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    return factory


# How likely each candidate is before the text is read: the watched channels post mostly in Russian,
# which settles the few marker-free Cyrillic sentences that langdetect finds close to Bulgarian.
_PRIORS = {
    "ru": 4.0,
    "uk": 2.0,
    "bg": 1.0,
    "mk": 1.0,
    "ar": 1.0,
    "fa": 1.0,
    "ur": 1.0,
    "zh-cn": 1.0,
    "zh-tw": 1.0,
    "ja": 1.0,
}
_PRIOR_CODES = {"zh": ("zh-cn", "zh-tw")}


def _langdetect(sample: str, candidates: tuple[str, ...]) -> tuple[str, float]:
    """Run langdetect with its own seeded generator, so no global setting can change the answer."""
    factory = _factory()
    detector = factory.create()
    detector.seed = SEED
    detector.n_trial = N_TRIAL
    codes = [code for c in candidates for code in _PRIOR_CODES.get(c, (c,)) if code in factory.langlist]
    if codes:
        detector.set_prior_map({code: _PRIORS[code] for code in codes})
    detector.append(sample)
    try:
        ranked = detector.get_probabilities()
    except LangDetectException:  # raised when the sample holds no letter n-gram it knows
        return UND, 0.0
    if not ranked:
        return UND, 0.0
    return ranked[0].lang.split("-")[0], round(min(1.0, ranked[0].prob), 3)


def _leaders(prepared: _Text, candidates: tuple[str, ...]) -> tuple[str, ...]:
    """The candidates with the most function words, in candidate order; all of them when none has any."""
    votes = _votes(prepared.lower, candidates)
    top = max((votes[c] for c in candidates), default=0)
    return tuple(c for c in candidates if votes[c] == top)


class _RulesFirst(ABC):
    """Both backends: too little text is `und`, and script and letter rules settle what they can."""

    def detect(self, text: str) -> tuple[str, float]:
        prepared = _prepare(text)
        if not prepared.enough:
            return UND, 0.0
        verdict = _by_script(prepared)
        if not isinstance(verdict, _Open):
            return verdict
        return self._decide(prepared, verdict.candidates)

    @abstractmethod
    def _decide(self, prepared: _Text, candidates: tuple[str, ...]) -> tuple[str, float]:
        """Choose among the candidates the rules left open (most likely first)."""


class LangdetectDetector(_RulesFirst):
    """The default backend: rules where they are certain, seeded langdetect on a short sample elsewhere."""

    def _decide(self, prepared: _Text, candidates: tuple[str, ...]) -> tuple[str, float]:
        if prepared.script == "Cyrl":
            candidates = _leaders(prepared, candidates)
            if len(candidates) == 1:
                return candidates[0], _confidence(0.9, prepared.letters)
        known = tuple(c for c in candidates if c in _PRIORS or c in _PRIOR_CODES)
        if candidates and not known:
            return candidates[0], _confidence(0.5, prepared.letters)
        lang, confidence = _langdetect(prepared.sample, known)
        if prepared.script == "Cyrl" and lang != known[0] and prepared.letters < OVERRULE_LETTERS:
            # langdetect's close Slavic profiles guess at random on a few words; the prior is a better bet.
            return known[0], _confidence(0.5, prepared.letters)
        if lang == "mk" and "sr" in candidates:
            # langdetect has no Serbian profile: a Serbian text looks most like Macedonian to it.
            return _serbian_or_macedonian(prepared.lower, prepared.letters)
        return lang, min(confidence, _confidence(1.0, prepared.letters))


_LATIN = ("en", "de", "fr", "es", "it", "pt", "nl", "pl", "tr")
_LATIN_LETTERS = {"de": "äß", "fr": "èêœëîûù", "es": "ñ", "pt": "ãõ", "pl": "ąćęłńśźż", "tr": "ğışç"}


class FastDetector(_RulesFirst):
    """A model-free backend for bulk work: scripts, letters and function words only."""

    def _decide(self, prepared: _Text, candidates: tuple[str, ...]) -> tuple[str, float]:
        if prepared.script == "Cyrl":
            return self._vote(prepared, candidates)
        if prepared.script == "Arab":
            return _arabic_by_letters(prepared.lower, prepared.letters)
        if prepared.script == "Latn":
            return self._latin(prepared)
        if prepared.script == "Deva":
            return "hi", _confidence(0.6, prepared.letters)
        if prepared.script == "Hani":
            return "zh", _confidence(prepared.share, prepared.letters)
        return UND, 0.0

    @staticmethod
    def _vote(prepared: _Text, candidates: tuple[str, ...]) -> tuple[str, float]:
        lang, share = _best(_votes(prepared.lower, candidates), candidates)
        return lang, _confidence(0.4 + 0.5 * share, prepared.letters)

    @staticmethod
    def _latin(prepared: _Text) -> tuple[str, float]:
        votes = _votes(prepared.lower, _LATIN)
        for lang, letters in _LATIN_LETTERS.items():
            votes[lang] += 2 * _count(prepared.lower, letters)
        lang, share = _best(votes, _LATIN)
        return lang, _confidence(0.3 + 0.6 * share, prepared.letters)

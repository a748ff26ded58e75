"""Conflict watchlists: load a conflicts.toml, compile its terms into one automaton, flag posts.

The file format is documented at the top of the bundled conflicts.toml. Terms are folded like posts
(see normalize.py) and compiled once into an Aho-Corasick automaton, so matching costs about the same
for thousands of terms as for dozens; word boundaries, attached Hebrew/Arabic prefixes, capitalisation
and the per-conflict topic rules are checked only on the automaton's hits.

It stays one module past 500 lines on purpose: the file format's rules, the builder that checks them
with FILE:LINE errors and the matcher that applies them share one term model, and each rule is read
most easily beside the code that compiles and applies it.
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from itertools import product
from pathlib import Path

import ahocorasick

from monitor.analysis.normalize import Normalized, normalize, sentence_of, sentence_starts
from monitor.model import (
    NO_CONTEXT,
    ChannelContext,
    Conflict,
    ConflictScore,
    Evidence,
    EvidenceKind,
    Match,
)

TERM_KINDS = ("strong", "anchors", "common", "context", "incidents", "veto", "soft_veto", "exclude")
FLAG_KINDS = ("strong", "anchors", "common", "weak")
SHARED_KINDS = ("context", "incidents", "veto", "exclude")
SEVERITIES = ("low", "medium", "high", "critical")
RULE_KEYS = ("threshold", "anchor_context", "common_context", "window", "weak_window", "post_context")
# The language-independent [names.<conflict>.<category>] layer: strong names flag alone, weak need company,
# paired names need the company of the conflict's own words (an institution that several wars share).
NAME_CATEGORIES = ("places", "actors", "events")
NAME_STRENGTHS = ("strong", "weak", "paired")
# A name's "language" is its script: Hebrew and Arabic names take attached prefixes; others are "und".
_HEBREW = re.compile(r"[\u0590-\u05ff]")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f]")
MAX_EXPANSIONS = 512
# Evidence short of the rules (an anchor without war words, a weak name alone) is worth a fraction of a
# point, and at most PARTIAL_CAP in all (half that when the post has no war word at all), so without
# context no post reaches the default threshold of 1 that the rules alone would not flag; a channel's
# history (CONTEXT_POINTS at most) can lift it to 1.
PARTIAL_ANCHOR = 0.5
PARTIAL_WEAK = 0.5
PARTIAL_COMMON = 0.25
PARTIAL_CAP = 0.5
CONTEXT_POINTS = 0.5
# A channel whose recent posts are flagged for a conflict at this share or more lends full context points;
# below it, proportionally fewer.
FULL_CONTEXT_SHARE = 0.5

_LANG = re.compile(r"[a-z]{2,3}")
_CONFLICT_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")
_REGEX_CHARS = re.compile(r"[\[\]()\\^$+?]")
_ENDINGS = re.compile(r"\{([^{}]*)\}")
_ENDING_NAME = re.compile(r"[a-z][a-z0-9_]*")
_CHANGE_SYNTAX = "a consonant change is written final>replacement, as к>ці"
# Attached prefixes in the order the languages stack them: Hebrew and (ו), that/when (ש, כש, מש), then
# from + the (מה) or one of the/in/to/as/from (ה ב ל כ מ); Arabic wa/fa + bi/li/ka + al. Any other run of
# those letters is part of the word (מבקרים, visitors, is not מ+ב+קרים, Crimea).
_PREFIXES = {
    "he": re.compile(r"ו?(?:ש|כש|מש)?(?:מ?ה|[בלכמ])?"),
    "ar": re.compile(r"(?:[وف]?(?:[بلك]|لل)?(?:ال)?)"),
}
_TOML_LINE = re.compile(r"line (\d+)")
_WORD_CHAR = re.compile(r"[^\W_]")
_NON_WORD = re.compile(r"[\W_]")


class WatchlistError(Exception):
    """A malformed watchlist; the message reads 'FILE:LINE: key: problem'."""


@dataclass(frozen=True, slots=True)
class Term:
    """One term as written in the watchlist; `conflict` is empty for shared context/veto/exclude terms."""

    conflict: str
    kind: str
    text: str
    lang: str
    forms: tuple[str, ...]
    open_end: bool = False
    cased: bool = False
    category: str = ""
    paired: bool = False


@dataclass(frozen=True, slots=True)
class Rules:
    """Topic-level rules of one conflict (see config/conflicts.toml for their meaning)."""

    threshold: float = 1.0
    anchor_context: int = 1
    common_context: int = 2
    window: int = 0
    weak_window: int = 1
    post_context: int = 0


@dataclass(frozen=True, slots=True)
class _Hit:
    term: int
    start: int
    end: int


class Watchlist:
    """Compiled conflict watchlists; build with `load_watchlist` or `Watchlist.from_mapping`."""

    def __init__(
        self, version: str, conflicts: Mapping[str, Conflict], rules: Mapping[str, Rules], terms: list[Term]
    ) -> None:
        self.version = version
        self.conflicts = dict(conflicts)
        self._rules = dict(rules)
        self._terms = tuple(terms)
        self._automaton = _compile(self._terms)

    @classmethod
    def from_mapping(
        cls, data: Mapping[str, object], *, source: str = "<watchlist>", text: str = ""
    ) -> Watchlist:
        """Validate parsed TOML data; `text` is the file's text, used to give errors a line number."""
        return _Builder(source, text).build(data)

    def term_counts(self) -> dict[str, dict[str, int]]:
        """Terms per conflict and language, as written (before ending expansion)."""
        counts: dict[str, dict[str, int]] = {conflict: {} for conflict in self.conflicts}
        for term in self._terms:
            if term.conflict and term.kind in FLAG_KINDS:
                per_lang = counts[term.conflict]
                per_lang[term.lang] = per_lang.get(term.lang, 0) + 1
        return counts

    def match(self, text: str, lang: str | None = None) -> tuple[tuple[Match, ...], tuple[str, ...]]:
        """Find term matches and the conflicts the rules flag at the watchlist's own thresholds."""
        matches, scores = self.score(text, lang)
        return matches, tuple(score.conflict for score in scores if score.flagged)

    def score(
        self,
        text: str,
        lang: str | None = None,
        context: ChannelContext = NO_CONTEXT,
        thresholds: Mapping[str, float] | None = None,
    ) -> tuple[tuple[Match, ...], tuple[ConflictScore, ...]]:
        """Find term matches and score every conflict that has any evidence in the text.

        `lang` (the post's language, if known) decides which language a match reports when the same
        word is listed under several languages; every language's terms are always tried, since posts
        quote names and weapons in other languages. `context` adds points only to a conflict the text
        itself gives evidence for; `thresholds` override the watchlist's per conflict.
        """
        folded = normalize(text)
        hits = self._hits(folded)
        if not hits:
            return (), ()
        starts = sentence_starts(folded)
        matches: dict[tuple[str, int, int], Match] = {}
        scores = []
        owners = self._span_owners(hits)
        for conflict in self.conflicts:
            own = self._own_hits(conflict, hits)
            evidence = self._spelled(self._evidence(conflict, own, owners, folded, starts), own, folded)
            if evidence:
                evidence += context_evidence(conflict, context)
                threshold = (thresholds or {}).get(conflict, self._rules[conflict].threshold)
                total = round(sum(item.points for item in evidence), 4)
                scores.append(ConflictScore(conflict, total, threshold, tuple(evidence)))
            for hit in own:
                self._record(hit, folded, lang, matches)
        ordered = sorted(matches.values(), key=lambda match: (match.start, match.end, match.conflict))
        return tuple(ordered), tuple(scores)

    def threshold(self, conflict: str) -> float:
        """The watchlist's own threshold for a conflict (the config may override it)."""
        return self._rules[conflict].threshold

    def _hits(self, folded: Normalized) -> list[_Hit]:
        """Automaton hits on whole words (plus attached prefixes), then the capitalisation check.

        The automaton runs over a view of the text with every non-word character as a space, and keys
        carry their boundary spaces, so substrings inside longer words never even reach Python.
        """
        text = folded.text
        view = f" {_NON_WORD.sub(' ', text)} "
        hits = []
        for last, (length, lead, trail, term_ids) in self._automaton.iter(view):
            start, end = last - length + lead, last - trail
            for term_id in term_ids:
                term = self._terms[term_id]
                if not lead and not _prefixed(text, start, term.lang):
                    continue
                if _in_link(text, start):
                    continue  # a @handle or a link path names a channel or page, not the place
                if not term.cased or _capitalised(folded, start):
                    hits.append(_Hit(term_id, start, end))
        return hits

    def _own_hits(self, conflict: str, hits: list[_Hit]) -> list[_Hit]:
        """Hits of this conflict plus shared terms, minus those inside an exclusion."""
        terms = self._terms
        mine = [hit for hit in hits if terms[hit.term].conflict in ("", conflict)]
        excluded = [hit for hit in mine if terms[hit.term].kind == "exclude"]
        if not excluded:
            return mine
        return [
            hit
            for hit in mine
            if terms[hit.term].kind == "exclude"
            or not any(ex.start < hit.end and hit.start < ex.end for ex in excluded)
        ]

    def _span_owners(self, hits: list[_Hit]) -> dict[tuple[int, int], set[str]]:
        """The conflicts whose own words (not vetoes or exclusions) stand at each span, found once a post."""
        owners: dict[tuple[int, int], set[str]] = defaultdict(set)
        for hit in hits:
            term = self._terms[hit.term]
            if term.conflict and term.kind not in ("veto", "soft_veto", "exclude"):
                owners[(hit.start, hit.end)].add(term.conflict)
        return owners

    def _evidence(
        self,
        conflict: str,
        hits: list[_Hit],
        owners: dict[tuple[int, int], set[str]],
        folded: Normalized,
        starts: list[int],
    ) -> list[Evidence]:
        """Distinct strong terms, sentences where an anchor meets enough context words (or, failing any,
        an anchor in a post with `post_context` war words elsewhere), weak names with company (1 point
        each), and evidence short of those rules (at most PARTIAL_CAP in all).

        A veto word cancels all evidence of its sentence (see `_vetoed`); a capitalised-only term proves
        nothing at the start of a sentence (a strong one still counts as an anchor there), unless a colon or
        comma follows it as in a report's dateline.
        """
        rules = self._rules[conflict]
        located = [(self._terms[hit.term], sentence_of(starts, hit.start), hit) for hit in hits]
        vetoed = _vetoed(conflict, located, owners)
        strong: dict[str, Term] = {}
        anchors: dict[int, list[tuple[Term, _Hit]]] = defaultdict(list)
        weak: dict[str, list[tuple[int, _Hit]]] = defaultdict(list)
        anchored: dict[int, list[_Hit]] = defaultdict(list)
        context: dict[str, dict[int, set[_Word]]] = {"context": defaultdict(set)}
        context["incidents"] = defaultdict(set)
        context["own"] = defaultdict(set)  # the conflict's own context words, the company paired names need
        context["named"] = defaultdict(set)  # of those, proper nouns (Israel): company a sentence away
        for term, sentence, hit in located:
            if sentence in vetoed:
                continue
            kind = term.kind
            initial = term.cased and _sentence_initial(folded.text, starts[sentence], hit.start)
            if initial and not _dateline(folded.text, hit.end):
                kind = "anchors" if kind == "strong" else "ignored"
            if kind == "strong":
                strong.setdefault(term.text, term)
            elif kind == "weak":
                weak[term.text].append((sentence, hit))
            elif kind in ("anchors", "common"):
                anchored[sentence].append(hit)
                anchors[sentence].append((term if kind == term.kind else _as_anchor(term), hit))
            elif kind in context:
                context[kind][sentence].add((term.text, hit.start))
                if kind == "context" and term.conflict == conflict:
                    context["own"][sentence].add((term.text, hit.start))
                    if _proper_noun(folded, starts[sentence], hit.start):
                        context["named"][sentence].add((term.text, hit.start))
        evidence = [Evidence(_kind_of(term), text, 1.0) for text, term in strong.items()]
        partial: list[Evidence] = []
        common: list[Evidence] = []
        unmet: list[tuple[Term, _Hit]] = []
        for sentence, candidates in anchors.items():
            war: set[_Word] = set()
            incidents: set[_Word] = set()
            for other in range(sentence - rules.window, sentence + rules.window + 1):
                war |= context["context"].get(other, set())
                incidents |= context["incidents"].get(other, set())
            term, found, met = _judge_sentence(candidates, war, incidents, rules)
            words = ", ".join(sorted({word for word, _ in found}))
            if met:
                evidence.append(Evidence(_kind_of(term), term.text, 1.0, words))
            elif term.kind == "common":
                common.append(Evidence("partial", term.text, PARTIAL_COMMON, words))
            elif term.text not in strong:  # a strong term demoted here already counted elsewhere
                partial.append(Evidence("partial", term.text, PARTIAL_ANCHOR, words))
                unmet += [(term, hit) for term, hit in candidates if term.kind == "anchors"]
        if unmet and not evidence and rules.post_context:
            evidence += _post_evidence(unmet, context["context"], rules.post_context, partial)
        if weak:
            evidence += self._weak_evidence(weak, anchored, context, rules.weak_window, partial)
        # With no war word anywhere in the post, partial evidence is worth half as much in all, unless the
        # post names both sides (an anchor and a common anchor: Kyiv and Putin): that pairing is a hint.
        kinds = {term.kind for candidates in anchors.values() for term, _ in candidates}
        warless = not any(context["context"].values()) and not any(context["incidents"].values())
        warless = warless and not kinds >= {"anchors", "common"}
        # Very common anchors (Russia, Moscow) are everywhere: however many, they add PARTIAL_COMMON at most.
        partial += _capped(common, PARTIAL_COMMON)
        return evidence + _capped(partial, PARTIAL_CAP / 2 if warless else PARTIAL_CAP)

    def _weak_evidence(
        self,
        weak: dict[str, list[tuple[int, _Hit]]],
        anchored: dict[int, list[_Hit]],
        context: dict[str, dict[int, set[_Word]]],
        window: int,
        partial: list[Evidence],
    ) -> list[Evidence]:
        """Weak names count 1 in all when they have company: a context word within `weak_window`
        sentences (or an incident word, except for actors: an aircraft type or a minister next to a
        crash or a weapons fair is not the war); for a weak event, an anchor of the conflict in the same
        sentence; or a second distinct weak name anywhere in the post when not both are places (two city
        names alone are a weather or football report as often as a war report). A paired name (the ICC, which
        tries more than one war) takes company only from the conflict's own words in its sentence: an anchor
        or a word of the conflict's own context list; it neither gives nor takes a second name's company.
        Without company, the first weak name is partial evidence (added to `partial`)."""
        named = [(text, hit) for text, hits in weak.items() for _, hit in hits]
        unpaired = [(text, hit) for text, hit in named if not self._terms[hit.term].paired]
        for index, (text, hit) in enumerate(unpaired):
            for other_text, other in unpaired[index + 1 :]:
                apart = other.end <= hit.start or hit.end <= other.start
                places = {self._terms[hit.term].category, self._terms[other.term].category} == {"places"}
                if other_text != text and apart and not places:
                    return [self._weak(hit, 1.0, other_text)]
        for hits in weak.values():
            mentions = [hit for _, hit in hits]
            for sentence, hit in hits:
                term = self._terms[hit.term]
                if term.paired:
                    company = self._paired_company(hit, sentence, anchored, context, window)
                    if company:
                        return [self._weak(hit, 1.0, company)]
                    continue
                event = term.category == "events"
                if event and any(
                    other.end <= hit.start or hit.end <= other.start for other in anchored.get(sentence, ())
                ):
                    return [self._weak(hit, 1.0, "an anchor in the sentence")]
                actor = term.category == "actors"
                for other in range(sentence - window, sentence + window + 1):
                    words = _besides(context["context"].get(other, set()), *mentions) or (
                        not actor and _besides(context["incidents"].get(other, set()), *mentions)
                    )
                    if words:
                        return [self._weak(hit, 1.0, ", ".join(sorted({word for word, _ in words})))]
        partial.append(self._weak(named[0][1], PARTIAL_WEAK, ""))
        return []

    @staticmethod
    def _paired_company(
        hit: _Hit,
        sentence: int,
        anchored: dict[int, list[_Hit]],
        context: dict[str, dict[int, set[_Word]]],
        window: int,
    ) -> str:
        """What keeps a paired name company, if anything: an anchor of the conflict or one of the conflict's
        own context words (Israel, Netanyahu) in its sentence, or one written as a proper noun within `window`
        sentences (the court in one sentence, Netanyahu in the next; not "humanitarian", which a Putin
        warrant's neighbours may say); shared war words do not count."""
        if any(other.end <= hit.start or hit.end <= other.start for other in anchored.get(sentence, ())):
            return "an anchor in the sentence"
        words = _besides(context["own"].get(sentence, set()), hit)
        for other in range(sentence - window, sentence + window + 1):
            words |= _besides(context["named"].get(other, set()), hit)
        return ", ".join(sorted({word for word, _ in words}))

    def _spelled(self, evidence: list[Evidence], hits: list[_Hit], folded: Normalized) -> list[Evidence]:
        """Evidence with the words as the post writes them (its first use of each term) in place of the
        watchlist's patterns (`Херсон` for `Херсон{@ru_m}`), for analysts to read; scoring is done by then."""
        written: dict[str, str] = {}
        for hit in sorted(hits, key=lambda hit: hit.start):
            start, end = folded.span(hit.start, hit.end)
            written.setdefault(self._terms[hit.term].text, folded.original[start:end])

        def spell(text: str) -> str:
            return ", ".join(written.get(part, part) for part in text.split(", ")) if text else ""

        return [replace(item, text=spell(item.text), detail=spell(item.detail)) for item in evidence]

    def _weak(self, hit: _Hit, points: float, detail: str) -> Evidence:
        term = self._terms[hit.term]
        return Evidence("partial" if points < 1 else _kind_of(term), term.text, points, detail)

    def _record(
        self, hit: _Hit, folded: Normalized, lang: str | None, matches: dict[tuple[str, int, int], Match]
    ) -> None:
        """Keep conflict-term hits (not context, veto or exclusion words) as Matches, one per span."""
        term = self._terms[hit.term]
        if term.kind in (*SHARED_KINDS, "soft_veto"):
            return
        start, end = folded.span(hit.start, hit.end)
        key = (term.conflict, start, end)
        if key not in matches or (term.lang == lang and matches[key].lang != lang):
            matches[key] = Match(term.conflict, term.text, term.lang, start, end)


def context_evidence(conflict: str, context: ChannelContext) -> list[Evidence]:
    """Points the surroundings lend a conflict the post itself gives evidence for: full points when the
    post answers or forwards a post flagged for it, else in proportion to the channel's recent share."""
    if conflict in context.parent:
        return [Evidence("context", conflict, CONTEXT_POINTS, "the post it answers or forwards")]
    share = context.prior(conflict)
    points = round(CONTEXT_POINTS * min(1.0, share / FULL_CONTEXT_SHARE), 4)
    if points <= 0:
        return []
    detail = f"{context.source}: {share:.0%} of the channel's recent posts"
    return [Evidence("context", conflict, points, detail)]


def _vetoed(
    conflict: str, located: list[tuple[Term, int, _Hit]], owners: dict[tuple[int, int], set[str]]
) -> set[int]:
    """Sentences whose evidence a veto word cancels.

    A veto word that is another watched war's own word (Gaza, for Russia's war) yields to a strong term
    of this war built around one of its names ("aid to Kyiv"): readouts and commentaries set the wars side
    by side in one sentence. A soft veto word yields to a place of the conflict or any of its strong terms.
    """
    names = [
        (sentence, hit)
        for term, sentence, hit in located
        if term.kind == "anchors" and term.text[:1].isupper()
    ]
    strong = [
        (sentence, hit) for term, sentence, hit in located if term.kind == "strong" and not term.category
    ]
    named = {
        sentence
        for sentence, hit in strong
        if any(at == sentence and hit.start <= name.start and name.end <= hit.end for at, name in names)
    }
    lifted = {sentence for sentence, _ in strong} | {
        sentence for term, sentence, _ in located if term.category == "places"
    }
    return {
        sentence
        for term, sentence, hit in located
        if (
            term.kind == "veto"
            and not (sentence in named and owners.get((hit.start, hit.end), set()) - {conflict})
        )
        or (term.kind == "soft_veto" and sentence not in lifted)
    }


def _post_evidence(
    unmet: list[tuple[Term, _Hit]], war: dict[int, set[_Word]], needed: int, partial: list[Evidence]
) -> list[Evidence]:
    """An anchor (Kyiv, Zelensky) counts 1 when the post holds `needed` distinct war words anywhere,
    though none in the anchor's sentence: speeches and commentaries name the side in one sentence and
    speak of the fighting in others. Incident words do not count (a crime story has those), nor common
    anchors (Russia is named in every kind of story); its partial evidence is then dropped."""
    words: set[_Word] = set().union(*war.values())
    for term, hit in unmet:
        around = _besides(words, hit)
        if _distinct_words(around) >= needed:
            partial[:] = [item for item in partial if item.text != term.text]
            found = ", ".join(sorted({word for word, _ in around}))
            return [Evidence(_kind_of(term), term.text, 1.0, found)]
    return []


def _in_link(text: str, start: int) -> bool:
    """Whether a hit at `start` begins a @handle or lies in a link's path: t.me/V_Zelenskiy_official names the
    channel, not the man, while @andrii_sybiha still names the minister and "XXIII-R/UNIFIL" is no link."""
    if start and text[start - 1] == "@":
        return True
    token = text[max(text.rfind(" ", 0, start), text.rfind("\n", 0, start)) + 1 : start]
    return "/" in token and "." in token


def _besides(words: set[_Word], *hits: _Hit) -> set[_Word]:
    """Context words other than the term itself: a word listed both as a name and as a war word (Oreshnik,
    Kalibr) is not its own company, nor is its second mention (every hit of the name is passed)."""
    starts = {hit.start for hit in hits}
    return {word for word in words if word[1] not in starts}


def _judge_sentence(
    candidates: list[tuple[Term, _Hit]], war: set[_Word], incidents: set[_Word], rules: Rules
) -> tuple[Term, set[_Word], bool]:
    """The anchor a sentence is judged by, the words around it, and whether they meet its rule.

    Anchors are tried before common anchors, each with the words other than itself; the first that meets
    its rule wins, else the sentence is judged by its best-ranked anchor (for partial evidence)."""
    ranked = sorted(candidates, key=lambda item: item[0].kind != "anchors")
    judged = []
    for term, hit in ranked:
        around, violent = _besides(war, hit), _besides(incidents, hit)
        needed = rules.anchor_context if term.kind == "anchors" else rules.common_context
        met = _distinct_words(around | violent) >= needed and bool(around or term.kind == "anchors")
        if met:
            return term, around | violent, True
        judged.append((term, around | violent))
    return judged[0][0], judged[0][1], False


def _kind_of(term: Term) -> EvidenceKind:
    """Names report their category (places, actors, events); every other term is a term."""
    return term.category if term.category in NAME_CATEGORIES else "terms"  # type: ignore[return-value]


def _as_anchor(term: Term) -> Term:
    """A strong term demoted at the start of a sentence is judged as an anchor there."""
    return replace(term, kind="anchors")


def _capped(partial: list[Evidence], cap: float) -> list[Evidence]:
    """Partial evidence up to `cap` points, each term once: a post of many lone anchors is still not a
    war report."""
    kept: list[Evidence] = []
    left = cap
    seen: set[str] = set()
    for item in sorted(partial, key=lambda item: -item.points):
        if left <= 0:
            break
        if item.text in seen:
            continue
        seen.add(item.text)
        points = min(item.points, left)
        kept.append(Evidence(item.kind, item.text, points, item.detail))
        left -= points
    return kept


def _written_term(
    conflict: str, kind: str, written: str, lang: str, forms: list[str], category: str = ""
) -> Term:
    """A term as the file writes it: a leading `!` asks for a capital, a trailing `*` lets the word run on."""
    return Term(
        conflict,
        kind,
        written.removeprefix("!"),
        lang,
        tuple(forms),
        written.endswith("*"),
        written.startswith("!"),
        category,
    )


def _with_contractions(term: Term) -> tuple[str, ...]:
    """The term's forms, plus for Arabic the li- contraction of each article form: ل + النقاط is written
    للنقاط, which no prefix before ال can match."""
    if term.lang != "ar":
        return term.forms
    return term.forms + tuple(f"لل{form[2:]}" for form in term.forms if form.startswith("ال"))


def _compile(terms: tuple[Term, ...]) -> ahocorasick.Automaton:
    """One automaton over every folded form, keyed with the boundary spaces the term needs.

    A key starts with a space unless the language allows attached prefixes (checked on each hit), and
    ends with one unless the term may run on (`*`); each key maps to (length, lead, trail, term ids).
    """
    keys: dict[str, list[int]] = defaultdict(list)
    for term_id, term in enumerate(terms):
        lead = "" if term.lang in _PREFIXES else " "
        trail = "" if term.open_end else " "
        for form in _with_contractions(term):
            keys[f"{lead}{_NON_WORD.sub(' ', form)}{trail}"].append(term_id)
    automaton = ahocorasick.Automaton()
    for key, term_ids in keys.items():
        automaton.add_word(key, (len(key), int(key[0] == " "), int(key[-1] == " "), tuple(term_ids)))
    if keys:
        automaton.make_automaton()
    return automaton


def expand_term(term: str, endings: Mapping[str, str] | None = None) -> list[str]:
    """Folded surface forms of a term: `{a|b|}` and named `{@set}` endings expanded, hyphens also as spaces.

    Raises ValueError naming the problem when the term is not valid term syntax.
    """
    body = term.strip().removeprefix("!").removesuffix("*")
    if not body.strip():
        raise ValueError(f"term {term!r} is empty")
    outside = _ENDINGS.sub("", body)
    if "*" in body or "!" in body:
        raise ValueError(f"term {term!r}: '!' is only allowed first and '*' only last")
    if _REGEX_CHARS.search(outside) or "|" in outside:
        raise ValueError(f"term {term!r}: regular expressions are not supported; use {{a|b}} endings and '*'")
    if "{" in outside or "}" in outside:
        raise ValueError(f"term {term!r}: unbalanced or nested braces")
    if ">" in outside:
        raise ValueError(f"term {term!r}: '>' is only allowed in a consonant change inside braces")
    parts = _ENDINGS.split(body)
    choices = [
        [part] if index % 2 == 0 else _options(term, part, endings or {}) for index, part in enumerate(parts)
    ]
    count = 1
    for options in choices:
        count *= len(options)
    if count > MAX_EXPANSIONS:
        raise ValueError(f"term {term!r}: expands to {count} forms (more than {MAX_EXPANSIONS})")
    forms: list[str] = []
    for combination in product(*choices):
        written = _joined(combination)
        if written is None:
            continue
        folded = " ".join(normalize(written).text.split())
        if not folded:
            raise ValueError(f"term {term!r}: a form is empty after normalisation")
        for form in (folded, folded.replace("-", " ")):
            if form not in forms:
                forms.append(form)
    return forms


def _joined(pieces: tuple[str, ...]) -> str | None:
    """One form from its pieces; a `x>y` piece turns the text's final x into y (Авдіївк + к>ці: Авдіївці)
    and yields no form when the text does not end in x."""
    text = ""
    for piece in pieces:
        final, _, replacement = piece.partition(">")
        if not replacement:
            text += piece
        elif text.endswith(final):
            text = text[: len(text) - len(final)] + replacement
        else:
            return None
    return text


def _options(term: str, group: str, endings: Mapping[str, str]) -> list[str]:
    """The alternatives of one brace group; `@name` refers to a set from the [endings] table."""
    if group.startswith("@"):
        name = group[1:]
        if name not in endings:
            raise ValueError(f"term {term!r}: unknown ending set '@{name}' (define it under [endings])")
        group = endings[name]
    options = group.split("|")
    if any(_malformed_change(option) for option in options):
        raise ValueError(f"term {term!r}: {_CHANGE_SYNTAX}")
    return options


def _malformed_change(option: str) -> bool:
    """An `x>y` alternative missing either side, or with a second `>`: checked where it is written."""
    final, arrow, replacement = option.partition(">")
    return bool(arrow) and (not final or not replacement or ">" in replacement)


def _prefixed(text: str, start: int, lang: str) -> bool:
    """A hit of a prefix-taking language starts a word, or follows only that language's prefixes."""
    word_start = start
    while word_start > 0 and text[word_start - 1].isalnum():
        word_start -= 1
    return word_start == start or _PREFIXES[lang].fullmatch(text, word_start, start) is not None


def _capitalised(folded: Normalized, start: int) -> bool:
    """A proper-noun hit must start with a capital and not be shouted in capitals throughout."""
    original = folded.original
    index = folded.original_start(start)
    if not original[index].isupper():
        return False
    following = original[index + 1 : index + 2]
    return not following.isupper()


def _proper_noun(folded: Normalized, sentence_start: int, start: int) -> bool:
    """Written with a capital where a sentence does not ask for one."""
    capital = folded.original[folded.original_start(start)].isupper()
    return capital and not _sentence_initial(folded.text, sentence_start, start)


def _dateline(text: str, end: int) -> bool:
    """A name opening its sentence before a colon or comma heads a report ("Суми: ...", "Ізюм, 3 травня"),
    as does a name standing alone before a full stop ("Суми. Вербна неділя. ...")."""
    following = text[end : end + 2]
    return following[:1] in (":", ",") or following in (". ", ".\n")


def _sentence_initial(text: str, sentence_start: int, index: int) -> bool:
    """True when no word precedes `index` in its sentence (a capital there proves nothing)."""
    return _WORD_CHAR.search(text, sentence_start, index) is None


class _Builder:
    """Validates parsed watchlist data into a Watchlist, naming file, key and line on errors."""

    def __init__(self, source: str, text: str) -> None:
        self.source = source
        self.lines = text.splitlines()
        self.endings: dict[str, str] = {}

    def build(self, data: Mapping[str, object]) -> Watchlist:
        self._check_keys(data, ("version", "endings", "conflicts", "names", *SHARED_KINDS), ())
        version = data.get("version")
        if not isinstance(version, str) or not version.strip():
            raise self.error(("version",), "a non-empty string is required")
        self.endings = self._endings(data.get("endings", {}))
        terms: list[Term] = []
        for kind in SHARED_KINDS:
            if kind in data:
                terms += self._terms("", kind, data[kind], (kind,))
        conflicts_data = data.get("conflicts")
        if not isinstance(conflicts_data, dict) or not conflicts_data:
            raise self.error(("conflicts",), "at least one [conflicts.<id>] table is required")
        conflicts: dict[str, Conflict] = {}
        rules: dict[str, Rules] = {}
        for conflict_id, body in conflicts_data.items():
            conflicts[conflict_id], rules[conflict_id], own = self._conflict(conflict_id, body)
            terms += own
        if "names" in data:
            terms += self._names(data["names"], conflicts, terms)
        return Watchlist(version.strip(), conflicts, rules, terms)

    def _names(self, table: object, conflicts: Mapping[str, Conflict], terms: list[Term]) -> list[Term]:
        """The language-independent layer: [names.<conflict>.<category>] with strong/weak name lists.

        A name's forms may belong to one conflict only: the same form listed for another conflict (as a
        name or as a strong/anchor/common term there) is an error naming both places.
        """
        if not isinstance(table, dict):
            raise self.error(("names",), "must be a table of [names.<conflict>.<category>] tables")
        owner: dict[str, tuple[str, str]] = {}
        for term in terms:
            if term.kind in FLAG_KINDS:
                for form in term.forms:
                    owner.setdefault(form, (term.conflict, f"conflicts.{term.conflict}.{term.kind}"))
        names: list[Term] = []
        for conflict_id, categories in table.items():
            path = ("names", conflict_id)
            if conflict_id not in conflicts:
                known = ", ".join(conflicts)
                raise self.error(path, f"unknown conflict {conflict_id!r} (defined: {known})")
            if not isinstance(categories, dict):
                raise self.error(path, "must be a table of categories: " + ", ".join(NAME_CATEGORIES))
            self._check_keys(categories, NAME_CATEGORIES, path)
            for category, lists in categories.items():
                where = (*path, category)
                if not isinstance(lists, dict):
                    raise self.error(where, "must be a table of strong, weak and/or paired = [...] lists")
                self._check_keys(lists, NAME_STRENGTHS, where)
                for strength, items in lists.items():
                    names += self._name_list(
                        conflict_id, category, strength, items, (*where, strength), owner
                    )
        return names

    def _name_list(
        self,
        conflict: str,
        category: str,
        strength: str,
        items: object,
        where: tuple[str, ...],
        owner: dict[str, tuple[str, str]],
    ) -> list[Term]:
        if not isinstance(items, list) or not items:
            raise self.error(where, "must be a non-empty list of names")
        self._check_unique(items, where)
        terms = []
        for item in items:
            if not isinstance(item, str):
                raise self.error(where, f"names are strings, got {item!r}", item)
            try:
                forms = expand_term(item, self.endings)
            except ValueError as problem:
                raise self.error(where, str(problem), item) from None
            for form in forms:
                other = owner.setdefault(form, (conflict, ".".join(where)))
                if other[0] != conflict:
                    raise self.error(
                        where,
                        f"{item!r} (form {form!r}) is already listed for {other[0]} under {other[1]}",
                        item,
                    )
            written = item.strip()
            lang = "he" if _HEBREW.search(written) else "ar" if _ARABIC.search(written) else "und"
            kind = "strong" if strength == "strong" else "weak"
            term = _written_term(conflict, kind, written, lang, forms, category)
            terms.append(replace(term, paired=strength == "paired"))
        return terms

    def _endings(self, table: object) -> dict[str, str]:
        if not isinstance(table, dict):
            raise self.error(("endings",), 'must be a table of name = "a|b|c"')
        for name, value in table.items():
            if not _ENDING_NAME.fullmatch(name):
                raise self.error(("endings", name), "names use lower-case letters, digits and '_'")
            if not isinstance(value, str) or any(char in value for char in "{}@*!"):
                raise self.error(("endings", name), "must be a string of endings separated by '|'")
            if any(_malformed_change(option) for option in value.split("|")):
                raise self.error(("endings", name), _CHANGE_SYNTAX)
        return dict(table)

    def _conflict(self, conflict_id: str, body: object) -> tuple[Conflict, Rules, list[Term]]:
        path = ("conflicts", conflict_id)
        if not _CONFLICT_ID.fullmatch(conflict_id):
            raise self.error(path, "conflict ids use lower-case letters, digits, '-' and '_'")
        if not isinstance(body, dict):
            raise self.error(path, "must be a table")
        self._check_keys(body, ("name", "severity", *RULE_KEYS, *TERM_KINDS), path)
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise self.error((*path, "name"), "a non-empty display name is required")
        severity = body.get("severity", "medium")
        if severity not in SEVERITIES:
            raise self.error((*path, "severity"), f"must be one of {', '.join(SEVERITIES)}")
        rules = Rules(**{key: self._rule(path, key, body[key]) for key in RULE_KEYS if key in body})
        terms: list[Term] = []
        for kind in TERM_KINDS:
            if kind in body:
                terms += self._terms(conflict_id, kind, body[kind], (*path, kind))
        if not any(term.kind in FLAG_KINDS for term in terms):
            raise self.error(path, "no strong, anchors or common terms")
        return Conflict(conflict_id, name.strip(), severity), rules, terms

    def _rule(self, path: tuple[str, ...], key: str, value: object) -> float | int:
        if key == "threshold":
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise self.error((*path, key), "must be a positive number")
            return float(value)
        lowest = 0 if key in ("window", "weak_window", "post_context") else 1
        if isinstance(value, bool) or not isinstance(value, int) or value < lowest:
            raise self.error((*path, key), f"must be an integer >= {lowest}")
        return value

    def _terms(self, conflict: str, kind: str, table: object, path: tuple[str, ...]) -> list[Term]:
        if not isinstance(table, dict):
            raise self.error(path, "must be a table of language = [terms]")
        terms = []
        for lang, items in table.items():
            where = (*path, lang)
            if not _LANG.fullmatch(lang):
                raise self.error(where, "language keys are ISO 639 codes such as ru, uk, en, ar, he, ce")
            if not isinstance(items, list) or not items:
                raise self.error(where, "must be a non-empty list of terms")
            self._check_unique(items, where)
            for item in items:
                if not isinstance(item, str):
                    raise self.error(where, f"terms are strings, got {item!r}", item)
                try:
                    forms = expand_term(item, self.endings)
                except ValueError as problem:
                    raise self.error(where, str(problem), item) from None
                terms.append(_written_term(conflict, kind, item.strip(), lang, forms))
        return terms

    def _check_unique(self, items: list[object], where: tuple[str, ...]) -> None:
        """A term written twice in one list is an error: as a context word it would count twice."""
        seen: set[str] = set()
        for item in items:
            if not isinstance(item, str):
                continue
            if item.strip() in seen:
                raise self.error(where, f"{item!r} is listed twice", item)
            seen.add(item.strip())

    def _check_keys(self, table: Mapping[str, object], allowed: Iterable[str], path: tuple[str, ...]) -> None:
        allowed = tuple(allowed)
        for key in table:
            if key not in allowed:
                raise self.error((*path, key), f"unknown key (expected one of: {', '.join(allowed)})")

    def error(self, path: tuple[str, ...], problem: str, item: object = None) -> WatchlistError:
        line = _line_of(self.lines, path, item if isinstance(item, str) else None)
        where = f"{self.source}:{line}" if line else self.source
        return WatchlistError(f"{where}: {'.'.join(path)}: {problem}")


def _line_of(lines: list[str], path: tuple[str, ...], item: str | None) -> int | None:
    """The 1-based line that defines `path` (and holds `item`), or of its nearest defined parent."""
    best: tuple[int, int] = (0, 0)
    table: tuple[str, ...] = ()
    for number, raw in enumerate(lines, 1):
        line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        header = re.fullmatch(r"\[\[?\s*(.+?)\s*\]\]?", line)
        if header:
            table = _key_path(header.group(1))
            current = table
        elif "=" in line and not line.startswith(('"', "'")):
            current = table + _key_path(line.split("=", 1)[0])
        else:
            continue
        depth = _common_prefix(current, path)
        if depth > best[0]:
            best = (depth, number)
    depth, number = best
    if not number:
        return None
    if item is not None and depth == len(path):
        literal = re.compile(r"[\"']" + re.escape(item) + r"[\"']")
        for offset, raw in enumerate(lines[number - 1 :]):
            if literal.search(raw):
                return number + offset
            if offset and re.match(r"\s*(\[|[\w\"'-]+\s*=)", raw):
                break
    return number


def _key_path(key: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in key.split("."))


_Word = tuple[str, int]  # a context hit: (term, where it starts)


def _distinct_words(hits: set[_Word]) -> int:
    """Context words in evidence: repeats of a term are one word, and terms that match at the same place
    (a Ukrainian entry sharing a form with a Russian one) are one word too."""
    same: dict[str, str] = {term: term for term, _ in hits}

    def root(term: str) -> str:
        while same[term] != term:
            term = same[term]
        return term

    first_at: dict[int, str] = {}
    for term, start in hits:
        if start in first_at:
            same[root(term)] = root(first_at[start])
        else:
            first_at[start] = term
    return len({root(term) for term in same})


def _common_prefix(left: tuple[str, ...], right: tuple[str, ...]) -> int:
    depth = 0
    for a, b in zip(left, right, strict=False):
        if a != b:
            break
        depth += 1
    return depth


def load_watchlist(path: Path) -> Watchlist:
    """Read and compile a conflicts.toml; any problem is a WatchlistError naming file, key and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as problem:
        raise WatchlistError(f"{path}: cannot read: {problem}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as problem:
        found = _TOML_LINE.search(str(problem))
        where = f"{path}:{found.group(1)}" if found else str(path)
        raise WatchlistError(f"{where}: invalid TOML: {problem}") from None
    return Watchlist.from_mapping(data, source=str(path), text=text)


def watchlist_ids(path: Path) -> list[str]:
    """The conflict ids a watchlist file declares, read without compiling it (to name the choices)."""
    with path.open("rb") as file:
        conflicts = tomllib.load(file).get("conflicts")
    return sorted(conflicts) if isinstance(conflicts, dict) else []

"""Matching cost for 50, 500 and 5,000 terms, whole-analysis throughput against a plain langdetect loop,
and the cost of one 100,000-character post against one plain langdetect call on it.

Usage:
    python bench/bench_matching.py POSTS [--limit 3000] [--repeat 3]

POSTS is a JSONL file (one object with `text` per line) or a JSON array of such objects, e.g. the
channel dumps in ../shared/data/posts/ru_news_2024/. The 50-term watchlist is a slice of the shipped
one; the larger ones add synthetic Russian-looking stems with endings, so the automaton grows while
the posts stay the same. Each figure is the best of --repeat runs. The whole analysis (language,
matching, scoring with a channel context) is timed per post, and compared with `langdetect.detect`
(seed 0) on the same posts; the long post is the posts joined until 100,000 characters.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

from monitor.analysis import DEFAULT_CONFLICTS, Analyzer
from monitor.analysis.language import make_detector
from monitor.analysis.watchlist import Watchlist, expand_term, load_watchlist
from monitor.model import ChannelContext

SIZES = (50, 500, 5000)
LETTERS = "абвгдежзиклмнопрстуфхцчшэюя"


def read_posts(paths: list[Path], limit: int) -> list[str]:
    """Texts of non-empty posts from JSONL files or JSON arrays, up to `limit`."""
    texts: list[str] = []
    for path in paths:
        raw = path.read_text(encoding="utf-8")
        if raw.lstrip().startswith("["):
            records = json.loads(raw)
        else:
            records = [json.loads(line) for line in raw.splitlines() if line.strip()]
        texts += [text for record in records if isinstance(text := record.get("text"), str) and text]
    return texts[:limit]


def synthetic_terms(size: int, seed: int = 7) -> list[str]:
    """`size` distinct terms: real war words first, then invented stems with six endings each."""
    real = ["ВСУ", "СВО", "ЗСУ", "ХАМАС", "Хезболл{а|ы|е|у|ой}", "сектор{|е|а} Газ{а|ы|е|у|ой}", "HIMARS"]
    real += ["обстрел{|а|ы|ов}", "беспилотник{|а|и|ов}", "ракет{а|ы|е|у|ой}", "Украин{а|ы|е|у|ой}"]
    rng = random.Random(seed)
    terms = dict.fromkeys(real)  # ordered and distinct: the loader refuses a term listed twice
    while len(terms) < size:
        stem = "".join(rng.choice(LETTERS) for _ in range(rng.randint(4, 9)))
        terms[stem + "{|а|у|ом|е|ы}"] = None
    return list(terms)[:size]


def synthetic_watchlist(size: int) -> Watchlist:
    """A one-conflict watchlist whose strong terms are `synthetic_terms(size)`."""
    conflict = {"name": "X", "strong": {"ru": synthetic_terms(size)}}
    return Watchlist.from_mapping({"version": f"synthetic-{size}", "conflicts": {"x": conflict}})


def best_seconds(run: Callable[[], object], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return min(timings)


def bench_matching(texts: list[str], repeat: int) -> None:
    base = None
    chars = sum(len(text) for text in texts)
    print(f"matching: {len(texts)} posts, {chars / len(texts):.0f} characters on average")
    for size in SIZES:
        watchlist = synthetic_watchlist(size)
        forms = sum(len(expand_term(term)) for term in synthetic_terms(size))
        seconds = best_seconds(lambda w=watchlist: [w.match(text) for text in texts], repeat)
        base = base or seconds
        print(
            f"  {size:5} terms ({forms:6} forms): {seconds * 1e6 / len(texts):7.1f} us/post"
            f"  {len(texts) / seconds:9.0f} posts/s  x{seconds / base:.2f} of 50 terms"
        )
    shipped = load_watchlist(DEFAULT_CONFLICTS)
    seconds = best_seconds(lambda: [shipped.match(text) for text in texts], repeat)
    per_post = seconds * 1e6 / len(texts)
    print(f"  shipped watchlist: {per_post:7.1f} us/post  {len(texts) / seconds:9.0f} posts/s")


# A channel that mostly posts about one war: the context path of scoring is timed too.
WAR_CHANNEL = ChannelContext((("russia-ukraine", 0.8),), source="learned")
LONG_POST = 100_000


def plain_langdetect(text: str) -> str:
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    try:
        return detect(text)
    except LangDetectException:
        return "und"


def bench_analyzer(texts: list[str], repeat: int) -> None:
    watchlist = load_watchlist(DEFAULT_CONFLICTS)
    contexts = [WAR_CHANNEL] * len(texts)
    plain_seconds = best_seconds(lambda: [plain_langdetect(text) for text in texts], 1)
    plain = len(texts) / plain_seconds
    print(f"plain langdetect loop: {plain:7.0f} posts/s")
    for backend in ("langdetect", "fast"):
        analyzer = Analyzer(watchlist, make_detector(backend))
        seconds = best_seconds(lambda a=analyzer: a.analyze_many(texts, contexts), repeat)
        rate = len(texts) / seconds
        print(
            f"whole analysis ({backend}): {rate:7.0f} posts/s ({1e3 / rate:.2f} ms/post)"
            f"  x{rate / plain:.1f} of plain langdetect"
        )


def bench_long_post(texts: list[str], repeat: int) -> None:
    """One post of LONG_POST characters: matching, whole analysis and one plain langdetect call."""
    joined = ""
    while len(joined) < LONG_POST:
        joined += "\n\n".join(texts)
    text = joined[:LONG_POST]
    watchlist = load_watchlist(DEFAULT_CONFLICTS)
    analyzer = Analyzer(watchlist, make_detector("langdetect"))
    plain = best_seconds(lambda: plain_langdetect(text), repeat)
    matching = best_seconds(lambda: watchlist.score(text, "ru", WAR_CHANNEL), repeat)
    whole = best_seconds(lambda: analyzer.analyze(text, WAR_CHANNEL), repeat)
    print(f"one {len(text):,}-character post:")
    print(f"  plain langdetect call {plain * 1e3:7.1f} ms")
    print(f"  matching and scoring  {matching * 1e3:7.1f} ms  x{matching / plain:.2f} of plain")
    print(f"  whole analysis        {whole * 1e3:7.1f} ms  x{whole / plain:.2f} of plain")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("posts", type=Path, nargs="+")
    parser.add_argument("--limit", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    texts = read_posts(args.posts, args.limit)
    if not texts:
        print("no posts with text found", file=sys.stderr)
        return 2
    bench_matching(texts, args.repeat)
    bench_analyzer(texts, args.repeat)
    bench_long_post(texts, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Language identification benchmark: accuracy on labelled sentences and throughput on real posts.

Usage: python bench/bench_language.py [--langid DIR] [--posts DIR] [--limit N]
The data live outside the repository (../shared/data by default); the script says so when they are missing.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from langdetect import DetectorFactory, detect
from langdetect.lang_detect_exception import LangDetectException

from monitor.analysis.language import make_detector

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
TARGET_LANGS = ("ru", "uk", "en", "ar", "he")
AGREEMENT_POSTS = 3000
SHORT_CHARS = 60  # a one-line post: where one letter has to settle the language
OTHER_LANGS = ("be", "kk", "bg", "mk", "sr", "de", "fr", "pl", "tr", "fa")


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    missing = [p for p in (args.langid, args.posts) if not p.is_dir()]
    if missing:
        print(
            f"data directory not found: {', '.join(map(str, missing))} (pass --langid/--posts)",
            file=sys.stderr,
        )
        return 2
    detectors = {backend: make_detector(backend).detect for backend in ("langdetect", "fast")}
    _accuracy(args.langid, detectors)
    _short_accuracy(args.langid, detectors)
    _not_east_slavic(args.langid, detectors)
    _throughput(_posts(args.posts)[: args.limit], detectors)
    return 0


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--langid", type=Path, default=DATA / "langid", help="langid data (lingua/, ud/)")
    parser.add_argument(
        "--posts", type=Path, default=DATA / "posts", help="real posts (ru_news_2024/, *.jsonl)"
    )
    parser.add_argument("--limit", type=int, default=None, help="time only the first N posts")
    return parser.parse_args(argv)


def _lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def _accuracy(langid: Path, detectors: dict[str, Callable[[str], tuple[str, float]]]) -> None:
    print("accuracy on lingua sentences (share detected as the gold language)")
    print(f"  {'lang':6}" + "".join(f"{name:>12}" for name in ("langdetect*", *detectors)))
    for lang in (*TARGET_LANGS, *OTHER_LANGS):
        path = langid / "lingua" / "sentences" / f"{lang}.txt"
        if not path.exists():
            continue
        sentences = _lines(path)
        scores = [_share(sentences, _plain, {lang})] + [
            _share(sentences, d, {lang}) for d in detectors.values()
        ]
        mark = " (target >= 0.99)" if lang in TARGET_LANGS else ""
        print(f"  {lang:6}" + "".join(f"{s:12.3f}" for s in scores) + mark)
    print("  * langdetect* = plain langdetect.detect (seed 0), for comparison")


def _short_accuracy(langid: Path, detectors: dict[str, Callable[[str], tuple[str, float]]]) -> None:
    """The same share on sentences under SHORT_CHARS characters, where langdetect has least to go on."""
    print(f"accuracy on sentences under {SHORT_CHARS} characters (lingua, and UD for be/kk)")
    print(f"  {'lang':9}{'n':>5}" + "".join(f"{name:>12}" for name in ("langdetect*", *detectors)))
    sources = [(lang, "lingua", langid / "lingua" / "sentences" / f"{lang}.txt") for lang in TARGET_LANGS]
    sources += [(lang, "lingua", langid / "lingua" / "sentences" / f"{lang}.txt") for lang in OTHER_LANGS]
    sources += [(lang, "ud", langid / "ud" / f"{lang}.txt") for lang in ("be", "kk")]
    for lang, corpus, path in sources:
        if not path.exists():
            continue
        sentences = [text for text in _lines(path) if len(text.strip()) < SHORT_CHARS]
        if not sentences:
            continue
        scores = [_share(sentences, d, {lang}) for d in (_plain, *detectors.values())]
        label = lang if corpus == "lingua" else f"{lang} {corpus}"
        print(f"  {label:9}{len(sentences):5}" + "".join(f"{s:12.3f}" for s in scores))


def _not_east_slavic(langid: Path, detectors: dict[str, Callable[[str], tuple[str, float]]]) -> None:
    print("be/kk sentences: share reported as ru or uk (lower is better) / share reported correctly")
    for lang in ("be", "kk"):
        for path in (langid / "lingua" / "sentences" / f"{lang}.txt", langid / "ud" / f"{lang}.txt"):
            if not path.exists():
                continue
            sentences = _lines(path)
            cells = [f"{_share(sentences, _plain, {'ru', 'uk'}):.3f}"]
            cells += [
                f"{_share(sentences, d, {'ru', 'uk'}):.3f}/{_share(sentences, d, {lang}):.3f}"
                for d in detectors.values()
            ]
            print(
                f"  {lang} {path.parent.name:10} plain={cells[0]}  "
                + "  ".join(f"{name}={cell}" for name, cell in zip(detectors, cells[1:], strict=True))
            )


def _share(texts: list[str], detect_fn: Callable[[str], tuple[str, float]], langs: set[str]) -> float:
    hits = Counter(detect_fn(text)[0] in langs for text in texts)
    return hits[True] / len(texts)


def _plain(text: str) -> tuple[str, float]:
    DetectorFactory.seed = 0
    try:
        return detect(text), 1.0
    except LangDetectException:
        return "und", 0.0


def _posts(posts: Path) -> list[str]:
    texts: list[str] = []
    for path in sorted((posts / "ru_news_2024").glob("*.json")):
        texts += [item["text"] for item in json.loads(path.read_text(encoding="utf-8")) if item.get("text")]
    for name in ("ru_milbloggers_2022.jsonl", "uk_addresses_2022.jsonl"):
        path = posts / name
        if path.exists():
            texts += [t for t in _jsonl_texts(path.read_text(encoding="utf-8").splitlines()) if t]
    return texts


def _jsonl_texts(lines: Iterable[str]) -> Iterable[str]:
    for line in lines:
        if line.strip():
            yield json.loads(line).get("text") or ""


def _throughput(texts: list[str], detectors: dict[str, Callable[[str], tuple[str, float]]]) -> None:
    chars = sum(map(len, texts)) / max(1, len(texts))
    print(f"throughput on {len(texts)} real posts (mean {chars:.0f} chars), one core")
    for detect_fn in detectors.values():
        detect_fn("прогрев")  # load profiles outside the timing
    baseline = _rate(texts, _plain)
    print(f"  plain langdetect loop   {baseline:9.0f} posts/s")
    for name, detect_fn in detectors.items():
        rate = _rate(texts, detect_fn)
        print(f"  {name:23} {rate:9.0f} posts/s  ({rate / baseline:.1f}x plain)")
    checked = texts[:AGREEMENT_POSTS]
    plain = [_plain(text)[0] for text in checked]
    for name, detect_fn in detectors.items():
        same = sum(detect_fn(text)[0] == gold for text, gold in zip(checked, plain, strict=True))
        print(
            f"  {name}: same answer as plain langdetect on {same / len(checked):.3f} of {len(checked)} posts"
        )


def _rate(texts: list[str], detect_fn: Callable[[str], tuple[str, float]]) -> float:
    start = time.perf_counter()
    for text in texts:
        detect_fn(text)
    return len(texts) / (time.perf_counter() - start)


if __name__ == "__main__":
    sys.exit(main())

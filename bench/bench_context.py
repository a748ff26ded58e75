"""Flagging quality with and without learned channel context, per kind of channel, on the labelled sets.

Usage:
    python bench/bench_context.py [--shared PATH] [--labels DIR] [--threshold 1.0] [--sure-only]
                                   [--half dev|held-out] [--json]

For every tests/data/labeled/*.labels.jsonl set, each channel's posts in the shared source files are
replayed in date order (then message id, then file order) through the analyser, the way the archive
sees them: the context of a post is learned, with the archive's own rule (monitor/store/context.py),
only from the flags the analyser gave the channel's EARLIER posts, never from gold labels and never from
later posts. The labelled posts are then scored twice: with that context and without it. The written
sets (tests/data/labeled/written_*.jsonl) have no channel history and are scored without context.
Also prints a threshold sweep with context, like `monitor evaluate --sweep`. `--half` scores only one
half of every set (see bench/labeled_sets.py); channels are still replayed whole, so context is the same.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from labeled_sets import HALVES, LABELS_DIR, LABELS_SUFFIX, REPO, Sources, _parse_entry, in_half

from monitor.analysis import Analyzer
from monitor.analysis.evaluation import Judged, Scored, evaluate, sweep
from monitor.store.learning import replay


@dataclass(frozen=True, slots=True)
class Outcome:
    """A labelled post's gold labels and its scores with and without context."""

    id: str
    kind: str
    unsure: bool
    gold: frozenset[str]
    with_context: dict[str, float]
    without: dict[str, float]


def replay_channels(
    source: list[dict[str, Any]], labelled: dict[int, dict[str, Any]], analyzer: Analyzer
) -> list[Outcome]:
    """Analyse each channel of one source file in date order, learning context from earlier posts only."""
    channels: dict[object, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    for index, record in enumerate(source):
        channels[record.get("channel") or record.get("sender_id")].append((index, record))
    outcomes = []
    for posts in channels.values():
        posts.sort(key=lambda item: (str(item[1].get("date", "")), item[1].get("message_id") or 0, item[0]))
        last = max((n for n, (index, _) in enumerate(posts) if index in labelled), default=-1)
        read = [(index, str(record.get("text") or "")) for index, record in posts[: last + 1]]
        read = [(index, text) for index, text in read if text.strip()]
        analyses = replay([text for _, text in read], analyzer.analyze)
        for (index, text), analysis in zip(read, analyses, strict=True):
            entry = labelled.get(index)
            if entry is not None:
                outcomes.append(_outcome(entry, analysis.scores, analyzer.analyze(text).scores))
    return outcomes


def _outcome(entry: dict[str, Any], scores: tuple[Any, ...], alone: tuple[Any, ...]) -> Outcome:
    """`scores` with the learned context, `alone` without any (context also decides what war words weigh)."""
    with_context = {s.conflict: s.score for s in scores}
    without = {s.conflict: s.score for s in alone}
    key = "/".join(str(value) for value in entry["key"].values())
    return Outcome(
        key, entry["kind"], bool(entry["unsure"]), frozenset(entry["labels"]), with_context, without
    )


def written(path: Path, analyzer: Analyzer, half: str | None) -> list[Outcome]:
    """A hand-written set: no channel history, so the same scores with and without context."""
    outcomes = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not in_half(number, half):
            continue
        record = json.loads(line)
        scores = {s.conflict: s.score for s in analyzer.analyze(record["text"]).scores}
        gold = frozenset(record["labels"])
        outcomes.append(Outcome(record["id"], record["kind"], bool(record["unsure"]), gold, scores, scores))
    return outcomes


def real_set(labels_path: Path, sources: Sources, analyzer: Analyzer, half: str | None) -> list[Outcome]:
    by_source: dict[str, dict[int, dict[str, Any]]] = defaultdict(dict)
    for number, line in enumerate(labels_path.read_text(encoding="utf-8").splitlines(), start=1):
        if not in_half(number, half):
            continue
        entry = _parse_entry(line, f"{labels_path}:{number}")
        found = sources.find(entry["source"], entry["key"])
        records = sources.records(entry["source"])
        by_source[entry["source"]][next(i for i, r in enumerate(records) if r is found[0])] = entry
    outcomes = []
    for source, labelled in by_source.items():
        outcomes += replay_channels(sources.records(source), labelled, analyzer)
    return outcomes


def table(
    name: str, outcomes: list[Outcome], conflicts: list[str], threshold: float, sure_only: bool
) -> list[dict[str, Any]]:
    rows = []
    kinds = sorted({o.kind for o in outcomes})
    for kind in kinds:
        chosen = [o for o in outcomes if o.kind == kind and not (sure_only and o.unsure)]
        row: dict[str, Any] = {"set": name, "kind": kind, "posts": len(chosen)}
        for mode in ("without", "with_context"):
            judged = [
                Judged(
                    o.id,
                    o.gold,
                    frozenset(c for c, v in getattr(o, mode).items() if v >= threshold),
                    None,
                    "",
                )
                for o in chosen
            ]
            result = evaluate(judged, conflicts)
            row[mode] = {c: s.as_dict() for c, s in result.per_conflict.items() if s.tp + s.fn + s.fp}
            row[mode]["micro"] = result.micro.as_dict()
        rows.append(row)
    return rows


def _fmt(scores: dict[str, Any]) -> str:
    def pct(value: float | None) -> str:
        return "-" if value is None else f"{value:.3f}"

    return f"{pct(scores['precision'])}/{pct(scores['recall'])}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--labels", type=Path, default=LABELS_DIR, help="directory of *.labels.jsonl files")
    parser.add_argument("--threshold", type=float, default=1.0)
    parser.add_argument("--sure-only", action="store_true", help="leave out posts labelled unsure")
    parser.add_argument("--half", choices=HALVES, help="score only the dev or the held-out half")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    posts_dir = args.shared / "data" / "posts"
    if not posts_dir.is_dir():
        print(f"shared posts not found: {posts_dir} (pass --shared)", file=sys.stderr)
        return 2
    analyzer = Analyzer.from_files()
    conflicts = list(analyzer.conflicts)
    sources = Sources(posts_dir)
    sets: dict[str, list[Outcome]] = {}
    for path in sorted(args.labels.glob(f"*{LABELS_SUFFIX}")):
        sets[path.name.removesuffix(LABELS_SUFFIX)] = real_set(path, sources, analyzer, args.half)
    for path in sorted(args.labels.glob("written_*.jsonl")):
        sets[path.stem] = written(path, analyzer, args.half)
    rows = [
        row
        for name, outs in sets.items()
        for row in table(name, outs, conflicts, args.threshold, args.sure_only)
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    print(f"threshold {args.threshold}; precision/recall without context -> with learned context")
    for row in rows:
        cells = []
        for conflict in [*conflicts, "micro"]:
            if conflict in row["with_context"]:
                before, after = row["without"][conflict], row["with_context"][conflict]
                cells.append(f"{conflict} {_fmt(before)} -> {_fmt(after)}")
        print(f"{row['set']:<16} {row['kind']:<28} n={row['posts']:<4} " + "; ".join(cells))
    print("sweep with context (all sets, micro precision/recall per threshold):")
    for name, outs in sets.items():
        chosen = [o for o in outs if not (args.sure_only and o.unsure)]
        result = sweep((Scored(o.id, o.gold, o.with_context) for o in chosen), conflicts)
        print(f"  {name:<16} " + "  ".join(f"{t:g}: {_fmt(e.micro.as_dict())}" for t, e in result.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Join the hand-labelled sets from real posts with the shared texts, for `monitor evaluate`.

Usage: python bench/labeled_sets.py OUTDIR [--shared PATH] [--sure-only] [--half dev|held-out]

The repository keeps only labels and keys (tests/data/labeled/*.labels.jsonl); the texts stay in the shared
data directory (../shared by default, relative to the repository root). For every labels file this script
looks each key up in its source file under SHARED/data/posts and writes OUTDIR/<set>.jsonl with one
{"text", "labels", "lang", "unsure", "kind", "channel", "id"} object per line, ready for
`monitor evaluate OUTDIR/<set>.jsonl`. A key that matches no post, or several different posts, stops the
script with the labels file and line that hold it.

Key fields are compared with the source record's fields of the same name; the one extra field
`text_sha256` matches the first hex digits of the SHA-256 of the post's text (used where a source has two
posts under the same id, language and date).

`--half` keeps one half of every set, split by the parity of the labels file's line number: `dev` (odd
lines, 1, 3, 5 ...) is the half watchlist rules may be tuned on, `held-out` (even lines) is never read
to write rules and gives the honest estimate.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
LABELS_DIR = REPO / "tests" / "data" / "labeled"
LABELS_SUFFIX = ".labels.jsonl"
HASH_FIELD = "text_sha256"
REQUIRED = ("source", "key", "kind", "labels", "lang", "unsure")
HALVES = ("dev", "held-out")


class JoinError(Exception):
    """A labels line that cannot be joined with the shared texts; the message names file and line."""


@dataclass(frozen=True, slots=True)
class Joined:
    """One labelled post with its text, in the shape `monitor evaluate` reads."""

    text: str
    labels: list[str]
    lang: str
    unsure: bool
    kind: str
    channel: str | int | None
    id: str

    def as_json(self) -> str:
        return json.dumps(
            {
                "text": self.text,
                "labels": self.labels,
                "lang": self.lang,
                "unsure": self.unsure,
                "kind": self.kind,
                "channel": self.channel,
                "id": self.id,
            },
            ensure_ascii=False,
        )


class Sources:
    """The shared post files, each read once, with lookups by any combination of key fields."""

    def __init__(self, posts_dir: Path) -> None:
        self._posts_dir = posts_dir
        self._records: dict[str, list[dict[str, Any]]] = {}
        self._indexes: dict[tuple[str, tuple[str, ...]], dict[tuple[Any, ...], list[dict[str, Any]]]] = {}

    def records(self, source: str) -> list[dict[str, Any]]:
        if source not in self._records:
            self._records[source] = _read_posts(self._posts_dir / source)
        return self._records[source]

    def find(self, source: str, key: dict[str, Any]) -> list[dict[str, Any]]:
        """The records of `source` whose fields equal every key field (the text hash by prefix)."""
        plain = tuple(sorted(name for name in key if name != HASH_FIELD))
        index = self._indexes.get((source, plain))
        if index is None:
            index = {}
            for record in self.records(source):
                index.setdefault(tuple(record.get(name) for name in plain), []).append(record)
            self._indexes[(source, plain)] = index
        found = index.get(tuple(key[name] for name in plain), [])
        digest = key.get(HASH_FIELD)
        if digest is not None:
            found = [r for r in found if _text_hash(r).startswith(str(digest))]
        return found


def _read_posts(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise FileNotFoundError(path)
    if path.suffix == ".jsonl":
        with path.open(encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a JSON array of posts")
    return data


def _text_hash(record: dict[str, Any]) -> str:
    return hashlib.sha256(str(record.get("text", "")).encode("utf-8")).hexdigest()


def in_half(number: int, half: str | None) -> bool:
    """Whether the labels file's 1-based line `number` belongs to `half` (None: both halves)."""
    return half is None or (number % 2 == 1) == (half == "dev")


def join_file(
    labels_path: Path, sources: Sources, sure_only: bool = False, half: str | None = None
) -> Iterator[Joined]:
    """Yield the posts of one labels file with their texts; raise JoinError on the first bad line."""
    with labels_path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip() or not in_half(number, half):
                continue
            where = f"{labels_path}:{number}"
            entry = _parse_entry(line, where)
            if sure_only and entry["unsure"]:
                continue
            key: dict[str, Any] = entry["key"]
            try:
                found = sources.find(entry["source"], key)
            except FileNotFoundError as exc:
                raise JoinError(f"{where}: source file not found: {exc}") from None
            shown = json.dumps(key, ensure_ascii=False)
            if not found:
                raise JoinError(f"{where}: key {shown} not found in {entry['source']}")
            if len({str(r.get("text", "")) for r in found}) > 1:
                raise JoinError(
                    f"{where}: key {shown} matches {len(found)} different posts in {entry['source']}; "
                    "add a field that tells them apart"
                )
            record = found[0]
            channel = record.get("channel")
            yield Joined(
                text=str(record["text"]),
                labels=list(entry["labels"]),
                lang=str(entry["lang"]),
                unsure=bool(entry["unsure"]),
                kind=str(entry["kind"]),
                channel=channel if isinstance(channel, str | int) else None,
                id="/".join(str(value) for value in key.values()),
            )


def _parse_entry(line: str, where: str) -> dict[str, Any]:
    try:
        entry = json.loads(line)
    except ValueError as exc:
        raise JoinError(f"{where}: invalid JSON: {exc}") from None
    if not isinstance(entry, dict):
        raise JoinError(f"{where}: not a JSON object")
    missing = [name for name in REQUIRED if name not in entry]
    if missing:
        raise JoinError(f"{where}: missing {', '.join(missing)}")
    if not isinstance(entry["key"], dict) or not entry["key"]:
        raise JoinError(f"{where}: 'key' must be a non-empty object")
    if not isinstance(entry["labels"], list):
        raise JoinError(f"{where}: 'labels' must be a list")
    return entry


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    posts_dir = args.shared / "data" / "posts"
    if not posts_dir.is_dir():
        print(f"shared posts not found: {posts_dir} (pass --shared)", file=sys.stderr)
        return 2
    labels_files = sorted(args.labels.glob(f"*{LABELS_SUFFIX}"))
    if not labels_files:
        print(f"no *{LABELS_SUFFIX} files in {args.labels}", file=sys.stderr)
        return 2
    args.outdir.mkdir(parents=True, exist_ok=True)
    sources = Sources(posts_dir)
    for labels_path in labels_files:
        name = labels_path.name.removesuffix(LABELS_SUFFIX)
        try:
            joined = list(join_file(labels_path, sources, args.sure_only, args.half))
        except JoinError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        out = args.outdir / f"{name}.jsonl"
        out.write_text("".join(item.as_json() + "\n" for item in joined), encoding="utf-8")
        print(f"{out}: {len(joined)} posts")
    return 0


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("outdir", type=Path, help="where to write <set>.jsonl (outside the repository)")
    parser.add_argument(
        "--shared", type=Path, default=REPO.parent / "shared", help="shared directory holding data/posts"
    )
    parser.add_argument("--labels", type=Path, default=LABELS_DIR, help="directory of *.labels.jsonl files")
    parser.add_argument("--sure-only", action="store_true", help="leave out posts labelled unsure")
    parser.add_argument(
        "--half", choices=HALVES, help="only odd labels lines (dev, tuned on) or even ones (held-out)"
    )
    return parser.parse_args(argv)


if __name__ == "__main__":
    raise SystemExit(main())

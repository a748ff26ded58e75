"""Commands on post files: analyse them, import them into the archive, score the watchlists on them.

They work without Telegram, so analysts can tune watchlists on history before going live. Exit codes
follow monitor/cli/__init__.py: 2 for an unreadable input file or bad usage (the other files are still
processed), 3 when some records were malformed and skipped.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from monitor.cli.common import (
    archive_option,
    backend_option,
    closed_pipe_quiet,
    conflicts_option,
    files_argument,
    finish,
    load_analyzer,
    matches_of,
    open_store,
    out,
    post_files,
    run_archive,
    scores_of,
    threshold_option,
    to_json,
)
from monitor.cli.upkeep import catch_up_with_progress
from monitor.importing.files import InputProblem, InputRecord
from monitor.importing.pipeline import PostFiles, batches
from monitor.model import Analysis

if TYPE_CHECKING:
    from monitor.analysis import Analyzer
    from monitor.analysis.evaluation import Evaluation, Scores
    from monitor.config import ChannelRef
    from monitor.importing.pipeline import ImportCounts, PostFiles

ANALYZE_BATCH = 256


@click.command("analyze")
@files_argument
@conflicts_option
@backend_option
@threshold_option
@closed_pipe_quiet
def analyze(
    files: tuple[Path, ...], conflicts: Path | None, backend: str, thresholds: dict[str, float]
) -> None:
    """Analyse posts and print one JSON line per post, in input order.

    FILES are JSONL (one post per line: `text`, optional `id` or `message_id`, `channel`, `date`),
    JSON arrays of such posts, or Telegram Desktop exports (result.json). Each output line has `id`
    (as given), `lang`, `lang_confidence`, `conflicts`, `matches`, `scores` and `channel`/`date` when
    given. `scores` lists every conflict with any evidence: its score, the threshold it needs (flagged
    when reached) and the evidence (terms, places, actors, events, partial, context) with its points.
    Posts are analysed without channel context here (the archive learns it; see `monitor context`).
    Malformed records are reported on stderr and skipped (exit status 3).

    \b
    Example:
      monitor analyze config/sample_posts.jsonl
    """
    analyzer = load_analyzer(conflicts, backend, thresholds)
    inputs = post_files()
    for batch in batches(inputs.records(files), ANALYZE_BATCH):
        for record, analysis in zip(batch, analyzer.analyze_many(r.text for r in batch), strict=True):
            out(to_json(_analysis_line(record, analysis)))
    sys.stdout.flush()
    finish(inputs)


def _analysis_line(record: InputRecord, analysis: Analysis) -> dict[str, Any]:
    line: dict[str, Any] = {"id": record.id}
    if record.channel is not None:
        line["channel"] = record.channel
    if record.date is not None:
        line["date"] = record.date
    line.update(
        lang=analysis.lang,
        lang_confidence=round(analysis.lang_confidence, 4),
        conflicts=list(analysis.conflicts),
        matches=matches_of(analysis, record.text),
        scores=scores_of(analysis),
    )
    return line


@click.command("import")
@files_argument
@archive_option
@click.option("--channel", help="Channel for posts that name none: a numeric id or a @username.")
@conflicts_option
@backend_option
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Processes that analyse posts while this one writes the archive (up to the number of cores).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the counts as one JSON object.")
@click.option(
    "--context/--no-context",
    "learn_context",
    default=True,
    show_default=True,
    help="Lend each post its channel's context as learned from the archive so far.",
)
@click.option(
    "--catch-up/--no-catch-up",
    default=True,
    show_default=True,
    help="Then index the new posts by word form (see `monitor archive catch-up`); without, search finds "
    "them by prefix until then. The exact index is built either way before the import ends.",
)
def import_(
    files: tuple[Path, ...],
    archive: Path,
    channel: str | None,
    conflicts: Path | None,
    backend: str,
    jobs: int,
    as_json: bool,
    learn_context: bool,
    catch_up: bool,
) -> None:
    """Analyse posts and store them in the archive (idempotent: importing twice changes nothing).

    Takes the same files as `analyze`. Each post needs a message id, a date and a channel: the post's
    `channel_id`/`sender_id`/`channel`, the export's chat, or --channel. Imported posts never alert.
    Each post is analysed with its channel's context as the archive has learned it before the post's
    batch (see `monitor context`), and with the flags of the archived post it replies to or forwards.

    \b
    Example:
      monitor import result.json --archive monitor.db
      monitor import posts.jsonl --channel @some_channel
      monitor import exports/*.json --jobs 2
      monitor import a.json --no-catch-up && monitor import b.json     # one word-form pass for both
    """
    from tqdm import tqdm

    from monitor.importing.pipeline import AnalyzerSpec, PostFiles, import_files

    default = _channel_option(channel)
    analyzer = load_analyzer(conflicts, backend)
    progress = tqdm(unit=" posts", file=sys.stderr, disable=None, dynamic_ncols=True)
    inputs = PostFiles(report=lambda line: progress.write(line, file=sys.stderr), require_date=True)

    async def work() -> ImportCounts:
        async with await open_store(archive, readonly=False) as store:
            counts = await import_files(
                files,
                store,
                inputs,
                analyzer=analyzer,
                spec=AnalyzerSpec(conflicts, backend),
                default_channel=default,
                jobs=jobs,
                advance=progress.update,
                learn_context=learn_context,
            )
            progress.close()
            if catch_up:
                await catch_up_with_progress(store)
            return counts

    try:
        counts = run_archive(work)
    finally:
        progress.close()
    statuses = counts.statuses
    if as_json:
        out(to_json(_import_report(archive, counts, inputs)))
    else:
        click.echo(
            f"imported {counts.total} posts into {archive}: {statuses['new']} new, "
            f"{statuses['edited']} edited, {statuses['unchanged']} unchanged"
        )
    finish(inputs)


def _import_report(archive: Path, counts: ImportCounts, inputs: PostFiles) -> dict[str, Any]:
    return {
        "archive": str(archive),
        "posts": counts.total,
        **{status: counts.statuses[status] for status in ("new", "edited", "unchanged")},
        "skipped": inputs.malformed,
        "kept_with_problems": inputs.flawed,
        "unreadable_files": inputs.unreadable,
    }


def _channel_option(value: str | None) -> ChannelRef | None:
    from monitor.config import parse_channel_ref

    if value is None:
        return None
    try:
        ref = parse_channel_ref(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--channel") from None
    if ref.kind == "invite":
        raise click.BadParameter("an invite link does not say which channel it is", param_hint="--channel")
    return ref


@click.command("evaluate")
@click.argument("labeled", type=click.Path(path_type=Path))
@conflicts_option
@backend_option
@threshold_option
@click.option("--json", "as_json", is_flag=True, help="Print the scores as one JSON object.")
@click.option(
    "--mistakes",
    is_flag=True,
    help="Also list each false positive and missed post: id, channel, snippet, matched words, score.",
)
@click.option(
    "--sweep",
    is_flag=True,
    help="Print precision and recall per conflict at each threshold instead, to choose the dial from.",
)
@click.option(
    "--context/--no-context",
    "learn_context",
    default=False,
    show_default=True,
    help="Lend each post the context its channel's earlier posts in the file teach, as the archive would.",
)
def evaluate(
    labeled: Path,
    conflicts: Path | None,
    backend: str,
    thresholds: dict[str, float],
    as_json: bool,
    mistakes: bool,
    sweep: bool,
    learn_context: bool,
) -> None:
    """Score the watchlists on posts with gold `labels` (conflict ids) and optional gold `lang`.

    Prints precision, recall and F1 per conflict, micro-averaged scores, language accuracy over the
    posts that give `lang`, and the counts behind them. With --sweep, prints precision and recall per
    conflict for each threshold (the same for every conflict): a lower threshold favours recall, a
    higher one precision.

    Posts are scored alone by default: the watchlist's own figure. With --context, posts that name a
    `channel` are read as the daemon reads a channel: in date and message order, each with the context
    the channel's earlier posts in the file teach (learned from their flags, never from the gold labels;
    a channel lends none before 10 posts). That is the daemon's figure when the file holds whole channel
    histories (exports); a sample picked for its war posts makes its channels look more warlike than
    they are, and context then lends too much.

    With --mistakes, each false positive and missed post follows (with --json, in the document's
    `mistakes`): its id and channel as given, a snippet around the conflict's matched words, the words
    as the post writes them, and the post's score against the threshold.

    \b
    Example:
      monitor evaluate tests/data/eval_conflicts.jsonl --mistakes
      monitor evaluate tests/data/labeled/written_en.jsonl --sweep
    """
    from monitor.analysis.evaluation import Judged
    from monitor.analysis.evaluation import evaluate as score

    analyzer = load_analyzer(conflicts, backend, thresholds)
    inputs = post_files()
    records = _labelled(labeled, inputs)
    analyses = _analysed(records, analyzer, learn_context)
    if sweep:
        _sweep(records, analyses, analyzer, as_json)
        finish(inputs)
        return

    judged = (
        Judged(
            position,
            frozenset(record.labels or ()),
            frozenset(analysis.conflicts),
            record.lang,
            analysis.lang,
        )
        for position, (record, analysis) in enumerate(zip(records, analyses, strict=True))
    )
    result = score(judged, analyzer.conflicts)
    listed = [
        _mistake(kind, conflict, records[pos], analyses[pos], _threshold(analyzer, conflict))
        for kind, conflict, pos in (result.mistakes if mistakes else ())
    ]
    lent = sum(_lent_context(analysis) for analysis in analyses)
    context = {"learned": learn_context, "posts_lent_context": lent}
    if as_json:
        document = {**result.as_dict(), "context": context}
        out(to_json({**document, "mistakes": listed} if mistakes else document))
    else:
        _print_evaluation(result)
        out(_context_line(learn_context, lent))
        for mistake in listed:
            _print_mistake(mistake)
    finish(inputs)


def _labelled(labeled: Path, inputs: PostFiles) -> list[InputRecord]:
    """The file's posts that carry gold labels; the others are reported as malformed."""
    records = []
    for record in inputs.records([labeled]):
        if record.labels is None:
            inputs.problem(InputProblem(record.location, "no 'labels' (a list of conflict ids)"))
        else:
            records.append(record)
    return records


def _analysed(records: list[InputRecord], analyzer: Analyzer, learn_context: bool) -> list[Analysis]:
    """Each record's analysis, in file order; with `learn_context`, each channel's posts are replayed in
    reading order so that every post has the context its channel's earlier posts teach."""
    from monitor.store.learning import replay

    analyses: dict[int, Analysis] = {}
    channels: dict[str | int, list[int]] = defaultdict(list)
    for position, record in enumerate(records):
        channel = record.channel if record.channel is not None else record.channel_id
        if learn_context and channel is not None:
            channels[channel].append(position)
        else:
            analyses[position] = analyzer.analyze(record.text)
    for positions in channels.values():
        positions.sort(key=lambda position: _reading_order(records[position], position))
        texts = [records[position].text for position in positions]
        analyses.update(zip(positions, replay(texts, analyzer.analyze), strict=True))
    return [analyses[position] for position in range(len(records))]


def _reading_order(record: InputRecord, position: int) -> tuple[bool, float, int, int]:
    """Oldest first: by date, then message id, then place in the file (posts without a date last)."""
    when = record.when.timestamp() if record.when is not None else 0.0
    return (record.when is None, when, record.message_id or 0, position)


def _lent_context(analysis: Analysis) -> bool:
    """Whether the post's channel context added points to any conflict's score."""
    return any(evidence.kind == "context" for score in analysis.scores for evidence in score.evidence)


def _context_line(learn_context: bool, lent: int) -> str:
    if not learn_context:
        return "context: none (posts scored alone; --context learns it from the file)"
    return f"context: learned from each channel's earlier posts in the file; {lent} posts were lent some"


MISTAKE_SNIPPET_CHARS = 160


def _threshold(analyzer: Analyzer, conflict: str) -> float | None:
    """The threshold a conflict is held to; None for a gold label the watchlist does not track."""
    return analyzer.threshold(conflict) if conflict in analyzer.conflicts else None


def _mistake(
    kind: str, conflict: str, record: InputRecord, analysis: Analysis, threshold: float | None
) -> dict[str, Any]:
    """One wrong call, with what an analyst needs to judge it without opening the file: where the post
    is from, the words that matched for the conflict (as written), a snippet around them and the score."""
    from monitor.alerts.markup import snippet

    spans = sorted((m.start, m.end) for m in analysis.matches if m.conflict == conflict)
    words: dict[str, str] = {}
    for start, end in spans:
        words.setdefault(record.text[start:end].casefold(), record.text[start:end])
    scored = analysis.score_of(conflict)
    return {
        "kind": kind,
        "conflict": conflict,
        "id": record.id,
        "channel": record.channel,
        "snippet": " ".join(snippet(record.text, spans, MISTAKE_SNIPPET_CHARS).plain.split()),
        "matched": list(words.values()),
        "score": scored.score if scored else 0.0,
        "threshold": scored.threshold if scored else threshold,
    }


def _print_mistake(mistake: dict[str, Any]) -> None:
    channel = f" channel={to_json(mistake['channel'])}" if mistake["channel"] is not None else ""
    out(f"{mistake['kind']:<15} {mistake['conflict']:<20} id={to_json(mistake['id'])}{channel}")
    out(f"    {mistake['snippet']}")
    matched = ", ".join(mistake["matched"]) or "nothing"
    needed = f" / {mistake['threshold']:g}" if mistake["threshold"] is not None else ""
    out(f"    matched: {matched} (score {mistake['score']:g}{needed})")


def _sweep(records: list[InputRecord], analyses: list[Analysis], analyzer: Analyzer, as_json: bool) -> None:
    from monitor.analysis.evaluation import Scored, sweep

    scored = [
        Scored(record.id, frozenset(record.labels or ()), {s.conflict: s.score for s in analysis.scores})
        for record, analysis in zip(records, analyses, strict=True)
    ]
    results = sweep(scored, analyzer.conflicts)
    if as_json:
        out(to_json({str(t): result.as_dict() for t, result in results.items()}))
        return
    out(
        f"posts: {len(scored)}; precision / recall at each threshold (current: "
        + ", ".join(f"{c} {analyzer.threshold(c):g}" for c in analyzer.conflicts)
        + ")"
    )
    names = [*next(iter(results.values())).per_conflict, "micro"]
    out(f"{'threshold':<10}" + "".join(f"{name:>22}" for name in names))
    for threshold, result in results.items():
        rows = {**result.per_conflict, "micro": result.micro}
        out(f"{threshold:<10g}" + "".join(f"{_pair(rows[name]):>22}" for name in names))


def _pair(scores: Scores) -> str:
    def pct(value: float | None) -> str:
        return "-" if value is None else f"{value:.3f}"

    return f"{pct(scores.precision)} / {pct(scores.recall)}"


def _print_evaluation(result: Evaluation) -> None:
    def pct(value: float | None) -> str:
        return "     -" if value is None else f"{value:6.3f}"

    out(f"posts: {result.posts}")
    out(f"{'conflict':<24}{'precision':>10}{'recall':>10}{'F1':>10}{'TP':>7}{'FP':>7}{'FN':>7}")
    rows = [*result.per_conflict.items(), ("micro", result.micro)]
    for name, s in rows:
        scores = f"{pct(s.precision):>10}{pct(s.recall):>10}{pct(s.f1):>10}"
        out(f"{name:<24}{scores}{s.tp:>7}{s.fp:>7}{s.fn:>7}")
    out(f"language accuracy: {pct(result.lang_accuracy).strip()} ({result.lang_correct}/{result.lang_total})")


COMMANDS = [analyze, import_, evaluate]

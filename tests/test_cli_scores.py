"""The analyst's dial on the command line: scores in `analyze`, `evaluate --sweep`, `--threshold`, and
`monitor context show|reset` over an imported archive."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from monitor.cli import main

# Own samples: one clear war report, one name without war words, one unrelated post.
POSTS = [
    {"id": 1, "text": "ВСУ обстреляли Белгород ночью, сбиты четыре ракеты.", "labels": ["russia-ukraine"]},
    {"id": 2, "text": "Киев принимает международную выставку цветов.", "labels": []},
    {"id": 3, "text": "Сегодня солнечно, ветер слабый, вечером лёгкий дождь.", "labels": []},
]


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def write(tmp_path: Path, records: list[dict[str, object]]) -> Path:
    path = tmp_path / "posts.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_analyze_prints_each_conflicts_score_threshold_and_evidence(tmp_path: Path) -> None:
    result = run("analyze", write(tmp_path, POSTS))
    lines = [json.loads(line) for line in result.output.splitlines()]

    war = lines[0]["scores"][0]
    assert war["conflict"] == "russia-ukraine" and war["flagged"] and war["score"] >= war["threshold"]
    assert {"kind", "text", "points"} <= set(war["evidence"][0])
    assert lines[0]["conflicts"] == ["russia-ukraine"]
    assert lines[2]["scores"] == []


def test_analyze_evidence_shows_the_words_as_the_post_writes_them(tmp_path: Path) -> None:
    post = {"id": 4, "text": "Под Херсоном снова обстреляли окраины."}
    line = json.loads(run("analyze", write(tmp_path, [post])).output)
    evidence = line["scores"][0]["evidence"]
    # The anchor and its war word as written, not the watchlist's patterns (Херсон{@ru_m}, обстрелял{|а|о|и}).
    assert {"text": "Херсоном", "detail": "обстреляли"}.items() <= evidence[0].items()
    assert not any("{" in e["text"] or "{" in e.get("detail", "") for e in evidence)


def test_a_threshold_option_changes_what_is_flagged(tmp_path: Path) -> None:
    result = run("analyze", write(tmp_path, POSTS[:1]), "--threshold", "russia-ukraine=50")
    line = json.loads(result.output)

    assert line["conflicts"] == [] and line["scores"][0]["threshold"] == 50.0
    refused = CliRunner().invoke(main, ["analyze", str(tmp_path / "posts.jsonl"), "--threshold", "mars=1"])
    assert refused.exit_code == 2 and "unknown conflict 'mars'" in refused.output


def test_evaluate_sweep_prints_precision_and_recall_per_threshold(tmp_path: Path) -> None:
    result = run("evaluate", write(tmp_path, POSTS), "--sweep", "--json")
    sweep = json.loads(result.output)

    assert "0.25" in sweep and "3.0" in sweep
    assert sweep["1.0"]["conflicts"]["russia-ukraine"]["recall"] == 1.0
    assert sweep["3.0"]["conflicts"]["russia-ukraine"]["recall"] < 1.0
    table = run("evaluate", tmp_path / "posts.jsonl", "--sweep").output
    assert "threshold" in table and "micro" in table


def test_context_show_and_reset_on_an_imported_archive(tmp_path: Path) -> None:
    war = [
        {"id": n, "date": f"2025-02-01T10:{n:02d}:00", "channel": "@front_news", "text": POSTS[0]["text"]}
        for n in range(1, 13)
    ]
    archive = tmp_path / "a.db"
    assert run("import", write(tmp_path, war), "--archive", archive).exit_code == 0

    shown = [
        json.loads(line)
        for line in run("context", "show", "--archive", archive, "--json").output.split("\n")
        if line
    ]
    assert shown[0]["channel"] == "front_news" and shown[0]["priors"] == {"russia-ukraine": 1.0}
    assert "reset the learned context of 1 channels" in run("context", "reset", "--archive", archive).output
    assert "no context over 0 posts" in run("context", "show", "--archive", archive).output


def test_an_imported_reply_takes_context_from_the_archived_post_it_answers(tmp_path: Path) -> None:
    first = {"id": 1, "date": "2025-02-01T10:00:00", "channel": "@front_news", "text": POSTS[0]["text"]}
    # A region named without war words in its sentence: evidence, but short of the rules on its own.
    text = "Жителей Курской области просят оставаться дома. Ожидаются новые удары."
    reply = {"id": 2, "date": "2025-02-01T10:05:00", "channel": "@front_news", "text": text, "reply_to": 1}
    alone = {**reply, "id": 3, "reply_to": None}
    archive = tmp_path / "a.db"
    run("import", write(tmp_path, [first]), "--archive", archive)
    run("import", write(tmp_path, [reply, alone]), "--archive", archive)

    exported = run("export", "--archive", archive).output.splitlines()
    conflicts = {record["message_id"]: record["conflicts"] for record in map(json.loads, exported)}
    assert conflicts == {1: ["russia-ukraine"], 2: ["russia-ukraine"], 3: []}


def test_context_commands_refuse_a_missing_archive_and_create_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    result = CliRunner().invoke(main, ["context", "show", "--archive", str(missing)])

    assert result.exit_code == 1 and "no archive at this path" in result.output
    assert not missing.exists()


def test_import_without_context_judges_each_post_on_its_own(tmp_path: Path) -> None:
    first = {"id": 1, "date": "2025-02-01T10:00:00", "channel": "@front_news", "text": POSTS[0]["text"]}
    text = "Жителей Курской области просят оставаться дома. Ожидаются новые удары."
    reply = {"id": 2, "date": "2025-02-01T10:05:00", "channel": "@front_news", "text": text, "reply_to": 1}
    archive = tmp_path / "a.db"
    run("import", write(tmp_path, [first]), "--archive", archive)
    run("import", write(tmp_path, [reply]), "--archive", archive, "--no-context")

    exported = run("export", "--archive", archive).output.splitlines()
    conflicts = {record["message_id"]: record["conflicts"] for record in map(json.loads, exported)}
    assert conflicts == {1: ["russia-ukraine"], 2: []}


# Half the evidence the rules need (a capital and a president, no war word): context decides it.
TALK = "Киев ждёт ответа Москвы, заявил Зеленский."


def front_channel(first: int, count: int, text: str = POSTS[0]["text"]) -> list[dict[str, object]]:
    return [
        {"id": n, "date": f"2025-02-01T10:{n:02d}:00", "channel": "@front", "text": text, "labels": []}
        for n in range(first, first + count)
    ]


def test_evaluate_with_context_learns_it_from_the_channels_earlier_posts(tmp_path: Path) -> None:
    talk = {"id": 59, "date": "2025-02-01T10:59:00", "channel": "@front", "text": TALK}
    labelled = [*front_channel(1, 12), {**talk, "labels": ["russia-ukraine"]}]
    path = write(tmp_path, labelled)

    alone = json.loads(run("evaluate", path, "--json").output)
    learned = json.loads(run("evaluate", path, "--json", "--context").output)

    assert alone["context"] == {"learned": False, "posts_lent_context": 0}
    assert alone["conflicts"]["russia-ukraine"]["fn"] == 1
    assert learned["conflicts"]["russia-ukraine"]["fn"] == 0
    assert learned["context"]["posts_lent_context"] >= 1
    assert "context: learned from each channel's earlier posts" in run("evaluate", path, "--context").output


def test_evaluate_context_comes_from_earlier_posts_by_date_not_from_labels_or_file_order(
    tmp_path: Path,
) -> None:
    # The talk is dated before the war reports, though written after them: nothing precedes it.
    early_talk = {"id": 0, "date": "2025-02-01T09:00:00", "channel": "@front", "text": TALK}
    # A quiet channel whose posts are labelled war: gold labels teach no context.
    quiet = [
        {**post, "channel": "@quiet", "text": POSTS[2]["text"], "labels": ["russia-ukraine"]}
        for post in front_channel(1, 12)
    ]
    late_quiet_talk = {"id": 59, "date": "2025-02-01T10:59:00", "channel": "@quiet", "text": TALK}
    # The same talk in a post that names no channel.
    loose_talk = {"id": "loose", "text": TALK}
    labelled = [
        *front_channel(1, 12),
        {**early_talk, "labels": ["russia-ukraine"]},
        *quiet,
        {**late_quiet_talk, "labels": ["russia-ukraine"]},
        {**loose_talk, "labels": ["russia-ukraine"]},
    ]

    result = json.loads(
        run("evaluate", write(tmp_path, labelled), "--json", "--mistakes", "--context").output
    )

    missed = {m["id"] for m in result["mistakes"] if m["kind"] == "missed"}
    assert {0, 59, "loose"} <= missed
    # Only @front's last three reports have ten earlier posts (the talk and nine reports) to learn from.
    assert result["context"]["posts_lent_context"] == 3


def test_evaluate_sweep_uses_the_learned_context_too(tmp_path: Path) -> None:
    talk = {"id": 59, "date": "2025-02-01T10:59:00", "channel": "@front", "text": TALK}
    path = write(tmp_path, [*front_channel(1, 12), {**talk, "labels": ["russia-ukraine"]}])

    alone = json.loads(run("evaluate", path, "--sweep", "--json").output)
    learned = json.loads(run("evaluate", path, "--sweep", "--json", "--context").output)

    assert alone["1.0"]["conflicts"]["russia-ukraine"]["fn"] == 1
    assert learned["1.0"]["conflicts"]["russia-ukraine"]["fn"] == 0

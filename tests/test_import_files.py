"""Input files: JSONL, JSON arrays and Telegram Desktop exports, streamed, with malformed records reported."""

from __future__ import annotations

import errno
import html
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.importing import files as inputs
from monitor.importing import json_stream
from monitor.importing.files import InputFileError, InputProblem, InputRecord, read_posts

SAMPLES = Path(__file__).parent / "data" / "samples"


def read(path: Path) -> list[InputRecord | InputProblem]:
    return list(read_posts(path))


def write_lines(tmp_path: Path, lines: list[str], name: str = "posts.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_jsonl_posts_keep_ids_channel_and_date_as_given() -> None:
    first, second, seven, eight = read(SAMPLES / "posts.jsonl")

    assert all(isinstance(r, InputRecord) for r in (first, second, seven, eight))
    assert [r.id for r in (first, second, seven, eight)] == [101, "102", 7, 8]
    assert [r.message_id for r in (first, second, seven, eight)] == [101, 102, 7, 8]
    assert first.channel == "test_feed" and first.date == "2026-02-01T10:00:00+00:00"
    assert first.when == datetime(2026, 2, 1, 10, 0, tzinfo=UTC)
    assert first.location.line == 1 and eight.location.line == 4
    assert InputRecord(first.location, "t", id="a1").message_id is None


def test_a_malformed_line_is_reported_in_place_and_the_rest_read(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path,
        [
            '{"id": 1, "text": "one"}',
            "",
            '{"id": 2, "text": "two"',
            '["not", "an", "object"]',
            '{"id": 3}',
            '{"id": 4, "text": 5}',
            '{"id": 5, "text": "five", "date": "yesterday"}',
            '{"id": 6, "text": "six"}',
        ],
    )

    items = read(path)

    kinds = ["InputRecord", *["InputProblem"] * 4, "InputRecord", "InputRecord"]
    assert [type(i).__name__ for i in items] == kinds
    assert [i.location.line for i in items] == [1, 3, 4, 5, 6, 7, 8]
    reasons = [str(i) for i in items if isinstance(i, InputProblem)]
    assert reasons[0].startswith(f"{path}:3: invalid JSON")
    assert reasons[1] == f"{path}:4: not a JSON object"
    assert reasons[2] == f"{path}:5: no 'text'"
    assert "'text' must be" in reasons[3]


def test_a_malformed_optional_date_keeps_the_post_and_says_why(tmp_path: Path) -> None:
    path = write_lines(tmp_path, ['{"id": 5, "text": "five", "date": "yesterday"}'])

    (record,) = read(path)

    assert isinstance(record, InputRecord) and record.text == "five" and record.when is None
    assert record.date_problem == "'date' 'yesterday' is not an ISO 8601 date"


def test_a_malformed_first_line_does_not_hide_a_jsonl_file(tmp_path: Path) -> None:
    path = write_lines(tmp_path, ["{not json", '{"text": "fine"}'])

    problem, record = read(path)

    assert isinstance(problem, InputProblem) and problem.location.line == 1
    assert isinstance(record, InputRecord) and record.text == "fine"


def test_an_export_written_one_message_per_line_is_read_as_an_export(tmp_path: Path) -> None:
    # As a script writes a small export: each message compact on its own line, the last without a comma.
    path = write_lines(
        tmp_path,
        [
            '{"name": "Harbour desk", "type": "public_channel", "id": 1777000111, "messages": [',
            '{"id": 1, "type": "message", "date": "2026-03-07T10:00:00", "text": "first"},',
            '{"id": 2, "type": "service", "date": "2026-03-07T10:30:00", "text": ""},',
            '{"id": 3, "type": "message", "date": "2026-03-07T11:00:00", "text": "last"}',
            "]}",
        ],
    )

    items = read(path)

    assert [(type(i).__name__, i.text) for i in items] == [("InputRecord", "first"), ("InputRecord", "last")]


def test_jsonl_fields_channel_ids_labels_and_lang(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path,
        [
            '{"message_id": 9, "sender_id": -1001234567890, "channel": "Title", "text": "t", "labels": ["x"],'
            ' "lang": "ru", "date": "2024-09-29T12:00:12+03:00"}',
            '{"id": 10, "channel": "-1009876543210", "text": "t", "date": 1700000000}',
            '{"id": 11, "text": "t", "labels": "x"}',
        ],
    )

    first, second, third = read(path)

    assert isinstance(first, InputRecord) and isinstance(second, InputRecord)
    assert first.channel_id == 1234567890 and first.channel == "Title"
    assert first.labels == ("x",) and first.lang == "ru"
    assert first.when == datetime(2024, 9, 29, 9, 0, 12, tzinfo=UTC)
    assert second.channel_id == 9876543210 and second.when == datetime.fromtimestamp(1700000000, UTC)
    assert isinstance(third, InputProblem) and "'labels'" in third.reason


def test_lone_surrogates_and_bad_bytes_do_not_crash(tmp_path: Path) -> None:
    path = tmp_path / "odd.jsonl"
    path.write_bytes(b'{"id": "x\\udc00", "text": "a\\ud83d b \\ud83d\\ude00"}\n{"text": "bad \xff byte"}\n')

    first, second = read(path)

    assert isinstance(first, InputRecord) and isinstance(second, InputRecord)
    assert first.text == "a\ufffd b \U0001f600" and first.id == "x\ufffd"
    assert second.text == "bad \ufffd byte"
    first.text.encode("utf-8")


def test_telegram_desktop_export_concatenates_entities_and_skips_service_messages() -> None:
    items = read(SAMPLES / "td_export.json")

    assert all(isinstance(i, InputRecord) for i in items)
    entities, escaped, linked = items
    assert (
        isinstance(entities, InputRecord)
        and isinstance(escaped, InputRecord)
        and isinstance(linked, InputRecord)
    )
    assert [entities.id, escaped.id, linked.id] == [2, 3, 4]
    assert entities.text == (
        "Удар по Запорожью: ВСУ и армия России обменялись обстрелами. "
        "Подробнее: https://example.org/news/2 #фронт"
    )
    assert entities.links == ("https://example.org/news/2",)
    assert entities.channel == "Test Frontline Feed" and entities.channel_id == 1555000111
    assert entities.when == datetime(2026, 1, 10, 9, 5, tzinfo=UTC)
    assert entities.location.index == 1 and entities.location.line == 18  # its opening brace
    assert escaped.text == "Coffee & croissants at the new bakery \ufffd on Main Street."
    assert escaped.media_kind == "photo" and escaped.edited == datetime(2026, 1, 10, 10, 30, tzinfo=UTC)
    assert linked.links == ("https://example.org/h",) and linked.forward_origin == "Another Channel"


def td_message(message_id: int, text: object, **extra: object) -> dict[str, object]:
    return {
        "id": message_id,
        "type": "message",
        "date": "2026-01-01T00:00:00",
        "date_unixtime": "1767225600",
        "text": text,
        **extra,
    }


def test_full_account_export_reads_every_chat(tmp_path: Path) -> None:
    export = {
        "about": "Here is the data you requested.",
        "personal_information": {"user_id": 1, "first_name": "A"},
        "chats": {
            "about": "chats",
            "list": [
                {"name": "One", "type": "public_channel", "id": 111, "messages": [td_message(1, "first")]},
                {
                    "name": "Two",
                    "type": "private_channel",
                    "id": 222,
                    "messages": [td_message(5, ["x", "y"])],
                },
            ],
        },
        "left_chats": {"about": "", "list": [{"name": "Old", "id": 333, "messages": [td_message(2, "z")]}]},
    }
    path = tmp_path / "result.json"
    path.write_text(json.dumps(export, indent=1), encoding="utf-8")

    records = read(path)

    assert [(r.channel, r.channel_id, r.id, r.text) for r in records if isinstance(r, InputRecord)] == [
        ("One", 111, 1, "first"),
        ("Two", 222, 5, "xy"),
        ("Old", 333, 2, "z"),
    ]


def test_a_json_array_of_posts_is_read_item_by_item(tmp_path: Path) -> None:
    path = tmp_path / "channel.json"
    path.write_text(
        json.dumps([{"message_id": 1, "text": "a"}, {"nope": 1}, {"message_id": 3, "text": "c"}], indent=2),
        encoding="utf-8",
    )

    first, problem, third = read(path)

    assert isinstance(first, InputRecord) and isinstance(third, InputRecord) and third.id == 3
    assert isinstance(problem, InputProblem) and problem.location.index == 1 and problem.reason == "no 'text'"
    assert str(problem) == f"{path}:6: message #1: no 'text'"  # the line of its opening brace


def test_a_bad_export_message_is_reported_by_index(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    messages = [
        td_message(1, "ok"),
        {"type": "message", "text": "no id"},
        td_message(3, 42),
        td_message(4, "ok"),
    ]
    path.write_text(json.dumps({"name": "C", "id": 1, "messages": messages}), encoding="utf-8")

    items = read(path)

    assert [type(i).__name__ for i in items] == ["InputRecord", "InputProblem", "InputProblem", "InputRecord"]
    assert [i.location.index for i in items] == [0, 1, 2, 3]
    assert "chat 'C' message #1" in str(items[1])


def test_a_bad_export_message_is_reported_at_the_line_where_it_begins(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    messages = [td_message(1, "ok"), td_message(2, 42), td_message(3, "ok")]
    text = json.dumps({"name": "C", "id": 1, "messages": messages}, indent=1)
    path.write_text(text, encoding="utf-8")

    items = read(path)

    (problem,) = [i for i in items if isinstance(i, InputProblem)]
    lines = [line.strip() for line in text.splitlines()]
    begins = lines.index('"id": 2,')  # 0-based index of the line after its "{", so its "{" is line `begins`
    assert lines[begins - 1] == "{" and problem.location.line == begins


def test_broken_json_in_an_export_keeps_what_came_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(json_stream, "CHUNK_CHARS", 64)
    good = ",\n".join(json.dumps(td_message(i, f"post {i}")) for i in range(1, 30))
    path = tmp_path / "result.json"
    path.write_text(
        '{"name": "C", "id": 1, "messages": [\n' + good + ',\n{"id": 30, "text": oops}\n]}', "utf-8"
    )

    items = read(path)

    assert len([i for i in items if isinstance(i, InputRecord)]) == 29
    problem = items[-1]
    assert isinstance(problem, InputProblem)
    assert problem.location.line == 31 and "invalid JSON" in problem.reason


def test_unreadable_and_unknown_files_raise_a_clear_error(tmp_path: Path) -> None:
    not_export = tmp_path / "config.json"
    not_export.write_text('{\n  "settings": {"a": 1}\n}\n', encoding="utf-8")

    for path, words in [
        (tmp_path / "missing.jsonl", "cannot read"),
        (tmp_path, "cannot read"),
        (not_export, "not a post file"),
    ]:
        with pytest.raises(InputFileError, match=words) as caught:
            read(path)
        assert str(caught.value).startswith(str(path))


class _FailingMidway(io.StringIO):
    """A file whose disk fails after its second line, as a flaky network share does."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.lines = 0

    def __next__(self) -> str:
        self.lines += 1
        if self.lines > 2:
            raise OSError(errno.EIO, "Input/output error")
        return super().__next__()


def test_a_read_error_part_way_through_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_lines(tmp_path, [json.dumps({"text": f"post {n}"}) for n in range(5)])
    monkeypatch.setattr(
        inputs, "open", lambda *args, **kwargs: _FailingMidway(path.read_text()), raising=False
    )

    with pytest.raises(InputFileError, match="cannot read: Input/output error") as caught:
        read(path)
    assert str(caught.value).startswith(str(path))


def test_an_empty_file_has_no_posts(tmp_path: Path) -> None:
    assert read(write_lines(tmp_path, [""])) == []


texts = st.one_of(
    st.text(max_size=40),
    st.lists(
        st.one_of(
            st.text(max_size=10), st.builds(lambda t: {"type": "bold", "text": t}, st.text(max_size=10))
        ),
        max_size=4,
    ),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    bodies=st.lists(texts, min_size=1, max_size=8),
    indent=st.sampled_from([None, 1, 2]),
    chunk=st.integers(min_value=1, max_value=40),
    number=st.integers(min_value=10**11, max_value=10**13),
)
def test_streaming_gives_the_same_records_at_any_chunk_size(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    bodies: list[object],
    indent: int | None,
    chunk: int,
    number: int,
) -> None:
    monkeypatch.setattr(json_stream, "CHUNK_CHARS", chunk)
    monkeypatch.setattr(inputs, "_HEAD_CHARS", max(chunk, 2))
    messages = [td_message(i + 1, body, views=number) for i, body in enumerate(bodies)]
    export = {"name": "Chat", "type": "public_channel", "id": number, "messages": messages}
    path = tmp_path / "stream.json"
    path.write_text(json.dumps(export, indent=indent), encoding="utf-8")

    records = read(path)

    expected = [
        html.unescape(body if isinstance(body, str) else "".join(flat(p) for p in body)) for body in bodies
    ]
    assert [r.text for r in records if isinstance(r, InputRecord)] == expected
    assert all(isinstance(r, InputRecord) and r.channel_id == number for r in records)


def flat(piece: object) -> str:
    return piece if isinstance(piece, str) else piece["text"]  # type: ignore[index]


lines = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r\x0b\x0c\x1c\x1d\x1e\x85"),
    max_size=60,
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    garbage=st.lists(
        st.one_of(lines, st.builds(json.dumps, st.dictionaries(st.text(max_size=5), st.text()))), max_size=8
    )
)
def test_any_line_based_garbage_yields_one_item_per_line_and_never_raises(
    tmp_path: Path, garbage: list[str]
) -> None:
    path = tmp_path / "garbage.jsonl"
    path.write_text("\n".join(['{"text": "anchor"}', *garbage]) + "\n", encoding="utf-8")

    items = read(path)

    assert len(items) == 1 + sum(1 for line in garbage if line.strip())
    assert all(isinstance(i, InputRecord | InputProblem) for i in items)


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("date", '"0001-01-01T00:00:00+14:00"', "'date' '0001-01-01T00:00:00+14:00' is out of range in UTC"),
        ("date", "1e300", "'date' 1e+300 is out of range"),
    ],
)
def test_an_out_of_range_date_is_named_and_the_rest_read(
    tmp_path: Path, field: str, value: str, reason: str
) -> None:
    path = write_lines(
        tmp_path, [f'{{"id": 1, "text": "odd", "{field}": {value}}}', '{"id": 2, "text": "ok"}']
    )

    odd, ok = read(path)

    assert isinstance(odd, InputRecord) and odd.when is None and odd.date_problem == reason
    assert isinstance(ok, InputRecord) and ok.text == "ok"


def test_an_export_unix_time_of_twenty_digits_is_named_and_the_rest_read(tmp_path: Path) -> None:
    messages = [
        {"id": 1, "type": "message", "date_unixtime": "9" * 20, "edited_unixtime": "8" * 20, "text": "a"},
        {"id": 2, "type": "message", "date_unixtime": "1768039200", "text": "b"},
    ]
    path = tmp_path / "result.json"
    path.write_text(json.dumps({"name": "Feed", "id": 42, "messages": messages}), encoding="utf-8")

    odd, ok = read(path)

    assert isinstance(odd, InputRecord) and odd.when is None and odd.edited is None
    assert odd.date_problem == f"'date_unixtime' '{'9' * 20}' is out of range"
    assert odd.notes == (f"'edited_unixtime' '{'8' * 20}' is out of range",)
    assert isinstance(ok, InputRecord) and ok.when == datetime.fromtimestamp(1768039200, UTC)


def test_a_channel_id_over_64_bits_is_a_problem_in_place(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path,
        [f'{{"id": 1, "text": "a", "channel_id": {2**64}}}', '{"id": 2, "text": "b", "channel_id": 7}'],
    )

    problem, record = read(path)

    assert str(problem) == f"{path}:1: 'channel_id' {2**64} is out of range (a channel id fits in 64 bits)"
    assert isinstance(record, InputRecord) and record.channel_id == 7


def test_a_deeply_nested_line_is_a_problem_and_the_lines_around_it_are_read(tmp_path: Path) -> None:
    deep = '{"text": ' + "[" * 100_000 + "]" * 100_000 + "}"
    path = write_lines(tmp_path, ['{"id": 1, "text": "first"}', deep, '{"id": 3, "text": "third"}'])

    first, problem, third = read(path)

    assert isinstance(first, InputRecord) and first.text == "first"
    assert str(problem) == f"{path}:2: invalid JSON: nested too deeply to read"
    assert isinstance(third, InputRecord) and third.text == "third"


def test_a_deeply_nested_first_line_does_not_hide_a_jsonl_file(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path, ['{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", '{"id": 2, "text": "second"}']
    )

    problem, second = read(path)

    assert isinstance(problem, InputProblem) and problem.location.line == 1
    assert isinstance(second, InputRecord) and second.text == "second"


def test_a_deeply_nested_array_item_keeps_the_items_before_it(tmp_path: Path) -> None:
    path = tmp_path / "posts.json"
    path.write_text('[{"id": 1, "text": "kept"},\n' + "[" * 100_000 + "]" * 100_000 + "]", encoding="utf-8")

    kept, problem = read(path)

    assert isinstance(kept, InputRecord) and kept.text == "kept"
    assert isinstance(problem, InputProblem) and problem.location.line == 2
    assert "nested too deeply" in problem.reason


def test_invalid_utf8_and_lone_surrogates_are_named_in_the_notes(tmp_path: Path) -> None:
    path = tmp_path / "odd.jsonl"
    path.write_bytes(b'{"id": 1, "text": "a\\ud83d b"}\n{"id": 2, "channel": "x\xffy", "text": "fine"}\n')

    first, second = read(path)

    assert isinstance(first, InputRecord) and isinstance(second, InputRecord)
    assert first.notes == ("'text': invalid UTF-8 or a lone surrogate, replaced by U+FFFD",)
    assert second.notes == ("'channel': invalid UTF-8 or a lone surrogate, replaced by U+FFFD",)
    assert second.channel == "x\ufffdy"

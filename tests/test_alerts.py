"""Alert formatting, digests, pacing, mutes and quiet hours: pure behaviour, checked through Telethon's
own HTML parser so what is asserted is what Telegram would show."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from telethon.extensions import html as tl_html
from telethon.helpers import add_surrogate, del_surrogate
from telethon.tl.types import MessageEntityBold

from monitor.alerts import markup, messages, pacing
from monitor.model import (
    Alert,
    Analysis,
    Channel,
    Conflict,
    ConflictScore,
    Match,
    OutboxItem,
    Post,
    SentMessage,
    StoredPost,
)

POSTED = datetime(2024, 5, 1, 12, 34, tzinfo=UTC)
NEWS = Channel(id=1111, title="News <Daily> & Co", username="newsdaily")
PRIVATE = Channel(id=2222, title="Closed circle")
LINK = re.compile(r"https://t\.me/(?:c/)?\w+/\d+")


def item(
    alert_id: int = 1,
    text: str = "Shelling reported near the border overnight.",
    spans: tuple[tuple[int, int], ...] = ((0, 8),),
    *,
    channel: Channel | None = NEWS,
    message_id: int | None = None,
    conflict: str = "border",
    late: float | None = None,
    claim: int | None = None,
    deleted_at: datetime | None = None,
    revisions: int = 0,
    edit_date: datetime | None = None,
    score: tuple[float, float] | None = None,
) -> OutboxItem:
    message_id = alert_id if message_id is None else message_id
    channel_id = channel.id if channel else 3333
    post = Post(channel_id, message_id, POSTED, text, edit_date=edit_date)
    matches = tuple(Match(conflict, text[s:e], "en", s, e) for s, e in spans)
    scores = (ConflictScore(conflict, *score),) if score else ()
    analysis = Analysis("en", 0.99, matches, (conflict,), scores=scores)
    alert = Alert(alert_id, channel_id, message_id, conflict, "pending", POSTED, late_seconds=late)
    stored = StoredPost(post, channel, analysis, deleted_at, revisions)
    return OutboxItem(alert, stored, Conflict(conflict, f"Conflict {conflict}", "high"), claim, False)


def parse(html: str) -> tuple[str, list]:
    return tl_html.parse(html)


def bold_texts(html: str) -> list[str]:
    plain, entities = parse(html)
    wide = add_surrogate(plain)
    return [
        del_surrogate(wide[e.offset : e.offset + e.length])
        for e in entities
        if isinstance(e, MessageEntityBold)
    ]


def utf16(value: str) -> int:
    return len(value.encode("utf-16-le")) // 2


def test_post_text_and_channel_title_are_escaped():
    hostile = item(text="Attack <script>alert(1)</script> & more", spans=((0, 6),))
    hostile = OutboxItem(
        hostile.alert,
        StoredPost(hostile.post.post, Channel(1111, "<b>T&C</b>", "tc"), hostile.post.analysis, None, 0),
        Conflict("border", "War & <Peace>", "<high>"),
        None,
        False,
    )
    message = messages.format_alert([hostile])
    assert "<script>" not in message and "<b>T&C" not in message
    plain, entities = parse(message)
    assert "Attack <script>alert(1)</script> & more" in plain
    assert "<b>T&C</b> (@tc)" in plain
    assert "War & <Peace>\n" in plain
    assert {type(e) for e in entities} == {MessageEntityBold}


def test_matched_terms_are_bold_exactly_with_overlaps_and_adjacency_joined():
    body = "alpha beta gamma delta epsilon"
    spans = ((0, 5), (3, 10), (10, 16), (23, 30))
    fragment = markup.snippet(body, spans, 400)
    assert bold_texts(f"[{fragment.html}]") == ["alpha beta gamma", "epsilon"]
    assert parse(f"[{fragment.html}]")[0] == f"[{body}]"


def test_snippet_is_a_bounded_window_around_the_first_match():
    body = " ".join(f"word{i}" for i in range(1500))
    start = body.index("word900 ")
    fragment = markup.snippet(body, [(start, start + 7)], messages.SNIPPET_CHARS)
    assert fragment.plain.startswith("…") and fragment.plain.endswith("…")
    assert len(fragment.plain) <= messages.SNIPPET_CHARS + 2
    assert bold_texts(f"[{fragment.html}]") == ["word900"]
    assert fragment.plain.index("word900") < messages.SNIPPET_CHARS // 2


def test_snippet_of_a_short_post_is_the_whole_text():
    assert markup.snippet("short post", [(6, 10)], 400).plain == "short post"


@pytest.mark.parametrize(
    ("channel", "expected"),
    [
        (NEWS, "https://t.me/newsdaily/77"),
        (PRIVATE, "https://t.me/c/2222/77"),
        (None, "https://t.me/c/3333/77"),
    ],
)
def test_alert_carries_the_post_link_once(channel, expected):
    plain, _ = parse(messages.format_alert([item(77, channel=channel)]))
    assert LINK.findall(plain) == [expected]


def test_alert_shows_conflict_channel_time_and_language():
    plain, _ = parse(messages.format_alert([item()]))
    assert "Conflict border\n" in plain and "high" not in plain  # the severity is the same for every post
    assert "News <Daily> & Co (@newsdaily)" in plain
    assert "2024-05-01 12:34 UTC" in plain
    assert " · en" in plain
    assert "late by" not in plain


@pytest.mark.parametrize(
    ("late", "marker"),
    [
        (420, "late by 7 min"),
        (messages.LATE_AFTER_SECONDS, "late by 2 min"),
        (3540, "late by 59 min"),
        (7260, "late by 2 h 1 min"),
        (50_000, "late by 13 h 53 min"),
    ],
)
def test_recovered_posts_are_marked_late(late, marker):
    message = messages.format_alert([item(late=late)])
    assert marker in bold_texts(message)


@pytest.mark.parametrize("late", [0.0, 0.4, 4.9, 20, 119.9])
def test_a_post_caught_up_within_the_late_threshold_is_not_marked_late(late):
    plain, _ = parse(messages.format_alert([item(late=late)]))
    assert "late" not in plain
    digest = messages.format_message([[item(1, late=late)], [item(2, late=late)]])
    assert "late" not in parse(digest)[0]


@pytest.mark.parametrize(
    ("score", "label"),
    [
        ((2.5, 1.0), "Conflict border (score 2.5 / 1)"),
        ((1.3333, 1.25), "Conflict border (score 1.33 / 1.25)"),
    ],
)
def test_the_strength_is_the_posts_score_against_its_threshold(score, label):
    plain, _ = parse(messages.format_alert([item(score=score)]))
    assert label in plain and "high" not in plain


def test_two_posts_of_one_conflict_show_their_own_strengths():
    digest = messages.format_message([[item(1, score=(3.0, 1.0))], [item(2, score=(1.0, 1.0))]])
    plain, _ = parse(digest)
    assert "(score 3 / 1)" in plain and "(score 1 / 1)" in plain


def test_the_alert_names_the_matched_words_as_the_post_spells_them():
    body = "Обстрел Херсона ночью. В ХЕРСОНА снова тревога, Херсон без света."
    spans = tuple((m.start(), m.end()) for m in re.finditer(r"(?i)херсон\w*", body))
    plain, _ = parse(messages.format_alert([item(text=body, spans=spans)]))
    assert "matched: Херсона, Херсон\n" in plain  # once each, ignoring case, in text order
    assert bold_texts(messages.format_alert([item(text=body, spans=spans)]))[-3:] == [
        "Херсона",
        "ХЕРСОНА",
        "Херсон",
    ]


def test_matched_words_outside_the_snippet_are_still_named():
    body = "border " + "filler " * 200 + "frontline"
    spans = ((0, 6), (len(body) - 9, len(body)))
    plain, _ = parse(messages.format_alert([item(text=body, spans=spans)]))
    assert "matched: border, frontline" in plain
    assert plain.count("frontline") == 1  # only in the matched line: the snippet window ends before it


def test_the_matched_line_is_bounded_however_many_words_matched():
    words = [f"word{i}" * 20 for i in range(30)]
    body = " ".join(words)
    spans = tuple((body.index(w), body.index(w) + len(w)) for w in words)
    plain, _ = parse(messages.format_alert([item(text=body, spans=spans)]))
    (line,) = [row for row in plain.splitlines() if row.startswith("matched: ")]
    assert line.endswith(f" and {30 - messages.MATCHED_WORDS} more")
    assert line.count(", ") == messages.MATCHED_WORDS - 1
    assert len(line) < messages.MATCHED_WORDS * (messages.MATCHED_WORD_CHARS + 2) + 40


def test_an_alert_without_matches_has_no_matched_line():
    plain, _ = parse(messages.format_alert([item(spans=())]))
    assert "matched:" not in plain


def test_one_post_with_two_conflicts_is_one_alert():
    both = [item(1, message_id=5, conflict="border"), item(2, message_id=5, conflict="energy")]
    plan = pacing.plan(both, tokens=3, digest_after=5, mutes={})
    assert [d.alert_ids for d in plan.deliveries] == [(1, 2)]
    plain, _ = parse(plan.deliveries[0].html)
    assert "Conflict border, Conflict energy" in plain
    assert len(LINK.findall(plain)) == 1


def test_edited_alert_shows_the_new_text_and_deleted_alert_keeps_the_original():
    edited = item(text="Now: drones over the border", spans=((11, 17),), revisions=1, edit_date=POSTED)
    plain, _ = parse(messages.format_alert([edited]))
    assert "✏️ edited at 2024-05-01 12:34 UTC" in plain and "Now: drones over the border" in plain
    deleted = item(text="Original words kept", deleted_at=POSTED + timedelta(hours=1))
    plain, _ = parse(messages.format_alert([deleted]))
    assert "deleted at 2024-05-01 13:34 UTC" in plain and "Original words kept" in plain
    assert len(LINK.findall(plain)) == 1


def test_update_note_for_a_digested_post_has_no_link():
    for changed in (item(revisions=1, edit_date=POSTED), item(deleted_at=POSTED)):
        plain, _ = parse(messages.format_update_note([changed]))
        assert not LINK.search(plain)
        assert "post 1 of 2024-05-01 12:34 UTC" in plain


def test_longest_fields_stay_within_the_message_limit():
    astral = "\U0001f525" * 4096
    huge = item(text=astral, spans=((2000, 2100),), channel=Channel(9, astral, "u"))
    huge = OutboxItem(huge.alert, huge.post, Conflict("x", astral, astral), None, False)
    many = [
        OutboxItem(
            item(i, message_id=1, conflict=f"c{i}").alert,
            huge.post,
            Conflict(f"c{i}", astral, "high"),
            None,
            False,
        )
        for i in range(8)
    ]
    for units in ([[huge]], [many]):
        plain, _ = parse(messages.format_message(units))
        assert utf16(plain) <= messages.MESSAGE_LIMIT
        assert LINK.search(plain)


def test_token_bucket_allows_a_burst_then_the_rate():
    now = [100.0]
    bucket = pacing.TokenBucket(per_minute=20, burst=3, clock=lambda: now[0])
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]
    assert bucket.wait_seconds() == pytest.approx(3.0)
    now[0] += 2.9
    assert not bucket.take()
    now[0] += 0.1
    assert bucket.take()
    now[0] += 3600
    assert bucket.tokens == 3
    bucket.empty()
    assert bucket.tokens == 0 and bucket.wait_seconds() == pytest.approx(3.0)


def test_token_bucket_rejects_a_useless_policy():
    with pytest.raises(ValueError):
        pacing.TokenBucket(per_minute=0, burst=3)


def test_short_queue_goes_out_as_single_alerts_while_tokens_allow():
    queue = [item(i) for i in range(1, 5)]
    plan = pacing.plan(queue, tokens=3, digest_after=5, mutes={})
    assert [d.alert_ids for d in plan.deliveries] == [(1,), (2,), (3,)]
    assert not any(d.digest for d in plan.deliveries)


def test_no_tokens_means_everything_waits():
    assert pacing.plan([item(1)], tokens=0, digest_after=5, mutes={}).deliveries == ()


def drain(queue, tokens, digest_after):
    """Run plan after plan, as the sender would, until the queue is empty; return every delivery."""
    sent = []
    while queue:
        plan = pacing.plan(queue, tokens=tokens, digest_after=digest_after, mutes={})
        assert plan.deliveries, "a non-empty queue with tokens must make progress"
        sent += plan.deliveries
        done = {alert_id for d in plan.deliveries for alert_id in d.alert_ids}
        queue = [q for q in queue if q.alert.id not in done]
    return sent


@pytest.mark.parametrize(("count", "tokens"), [(6, 3), (40, 3), (400, 1), (400, 2)])
def test_a_burst_is_folded_into_digests_that_drop_nothing_and_repeat_no_link(count, tokens):
    body = "Long report " * 30 + "border clash" + " more text" * 30
    start = body.index("border")
    queue = [item(i, text=body, spans=((start, start + 6),)) for i in range(1, count + 1)]
    sent = drain(queue, tokens, digest_after=5)
    assert sorted(i for d in sent for i in d.alert_ids) == list(range(1, count + 1))
    links = Counter()
    for d in sent:
        plain, _ = parse(d.html)
        assert utf16(plain) <= messages.MESSAGE_LIMIT
        links.update(LINK.findall(plain))
    assert len(links) == count and set(links.values()) == {1}
    assert any(d.digest for d in sent)


def test_digest_parts_are_numbered():
    body = "x" * 300 + " border " + "y" * 300
    queue = [item(i, text=body, spans=((301, 307),)) for i in range(1, 60)]
    plan = pacing.plan(queue, tokens=20, digest_after=5, mutes={})
    parts = len(plan.deliveries)
    assert parts > 1
    assert f"(part {parts}/{parts})" in parse(plan.deliveries[-1].html)[0]


def test_muted_conflicts_are_suppressed_not_sent():
    queue = [item(1, conflict="border"), item(2, conflict="energy"), item(3, conflict="sea")]
    until = POSTED + timedelta(hours=2)
    plan = pacing.plan(queue, tokens=3, digest_after=5, mutes={"energy": until}, config_muted=("sea",))
    assert [d.alert_ids for d in plan.deliveries] == [(1,)]
    assert plan.suppressed == {"muted until 2024-05-01 14:34 UTC": (2,), "muted in config": (3,)}


def test_quiet_hours_hold_new_alerts_but_finish_claimed_sends():
    queue = [item(1, claim=77), item(2)]
    plan = pacing.plan(queue, tokens=3, digest_after=5, mutes={}, quiet=True)
    assert [(d.alert_ids, d.random_id) for d in plan.deliveries] == [((1,), 77)]


def test_claimed_alerts_are_resent_as_grouped_with_their_random_id_before_new_ones():
    queue = [item(5), item(1, claim=42), item(2, claim=42), item(3, claim=43, message_id=9)]
    plan = pacing.plan(queue, tokens=2, digest_after=5, mutes={"border": POSTED})
    assert [(d.alert_ids, d.random_id, d.digest) for d in plan.deliveries] == [
        ((1, 2), 42, True),
        ((3,), 43, False),
    ]
    assert plan.suppressed == {"muted until 2024-05-01 12:34 UTC": (5,)}


@pytest.mark.parametrize(
    ("clock", "quiet", "expected"),
    [
        (time(23, 30), (time(23, 0), time(7, 0)), True),
        (time(6, 59), (time(23, 0), time(7, 0)), True),
        (time(7, 0), (time(23, 0), time(7, 0)), False),
        (time(12, 0), (time(9, 0), time(17, 0)), True),
        (time(17, 0), (time(9, 0), time(17, 0)), False),
        (time(3, 0), None, False),
    ],
)
def test_quiet_hours_may_wrap_midnight(clock, quiet, expected):
    now = datetime.combine(POSTED.date(), clock, tzinfo=UTC)
    assert pacing.in_quiet_hours(now, quiet) is expected


def test_summary_counts_conflicts_and_channels_escaped():
    message = messages.format_summary(
        "Daily summary",
        POSTED - timedelta(days=1),
        POSTED,
        posts=120,
        per_conflict={"War & <Peace>": 7, "Energy": 9},
        per_channel={"@newsdaily": 100, "<b>odd</b>": 20},
    )
    plain, _ = parse(message)
    assert "Posts: 120" in plain
    assert plain.index("Energy") < plain.index("War & <Peace>")
    assert "<b>odd</b>" in plain and "<b>odd" not in message


def test_summary_of_many_channels_fits_one_message():
    per_channel = {f"channel_{i:04d}_" + "n" * 100: i for i in range(500)}
    plain, _ = parse(messages.format_summary("Daily", POSTED, POSTED, 1, {}, per_channel))
    assert utf16(plain) <= messages.MESSAGE_LIMIT
    assert "channel_0499" in plain


texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=1200)


@st.composite
def post_with_spans(draw):
    body = draw(texts)
    bounds = st.integers(0, len(body))
    spans = draw(st.lists(st.tuples(bounds, bounds).map(sorted).map(tuple), max_size=6))
    return body, spans


@settings(max_examples=300, deadline=None)
@given(post_with_spans(), texts.filter(lambda t: t.strip()))
def test_any_text_gives_html_telegram_parses_with_the_link(post, title):
    body, spans = post
    alert = item(text=body, spans=(), channel=Channel(1111, title, "newsdaily"))
    alert = OutboxItem(
        alert.alert,
        StoredPost(
            alert.post.post,
            alert.post.channel,
            Analysis("en", 1.0, tuple(Match("border", "", "en", s, e) for s, e in spans)),
            None,
            0,
        ),
        alert.conflict,
        None,
        False,
    )
    plain, _ = parse(messages.format_alert([alert]))
    assert plain.endswith("https://t.me/newsdaily/1")
    assert utf16(plain) <= messages.MESSAGE_LIMIT


@settings(max_examples=300, deadline=None)
@given(post_with_spans())
def test_bold_runs_are_exactly_the_matched_text(post):
    body, spans = post
    fragment = markup.snippet(body, spans, messages.SNIPPET_CHARS)
    plain, _ = parse(f"[{fragment.html}]")
    assert plain == f"[{fragment.plain}]"
    start, end = markup.snippet_window(body, markup.merge_spans(spans, len(body)), messages.SNIPPET_CHARS)
    visible = [(max(s, start), min(e, end)) for s, e in markup.merge_spans(spans, len(body))]
    assert bold_texts(f"[{fragment.html}]") == [body[s:e] for s, e in visible if s < e]


def sent(
    alert: OutboxItem, message_id: int | None, *, digest: bool = False, needs_update: bool = True
) -> OutboxItem:
    done = replace(alert.alert, status="sent", sent_message_id=message_id)
    return replace(alert, alert=done, claim_random_id=1000, needs_update=needs_update, digest=digest)


def test_a_single_alert_is_edited_in_place_after_an_edit():
    changed = item(text="Edited: border closed", spans=((8, 14),), revisions=1, edit_date=POSTED)
    (update,) = pacing.plan_updates([sent(changed, 55)])
    assert update.message_id == 55 and update.alert_ids == (1,)
    assert "Edited: border closed" in parse(update.edit_html)[0]
    assert len(LINK.findall(parse(update.edit_html)[0])) == 1


def test_a_digested_or_unidentified_alert_gets_a_note_without_the_link():
    deleted = item(deleted_at=POSTED)
    for message_id, digest in ((55, True), (None, False)):
        (update,) = pacing.plan_updates([sent(deleted, message_id, digest=digest)])
        assert update.edit_html is None and update.message_id == message_id
        assert not LINK.search(parse(update.note_html)[0])


def test_updates_group_a_posts_conflicts_and_notes_are_idempotent_per_change():
    both = [sent(item(1, message_id=9), 70), sent(item(2, message_id=9, conflict="sea"), 70)]
    (update,) = pacing.plan_updates(both)
    assert update.alert_ids == (1, 2)
    again = pacing.plan_updates(both)[0]
    later = pacing.plan_updates([replace(i, post=replace(i.post, revisions=2)) for i in both])[0]
    assert again.random_id == update.random_id != later.random_id


def test_a_conflict_joining_a_sent_alert_rewrites_it_naming_every_conflict():
    shown = sent(item(1, message_id=9), 70, needs_update=False)
    added = sent(item(2, message_id=9, conflict="sea", revisions=1), 70)
    (update,) = pacing.plan_updates([shown, added])
    assert update.alert_ids == (2,) and update.message_id == 70
    plain = parse(update.edit_html)[0]
    assert "Conflict border, Conflict sea" in plain
    assert len(LINK.findall(plain)) == 1
    assert "Conflict sea" in parse(update.note_html)[0]
    assert pacing.plan_updates([shown]) == []
    assert pacing.plan_updates([sent(item(1, message_id=9), 70), added])[0].random_id != update.random_id


def test_an_alert_whose_post_has_a_sent_message_is_attached_to_it_not_sent():
    earlier = SentMessage(chat_id=-100, message_id=70, digest=False)
    added = replace(item(2, message_id=9, conflict="sea"), earlier_message=earlier)
    elsewhere = replace(item(3, message_id=8), earlier_message=SentMessage(-200, 50, False))
    plan = pacing.plan([added, elsewhere], tokens=3, digest_after=5, mutes={}, chat_id=-100)
    assert plan.attached == (pacing.Attachment((2,), earlier),)
    assert [d.alert_ids for d in plan.deliveries] == [(3,)]
    assert pacing.plan([added], tokens=3, digest_after=5, mutes={}, quiet=True).attached == ()
    muted = pacing.plan([added], tokens=3, digest_after=5, mutes={}, config_muted=("sea",))
    assert muted.attached == () and muted.suppressed == {"muted in config": (2,)}


def test_an_alert_waits_while_a_send_of_its_post_is_claimed():
    plan = pacing.plan(
        [item(1, claim=77), item(2, message_id=1, conflict="sea")], tokens=3, digest_after=5, mutes={}
    )
    assert [d.alert_ids for d in plan.deliveries] == [(1,)] and plan.attached == ()


def test_summary_from_store_stats():
    stats = {
        "posts": 12,
        "channels": [
            {"id": 5, "username": "newsdaily", "title": "N", "posts": 10},
            {"id": 6, "title": "P", "posts": 2},
        ],
        "conflicts": {"border": 4},
    }
    plain, _ = parse(messages.summary_from_stats("Summary", POSTED - timedelta(hours=1), POSTED, stats))
    assert "Posts: 12" in plain and "@newsdaily" in plain and "border" in plain
    assert re.search(r"\b2\s+P\b", plain)
    assert not LINK.search(plain)


# -- surges: digests that grow with the backlog, within Telegram's limits ---------------------------------

DENSE = "Border shelling: " + " ".join(f"border{i} town{i} 🚀" for i in range(60))


def within_telegram_limits(delivery: pacing.Delivery) -> None:
    plain, entities = parse(delivery.html)
    links = len(re.findall(r"https://", plain))
    assert utf16(plain) <= messages.MESSAGE_LIMIT
    assert len(entities) + links <= messages.ENTITY_LIMIT


def surge(posts: int, *, late_from: int | None = None) -> list[list[OutboxItem]]:
    spans = tuple((m.start(), m.end()) for m in re.finditer(r"border\d*", DENSE))
    items = [
        item(i, DENSE, spans, late=600.0 if late_from is not None and i >= late_from else None)
        for i in range(1, posts + 1)
    ]
    return messages.group_by_post(items)


def test_a_post_matching_everywhere_stays_within_the_entity_limit_alone():
    (single,) = pacing.fresh_deliveries(surge(1), tokens=1, digest_after=5)
    within_telegram_limits(single)
    assert len(bold_texts(single.html)) <= markup.MAX_BOLD_SPANS + 1  # + the conflict name


@pytest.mark.parametrize(("posts", "tokens"), [(12, 3), (40, 1), (150, 3), (400, 2)])
def test_a_backlog_folds_into_the_messages_tokens_allow_each_within_telegram_limits(posts: int, tokens: int):
    deliveries = pacing.fresh_deliveries(surge(posts), tokens=tokens, digest_after=5)
    assert 1 <= len(deliveries) <= tokens
    for delivery in deliveries:
        within_telegram_limits(delivery)
    sent = [alert_id for delivery in deliveries for alert_id in delivery.alert_ids]
    assert sent == list(range(1, len(sent) + 1)), "oldest first, none twice"
    capacity = tokens * 60  # a dense digest carries about 60 posts in 4096 UTF-16 units
    assert len(sent) >= min(posts, capacity)


def test_digests_show_less_of_each_post_only_as_the_backlog_requires():
    (calm,) = pacing.fresh_deliveries(surge(8), tokens=1, digest_after=5)
    (busy,) = pacing.fresh_deliveries(surge(50), tokens=1, digest_after=5)
    assert "town0" in parse(calm.html)[0]  # the snippet is there while it fits
    assert "town0" not in parse(busy.html)[0] and len(busy.alert_ids) == 50


def test_the_densest_digest_still_marks_the_posts_recovered_late():
    (busy,) = pacing.fresh_deliveries(surge(50, late_from=40), tokens=1, digest_after=5)
    plain = parse(busy.html)[0]
    assert "town0" not in plain, "the densest style"
    assert plain.count("late by 10 min") == 11

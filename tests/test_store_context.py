"""The archive's side of scores and context: scores round-trip, priors are learned, shown, reset and
rebuilt, and replies and forwards find the flags of the post they answer; on both backends."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor.model import CONTEXT_OFF, NO_CONTEXT, Analysis, ChannelContext, ConflictScore, Evidence, Post
from monitor.store import Location, Store, open_archive
from monitor.store.learning import CONTEXT_WINDOW, MIN_POSTS, learn, parent_key

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
WAR = "russia-ukraine"


def post(message_id: int, channel_id: int = 7, text: str = "Утренняя сводка", **fields: object) -> Post:
    return Post(channel_id, message_id, T0 + timedelta(minutes=message_id), text, **fields)  # type: ignore[arg-type]


def flagged(*conflicts: str) -> Analysis:
    scores = tuple(
        ConflictScore(c, 1.5, 1.0, (Evidence("places", "Покровск", 1.0), Evidence("partial", "ВСУ", 0.5)))
        for c in conflicts
    )
    return Analysis("ru", 0.9, (), conflicts, "w1", scores)


@pytest.fixture
async def store(archive_location: Location):
    opened = await open_archive(archive_location)
    yield opened
    await opened.close()


async def history(store: Store, flags: list[bool], channel_id: int = 7) -> None:
    await store.save(
        [(post(n + 1, channel_id), flagged(WAR) if hit else flagged()) for n, hit in enumerate(flags)],
        alert=False,
    )


async def test_scores_and_their_evidence_round_trip_through_the_archive(store: Store) -> None:
    analysis = flagged(WAR)
    await store.save([(post(1, reply_to=None), analysis)], alert=False)
    stored = await store.get_post(7, 1)

    assert stored is not None and stored.analysis is not None
    assert stored.analysis.scores == analysis.scores
    assert stored.analysis.score_of(WAR).flagged  # type: ignore[union-attr]


async def test_an_edit_replaces_the_scores(store: Store) -> None:
    await store.save([(post(1), flagged(WAR))], alert=False)
    await store.save([(post(1, text="Поправка", edit_date=T0 + timedelta(hours=1)), flagged())], alert=False)
    stored = await store.get_post(7, 1)

    assert stored is not None and stored.analysis is not None and stored.analysis.scores == ()


def test_priors_are_the_share_of_recent_posts_and_need_enough_of_them() -> None:
    assert learn([(WAR,)] * (MIN_POSTS - 1)) == ()
    recent = [(WAR,)] * 3 + [()] * 7 + [(WAR,)] * CONTEXT_WINDOW
    assert learn(recent) == ((WAR, round((3 + CONTEXT_WINDOW - 10) / CONTEXT_WINDOW, 3)),)


async def test_a_channel_that_mostly_posts_about_a_war_has_learned_it(store: Store) -> None:
    await history(store, [True] * 12 + [False] * 4)
    context = (await store.context.for_posts([post(100)]))[0]

    assert context.source == "learned"
    assert context.prior(WAR) == pytest.approx(12 / 16, abs=0.001)
    other = (await store.context.for_posts([post(100, channel_id=8)]))[0]
    assert other == NO_CONTEXT


async def test_fixed_context_wins_and_learning_can_be_off(store: Store) -> None:
    await history(store, [True] * 12)
    fixed = ChannelContext(((WAR, 0.2),), source="config")
    reply = post(100, reply_to=1)
    assert (await store.context.for_posts([reply], {7: fixed}))[0] == replace(fixed, parent=(WAR,))
    assert (await store.context.for_posts([reply], learn=False))[0] == CONTEXT_OFF
    assert (await store.context.for_posts([reply], {7: CONTEXT_OFF}))[0] == CONTEXT_OFF


async def test_show_lists_what_was_learned_and_reset_forgets_it(store: Store) -> None:
    await history(store, [True] * 12)
    shown = await store.context.show()
    assert [(row["channel_id"], row["priors"], row["posts"]) for row in shown] == [(7, {WAR: 1.0}, 12)]

    assert await store.context.reset(7) == 1
    assert (await store.context.for_posts([post(100)]))[0] == NO_CONTEXT
    await store.save([(post(20 + n), flagged()) for n in range(MIN_POSTS)], alert=False)
    relearned = (await store.context.for_posts([post(100)]))[0]
    assert relearned.prior(WAR) == 0.0 and (await store.context.show())[0]["posts"] == MIN_POSTS


@pytest.mark.parametrize("damage", ["priors = 'not json{'", "reset_after = -3", "DELETE"])
async def test_a_missing_or_corrupt_learned_context_is_rebuilt(store: Store, damage: str) -> None:
    await history(store, [True] * 12)
    await store.context.show()
    sql = "DELETE FROM channel_context" if damage == "DELETE" else f"UPDATE channel_context SET {damage}"
    async with store._database.write() as db:
        await db.execute(sql)

    context = (await store.context.for_posts([post(100)]))[0]
    assert context.prior(WAR) == 1.0
    assert (await store.context.show())[0]["priors"] == {WAR: 1.0}


async def test_a_reply_or_forward_takes_the_flags_of_the_post_it_answers(store: Store) -> None:
    await store.save([(post(1), flagged(WAR)), (post(5, channel_id=9), flagged(WAR))], alert=False)
    reply = post(2, reply_to=1)
    forward = post(3, forward_origin="channel:9/5")
    unknown = post(4, reply_to=999)
    contexts = await store.context.for_posts([reply, forward, unknown])

    assert [c.parent for c in contexts] == [(WAR,), (WAR,), ()]


async def test_a_reset_mark_that_is_not_a_number_is_read_as_none(tmp_path: Path) -> None:
    """The file's columns take any value (a PostgreSQL column refuses this one)."""
    async with await Store.open(tmp_path / "archive.db") as store:
        await history(store, [True] * 12)
        await store.context.show()
        async with store._database.write() as db:
            await db.execute("UPDATE channel_context SET reset_after = 'soon'")

        assert (await store.context.for_posts([post(100)]))[0].prior(WAR) == 1.0


def test_only_channel_forwards_with_a_post_id_have_a_parent() -> None:
    assert parent_key(post(2, forward_origin="channel:9")) is None
    assert parent_key(post(2, forward_origin="user:5")) is None
    assert parent_key(post(2, forward_origin="channel:9/5")) == (9, 5)
    assert parent_key(post(2, reply_to=1)) == (7, 1)

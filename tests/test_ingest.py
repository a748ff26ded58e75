"""Telethon messages become archive posts: every field the archive keeps survives the conversion."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from telethon.tl import types

from monitor.model import Post
from monitor.telegram.ingest import (
    LiveItem,
    channel_from_entity,
    event_channel_id,
    forward_origin,
    links_of,
    live_groups,
    media_kind,
    reactions_of,
    to_post,
)

CHANNEL = 1357924680
WHEN = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)


def message(**fields: object) -> types.Message:
    defaults: dict[str, object] = {
        "id": 42,
        "peer_id": types.PeerChannel(CHANNEL),
        "date": WHEN,
        "message": "",
    }
    defaults.update(fields)
    return types.Message(**defaults)  # type: ignore[arg-type]


def document(*attributes: object) -> types.Document:
    return types.Document(
        id=1,
        access_hash=2,
        file_reference=b"",
        date=WHEN,
        mime_type="x",
        size=1,
        dc_id=2,
        attributes=list(attributes),
    )


def test_plain_post_keeps_identity_text_and_counters() -> None:
    post = to_post(
        message(
            message="Обстрел Харькова этой ночью",
            views=1500,
            forwards=12,
            replies=types.MessageReplies(replies=7, replies_pts=1),
            edit_date=datetime(2026, 3, 1, 13, 0, tzinfo=UTC),
            grouped_id=99,
        ),
        CHANNEL,
    )
    assert (post.channel_id, post.message_id, post.date) == (CHANNEL, 42, WHEN)
    assert post.text == "Обстрел Харькова этой ночью"
    assert (post.views, post.forwards, post.replies, post.grouped_id) == (1500, 12, 7, 99)
    assert post.edit_date == datetime(2026, 3, 1, 13, 0, tzinfo=UTC)
    assert post.media_kind is None and post.forward_origin is None and post.links == ()


def test_naive_dates_are_taken_as_utc() -> None:
    post = to_post(message(date=datetime(2026, 3, 1, 12, 30)), CHANNEL)
    assert post.date.tzinfo is not None and post.date == WHEN


def test_media_only_post_has_empty_text() -> None:
    post = to_post(message(message=None, media=types.MessageMediaPhoto()), CHANNEL)
    assert post.text == "" and post.media_kind == "photo"


def test_reactions_keep_emoji_custom_and_paid_counts() -> None:
    reactions = types.MessageReactions(
        results=[
            types.ReactionCount(reaction=types.ReactionEmoji("🔥"), count=30),
            types.ReactionCount(reaction=types.ReactionCustomEmoji(document_id=555), count=4),
            types.ReactionCount(reaction=types.ReactionPaid(), count=2),
        ]
    )
    assert reactions_of(reactions) == (("🔥", 30), ("custom:555", 4), ("paid", 2))
    assert reactions_of(None) == ()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            types.MessageFwdHeader(date=WHEN, from_id=types.PeerChannel(777), channel_post=15),
            "channel:777/15",
        ),
        (types.MessageFwdHeader(date=WHEN, from_id=types.PeerChannel(777)), "channel:777"),
        (types.MessageFwdHeader(date=WHEN, from_id=types.PeerUser(31)), "user:31"),
        (types.MessageFwdHeader(date=WHEN, from_name="Hidden Sender"), "Hidden Sender"),
        (None, None),
    ],
)
def test_forward_origin(header: types.MessageFwdHeader | None, expected: str | None) -> None:
    assert forward_origin(header) == expected


def test_forwarded_post_keeps_its_origin() -> None:
    header = types.MessageFwdHeader(date=WHEN, from_id=types.PeerChannel(2468), channel_post=3)
    assert to_post(message(message="x", fwd_from=header), CHANNEL).forward_origin == "channel:2468/3"


def test_a_reply_keeps_the_id_of_the_post_it_answers_in_the_same_channel() -> None:
    same = types.MessageReplyHeader(reply_to_msg_id=40)
    other = types.MessageReplyHeader(reply_to_msg_id=40, reply_to_peer_id=types.PeerChannel(2468))
    assert to_post(message(message="x", reply_to=same), CHANNEL).reply_to == 40
    assert to_post(message(message="x", reply_to=other), CHANNEL).reply_to is None
    assert to_post(message(message="x"), CHANNEL).reply_to is None


@pytest.mark.parametrize(
    ("media", "kind"),
    [
        (types.MessageMediaDocument(document=document(types.DocumentAttributeVideo(1.0, 640, 480))), "video"),
        (types.MessageMediaDocument(voice=True, document=document(types.DocumentAttributeAudio(3))), "voice"),
        (types.MessageMediaDocument(document=document(types.DocumentAttributeAudio(3))), "audio"),
        (
            types.MessageMediaDocument(
                document=document(
                    types.DocumentAttributeSticker(alt="x", stickerset=types.InputStickerSetEmpty()),
                )
            ),
            "sticker",
        ),
        (types.MessageMediaDocument(document=document(types.DocumentAttributeFilename("a.pdf"))), "document"),
        (types.MessageMediaGeo(geo=types.GeoPointEmpty()), "geo"),
        (types.MessageMediaEmpty(), None),
        (None, None),
    ],
)
def test_media_kind(media: object, kind: str | None) -> None:
    assert media_kind(media) == kind


def test_links_are_sliced_in_utf16_units_and_text_links_kept() -> None:
    # The emoji before the URL is two UTF-16 units: a slice in code points would be off by one.
    text = "🔥 see https://example.org/a and details"
    offset = len("🔥 see ".encode("utf-16-le")) // 2
    entities = [
        types.MessageEntityUrl(offset=offset, length=len("https://example.org/a")),
        types.MessageEntityTextUrl(offset=0, length=2, url="https://t.me/other/5"),
        types.MessageEntityBold(offset=0, length=2),
        types.MessageEntityUrl(offset=offset, length=len("https://example.org/a")),
    ]
    assert links_of(text, entities) == ("https://example.org/a", "https://t.me/other/5")


def test_post_links_come_from_entities() -> None:
    text = "Read https://news.example/x"
    entity = types.MessageEntityUrl(offset=5, length=22)
    assert to_post(message(message=text, entities=[entity]), CHANNEL).links == ("https://news.example/x",)


def test_channel_record_keeps_access_hash() -> None:
    entity = types.Channel(
        id=CHANNEL,
        title="<b>Frontline</b>",
        photo=types.ChatPhotoEmpty(),
        date=WHEN,
        username="frontline",
        access_hash=-987654321,
    )
    channel = channel_from_entity(entity)
    assert (channel.id, channel.title, channel.username, channel.access_hash) == (
        CHANNEL,
        "<b>Frontline</b>",
        "frontline",
        -987654321,
    )


def test_event_chat_ids_are_unmarked_and_non_channels_ignored() -> None:
    assert event_channel_id(-1001357924680) == 1357924680
    assert event_channel_id(12345) is None
    assert event_channel_id(None) is None


def test_live_events_are_stored_in_order_grouped_by_kind_across_channels_each_message_once_a_group() -> None:
    def post(channel: int, message_id: int) -> LiveItem:
        return LiveItem(
            channel, Post(channel, message_id, datetime(2024, 5, 1, tzinfo=UTC), "текст"), (), None
        )

    def gone(channel: int, *ids: int) -> LiveItem:
        return LiveItem(channel, None, ids, None)

    items = [post(1, 10), post(1, 11), post(1, 10), post(2, 5), gone(2, 5), gone(2, 6), post(1, 12)]
    groups = live_groups(items)
    shapes = [[(i.channel_id, i.post.message_id if i.post else i.deleted) for i in g] for g in groups]
    assert shapes == [
        [(1, 10), (1, 11)],
        [(1, 10), (2, 5)],  # the edit of post 10 is stored after the post, not merged with it
        [(2, (5,)), (2, (6,))],
        [(1, 12)],
    ]
    assert [item for group in groups for item in group] == items

"""The help.getConfig answer of the sandbox: one data centre (2) at the sandbox's own address."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from telethon.tl.types import Config, DcOption

SANDBOX_DC = 2


def make_config(host: str, port: int, *, now: datetime | None = None) -> Config:
    """A complete Config (every required field, Telegram-like limits) pointing clients back at the sandbox."""
    now = now or datetime.now(UTC)
    return Config(
        date=now,
        expires=now + timedelta(hours=1),
        test_mode=False,
        this_dc=SANDBOX_DC,
        dc_options=[DcOption(id=SANDBOX_DC, ip_address=host, port=port, static=True)],
        dc_txt_domain_name="sandbox.invalid",
        chat_size_max=200,
        megagroup_size_max=200000,
        forwarded_count_max=100,
        online_update_period_ms=210000,
        offline_blur_timeout_ms=5000,
        offline_idle_timeout_ms=30000,
        online_cloud_timeout_ms=300000,
        notify_cloud_delay_ms=30000,
        notify_default_delay_ms=1500,
        push_chat_period_ms=60000,
        push_chat_limit=2,
        edit_time_limit=172800,
        revoke_time_limit=2147483647,
        revoke_pm_time_limit=2147483647,
        rating_e_decay=2419200,
        stickers_recent_limit=200,
        channels_read_media_period=604800,
        call_receive_timeout_ms=20000,
        call_ring_timeout_ms=90000,
        call_connect_timeout_ms=30000,
        call_packet_timeout_ms=10000,
        me_url_prefix="https://t.me/",
        caption_length_max=1024,
        message_length_max=4096,
        webfile_dc_id=SANDBOX_DC,
    )

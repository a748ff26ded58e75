"""How strict the sandbox is: the limits Telegram enforces, as settings (on by default, `relaxed()` off).

Each figure is modelled on what Telegram publishes or users report (docs/sandbox.md names the source
of each). The defaults are chosen so that a client behaving like an official one (a few requests per
channel-hour, joins and resolves paced) never meets them, while a client that polls every channel
every minute, resolves usernames back to back or joins in bulk does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

HOUR = 3600.0
DAY = 86400.0

# Flood waits grow when a client repeats the burst: reports show 3 s, then 26 s, then 66,230 s
# (axisrow/tg_content_factory#551); waits up to 24 h are reported (wiz0u/WTelegramClient#334).
ESCALATION = (3, 26, 300, 3600, 66_230)
ESCALATION_MEMORY = 6 * HOUR  # an offence this long after the last wait ended starts the ladder afresh


@dataclass(frozen=True, slots=True)
class Window:
    """At most `count` calls in any `seconds`-long sliding window."""

    count: int
    seconds: float


@dataclass(frozen=True, slots=True)
class Quota:
    """A per-account limit shared by `methods`: exceeding any window earns a FLOOD_WAIT.

    `escalates`: repeats climb ESCALATION; otherwise the wait is the time until the window frees a
    slot (the daily-style quota of contacts.resolveUsername, which reports show as waits of hours).
    """

    name: str
    methods: tuple[str, ...]
    windows: tuple[Window, ...]
    escalates: bool = True


def _read(name: str, methods: tuple[str, ...], burst: int, per_hour: int) -> Quota:
    return Quota(name, methods, (Window(burst, 10.0), Window(per_hour, HOUR)))


# Per account. A client polling 50 channels every minute makes 3,000 getHistory an hour; one that
# behaves like an official client makes at most a few requests per channel-hour (1,500 an hour at 500
# channels, all methods together), and its bursts fit the 10-second windows.
DEFAULT_QUOTAS: tuple[Quota, ...] = (
    _read("history", ("messages.getHistory", "messages.search"), burst=30, per_hour=1_200),
    _read("messages", ("channels.getMessages", "messages.getMessages"), burst=30, per_hour=1_200),
    _read("views", ("messages.getMessagesViews",), burst=30, per_hour=1_200),
    _read("difference", ("updates.getChannelDifference",), burst=60, per_hour=3_000),
    _read("dialogs", ("messages.getPeerDialogs", "messages.getDialogs"), burst=10, per_hour=600),
    _read("channel_info", ("channels.getFullChannel", "channels.getChannels"), burst=20, per_hour=600),
    # The most tightly limited call (LonamiWebs/Telethon#494: 12,167 s; tg_content_factory#551: 66,230 s):
    # a short burst, then a daily allowance whose excess waits until the oldest resolve is a day old.
    # Telegram publishes no figure: 300 a day lets a first start resolve 200 channels paced (5 per 30 s,
    # about 20 minutes) with room to spare, and makes a client that resolves on every start pay for it.
    Quota("resolve_burst", ("contacts.resolveUsername",), (Window(5, 30.0),)),
    Quota("resolve_daily", ("contacts.resolveUsername",), (Window(300, DAY),), escalates=False),
    # Joining many channels quickly earns long waits (surfranch/TelegramShillBot#30: ~70,000 s).
    Quota(
        "join",
        ("channels.joinChannel", "messages.importChatInvite"),
        (Window(5, 300.0), Window(50, DAY)),
    ),
)

CHANNELS_LIMIT = 500  # channels_limit_default in help.getAppConfig (tdlib/td#1139); premium doubles it
DIFFERENCE_WINDOW = 100_000  # pts behind the channel beyond which getChannelDifference answers tooLong


@dataclass(frozen=True, slots=True)
class Strictness:
    """The Telegram rules the world enforces; `Strictness()` is strict, `relaxed()` switches them off.

    Relaxing removes the quotas (no FLOOD_WAIT unless a fault asks for one), the channel cap and the
    duplicate-key rule, and answers a re-sent random_id with RANDOM_ID_DUPLICATE, for tests that
    exercise something else. Membership (updates only for joined
    channels), per-account access hashes and differences in slices are how Telegram works, not limits,
    and stay either way.
    """

    quotas: tuple[Quota, ...] = DEFAULT_QUOTAS
    channels_limit: int | None = CHANNELS_LIMIT
    duplicate_keys: bool = True  # one auth key used from two connections at once is destroyed
    # A re-sent random_id returns the original message (hydrogram/hydrogram#70) rather than the
    # RANDOM_ID_DUPLICATE error a client could rely on to notice its own re-send.
    original_on_resend: bool = True
    difference_window: int = DIFFERENCE_WINDOW
    escalation: tuple[int, ...] = field(default=ESCALATION)


def relaxed() -> Strictness:
    """No quotas, no channel cap, no duplicate-key rule; a re-sent random_id is an error, not a success."""
    return Strictness(quotas=(), channels_limit=None, duplicate_keys=False, original_on_resend=False)

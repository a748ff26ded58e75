"""Scenarios: who lives in the sandbox, what the channels already hold and what happens while it runs.

Longer than most modules on purpose: the format reference below, the dataclasses it fills and the
reader that validates every key are one concept, and split they would have to be read side by side.
The seeded synthetic load (`--load`) builds scenarios too, but lives apart in `synthetic_load`.

A scenario is a TOML file (see docs/sandbox.md for the full reference):

    name = "example"
    faults = "withhold=0.1"            # optional, same syntax as --faults

    [user]                             # the account clients log in as (phone + code 12345)
    id = 5000001
    first_name = "Sandbox"
    username = "sandbox_user"
    phone = "15550000001"
    password = "hunter2"               # optional: two-step verification

    [bot]                              # logs in with its token
    id = 6000001
    first_name = "Alerts"
    username = "monitor_alerts_bot"
    token = "6000001:sandbox-token"

    [analyst]                          # a scripted person in the analyst chat
    id = 5000002
    first_name = "Duty analyst"
    username = "duty_analyst"

    [chat]                             # the analyst chat, a supergroup: user, bot, analyst (+ members)
    id = 1900000001
    title = "Analyst desk"
    [[chat.members]]
    id = 5000003
    first_name = "Intern"

    [[channels]]
    id = 1100000001
    username = "example_news"
    title = "Example news"
    participants = 12000
    views_per_minute = 40              # how fast views grow after posting
    invite = "AbCdEfGh"                # optional: joinable through t.me/+AbCdEfGh
    joined = true                      # whether the user is already a member

    [[history]]                        # posts that exist before the sandbox starts
    channel = "example_news"           # username, or the channel id
    ago = 3600                         # seconds before start
    text = "..."
    key = "first"                      # optional name for later edits/deletes
    views = 1500
    edited = "corrected text"          # optional: edited since
    deleted = true                     # optional: deleted since (a gap in ids)
    forward_from = "other_channel"     # optional: a forwarded post (a channel here, or any name)
    media = "photo"                    # optional
    group = "album-1"                  # optional: posts sharing a group form an album

    [[timeline]]                       # events at seconds after start
    at = 2.5
    action = "post"                    # post | edit | delete | views | analyst
    channel = "example_news"
    text = "..."
    key = "breaking"
    [[timeline]]
    at = 6
    action = "edit"                    # edit/delete/views name their post by target (a key) or
    target = "breaking"                # by channel + message_id
    text = "..."
    [[timeline]]
    at = 9
    action = "analyst"                 # the analyst (or `sender`, a user id) says text in the chat
    text = "/status"
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from monitor.sandbox.faults import FaultSpecError, parse_faults

ACTIONS = ("post", "edit", "delete", "views", "analyst")
MEDIA_KINDS = ("photo",)
USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")


class ScenarioError(ValueError):
    """A scenario that cannot be used; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class Person:
    """A user or bot account of the sandbox."""

    id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    phone: str | None = None
    password: str | None = None
    bot_token: str | None = None

    @property
    def is_bot(self) -> bool:
        return self.bot_token is not None


@dataclass(frozen=True, slots=True)
class ChatSpec:
    """The analyst chat: a supergroup with the user, the bot, the analyst and any extra members."""

    id: int
    title: str
    about: str = ""
    members: tuple[Person, ...] = ()


@dataclass(frozen=True, slots=True)
class ChannelSpec:
    id: int
    title: str
    username: str | None = None
    about: str = ""
    participants: int = 1000
    views_per_minute: float = 30.0
    invite: str | None = None
    joined: bool = True


@dataclass(frozen=True, slots=True)
class PostSpec:
    """What a channel post says and looks like, in history or on the timeline."""

    channel_id: int
    text: str
    key: str | None = None
    views: int | None = None
    forwards: int | None = None
    forward_channel: int | None = None
    forward_name: str | None = None
    media: str | None = None
    group: str | None = None


@dataclass(frozen=True, slots=True)
class HistoryPost:
    ago: float
    post: PostSpec
    edited: str | None = None
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """One thing that happens `at` seconds after start; which fields matter depends on `action`."""

    at: float
    action: str
    post: PostSpec | None = None
    channel_id: int | None = None
    target: str | None = None
    message_id: int | None = None
    text: str | None = None
    views: int | None = None
    forwards: int | None = None
    sender: int | None = None


DEFAULT_USER = Person(5000001, "Sandbox", "sandbox_user", last_name="User", phone="15550000001")
DEFAULT_BOT = Person(6000001, "Monitor alerts", "monitor_alerts_bot", bot_token="6000001:sandbox-bot-token")
DEFAULT_ANALYST = Person(5000002, "Duty", "duty_analyst", last_name="Analyst", phone="15550000002")
DEFAULT_CHAT = ChatSpec(1900000001, "Analyst desk")
READER_BASE_ID = 5100000  # extra reading accounts (`--accounts N`) are 5100001, 5100002, ...


def reader_account(number: int) -> Person:
    """The `number`-th extra reading account (from 1): a user of its own, with its own phone."""
    return Person(
        READER_BASE_ID + number,
        "Reader",
        f"sandbox_reader{number}",
        last_name=str(number),
        phone=f"1555100{number:04d}",
    )


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    channels: tuple[ChannelSpec, ...]
    user: Person = DEFAULT_USER
    bot: Person = DEFAULT_BOT
    analyst: Person = DEFAULT_ANALYST
    chat: ChatSpec = DEFAULT_CHAT
    history: tuple[HistoryPost, ...] = ()
    timeline: tuple[TimelineEvent, ...] = ()
    faults: str = ""
    source: str = field(default="<memory>", compare=False)
    readers: tuple[Person, ...] = ()  # more user accounts reading the channels (`--accounts N`)
    members: int = 1  # how many of the reading accounts have joined each joined channel

    @property
    def accounts(self) -> tuple[Person, ...]:
        """The user accounts that read channels: the scenario's user first, then the extra readers."""
        return (self.user, *self.readers)

    @property
    def duration(self) -> float:
        """Seconds from start to the last timeline event."""
        return max((e.at for e in self.timeline), default=0.0)

    def not_joined(self) -> Scenario:
        """The same world for an account that has joined none of its channels yet (a first start)."""
        return replace(self, channels=tuple(replace(spec, joined=False) for spec in self.channels))

    def with_accounts(self, count: int, members: int = 1) -> Scenario:
        """The same world read by `count` user accounts, each with its own login, hashes and quotas; the
        joined channels are shared out among them in turn: channel i is joined by accounts i mod count
        up to i + members - 1 mod count (the cap is checked on joining, so a world may start above it)."""
        if count < 1 or not 1 <= members <= count:
            raise ValueError("a sandbox needs at least one user account, and 1 to that many members")
        return replace(self, readers=tuple(reader_account(n) for n in range(1, count)), members=members)

    def channel(self, ref: str | int) -> ChannelSpec | None:
        """A channel by username (any case) or id."""
        for spec in self.channels:
            if spec.id == ref or (isinstance(ref, str) and (spec.username or "").lower() == ref.lower()):
                return spec
        return None


# --- loading


def load_scenario(path: Path) -> Scenario:
    """Read and validate a scenario file; raises ScenarioError naming the file and key."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}") from None
    return parse_scenario(data, source=str(path))


def builtin_demo() -> Scenario:
    """The demo scenario shipped with the package (monitor/sandbox/demo.toml)."""
    demo = resources.files("monitor.sandbox").joinpath("demo.toml")
    return parse_scenario(tomllib.loads(demo.read_text(encoding="utf-8")), source="demo.toml")


def parse_scenario(data: Mapping[str, Any], *, source: str = "<memory>") -> Scenario:
    """Build a Scenario from already-parsed TOML data."""
    reader = _Reader(source)
    reader.keys(
        data, "", {"name", "faults", "user", "bot", "analyst", "chat", "channels", "history", "timeline"}
    )
    channels = tuple(
        _channel(reader, item, f"channels[{i}]") for i, item in enumerate(reader.tables(data, "channels"))
    )
    if not channels:
        raise ScenarioError(f"{source}: channels: a scenario needs at least one channel")
    scenario = Scenario(
        name=reader.text(data, "name", "", default=Path(source).stem),
        channels=channels,
        user=_person(reader, data.get("user"), "user", DEFAULT_USER, bot=False),
        bot=_person(reader, data.get("bot"), "bot", DEFAULT_BOT, bot=True),
        analyst=_person(reader, data.get("analyst"), "analyst", DEFAULT_ANALYST, bot=False),
        chat=_chat(reader, data.get("chat")),
        faults=_faults(reader, data),
        source=source,
    )
    _check_unique(reader, scenario)
    history = tuple(
        _history(reader, scenario, item, f"history[{i}]")
        for i, item in enumerate(reader.tables(data, "history"))
    )
    timeline = tuple(
        _event(reader, scenario, item, f"timeline[{i}]")
        for i, item in enumerate(reader.tables(data, "timeline"))
    )
    scenario = replace(scenario, history=history, timeline=tuple(sorted(timeline, key=lambda e: e.at)))
    _check_targets(reader, scenario)
    return scenario


class _Reader:
    """Typed access to TOML tables that reports problems as 'FILE: key.path: problem'."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, problem: str) -> ScenarioError:
        return ScenarioError(f"{self.source}: {key}: {problem}")

    def keys(self, table: Mapping[str, Any], where: str, allowed: set[str]) -> None:
        for key in table:
            if key not in allowed:
                raise self.fail(
                    _join(where, key), f"unknown key (expected one of {', '.join(sorted(allowed))})"
                )

    def tables(self, data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(key, "expected an array of tables ([[" + key + "]])")
        return value

    def _get(
        self, table: Mapping[str, Any], key: str, where: str, kinds: tuple[type, ...], default: Any
    ) -> Any:
        if key not in table:
            if default is _REQUIRED:
                raise self.fail(_join(where, key), "missing")
            return default
        value = table[key]
        if isinstance(value, bool) and bool not in kinds:
            raise self.fail(_join(where, key), f"expected {kinds[0].__name__}, got {value!r}")
        if not isinstance(value, kinds):
            raise self.fail(_join(where, key), f"expected {kinds[0].__name__}, got {value!r}")
        return value

    def text(self, table: Mapping[str, Any], key: str, where: str, default: Any = None) -> Any:
        value = self._get(table, key, where, (str,), default)
        if isinstance(value, str) and not value.strip() and default is _REQUIRED:
            raise self.fail(_join(where, key), "must not be empty")
        return value

    def integer(self, table: Mapping[str, Any], key: str, where: str, default: Any = None) -> Any:
        value = self._get(table, key, where, (int,), default)
        if isinstance(value, int) and value < 0:
            raise self.fail(_join(where, key), f"must not be negative, got {value}")
        return value

    def number(self, table: Mapping[str, Any], key: str, where: str, default: Any = None) -> Any:
        value = self._get(table, key, where, (int, float), default)
        if isinstance(value, int | float) and value < 0:
            raise self.fail(_join(where, key), f"must not be negative, got {value}")
        return None if value is None else float(value)

    def flag(self, table: Mapping[str, Any], key: str, where: str, default: Any) -> Any:
        return self._get(table, key, where, (bool,), default)

    def username(self, table: Mapping[str, Any], key: str, where: str) -> Any:
        value = self.text(table, key, where)
        if value is not None and not USERNAME.match(value):
            raise self.fail(
                _join(where, key), f"{value!r} is not a Telegram username (5-32 letters, digits, _)"
            )
        return value

    def channel(self, scenario: Scenario, table: Mapping[str, Any], key: str, where: str) -> int:
        ref = self._get(table, key, where, (str, int), _REQUIRED)
        spec = scenario.channel(ref)
        if spec is None:
            raise self.fail(_join(where, key), f"no channel {ref!r} in this scenario")
        return spec.id


_REQUIRED = object()


def _faults(reader: _Reader, data: Mapping[str, Any]) -> str:
    spec = reader.text(data, "faults", "", default="")
    try:
        parse_faults(spec)
    except FaultSpecError as exc:
        raise reader.fail("faults", str(exc).removeprefix("faults: ")) from None
    return spec


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _person(reader: _Reader, table: Any, where: str, default: Person, *, bot: bool) -> Person:
    if table is None:
        return default
    if not isinstance(table, dict):
        raise reader.fail(where, "expected a table")
    allowed = {"id", "first_name", "last_name", "username"} | ({"token"} if bot else {"phone", "password"})
    reader.keys(table, where, allowed)
    person = Person(
        id=reader.integer(table, "id", where, _REQUIRED),
        first_name=reader.text(table, "first_name", where, _REQUIRED),
        last_name=reader.text(table, "last_name", where),
        username=reader.username(table, "username", where),
    )
    if bot:
        return replace(person, bot_token=reader.text(table, "token", where, _REQUIRED))
    phone = reader.text(table, "phone", where)
    return replace(
        person,
        phone=normalize_phone(phone) if phone else None,
        password=reader.text(table, "password", where),
    )


def normalize_phone(phone: str) -> str:
    """Digits only, as Telegram compares phone numbers."""
    return re.sub(r"\D", "", phone)


def _chat(reader: _Reader, table: Any) -> ChatSpec:
    if table is None:
        return DEFAULT_CHAT
    if not isinstance(table, dict):
        raise reader.fail("chat", "expected a table")
    reader.keys(table, "chat", {"id", "title", "about", "members"})
    members = tuple(
        _person(reader, item, f"chat.members[{i}]", DEFAULT_ANALYST, bot=False)
        for i, item in enumerate(reader.tables(table, "members"))
    )
    return ChatSpec(
        id=reader.integer(table, "id", "chat", _REQUIRED),
        title=reader.text(table, "title", "chat", _REQUIRED),
        about=reader.text(table, "about", "chat", ""),
        members=members,
    )


def _channel(reader: _Reader, table: Mapping[str, Any], where: str) -> ChannelSpec:
    reader.keys(
        table,
        where,
        {"id", "username", "title", "about", "participants", "views_per_minute", "invite", "joined"},
    )
    spec = ChannelSpec(
        id=reader.integer(table, "id", where, _REQUIRED),
        title=reader.text(table, "title", where, _REQUIRED),
        username=reader.username(table, "username", where),
        about=reader.text(table, "about", where, ""),
        participants=reader.integer(table, "participants", where, 1000),
        views_per_minute=reader.number(table, "views_per_minute", where, 30.0),
        invite=reader.text(table, "invite", where),
        joined=reader.flag(table, "joined", where, True),
    )
    if spec.id == 0:
        raise reader.fail(_join(where, "id"), "must be a positive channel id")
    return spec


def _check_unique(reader: _Reader, scenario: Scenario) -> None:
    people = [scenario.user, scenario.bot, scenario.analyst, *scenario.chat.members]
    seen: dict[int, str] = {}
    for what, ident in (
        [("person", p.id) for p in people]
        + [("channel", c.id) for c in scenario.channels]
        + [("chat", scenario.chat.id)]
    ):
        if ident in seen:
            raise reader.fail(what, f"id {ident} is used twice ({seen[ident]} and {what})")
        seen[ident] = what
    names = [c.username.lower() for c in scenario.channels if c.username]
    for name in names:
        if names.count(name) > 1:
            raise reader.fail("channels", f"username {name!r} is used twice")


_POST_KEYS = {"channel", "text", "key", "views", "forwards", "forward_from", "media", "group"}


def _post(reader: _Reader, scenario: Scenario, table: Mapping[str, Any], where: str) -> PostSpec:
    media = reader.text(table, "media", where)
    if media is not None and media not in MEDIA_KINDS:
        raise reader.fail(_join(where, "media"), f"unknown media {media!r} (known: {', '.join(MEDIA_KINDS)})")
    origin = reader.text(table, "forward_from", where)
    source = scenario.channel(origin) if origin else None
    return PostSpec(
        channel_id=reader.channel(scenario, table, "channel", where),
        text=reader.text(table, "text", where, ""),
        key=reader.text(table, "key", where),
        views=reader.integer(table, "views", where),
        forwards=reader.integer(table, "forwards", where),
        forward_channel=source.id if source else None,
        forward_name=origin if origin and source is None else None,
        media=media,
        group=reader.text(table, "group", where),
    )


def _history(reader: _Reader, scenario: Scenario, table: Mapping[str, Any], where: str) -> HistoryPost:
    reader.keys(table, where, _POST_KEYS | {"ago", "edited", "deleted"})
    post = _post(reader, scenario, table, where)
    if not post.text and not post.media:
        raise reader.fail(_join(where, "text"), "a post needs text or media")
    return HistoryPost(
        ago=reader.number(table, "ago", where, _REQUIRED),
        post=post,
        edited=reader.text(table, "edited", where),
        deleted=reader.flag(table, "deleted", where, False),
    )


def _event(reader: _Reader, scenario: Scenario, table: Mapping[str, Any], where: str) -> TimelineEvent:
    action = reader.text(table, "action", where, _REQUIRED)
    if action not in ACTIONS:
        raise reader.fail(
            _join(where, "action"), f"unknown action {action!r} (expected {', '.join(ACTIONS)})"
        )
    at = reader.number(table, "at", where, _REQUIRED)
    return _EVENT_READERS[action](reader, scenario, table, where, at)


def _post_event(
    reader: _Reader, scenario: Scenario, table: Mapping[str, Any], where: str, at: float
) -> TimelineEvent:
    reader.keys(table, where, _POST_KEYS | {"at", "action"})
    post = _post(reader, scenario, table, where)
    if not post.text and not post.media:
        raise reader.fail(_join(where, "text"), "a post needs text or media")
    return TimelineEvent(at=at, action="post", post=post)


def _targeted(
    reader: _Reader, scenario: Scenario, table: Mapping[str, Any], where: str, at: float
) -> TimelineEvent:
    action = table["action"]
    extra = {"edit": {"text"}, "delete": set(), "views": {"views", "forwards"}}[action]
    reader.keys(table, where, {"at", "action", "target", "channel", "message_id"} | extra)
    target = reader.text(table, "target", where)
    message_id = reader.integer(table, "message_id", where)
    if (target is None) == (message_id is None):
        raise reader.fail(where, f"{action} needs either target (a post key) or channel + message_id")
    event = TimelineEvent(
        at=at,
        action=action,
        target=target,
        message_id=message_id,
        channel_id=reader.channel(scenario, table, "channel", where) if message_id is not None else None,
        text=reader.text(table, "text", where, _REQUIRED) if action == "edit" else None,
        views=reader.integer(table, "views", where),
        forwards=reader.integer(table, "forwards", where),
    )
    if action == "views" and event.views is None and event.forwards is None:
        raise reader.fail(where, "views needs views and/or forwards")
    return event


def _analyst_event(
    reader: _Reader, scenario: Scenario, table: Mapping[str, Any], where: str, at: float
) -> TimelineEvent:
    reader.keys(table, where, {"at", "action", "text", "sender"})
    sender = reader.integer(table, "sender", where)
    members = {scenario.analyst.id, scenario.user.id} | {m.id for m in scenario.chat.members}
    if sender is not None and sender not in members:
        raise reader.fail(_join(where, "sender"), f"{sender} is not a member of the analyst chat")
    return TimelineEvent(
        at=at, action="analyst", text=reader.text(table, "text", where, _REQUIRED), sender=sender
    )


_EVENT_READERS: dict[str, Callable[[_Reader, Scenario, Mapping[str, Any], str, float], TimelineEvent]] = {
    "post": _post_event,
    "edit": _targeted,
    "delete": _targeted,
    "views": _targeted,
    "analyst": _analyst_event,
}


def _check_targets(reader: _Reader, scenario: Scenario) -> None:
    keys: set[str] = set()
    for i, item in enumerate(scenario.history):
        if item.post.key:
            if item.post.key in keys:
                raise reader.fail(f"history[{i}].key", f"{item.post.key!r} is used twice")
            keys.add(item.post.key)
    for event in scenario.timeline:
        if event.post is not None and event.post.key:
            if event.post.key in keys:
                raise reader.fail("timeline", f"key {event.post.key!r} is used twice")
            keys.add(event.post.key)
    for event in scenario.timeline:
        if event.target is not None and event.target not in keys:
            raise reader.fail(
                "timeline", f"{event.action} at {event.at:g}s targets unknown key {event.target!r}"
            )

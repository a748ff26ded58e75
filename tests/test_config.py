"""Config loading: the example loads, every problem names file, line and key, secrets stay hidden."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from monitor.analysis import DEFAULT_CONFLICTS
from monitor.config import ChannelRef, ConfigError, Secret, key_lines, load_config, parse_channel_ref
from tests.support import session_string

EXAMPLE = Path(__file__).parents[1] / "config" / "monitor.example.toml"
API_HASH = "0123456789abcdef0123456789abcdef"
BOT_TOKEN = "123456:AAE-bot-token-value"


SESSION_STRING = session_string()

MINIMAL = """\
[telegram]
api_id = 12345
api_hash_env = "T_API_HASH"

[analyst]
chat_id = -1001234567890

[analysis]
conflicts = "conflicts.toml"
"""


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONITOR_API_ID", "12345")
    monkeypatch.setenv("MONITOR_API_HASH", API_HASH)
    monkeypatch.setenv("MONITOR_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("T_API_HASH", API_HASH)


def write(tmp_path: Path, text: str, name: str = "monitor.toml") -> Path:
    (tmp_path / "conflicts.toml").write_text('version = "t"\n', encoding="utf-8")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> tuple[str, ...]:
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return caught.value.problems


def test_the_example_config_loads_with_its_secrets_from_the_environment(tmp_path: Path, env: None) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace("/data/", f"{tmp_path}/")
    config = load_config(write(tmp_path, text))

    assert config.telegram.api_id == 12345
    assert config.telegram.api_hash.reveal() == API_HASH
    assert config.telegram.bot_token is not None and config.telegram.bot_token.reveal() == BOT_TOKEN
    assert config.telegram.session is not None
    assert config.telegram.session.reveal() == str(tmp_path / "user.session")
    assert config.archive_path == tmp_path / "monitor.db"
    assert config.analyst.chat_id == -1001234567890 and config.analyst.admins == (123456789,)
    assert [c.target for c in config.channels] == [
        ChannelRef("username", "RKadyrov_95"),
        ChannelRef("username", "medvedev_telegram"),
    ]
    assert config.channels[0].backfill == 200
    assert config.channels[1].backfill_since == date(2026, 1, 1)
    assert config.analysis.conflicts_path == DEFAULT_CONFLICTS
    assert config.analysis.language_backend == "langdetect"
    assert config.alerts.quiet_hours is None and config.alerts.summary == "daily"
    assert config.alerts.backfill_alert_hours == 24.0
    assert config.schedule.engagement_hours == (1.0, 24.0)


def test_a_minimal_config_gets_defaults(tmp_path: Path, env: None) -> None:
    config = load_config(write(tmp_path, MINIMAL))

    assert config.channels == ()
    assert config.telegram.session is None and config.telegram.server is None
    assert config.alerts.per_minute == 20 and config.schedule.reconcile_seconds == 60.0
    assert config.archive_path == tmp_path / "monitor.db"


def test_secret_prints_as_stars() -> None:
    secret = Secret("hunter2-secret", "env X")

    assert str(secret) == "***" and "hunter2" not in repr(secret)
    assert "hunter2" not in f"{secret} {secret!r} {[secret]}"
    assert secret.reveal() == "hunter2-secret"


def test_an_inline_secret_is_refused_with_file_line_and_key(tmp_path: Path, env: None) -> None:
    text = MINIMAL.replace('api_hash_env = "T_API_HASH"', 'api_hash = "0123456789abcdef"')
    path = write(tmp_path, text)

    found = problems(path)

    assert len(found) == 1
    assert found[0].startswith(f"{path}:3: telegram.api_hash: secrets are not accepted inline")
    assert "api_hash_env" in found[0]
    assert "0123456789abcdef" not in found[0]


@pytest.mark.parametrize("key", ["session", "bot_token"])
def test_other_inline_secrets_are_refused(tmp_path: Path, env: None, key: str) -> None:
    path = write(tmp_path, MINIMAL.replace("[analyst]", f'{key} = "inline-value"\n\n[analyst]'))

    assert any(f":5: telegram.{key}: secrets are not accepted inline" in p for p in problems(path))


def test_unknown_keys_are_reported_with_their_lines(tmp_path: Path, env: None) -> None:
    text = MINIMAL + "\n[alerts]\nper_minut = 5\n\n[extra]\nx = 1\n"
    path = write(tmp_path, text)

    found = problems(path)

    assert f"{path}:12: alerts.per_minut: unknown key" in found
    assert f"{path}:14: extra: unknown key" in found


def test_every_problem_is_reported_at_once(tmp_path: Path, env: None) -> None:
    text = """\
[telegram]
api_id = "abc"
api_hash_env = "NOT_SET_ANYWHERE_X"

[analyst]
admins = [1]

[[channels]]
ref = "not a channel!"

[[channels]]
ref = "@good_channel"
backfill = -1

[alerts]
quiet_hours = "25:00-07:00"
summary = "weekly"

[schedule]
reconcile_seconds = 0
"""
    path = write(tmp_path, text)

    found = "\n".join(problems(path))

    assert f"{path}:2: telegram.api_id: expected an integer" in found
    assert f"{path}:3: telegram.api_hash_env: environment variable NOT_SET_ANYWHERE_X is not set" in found
    assert f"{path}:5: analyst.chat_id: missing (required)" in found
    assert f"{path}:9: channels[1].ref: 'not a channel!' is not a channel reference" in found
    assert f"{path}:13: channels[2].backfill: must be at least 0" in found
    assert f"{path}:16: alerts.quiet_hours:" in found
    assert f"{path}:17: alerts.summary: expected one of hourly, daily, off" in found
    assert f"{path}:20: schedule.reconcile_seconds: expected a positive number" in found


def test_a_toml_syntax_error_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "[telegram]\napi_id = 1\napi_hash_env = \n")

    (problem,) = problems(path)

    assert problem.startswith(f"{path}:3: invalid TOML:")


def test_an_unreadable_config_is_one_clear_problem(tmp_path: Path) -> None:
    (problem,) = problems(tmp_path / "missing.toml")

    assert problem.startswith(f"{tmp_path / 'missing.toml'}: cannot read")


def test_secrets_come_from_files_relative_to_the_config(tmp_path: Path) -> None:
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "hash").write_text(API_HASH + "\n", encoding="utf-8")
    (tmp_path / "secrets" / "user.txt").write_text(SESSION_STRING + "\n", encoding="utf-8")
    text = MINIMAL.replace('api_hash_env = "T_API_HASH"', 'api_hash_file = "secrets/hash"')
    text = text.replace("[analyst]", 'session_file = "secrets/user.txt"\n\n[analyst]')

    config = load_config(write(tmp_path, text))

    assert config.telegram.api_hash.reveal() == API_HASH
    assert config.telegram.session is not None
    assert config.telegram.session.reveal() == SESSION_STRING
    assert config.telegram.session.source == f"file {tmp_path / 'secrets' / 'user.txt'}"


def test_a_missing_secret_file_is_reported(tmp_path: Path, env: None) -> None:
    text = MINIMAL.replace("[analyst]", 'bot_token_file = "nope/token"\n\n[analyst]')
    path = write(tmp_path, text)

    (problem,) = problems(path)

    assert problem.startswith(f"{path}:5: telegram.bot_token_file: cannot read {tmp_path / 'nope' / 'token'}")


def test_env_and_file_for_one_secret_is_ambiguous(tmp_path: Path, env: None) -> None:
    text = MINIMAL.replace('api_hash_env = "T_API_HASH"', 'api_hash_env = "T_API_HASH"\napi_hash_file = "h"')

    (problem,) = problems(write(tmp_path, text))

    assert "telegram.api_hash_file: give either api_hash_env or api_hash_file, not both" in problem


def test_the_server_section_reads_the_public_key_file(tmp_path: Path, env: None) -> None:
    pem = "-----BEGIN RSA PUBLIC KEY-----\nMIIBCgKCAQEA\n-----END RSA PUBLIC KEY-----\n"
    (tmp_path / "key.pem").write_text(pem, encoding="utf-8")
    text = MINIMAL.replace(
        "[analyst]",
        '[telegram.server]\nhost = "127.0.0.1"\nport = 4430\nrsa_public_key_file = "key.pem"\n\n[analyst]',
    )

    server = load_config(write(tmp_path, text)).telegram.server

    assert server is not None
    assert (server.host, server.port, server.dc_id, server.rsa_public_key) == ("127.0.0.1", 4430, 2, pem)


def test_archive_override_wins(tmp_path: Path, env: None) -> None:
    config = load_config(write(tmp_path, MINIMAL), archive_override=tmp_path / "other.db")

    assert config.archive_path == tmp_path / "other.db"


def test_quiet_hours_may_wrap_midnight(tmp_path: Path, env: None) -> None:
    config = load_config(write(tmp_path, MINIMAL + '\n[alerts]\nquiet_hours = "23:00-07:30"\n'))

    assert config.alerts.quiet_hours == (time(23, 0), time(7, 30))


@pytest.mark.parametrize(
    ("line", "hours"), [("", 24.0), ("backfill_alert_hours = 6.5", 6.5), ("backfill_alert_hours = 0", 0.0)]
)
def test_backfill_alert_hours_default_to_a_day(tmp_path: Path, env: None, line: str, hours: float) -> None:
    config = load_config(write(tmp_path, MINIMAL + f"\n[alerts]\n{line}\n"))

    assert config.alerts.backfill_alert_hours == hours


def test_negative_backfill_alert_hours_are_refused(tmp_path: Path, env: None) -> None:
    path = write(tmp_path, MINIMAL + "\n[alerts]\nbackfill_alert_hours = -1\n")

    (problem,) = problems(path)

    assert problem.startswith(f"{path}:") and "alerts.backfill_alert_hours: expected a number of 0" in problem


def test_unknown_language_backend_is_reported(tmp_path: Path, env: None) -> None:
    path = write(tmp_path, MINIMAL + 'language_backend = "crystal-ball"\n')

    (problem,) = problems(path)

    assert problem.startswith(f"{path}:10: analysis.language_backend: unknown backend 'crystal-ball'")


def test_a_missing_watchlist_file_is_reported(tmp_path: Path, env: None) -> None:
    path = write(tmp_path, MINIMAL.replace('"conflicts.toml"', '"elsewhere.toml"'))

    (problem,) = problems(path)

    assert problem == f"{path}:9: analysis.conflicts: file {tmp_path / 'elsewhere.toml'} does not exist"


def test_the_same_channel_twice_is_reported(tmp_path: Path, env: None) -> None:
    text = (
        MINIMAL
        + '\n[[channels]]\nref = "@Some_Channel"\n\n[[channels]]\nref = "https://t.me/some_channel/12"\n'
    )
    path = write(tmp_path, text)

    (problem,) = problems(path)

    assert problem == f"{path}:15: channels[2].ref: same channel as channels[1]"


def test_usernames_and_invite_links_default_to_joining_bare_ids_do_not(tmp_path: Path, env: None) -> None:
    text = (
        MINIMAL + '\n[[channels]]\nref = "https://t.me/+AbCdEf123_-x"\n\n[[channels]]\nref = -1001234567890\n'
        '\n[[channels]]\nref = "@some_feed"\n'
    )

    first, second, third = load_config(write(tmp_path, text)).channels
    assert third.join is True

    assert first.join is True and first.target == ChannelRef("invite", "AbCdEf123_-x")
    assert second.join is False and second.ref == "-1001234567890"
    assert second.target == ChannelRef("id", 1234567890)


def test_more_than_500_joined_channels_are_refused_and_unjoined_ones_do_not_count(
    tmp_path: Path, env: None
) -> None:
    joined = "".join(f'\n[[channels]]\nref = "@feed_{i:03}"\n' for i in range(501))
    (problem,) = problems(write(tmp_path, MINIMAL + joined))
    assert "501 channels would be joined" in problem and "at most 500" in problem
    polled = "".join(f'\n[[channels]]\nref = "@feed_{i:03}"\njoin = false\n' for i in range(501, 601))
    config = load_config(
        write(tmp_path, MINIMAL + joined.replace('"@feed_000"\n', '"@feed_000"\njoin = false\n') + polled)
    )
    assert sum(c.join for c in config.channels) == 500 and len(config.channels) == 601


def test_the_reading_budget_has_conservative_defaults_and_can_be_set(tmp_path: Path, env: None) -> None:
    default = load_config(write(tmp_path, MINIMAL)).reading
    assert default.requests_per_hour <= 600 and default.joins_per_hour <= 2 and default.jitter > 0
    text = MINIMAL + "\n[reading]\nrequests_per_hour = 120\nsteady_per_hour = 30\njoins_per_hour = 1\n"
    reading = load_config(write(tmp_path, text)).reading
    assert (reading.requests_per_hour, reading.steady_per_hour, reading.joins_per_hour) == (120, 30, 1)
    (problem,) = problems(write(tmp_path, MINIMAL + "\n[reading]\nrequests_per_hour = 0\n"))
    assert "reading.requests_per_hour" in problem


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("@RKadyrov_95", ChannelRef("username", "RKadyrov_95")),
        ("medvedev_telegram", ChannelRef("username", "medvedev_telegram")),
        ("t.me/durov", ChannelRef("username", "durov")),
        ("https://t.me/medvedev_telegram", ChannelRef("username", "medvedev_telegram")),
        ("https://t.me/medvedev_telegram/123", ChannelRef("username", "medvedev_telegram")),
        ("https://t.me/s/some_channel", ChannelRef("username", "some_channel")),
        ("http://telegram.me/some_channel/", ChannelRef("username", "some_channel")),
        ("https://t.me/c/1234567890/55", ChannelRef("id", 1234567890)),
        ("-1001234567890", ChannelRef("id", 1234567890)),
        ("1234567890", ChannelRef("id", 1234567890)),
        ("https://t.me/+AbCdEf123456", ChannelRef("invite", "AbCdEf123456")),
        ("t.me/joinchat/AbCdEf123456", ChannelRef("invite", "AbCdEf123456")),
    ],
)
def test_channel_references_are_parsed(ref: str, expected: ChannelRef) -> None:
    assert parse_channel_ref(ref) == expected


@pytest.mark.parametrize(
    "ref",
    [
        "",
        "@a",
        "@1abc",
        "-12345",
        "99999999999999999999",
        "-10099999999999999999999",
        "https://t.me/c/99999999999999999999/1",
        "https://t.me/",
        "https://t.me/joinchat/",
        "https://t.me/name/x/y",
        "@bad-name",
    ],
)
def test_bad_channel_references_are_refused(ref: str) -> None:
    with pytest.raises(ValueError):
        parse_channel_ref(ref)


def test_key_lines_index_arrays_of_tables() -> None:
    text = '[a]\nx = 1\n[[ch]]\nref = "1"\n[[ch]]\nref = "2"\n[a.b]\n"quoted" = 3\n'

    assert key_lines(text) == {
        ("a",): 1,
        ("a", "x"): 2,
        ("ch", 0): 3,
        ("ch", 0, "ref"): 4,
        ("ch", 1): 5,
        ("ch", 1, "ref"): 6,
        ("a", "b"): 7,
        ("a", "b", "quoted"): 8,
    }


def test_check_config_problems_are_all_found_in_one_pass(tmp_path: Path, env: None) -> None:
    (tmp_path / "conflicts.toml").write_text('version = "t"\n[conflicts.war]\nname = "W"\n', encoding="utf-8")
    (tmp_path / "empty.session").write_bytes(b"")
    text = MINIMAL.replace("[analyst]", 'session_file = "empty.session"\n\n[analyst]')
    text += '\n[archive]\npath = "gone/monitor.db"\n\n[alerts]\nmuted = ["wor"]\n'
    text += "\n[schedule]\nreconcile_seconds = nan\nheartbeat_seconds = inf\nengagement_hours = [1e308]\n"
    path = tmp_path / "monitor.toml"
    path.write_text(text, encoding="utf-8")

    found = problems(path)

    def at(key: str) -> str:
        """FILE:LINE of the line that sets `key`."""
        (number,) = [n for n, line in enumerate(text.splitlines(), 1) if line.startswith(f"{key} =")]
        return f"{path}:{number}"

    assert found == (
        f"{at('session_file')}: telegram.session_file: {tmp_path / 'empty.session'} holds no session: "
        "log in with `monitor login`",
        f"{at('path')}: archive.path: directory {tmp_path / 'gone'} does not exist",
        f"{at('muted')}: alerts.muted: unknown conflict(s) wor (known: war)",
        f"{at('reconcile_seconds')}: schedule.reconcile_seconds: expected a positive number, got nan",
        f"{at('engagement_hours')}: schedule.engagement_hours: must be at most 8760 hours, got 1e+308",
        f"{at('heartbeat_seconds')}: schedule.heartbeat_seconds: expected a positive number, got inf",
    )


def test_a_session_file_that_is_not_a_session_is_named(tmp_path: Path, env: None) -> None:
    (tmp_path / "user.session").write_text("not sqlite at all", encoding="utf-8")
    (tmp_path / "user.txt").write_text("1-not-a-session-string", encoding="utf-8")
    text = MINIMAL.replace(
        "[analyst]", 'session_file = "user.session"\nbot_session_file = "user.txt"\n\n[analyst]'
    )

    found = problems(write(tmp_path, text))

    assert any(f"{tmp_path / 'user.session'} is not a Telethon session file" in p for p in found)
    assert any(f"file {tmp_path / 'user.txt'} does not hold a Telethon session string" in p for p in found)


def test_a_config_nested_thousands_deep_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "monitor.toml"
    path.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")

    assert problems(path) == (f"{path}: invalid TOML: nested too deeply to read",)


BASE = MINIMAL.replace('conflicts = "conflicts.toml"\n', "")


def test_thresholds_and_context_are_read_from_the_analysis_section(tmp_path: Path, env: None) -> None:
    text = BASE + 'context = "off"\n\n[analysis.thresholds]\n"russia-ukraine" = 0.5\n"israel-hamas" = 2\n'
    config = load_config(write(tmp_path, text))

    assert config.analysis.thresholds == (("russia-ukraine", 0.5), ("israel-hamas", 2.0))
    assert config.analysis.context == "off"


def test_the_example_config_learns_context_and_keeps_the_watchlist_thresholds(
    tmp_path: Path, env: None
) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace("/data/", f"{tmp_path}/")
    config = load_config(write(tmp_path, text))

    assert config.analysis.context == "learned" and config.analysis.thresholds == ()
    assert all(channel.context == "learned" for channel in config.channels)


def test_a_threshold_for_an_unknown_conflict_names_its_line(tmp_path: Path, env: None) -> None:
    text = BASE + '\n[analysis.thresholds]\n"russia-ukraine" = 1\n"mars-venus" = 1\n'
    found = problems(write(tmp_path, text))

    assert len(found) == 1
    assert found[0].startswith(
        f"{tmp_path / 'monitor.toml'}:12: analysis.thresholds.mars-venus: unknown conflict"
    )


@pytest.mark.parametrize("value", ["0", "-1", '"high"', "true"])
def test_a_threshold_must_be_a_positive_number(tmp_path: Path, env: None, value: str) -> None:
    found = problems(write(tmp_path, BASE + f'\n[analysis.thresholds]\n"israel-hamas" = {value}\n'))

    assert len(found) == 1 and ":11: analysis.thresholds.israel-hamas: expected a positive number" in found[0]


def test_a_channel_context_may_be_fixed_or_off(tmp_path: Path, env: None) -> None:
    text = BASE + (
        '\n[[channels]]\nref = "@war_news"\ncontext = { "russia-ukraine" = 0.9 }\n'
        '\n[[channels]]\nref = "@sport_news"\ncontext = "off"\n'
        '\n[[channels]]\nref = "@other"\n'
    )
    config = load_config(write(tmp_path, text))

    assert [c.context for c in config.channels] == [(("russia-ukraine", 0.9),), "off", "learned"]


@pytest.mark.parametrize(
    ("setting", "problem"),
    [
        ('"sometimes"', "channels[1].context: expected one of learned, off"),
        (
            '{ "russia-ukraine" = 1.5 }',
            "channels[1].context.russia-ukraine: expected a share between 0 and 1",
        ),
        ('{ "atlantis" = 0.5 }', "channels[1].context.atlantis: unknown conflict 'atlantis'"),
    ],
)
def test_a_bad_channel_context_is_reported_with_its_line(
    tmp_path: Path, env: None, setting: str, problem: str
) -> None:
    found = problems(write(tmp_path, BASE + f'\n[[channels]]\nref = "@war_news"\ncontext = {setting}\n'))

    assert len(found) == 1 and f"monitor.toml:12: {problem}" in found[0]


def test_an_archive_url_selects_postgresql_with_its_password_from_the_environment(
    tmp_path: Path, env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("T_PG_PASSWORD", "s3cr:t/pw")
    text = (
        MINIMAL
        + '\n[archive]\nurl = "postgresql://monitor@db.internal:5433/news"\npassword_env = "T_PG_PASSWORD"\n'
    )

    config = load_config(write(tmp_path, text))

    assert config.archive_url == "postgresql://monitor:s3cr%3At%2Fpw@db.internal:5433/news"
    assert config.archive_location == config.archive_url
    assert config.archive_shown == "postgresql://monitor:***@db.internal:5433/news"
    assert config.archive_path == tmp_path / "monitor.db", "the daemon's lock and session files go beside it"


def test_archive_path_and_url_together_are_refused_by_key(tmp_path: Path, env: None) -> None:
    text = MINIMAL + '\n[archive]\npath = "monitor.db"\nurl = "postgresql://monitor@db/news"\n'

    found = problems(write(tmp_path, text))

    assert any("archive.url: give either archive.path or archive.url, not both" in p for p in found), found


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("mysql://monitor@db/news", "expected a postgresql:// URL"),
        ("postgresql://monitor:hunter2@db/news", "secrets are not accepted inline"),
        ("postgresql://monitor@db:port/news", "not a valid URL"),
    ],
)
def test_a_bad_archive_url_names_the_key_and_never_the_password(
    tmp_path: Path, env: None, url: str, problem: str
) -> None:
    found = problems(write(tmp_path, MINIMAL + f'\n[archive]\nurl = "{url}"\n'))

    assert any("archive.url: " + problem in p for p in found), found
    assert not any("hunter2" in p for p in found)


def test_an_archive_url_override_wins_over_the_configured_file(tmp_path: Path, env: None) -> None:
    config = load_config(write(tmp_path, MINIMAL), archive_override="postgresql://monitor@db/news")

    assert config.archive_location == "postgresql://monitor@db/news"


# -- a fleet of workers -----------------------------------------------------------------------------


def fleet_text(tmp_path: Path, workers: str, bot: bool = True) -> str:
    telegram = MINIMAL.replace(
        'api_hash_env = "T_API_HASH"\n', 'api_hash_env = "T_API_HASH"\nbot_token_env = "MONITOR_BOT_TOKEN"\n'
    )
    return (telegram if bot else MINIMAL) + workers.replace("DIR", str(tmp_path))


def test_workers_each_name_their_own_session_and_the_lease_times(tmp_path: Path, env: None) -> None:
    text = fleet_text(
        tmp_path,
        "[workers]\nlease_seconds = 30\nrenew_seconds = 5\n"
        '[workers.east]\nsession_file = "DIR/east.session"\n'
        '[workers.west]\nsession_file = "DIR/west.session"\n',
    )
    fleet = load_config(write(tmp_path, text)).fleet
    assert [(w.name, w.session.reveal()) for w in fleet.workers] == [
        ("east", str(tmp_path / "east.session")),
        ("west", str(tmp_path / "west.session")),
    ]
    assert (fleet.lease_seconds, fleet.renew_seconds) == (30, 5)
    assert load_config(write(tmp_path, MINIMAL)).fleet.workers == ()  # no section: one daemon


def test_one_account_for_two_workers_a_fleet_without_the_bot_and_a_slow_renewal_are_refused(
    tmp_path: Path, env: None
) -> None:
    text = fleet_text(
        tmp_path,
        "[workers]\nlease_seconds = 10\nrenew_seconds = 6\n"
        '[workers.east]\nsession_file = "DIR/east.session"\n'
        '[workers.west]\nsession_file = "DIR/east.session"\n'
        '[workers."bad name"]\nsession_file = "DIR/x.session"\n',
        bot=False,
    )
    found = "\n".join(problems(write(tmp_path, text)))
    assert "workers.renew_seconds: must be at most half of lease_seconds (10)" in found
    assert "workers.west: uses the same account session as workers.east: one worker per account" in found
    assert "workers: workers send alerts through the bot" in found
    assert "a worker name is letters, digits, - and _" in found


def test_a_fleet_may_join_500_channels_per_worker(tmp_path: Path, env: None) -> None:
    channels = "".join(f'[[channels]]\nref = "@wire_{i:04d}"\n' for i in range(1200))
    workers = "".join(f'[workers.w{n}]\nsession_file = "DIR/w{n}.session"\n' for n in range(1, 4))
    assert len(load_config(write(tmp_path, fleet_text(tmp_path, channels + workers))).channels) == 1200
    two = workers.split("[workers.w3]")[0]
    (problem,) = problems(write(tmp_path, fleet_text(tmp_path, channels + two)))
    assert (
        "1200 channels would be joined, but an account can be in at most 500 and 2 workers at most 1000"
        in problem
    )

"""Structured logs: one line per event, key=value or JSON, registered secrets never printed."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.config import load_config
from monitor.logs import log_event, register_secret, setup_logging


@pytest.fixture
def root_logging() -> Iterator[None]:
    """Restore the root logger, which setup_logging configures."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_events_are_key_value_lines(capsys: pytest.CaptureFixture[str], root_logging: None) -> None:
    setup_logging("info")
    log_event(logging.getLogger("monitor.test"), "post_saved", channel=42, text="two words", ok=True)

    (line,) = capsys.readouterr().err.splitlines()

    assert line.startswith("ts=")
    assert " level=info logger=monitor.test event=post_saved channel=42 " in line
    assert line.endswith('text="two words" ok=True')


def test_json_logs_are_one_object_per_line(capsys: pytest.CaptureFixture[str], root_logging: None) -> None:
    setup_logging(logging.DEBUG, json=True)
    log_event(logging.getLogger("monitor.test"), "flood_wait", level=logging.WARNING, seconds=12)
    logging.getLogger("other").debug("plain %s", "message")

    first, second = (json.loads(line) for line in capsys.readouterr().err.splitlines())

    assert first["event"] == "flood_wait" and first["seconds"] == 12 and first["level"] == "warning"
    assert second["msg"] == "plain message" and second["logger"] == "other"


def test_setting_up_twice_does_not_double_lines(
    capsys: pytest.CaptureFixture[str], root_logging: None
) -> None:
    setup_logging("info")
    setup_logging("info")
    logging.getLogger("monitor.test").info("once")

    assert len(capsys.readouterr().err.splitlines()) == 1


def test_registered_secrets_are_redacted_everywhere(
    capsys: pytest.CaptureFixture[str], root_logging: None
) -> None:
    secret = "s3cr3t-token-for-redaction"
    register_secret(secret)
    setup_logging("info")
    log = logging.getLogger("monitor.test")

    log.info("connecting with %s", secret)
    log_event(log, "login", token=f"Bearer {secret}")
    try:
        raise RuntimeError(f"server rejected {secret}")
    except RuntimeError:
        log.exception("failed")

    err = capsys.readouterr().err
    assert secret not in err
    assert err.count("***") >= 3
    assert len([line for line in err.splitlines() if line.startswith("ts=")]) == 3


def test_loading_a_config_registers_its_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], root_logging: None
) -> None:
    monkeypatch.setenv("LOGTEST_HASH", "abcdef0123456789-from-env")
    (tmp_path / "conflicts.toml").write_text("", encoding="utf-8")
    config_path = tmp_path / "monitor.toml"
    config_path.write_text(
        '[telegram]\napi_id = 1\napi_hash_env = "LOGTEST_HASH"\n[analyst]\nchat_id = 1\n'
        '[analysis]\nconflicts = "conflicts.toml"\n',
        encoding="utf-8",
    )
    config = load_config(config_path)
    setup_logging("info")

    logging.getLogger("monitor.test").info("hash is %s", config.telegram.api_hash.reveal())

    assert "abcdef0123456789-from-env" not in capsys.readouterr().err

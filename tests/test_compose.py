"""The compose file and the deploy/ example: the daemon restarts, is health-checked, keeps its data on a
volume and reads its secrets from files; the example config loads once its secret files are filled in."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from monitor.config import Config, load_config

ROOT = Path(__file__).parents[1]
DEPLOY = ROOT / "deploy"
CONFIG_IN_CONTAINER = "/etc/monitor/monitor.toml"


def service(name: str = "monitor") -> tuple[dict[str, Any], dict[str, Any]]:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    return compose, compose["services"][name]


def test_the_daemon_restarts_after_a_failure_and_is_stopped_by_sigterm() -> None:
    _, daemon = service()
    assert daemon["restart"] in {"unless-stopped", "always", "on-failure"}
    assert daemon["stop_signal"] == "SIGTERM"
    assert daemon["command"][:2] == ["monitor", "run"] and CONFIG_IN_CONTAINER in daemon["command"]


def test_the_health_check_is_monitor_health_on_the_same_config() -> None:
    _, daemon = service()
    check = daemon["healthcheck"]
    assert check["test"] == ["CMD", "monitor", "health", "--config", CONFIG_IN_CONTAINER]
    assert {"interval", "timeout", "start_period", "retries"} <= set(check)


def test_data_lives_on_a_named_volume_and_the_config_is_mounted_read_only() -> None:
    compose, daemon = service()
    mounts = dict(volume.split(":", 1) for volume in daemon["volumes"])
    assert mounts["monitor-data"] == "/data" and "monitor-data" in compose["volumes"]
    assert mounts["./deploy/monitor.toml"] == f"{CONFIG_IN_CONTAINER}:ro"


def test_every_secret_is_a_file_with_a_placeholder_and_the_real_ones_stay_out_of_git() -> None:
    compose, daemon = service()
    used = {name for spec in compose["services"].values() for name in spec.get("secrets", [])}
    assert used == set(compose["secrets"]) and {"api_id", "api_hash", "bot_token"} <= set(daemon["secrets"])
    for name, source in compose["secrets"].items():
        path = ROOT / source["file"]
        assert path.parent == DEPLOY / "secrets" and path.name == name
        assert path.with_name(f"{name}.example").is_file()
    ignore = (DEPLOY / "secrets" / ".gitignore").read_text(encoding="utf-8").split()
    assert ignore[-3:] == ["*", "!.gitignore", "!*.example"]


def test_the_example_config_reads_every_secret_compose_mounts(tmp_path: Path) -> None:
    """deploy/monitor.toml with /run/secrets and /data pointed at a scratch directory, the secret files
    filled from their placeholders, loads without a problem."""
    compose, _ = service()
    secrets, data = tmp_path / "secrets", tmp_path / "data"
    data.mkdir()
    shutil.copytree(DEPLOY / "secrets", secrets)
    for name in compose["secrets"]:
        shutil.copy(secrets / f"{name}.example", secrets / name)
    text = (DEPLOY / "monitor.toml").read_text(encoding="utf-8")
    config_path = tmp_path / "monitor.toml"
    config_path.write_text(
        text.replace("/run/secrets/", f"{secrets}/").replace("/data/", f"{data}/"), "utf-8"
    )
    config = load_config(config_path)
    sources = {config.telegram.api_hash.source, config.telegram.bot_token.source}
    assert sources == {f"file {secrets / 'api_hash'}", f"file {secrets / 'bot_token'}"}
    assert config.archive_path == data / "monitor.db"
    assert config.metrics is not None and config.metrics.port == 9464
    published = {port.rsplit(":", 1)[-1] for port in service()[1]["ports"]}
    assert str(config.metrics.port) in published


FLEET_IN_CONTAINER = "/etc/monitor/fleet.toml"


def test_two_workers_of_the_fleet_profile_share_the_volume_each_with_its_own_account(tmp_path: Path) -> None:
    compose, single = service()
    workers = {
        name: spec for name, spec in compose["services"].items() if "fleet" in spec.get("profiles", [])
    }
    assert set(workers) == {"worker-east", "worker-west", "postgres"} and "profiles" not in single
    workers.pop("postgres")
    fleet = fleet_config(compose, tmp_path).fleet
    for name, spec in workers.items():
        worker = name.removeprefix("worker-")
        assert spec["command"][:2] == ["monitor", "run"] and spec["command"][-3:] == [
            "--worker",
            worker,
            "--log-json",
        ]
        assert FLEET_IN_CONTAINER in spec["command"] and fleet.worker(worker) is not None
        assert spec["healthcheck"]["test"][-2:] == ["--worker", worker]
        assert dict(v.split(":", 1) for v in spec["volumes"])["monitor-data"] == "/data"
        assert spec["restart"] == "unless-stopped" and spec["stop_signal"] == "SIGTERM"
    assert len({w.session.reveal() for w in fleet.workers}) == 2
    assert fleet.lease_seconds <= 60


def fleet_config(compose: dict[str, Any], tmp_path: Path) -> Config:
    """deploy/fleet.toml with /run/secrets and /data pointed at a scratch directory, the secret files
    filled from their placeholders."""
    text = (DEPLOY / "fleet.toml").read_text(encoding="utf-8")
    secrets, data = tmp_path / "secrets", tmp_path / "data"
    data.mkdir()
    shutil.copytree(DEPLOY / "secrets", secrets)
    for name in compose["secrets"]:
        shutil.copy(secrets / f"{name}.example", secrets / name)
    path = tmp_path / "fleet.toml"
    path.write_text(text.replace("/run/secrets/", f"{secrets}/").replace("/data/", f"{data}/"), "utf-8")
    return load_config(path)


def test_the_workers_archive_is_the_postgresql_service_logged_into_with_its_password_file(
    tmp_path: Path,
) -> None:
    compose, _ = service()
    _, database = service("postgres")
    config = fleet_config(compose, tmp_path)
    password = (DEPLOY / "secrets" / "archive_password.example").read_text(encoding="utf-8").strip()
    url = urlsplit(config.archive_url or "")
    environment = database["environment"]
    assert (url.hostname, url.port, url.path) == ("postgres", 5432, f"/{environment['POSTGRES_DB']}")
    assert url.username == environment["POSTGRES_USER"] and unquote(url.password or "") == password
    assert password not in config.archive_shown
    # The server and the workers read one secret: the server sets it as its password, the workers log in.
    assert environment["POSTGRES_PASSWORD_FILE"] == "/run/secrets/archive_password"
    assert "archive_password" in database["secrets"]
    assert dict(v.split(":", 1) for v in database["volumes"])["postgres-data"] == "/var/lib/postgresql/data"
    assert "postgres-data" in compose["volumes"] and database["restart"] == "unless-stopped"
    assert database["healthcheck"]["test"][:2] == ["CMD", "pg_isready"]
    for name in ("worker-east", "worker-west"):
        _, worker = service(name)
        assert "archive_password" in worker["secrets"]
        assert worker["depends_on"]["postgres"]["condition"] == "service_healthy"

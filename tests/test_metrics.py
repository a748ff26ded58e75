"""The Prometheus metrics endpoint: opt-in in the config (checked with FILE:LINE), scraped while the
daemon runs against the sandbox."""

from __future__ import annotations

import asyncio
import dataclasses
import urllib.error
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from monitor.config import ConfigError, MetricsSettings, load_config
from monitor.daemon import Daemon
from monitor.demo import sandbox_config
from monitor.sandbox.server import RunningSandbox
from tests.support import FLAGGED, NEWS, NO_PACING, RARE_JOBS, alerts_for, sandbox_of, scenario, until

CONFIG = """\
[telegram]
api_id = 12345
api_hash_env = "METRICS_API_HASH"

[analyst]
chat_id = -1001234567890

[metrics]
listen = {listen}
"""


def config_with(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, listen: str) -> Path:
    monkeypatch.setenv("METRICS_API_HASH", "0123456789abcdef")
    path = tmp_path / "monitor.toml"
    path.write_text(CONFIG.format(listen=listen), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("listen", "expected"),
    [
        ('"127.0.0.1:9464"', ("127.0.0.1", 9464)),
        ('"[::1]:0"', ("::1", 0)),
        ('"monitor:9100"', ("monitor", 9100)),
    ],
)
def test_the_listen_address_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, listen: str, expected: tuple[str, int]
) -> None:
    config = load_config(config_with(tmp_path, monkeypatch, listen))
    assert config.metrics == MetricsSettings(*expected)


def test_without_a_metrics_section_there_is_no_endpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = config_with(tmp_path, monkeypatch, '""')
    path.write_text(path.read_text(encoding="utf-8").split("[metrics]")[0], encoding="utf-8")
    assert load_config(path).metrics is None


@pytest.mark.parametrize("listen", ['"9464"', '"127.0.0.1:99999"', "9464", '"127.0.0.1:"', '"a b:1"'])
def test_a_bad_listen_address_is_named_with_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, listen: str
) -> None:
    path = config_with(tmp_path, monkeypatch, listen)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    (problem,) = caught.value.problems
    assert problem.startswith(f'{path.resolve()}:9: metrics.listen: expected "HOST:PORT"')


def test_an_empty_metrics_section_asks_for_its_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = config_with(tmp_path, monkeypatch, '""')
    path.write_text(path.read_text(encoding="utf-8").replace('listen = ""', "port = 9464"), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert sorted(caught.value.problems) == [
        f"{path.resolve()}:8: metrics.listen: missing (required)",
        f"{path.resolve()}:9: metrics.port: unknown key",
    ]


@dataclasses.dataclass
class Scraped:
    sandbox: RunningSandbox
    daemon: Daemon
    url: str


@pytest.fixture
async def scraped(tmp_path: Path, archive_location: Path | str) -> AsyncIterator[Scraped]:
    """A daemon with its endpoint on, its archive a file or a PostgreSQL database (once each)."""
    sandbox = await sandbox_of(scenario())
    config = sandbox_config(sandbox, tmp_path / "archive.db", alerts=NO_PACING, schedule=RARE_JOBS)
    url = archive_location if isinstance(archive_location, str) else None
    daemon = Daemon(dataclasses.replace(config, metrics=MetricsSettings("127.0.0.1", 0), archive_url=url))
    stop = asyncio.Event()
    task = asyncio.create_task(daemon.run(stop))
    try:
        await asyncio.wait_for(daemon.ready.wait(), 20)
        host, port = daemon.metrics.address
        yield Scraped(sandbox, daemon, f"http://{host}:{port}/metrics")
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
        await sandbox.stop()


async def scrape(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    def get() -> str:
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.headers["Content-Type"].startswith("text/plain")
            return response.read().decode()

    text = await asyncio.to_thread(get)
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_a_scrape_shows_posts_alerts_outbox_heartbeat_floods_and_reconcile_lag(
    scraped: Scraped,
) -> None:
    world = scraped.sandbox.world
    message_id = await world.publish(NEWS, FLAGGED)
    await until(lambda: alerts_for(scraped.sandbox, NEWS, message_id), "the alert in the chat")
    stored = await scraped.daemon.store.stats()

    async def sent_alert_and_first_look_shown() -> dict:
        metrics = await scrape(scraped.url)
        sent = metrics.get(("monitor_alerts", (("state", "sent"),)))
        looked = ("monitor_reconcile_lag_seconds", (("channel", NEWS),)) in metrics
        return metrics if sent and looked else {}

    metrics = await until(sent_alert_and_first_look_shown, "the sent alert and the first look in the metrics")
    assert metrics[("monitor_posts_stored", ())] >= stored["posts"] > 0
    assert {state for (name, labels) in metrics if name == "monitor_alerts" for _, state in labels} == {
        "pending", "sending", "sent", "suppressed",
    }  # fmt: skip
    assert metrics[("monitor_outbox_depth", ())] == await scraped.daemon.store.outbox.depth()
    assert metrics[("monitor_heartbeat_age_seconds", ())] >= 0
    assert metrics[("monitor_flood_waits_total", ())] == scraped.daemon.state.flood.count
    assert ("monitor_reconnects_total", ()) in metrics
    lags = {
        labels: value for (name, labels), value in metrics.items() if name == "monitor_reconcile_lag_seconds"
    }
    assert (("channel", NEWS),) in lags and all(value >= 0 for value in lags.values())
    assert ("process_resident_memory_bytes", ()) in metrics


async def test_the_endpoint_closes_with_the_daemon(tmp_path: Path) -> None:
    sandbox = await sandbox_of(scenario())
    config = sandbox_config(sandbox, tmp_path / "archive.db", alerts=NO_PACING, schedule=RARE_JOBS)
    daemon = Daemon(dataclasses.replace(config, metrics=MetricsSettings("127.0.0.1", 0)))
    stop = asyncio.Event()
    task = asyncio.create_task(daemon.run(stop))
    try:
        await asyncio.wait_for(daemon.ready.wait(), 20)
        host, port = daemon.metrics.address
        assert await scrape(f"http://{host}:{port}/metrics")
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
        await sandbox.stop()
    with pytest.raises(urllib.error.URLError):
        await scrape(f"http://{host}:{port}/metrics")

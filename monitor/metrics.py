"""The Prometheus metrics endpoint of a running daemon (opt-in: `[metrics] listen = "127.0.0.1:9464"`).

Nothing is counted twice: each scrape reads the figures the daemon already keeps (its status, the
archive's counts, the heartbeat it writes) on the daemon's event loop, then renders them. The HTTP server
is prometheus-client's own, on a thread of its own, so a scrape never waits for the daemon's work beyond
one short read of the archive.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from threading import Thread
from typing import Protocol
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, ProcessCollector, start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from monitor.config import MetricsSettings
from monitor.logs import log_event
from monitor.model import utcnow
from monitor.store import Store
from monitor.telegram.commands import DaemonStatus

log = logging.getLogger(__name__)

# A scrape that cannot read the archive within this long fails (HTTP 500) rather than piling up.
SCRAPE_SECONDS = 10.0


class MetricsSource(Protocol):
    """What the endpoint reads: implemented by the running daemon."""

    @property
    def store(self) -> Store: ...

    def status(self) -> DaemonStatus: ...


@dataclass(frozen=True, slots=True)
class Sample:
    """Everything one scrape shows, read at one moment."""

    posts_stored: int
    alerts: dict[str, int]
    outbox_depth: int
    heartbeat_age_seconds: float | None
    status: DaemonStatus


async def read_sample(source: MetricsSource, now: datetime) -> Sample:
    store = source.store
    heartbeat = await store.last_heartbeat()
    return Sample(
        posts_stored=await store.figures.posts_stored(),
        alerts=await store.figures.alerts_by_state(),
        outbox_depth=await store.outbox.depth(),
        heartbeat_age_seconds=None if heartbeat is None else (now - heartbeat).total_seconds(),
        status=source.status(),
    )


def families(sample: Sample) -> Iterator[Metric]:
    """The metric families of one sample (pure, so the exposition is tested without a server)."""
    yield GaugeMetricFamily("monitor_posts_stored", "Posts in the archive.", value=sample.posts_stored)
    alerts = GaugeMetricFamily("monitor_alerts", "Alerts in the archive by state.", labels=["state"])
    for state, count in sample.alerts.items():
        alerts.add_metric([state], count)
    yield alerts
    yield GaugeMetricFamily(
        "monitor_outbox_depth", "Alerts not yet delivered (pending or mid-send).", value=sample.outbox_depth
    )
    if sample.heartbeat_age_seconds is not None:
        yield GaugeMetricFamily(
            "monitor_heartbeat_age_seconds",
            "Seconds since the daemon last stamped its heartbeat in the archive.",
            value=sample.heartbeat_age_seconds,
        )
    status = sample.status
    yield CounterMetricFamily(
        "monitor_flood_waits", "Flood waits Telegram imposed since start.", value=status.flood_waits
    )
    yield CounterMetricFamily(
        "monitor_flood_wait_seconds", "Seconds of flood waits since start.", value=status.flood_wait_seconds
    )
    yield CounterMetricFamily("monitor_reconnects", "Reconnects since start.", value=status.reconnects)
    lag = GaugeMetricFamily(
        "monitor_reconcile_lag_seconds",
        "Seconds since the archive was last known complete for each watched channel.",
        labels=["channel"],
    )
    for row in status.channels:
        if row.lag_seconds is not None:
            lag.add_metric([row.channel.username or str(row.channel.id)], row.lag_seconds)
    yield lag


class _DaemonCollector:
    """Reads a sample on the daemon's loop from the server's thread, at each scrape."""

    def __init__(self, source: MetricsSource, loop: asyncio.AbstractEventLoop) -> None:
        self.source = source
        self.loop = loop

    def collect(self) -> Iterator[Metric]:
        future = asyncio.run_coroutine_threadsafe(read_sample(self.source, utcnow()), self.loop)
        yield from families(future.result(timeout=SCRAPE_SECONDS))


class MetricsEndpoint:
    """The running HTTP endpoint: `MetricsEndpoint.start(settings, daemon)` on the loop, `await close()`."""

    def __init__(self, server: WSGIServer, thread: Thread) -> None:
        self._server = server
        self._thread = thread

    @classmethod
    def start(cls, settings: MetricsSettings, source: MetricsSource) -> MetricsEndpoint:
        registry = CollectorRegistry()
        registry.register(_DaemonCollector(source, asyncio.get_running_loop()))
        ProcessCollector(registry=registry)
        server, thread = start_http_server(settings.port, addr=settings.host, registry=registry)
        endpoint = cls(server, thread)
        host, port = endpoint.address
        log_event(log, "metrics_listening", address=f"{host}:{port}")
        return endpoint

    @property
    def address(self) -> tuple[str, int]:
        """Where it listens (the chosen port when the config said 0)."""
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    async def close(self) -> None:
        """Stop serving; `shutdown` waits for the server's loop, so it runs off the event loop."""
        await asyncio.to_thread(self._server.shutdown)
        self._server.server_close()
        await asyncio.to_thread(self._thread.join)

"""The long-running monitor, one module per job: `life.py` the daemon's life cycle and reading jobs,
`toolkit.py` what every online command opens (locks, archive, clients, reconciler), `report.py` what the
daemon says about itself (`/status`, the records `health` reads), `worker.py` the glue of a worker of a
fleet (leases, the sender's seat, takeovers). `from monitor.daemon import ...` names them all."""

from monitor.daemon.life import (
    Daemon,
    fixed_contexts,
    install_signal_handlers,
    quiet_library_logs,
    run_daemon,
    unless_stopped,
)
from monitor.daemon.report import DaemonState
from monitor.daemon.toolkit import Toolkit, WorkerRefused, acquire_locks, open_when_reachable, release_locks
from monitor.daemon.worker import FleetWorker

__all__ = [
    "Daemon",
    "DaemonState",
    "FleetWorker",
    "Toolkit",
    "WorkerRefused",
    "acquire_locks",
    "fixed_contexts",
    "install_signal_handlers",
    "open_when_reachable",
    "quiet_library_logs",
    "release_locks",
    "run_daemon",
    "unless_stopped",
]

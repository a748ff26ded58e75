"""One structured log line per sandbox event, through stdlib logging and nothing else of the monitor.

The event name is the record's message and its fields travel on the record as `event_fields`: the
shape the monitor's formatters (monitor.logs) render as key=value or JSON, so `monitor sandbox` logs
like the rest of the monitor while the sandbox stays importable on its own. Under a plain stdlib
formatter the line shows the event name; the fields stay on the record for handlers that want them.
"""

from __future__ import annotations

import logging
from typing import Any

EVENT_FIELDS = "event_fields"  # the record attribute monitor.logs reads the fields from


def log_event(logger: logging.Logger, event: str, /, *, level: int = logging.INFO, **fields: Any) -> None:
    """Log one named event with its fields, e.g. log_event(log, "link_closed", peer=p, reason="eof")."""
    logger.log(level, event, extra={EVENT_FIELDS: fields})

"""Load and validate the monitor configuration (TOML) into frozen settings objects.

Every problem is reported as "FILE:LINE: key: problem" and all of them are collected before
raising, so one run of `monitor check-config` shows everything to fix. Secrets never appear inline:
each comes from an environment variable (`*_env`) or a file (`*_file`) and is wrapped in `Secret`.
"""

from monitor.config.channel_refs import parse_channel_ref
from monitor.config.checks import key_lines
from monitor.config.fleet import MAX_JOINED_CHANNELS
from monitor.config.loader import load_config
from monitor.config.settings import (
    AlertPolicy,
    AnalysisSettings,
    AnalystSettings,
    ChannelRef,
    ChannelSettings,
    Config,
    ConfigError,
    FleetSettings,
    MetricsSettings,
    ReadingSettings,
    ScheduleSettings,
    Secret,
    ServerSettings,
    TelegramSettings,
    WorkerSettings,
)

__all__ = [
    "MAX_JOINED_CHANNELS",
    "AlertPolicy",
    "AnalysisSettings",
    "AnalystSettings",
    "ChannelRef",
    "ChannelSettings",
    "Config",
    "ConfigError",
    "FleetSettings",
    "MetricsSettings",
    "ReadingSettings",
    "ScheduleSettings",
    "Secret",
    "ServerSettings",
    "TelegramSettings",
    "WorkerSettings",
    "key_lines",
    "load_config",
    "parse_channel_ref",
]

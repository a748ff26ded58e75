"""monitor: archive what watched Telegram channels post, flag tracked conflicts, alert analysts."""

__version__ = "0.1.0"

"""Alerts without I/O: HTML formatting of alerts, digests and summaries, and the pacing of deliveries."""

"""Archive import: read post files (JSONL, Telegram Desktop exports) and store them with their analysis."""

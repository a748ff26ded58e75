"""`monitor context show|reset`: what the archive learned of each channel, and forgetting it.

A channel's learned context is the share of its recent posts flagged for each conflict; analysis lends
a little weight to a conflict the channel mostly posts about (see monitor/store/context.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from monitor.cli.common import CommandFailed, archive_option, open_store, out, run_archive, to_json

if TYPE_CHECKING:
    from monitor.store.opening import Archive


@click.group("context")
def context() -> None:
    """See or reset the channel context learned from the archive."""


@context.command("show")
@archive_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per channel.")
def show(archive: Path, as_json: bool) -> None:
    """Per channel: the share of its recent posts flagged for each conflict, and over how many posts.

    The figures are brought up to date from the archive first (so the archive is opened for writing).
    A channel with fewer than 10 posts since its last reset lends no context.

    \b
    Example:
      monitor context show --archive monitor.db
    """

    async def work() -> list[dict[str, object]]:
        async with await _existing(archive) as store:
            return await store.context.show()

    for row in run_archive(work):
        if as_json:
            out(to_json(row))
            continue
        priors = row["priors"]
        shares = ", ".join(f"{c} {v:.0%}" for c, v in priors.items()) if isinstance(priors, dict) else ""
        out(
            f"{row['channel']} (id {row['channel_id']}): {shares or 'no context'} "
            f"over {row['posts']} posts, learned after message {row['reset_after']}"
        )


@context.command("reset")
@archive_option
@click.option("--channel", "channel_id", type=int, help="Only this channel id (default: every channel).")
def reset(archive: Path, channel_id: int | None) -> None:
    """Forget what was learned: only posts stored after the reset are learned from again.

    \b
    Example:
      monitor context reset --channel 1234567890
    """

    async def work() -> int:
        async with await _existing(archive) as store:
            return await store.context.reset(channel_id)

    click.echo(f"reset the learned context of {run_archive(work)} channels")


async def _existing(archive: Path | str) -> Archive:
    """Open an existing archive for writing (learning refreshes it); a mistyped path creates nothing."""
    if isinstance(archive, Path) and not archive.exists():
        raise CommandFailed(f"{archive}: no archive at this path", 1)
    return await open_store(archive, readonly=False)


COMMANDS = [context]

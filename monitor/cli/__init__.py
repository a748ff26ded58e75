"""The `monitor` command line. Each sub-module contributes the commands of one area.

Exit codes: 0 success; 1 a runtime failure (Telegram, archive); 2 bad usage or configuration;
3 finished, but some input records were malformed and skipped (each reported on stderr); 4 the Telegram
account cannot be used (key revoked, AUTH_KEY_DUPLICATED, account banned: log in again, do not restart);
5 the destination of `archive copy` holds another archive.
"""

from __future__ import annotations

import click

from monitor import __version__
from monitor.cli import archive, archive_copy, backup, check, context, daemon, posts, sandbox, upkeep, workers


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="monitor")
def main() -> None:
    """Watch Telegram channels, archive every post, flag tracked conflicts and alert analysts."""


for _module in (posts, archive, archive_copy, backup, context, check, daemon, sandbox, workers):
    for _command in _module.COMMANDS:
        main.add_command(_command)
# `archive catch-up` joins `archive copy` under the one `archive` group.
archive_copy.archive.add_command(upkeep.catch_up)

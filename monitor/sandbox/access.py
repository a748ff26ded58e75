"""Channel access hashes per account, as Telegram hands them out.

Telegram gives every account its own access_hash for the same channel and refuses another account's
(CHANNEL_INVALID). Hashes are derived from the scenario, the channel, the account and an epoch, so
sessions and configs saved by a client stay valid across sandbox runs; the scenario's user holds the
channel's stored hash (what ready lines and written configs carry). `rotate` makes an account's hash
stale, as a hash cached from an earlier account or a re-created channel is.
"""

from __future__ import annotations

import random

from monitor.sandbox.state import ChannelState


class AccessHashes:
    """Each account's access hash of each channel."""

    def __init__(self, scenario_name: str, reader_id: int) -> None:
        self._scenario_name = scenario_name
        self._reader_id = reader_id
        self._epochs: dict[tuple[int, int], int] = {}

    def of(self, state: ChannelState, account: int) -> int:
        epoch = self._epochs.get((state.id, account), 0)
        if account == self._reader_id and epoch == 0:
            return state.access_hash
        return random.Random(f"{self._scenario_name}:{state.id}:{account}:{epoch}").randrange(1, 2**63)

    def accepts(self, state: ChannelState, account: int, given: int, *, bot: bool) -> bool:
        """Whether `given` is this account's hash of the channel (bots may pass 0, as on Telegram)."""
        return given == self.of(state, account) or (bot and given == 0)

    def rotate(self, state: ChannelState, account: int) -> int:
        """Give the account a new hash of the channel; the old one now answers CHANNEL_INVALID."""
        key = (state.id, account)
        self._epochs[key] = self._epochs.get(key, 0) + 1
        return self.of(state, account)

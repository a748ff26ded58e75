"""Access hashes per account, as Telegram hands them out, for channels and users alike.

Telegram gives every account its own access_hash for the same channel or user and refuses another
account's (CHANNEL_INVALID, or an empty user). Hashes are derived from the scenario, the peer, the
account and an epoch, so sessions and configs saved by a client stay valid across sandbox runs; the
scenario's user holds the plain per-scenario hash (what ready lines and written configs carry).
`rotate` makes an account's hash stale, as a hash cached by an earlier account or install is.
"""

from __future__ import annotations

import random

from monitor.sandbox.scenario import Scenario


def access_hash(scenario: Scenario, ident: int) -> int:
    """The scenario user's hash of a peer: stable per scenario and id, so saved sessions stay valid."""
    return random.Random(f"{scenario.name}:{ident}").randrange(1, 2**63)


class AccessHashes:
    """Each account's access hash of each channel and user."""

    def __init__(self, scenario: Scenario) -> None:
        self._scenario = scenario
        self._epochs: dict[tuple[int, int], int] = {}
        self._known: dict[tuple[int, int], int] = {}

    def of(self, peer_id: int, account: int) -> int:
        key = (peer_id, account)
        if key not in self._known:
            epoch = self._epochs.get(key, 0)
            if account == self._scenario.user.id and epoch == 0:
                self._known[key] = access_hash(self._scenario, peer_id)
            else:
                seed = f"{self._scenario.name}:{peer_id}:{account}:{epoch}"
                self._known[key] = random.Random(seed).randrange(1, 2**63)
        return self._known[key]

    def accepts(self, peer_id: int, account: int, given: int, *, bot: bool) -> bool:
        """Whether `given` is this account's hash of the peer (bots may pass 0, as on Telegram)."""
        return given == self.of(peer_id, account) or (bot and given == 0)

    def rotate(self, peer_id: int, account: int) -> int:
        """Give the account a new hash of the peer; the old one is refused from now on."""
        key = (peer_id, account)
        self._epochs[key] = self._epochs.get(key, 0) + 1
        self._known.pop(key, None)
        return self.of(peer_id, account)

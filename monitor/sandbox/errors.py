"""Errors of the sandbox: the ones a client sees (rpc_error) and the ones that end a connection."""

from __future__ import annotations


class RpcError(Exception):
    """An API error the client receives as rpc_error, e.g. RpcError(420, "FLOOD_WAIT_5")."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"{code} {message}")
        self.code = code
        self.message = message


class ProtocolError(Exception):
    """Bytes that break MTProto or its transport; only the offending connection is closed."""

"""An incremental reader of one JSON document, value by value, for files too large to load at once.

`json.load` needs the whole document in memory; a Telegram Desktop export can be hundreds of MB. This
reads a chunk at a time, hands out one container member at a time, and knows the line it is on, so a
problem can be named FILE:LINE.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

CHUNK_CHARS = 1 << 20
TOO_DEEP = "nested too deeply to read"


class JsonSyntaxError(Exception):
    """The document is not valid JSON at `line`; what follows cannot be read."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line


class JsonStream:
    """Reads one JSON document value by value over a growing buffer, tracking the line number."""

    def __init__(self, handle: IO[str]) -> None:
        self.handle = handle
        self.decoder = json.JSONDecoder()
        self.buf = ""
        self.pos = 0
        self.eof = False
        self._line = 1
        self._counted = 0

    def line(self) -> int:
        """The 1-based line of the current position (counted incrementally, so it stays cheap)."""
        self._line += self.buf.count("\n", self._counted, self.pos)
        self._counted = self.pos
        return self._line

    def _more(self) -> bool:
        self.line()
        self.buf = self.buf[self.pos :]
        self._counted -= self.pos
        self.pos = 0
        data = self.handle.read(max(CHUNK_CHARS, len(self.buf)))
        self.eof = not data
        self.buf += data
        return bool(data)

    def peek(self) -> str:
        """The next non-blank character without consuming it ("" at the end)."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buf) or not self._more():
                return self.buf[self.pos : self.pos + 1]

    def expect(self, chars: str) -> str:
        char = self.peek()
        if not char or char not in chars:
            found = repr(char) if char else "end of file"
            raise JsonSyntaxError(self.line(), f"expected {' or '.join(map(repr, chars))}, found {found}")
        self.pos += 1
        return char

    def value(self) -> Any:
        self.peek()
        while True:
            try:
                obj, end = self.decoder.raw_decode(self.buf, self.pos)
            except RecursionError:
                raise JsonSyntaxError(self.line(), TOO_DEEP) from None
            except json.JSONDecodeError as exc:
                offset = exc.pos - self.pos  # reading more moves the buffer, not the value's start
                if self._truncated(exc) and self._more():
                    continue
                line = self.line() + self.buf.count("\n", self.pos, self.pos + offset)
                raise JsonSyntaxError(line, exc.msg) from None
            if end == len(self.buf) and isinstance(obj, int | float) and self._more():
                continue
            self.pos = end
            return obj

    def _truncated(self, exc: json.JSONDecodeError) -> bool:
        """A value cut by the buffer's end fails near the end, or as a string running to it."""
        return not self.eof and (exc.msg.startswith("Unterminated string") or exc.pos >= len(self.buf) - 16)

    def key(self) -> str:
        if self.peek() != '"':
            self.expect('"')
        key = self.value()
        self.expect(":")
        return key

    def items(self, open_: str, close: str) -> Iterator[None]:
        """Step through a container; the caller consumes one member per step."""
        self.expect(open_)
        if self.peek() == close:
            self.pos += 1
            return
        while True:
            yield
            if self.expect("," + close) == close:
                return


def array_items(stream: JsonStream) -> Iterator[tuple[int, int, Any]]:
    """(index, line, value) of each member of the array at the stream's position."""
    for index, _ in enumerate(stream.items("[", "]")):
        stream.peek()  # past the comma's line break: the line is the one the member begins on
        line = stream.line()
        yield index, line, stream.value()

"""Line numbers for items of a JSON document, so a bad row in a JSON import is reported by its line.

The json module gives no positions for values; these helpers walk the (already valid) text with
`raw_decode` to find where each item of a list, or one member of an object, starts.
"""

from __future__ import annotations

import json
import re

_DECODER = json.JSONDecoder()
_BLANK = re.compile(r"[ \t\n\r]*")


def skip(text: str, index: int) -> int:
    match = _BLANK.match(text, index)
    return match.end() if match else index


def array_starts(text: str, index: int) -> list[int]:
    """Offsets where each item of the list starting at `index` ('[') begins."""
    starts: list[int] = []
    index = skip(text, index + 1)
    if text[index] == "]":
        return starts
    while True:
        starts.append(index)
        _, end = _DECODER.raw_decode(text, index)
        index = skip(text, end)
        if text[index] != ",":
            return starts
        index = skip(text, index + 1)


def member_start(text: str, index: int, key: str) -> int | None:
    """Offset of the value of `key` in the object starting at `index` ('{'), or None."""
    index = skip(text, index + 1)
    if text[index] == "}":
        return None
    while True:
        name, end = _DECODER.raw_decode(text, index)
        index = skip(text, skip(text, end) + 1)  # past the colon
        if name == key:
            return index
        _, end = _DECODER.raw_decode(text, index)
        index = skip(text, end)
        if text[index] != ",":
            return None
        index = skip(text, index + 1)


class LineCounter:
    """Line numbers of increasing offsets, counted incrementally (big files stay linear)."""

    def __init__(self, text: str) -> None:
        self.text, self.offset, self.line = text, 0, 1

    def at(self, offset: int) -> int:
        if offset < self.offset:
            self.offset, self.line = 0, 1
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line

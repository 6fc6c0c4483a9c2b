"""Bot replies made readable in a terminal (the demo's feed, the what-if table): Discord renders markup,
a terminal does not, so `**bold**`, `<#id>`, `<@id>` and `<t:unix:R>` become plain words and names, and
long text is cut between words with an ellipsis rather than in the middle of one."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime

ELLIPSIS = "…"
_MENTION = re.compile(r"<(#|@!?|@&)(\d+)>")
_STAMP = re.compile(r"<t:(-?\d+)(?::[tTdDfFR])?>")
_EMPHASIS = re.compile(r"(\*\*|__|~~)(.+?)\1")
_BREAKS = " _-.,;:/"


def plain(text: str, names: Mapping[str, str]) -> str:
    """`text` without Discord markup, on one line; ids become the names in `names` (channels, members, roles)."""

    def mention(found: re.Match[str]) -> str:
        kind, target = found.group(1), found.group(2)
        return ("#" if kind == "#" else "@") + names.get(target, target)

    def stamp(found: re.Match[str]) -> str:
        return f"{datetime.fromtimestamp(int(found.group(1)), UTC):%Y-%m-%d %H:%M} UTC"

    text = _EMPHASIS.sub(r"\2", _STAMP.sub(stamp, _MENTION.sub(mention, text)))
    return " ".join(text.split())


def shorten(text: str, width: int) -> str:
    """`text` in at most `width` characters, cut before a word (or a name's part) and ended with '…'."""
    if len(text) <= width:
        return text
    room = text[: width - len(ELLIPSIS) + 1]
    cut = max(room.rfind(c) for c in _BREAKS)
    kept = room[:cut] if cut > 0 else room[: width - len(ELLIPSIS)]
    return kept.rstrip(_BREAKS) + ELLIPSIS

"""The demo's live output: a progress bar and one compact line per simulated day."""

from __future__ import annotations

import sys
from collections import Counter
from datetime import datetime
from typing import TextIO

from loyalteez.emulator.driver import GuildHandle
from loyalteez.terminal import plain, shorten

BAR = 28
REPLY_WIDTH = 110  # a bot reply on one feed line


def readable(guild: GuildHandle, content: str, width: int = REPLY_WIDTH) -> str:
    """A bot reply for the terminal: channel, member and role names instead of markup, cut between words."""
    state = guild.guild
    names = {str(c.id): c.name for c in state.channels.values()}
    names.update({str(r.id): r.name for r in state.roles.values()})
    names.update({str(m.user.id): m.nick or m.user.username for m in state.members.values()})
    return shorten(plain(content, names), width)


class Feed:
    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self.live = self.stream.isatty()
        self._last_day_counts: Counter[str] = Counter()

    def line(self, text: str) -> None:
        if self.live:
            self.stream.write("\r" + " " * (BAR + 40) + "\r")
        self.stream.write(text + "\n")
        self.stream.flush()

    def progress(self, step: int, total: int, now: datetime) -> None:
        """Redraw the bar in a terminal; in a log or a pipe, the day lines are enough."""
        if not self.live:
            return
        filled = BAR * step // total
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (BAR - filled)}] {step * 100 // total:3d}%  {now:%a %d %b %H:00} UTC"
        )
        self.stream.flush()

    def day_done(self, day: int, now: datetime, counts: Counter[str]) -> None:
        today = counts - self._last_day_counts
        self._last_day_counts = Counter(counts)
        parts = ", ".join(f"{today[k]} {k}" for k in sorted(today) if today[k])
        self.line(f"  day {day + 1} ({now:%a %d %b}): {parts or 'quiet'}")

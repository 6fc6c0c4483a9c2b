"""The replay's live line: messages fed, the history's date and the rate, redrawn in a terminal.

In a log or a pipe (not a terminal) it writes a line every `every_seconds` seconds instead of redrawing, so
a long replay in CI or under nohup shows it is moving whatever its speed. Seconds come from the injected
clock's monotonic time (the replay's own clock follows the history, so this one is the real one).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import TextIO

from loyalteez.clock import Clock, SystemClock
from loyalteez.replay.feeder import FeedCounts
from loyalteez.replay.records import ExportMessage

BAR = 24
LIBRARY_LOGGERS = ("discord", "loyalteez", "aiohttp", "matplotlib")


def quiet_library_logs() -> None:
    """A replay's console shows its progress and summary; the bot's and libraries' INFO lines would bury them."""
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)


class Progress:
    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        label: str = "replay",
        every_seconds: float = 10.0,
        quiet: bool = False,
        redraw: bool = True,
        clock: Clock | None = None,
    ) -> None:
        self.stream = stream or sys.stderr
        self.live = redraw and not quiet and self.stream.isatty()
        self.quiet = quiet
        self.label = label
        self.every_seconds = every_seconds
        self.clock = clock or SystemClock()
        self.started = self.clock.monotonic()
        self._last_draw = self.started
        # How much of the exports has been read, 0-1 (the files' bytes: message counts are only at their ends).
        self.fraction: Callable[[], float] | None = None

    def rate(self, messages: int) -> float:
        return messages / max(self.clock.monotonic() - self.started, 1e-9)

    def tick(self, counts: FeedCounts, message: ExportMessage) -> None:
        if self.quiet:
            return
        now = self.clock.monotonic()
        if now - self._last_draw < (0.2 if self.live else self.every_seconds):
            return
        self._last_draw = now
        self.stream.write("\r" + self._text(counts, message) if self.live else self._text(counts, message) + "\n")
        self.stream.flush()

    def done(self, counts: FeedCounts) -> None:
        if self.quiet:
            return
        seconds = self.clock.monotonic() - self.started
        end = "\n"
        self.stream.write(
            ("\r" if self.live else "") + f"[{self.label}] {counts.messages:,} messages in "
            f"{seconds:.1f}s ({self.rate(counts.messages):,.0f} messages/s)" + " " * 20 + end
        )
        self.stream.flush()

    def _text(self, counts: FeedCounts, message: ExportMessage) -> str:
        bar = ""
        if self.fraction is not None:
            share = self.fraction()
            filled = int(BAR * share)
            bar = f"[{'#' * filled}{'.' * (BAR - filled)}] {share * 100:3.0f}% "
        return (
            f"[{self.label}] {bar}{counts.messages:,} messages · {message.timestamp:%Y-%m-%d} · "
            f"{self.rate(counts.messages):,.0f} messages/s"
        )

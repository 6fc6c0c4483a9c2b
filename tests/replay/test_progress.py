"""The replay's progress line in a log or a pipe: one line every N seconds of the injected clock."""

from __future__ import annotations

import io
from pathlib import Path

from loyalteez.replay.progress import Progress
from loyalteez.replay.runner import ReplayRequest, replay_history
from loyalteez.replay.synthetic import write_exports


class SteppingClock:
    """Monotonic time that moves one second each time it is read (a slow replay, without waiting)."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def now(self):  # type: ignore[no-untyped-def]
        raise AssertionError("the progress line needs no date")

    def monotonic(self) -> float:
        self.seconds += 1.0
        return self.seconds


async def test_a_line_every_n_seconds_when_not_a_terminal(tmp_path: Path) -> None:
    write_exports(tmp_path / "exports", messages=120, seed=5, channels=1, members=6, bots=0, days=2)
    stream = io.StringIO()  # not a terminal
    clock = SteppingClock()
    progress = Progress(stream, every_seconds=20, clock=clock)
    result = await replay_history(ReplayRequest((str(tmp_path / "exports"),), tmp_path / "out.db"), progress=progress)
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue()
    # one read per message decides whether to print, and a printed line reads the clock once more for its rate
    assert 120 // 22 <= len(lines) - 1 <= 120 // 20
    assert all(line.startswith("[replay] ") and line.endswith(" messages/s") for line in lines[:-1])
    assert lines[-1].startswith(f"[replay] {result.counts.messages:,} messages in ")

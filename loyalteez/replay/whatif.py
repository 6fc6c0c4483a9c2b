"""`python bot.py whatif`: the same history replayed under several rule sets, compared side by side.

Each rule set gets a full replay into its own scratch database (the real bot, as `replay` does), so the
comparison shows what each would really have paid, cooldowns, caps and budgets included. An admin sees
the cost of a rule change before making it. Replays are independent, so they run side by side in worker
processes, one per core (each replay is one event loop on one core).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import tempfile
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from loyalteez import collector
from loyalteez.replay.progress import Progress, quiet_library_logs
from loyalteez.replay.runner import ReplayRequest, ReplayResult, replay_history
from loyalteez.services.config_io.document import ConfigDocument

DEFAULTS = "defaults"  # `--rules defaults`: the events a newly connected server gets


@dataclass(frozen=True)
class RuleSet:
    label: str
    document: ConfigDocument | None  # None: the server's defaults


@dataclass(frozen=True)
class Outcome:
    rules: RuleSet
    result: ReplayResult


@dataclass(frozen=True)
class RankChange:
    member: str
    name: str
    before: int | None  # rank under the first rule set; None: earned nothing
    after: int | None

    @property
    def delta(self) -> int:
        """Places moved up; a member who earns under one set only counts as coming from (going to) last."""
        worst = 1 + max(self.before or 0, self.after or 0)
        return (self.before or worst) - (self.after or worst)


async def compare(
    paths: Sequence[str | Path],
    rule_sets: Sequence[RuleSet],
    *,
    brand: str | None = None,
    until: date | None = None,
    quiet: bool = False,
    workers: int | None = None,
) -> list[Outcome]:
    workers = max(1, min(len(rule_sets), workers or os.cpu_count() or 1))
    with tempfile.TemporaryDirectory(prefix="loyalteez-whatif-") as folder:
        requests = [
            ReplayRequest(tuple(paths), Path(folder) / f"whatif-{i}.db", rules.document, brand, until)
            for i, rules in enumerate(rule_sets)
        ]
        labels = [f"whatif {rules.label}" for rules in rule_sets]
        if workers == 1:
            results = [
                await replay_history(request, progress=Progress(label=label, quiet=quiet))
                for request, label in zip(requests, labels, strict=True)
            ]
        else:
            # spawn, not fork: the parent already runs an event loop (and aiosqlite threads elsewhere)
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                loop = asyncio.get_running_loop()
                results = list(
                    await asyncio.gather(
                        *(
                            loop.run_in_executor(pool, replay_in_worker, request, label, quiet)
                            for request, label in zip(requests, labels, strict=True)
                        )
                    )
                )
    return [Outcome(rules, result) for rules, result in zip(rule_sets, results, strict=True)]


def replay_in_worker(request: ReplayRequest, label: str, quiet: bool) -> ReplayResult:
    """One rule set's replay in a worker process; progress as plain lines (two redrawn bars would clash)."""
    quiet_library_logs()  # a spawned worker starts with fresh logging
    collector.settle_for_serving()  # and with Python's default collector
    progress = Progress(label=label, quiet=quiet, redraw=False)
    return asyncio.run(replay_history(request, progress=progress))


def rank_changes(outcomes: Sequence[Outcome], limit: int = 10) -> list[RankChange]:
    """Members whose rank moves most between the first rule set and the last, biggest moves first."""
    first, last = outcomes[0].result, outcomes[-1].result
    before = {member: rank for rank, (member, _) in enumerate(first.recorded.ranking, start=1)}
    after = {member: rank for rank, (member, _) in enumerate(last.recorded.ranking, start=1)}
    names = {**first.names, **last.names}
    changes = [RankChange(m, names.get(m, m), before.get(m), after.get(m)) for m in before.keys() | after.keys()]
    moved = [c for c in changes if c.before != c.after]
    moved.sort(key=lambda c: (-abs(c.delta), c.member))
    return moved[:limit]


def daily_series(outcomes: Sequence[Outcome]) -> tuple[list[date], list[tuple[str, list[float]]]]:
    """Every day of the history (days without payouts as 0) and each rule set's LTZ paid per day."""
    counts = outcomes[0].result.counts
    if counts.first_day is None or counts.last_day is None:
        return [], []
    days = [counts.first_day + timedelta(days=n) for n in range((counts.last_day - counts.first_day).days + 1)]
    series = [(o.rules.label, [float(o.result.recorded.daily_paid.get(day, 0)) for day in days]) for o in outcomes]
    return days, series


def chart_figure(outcomes: Sequence[Outcome]) -> Any:
    """Daily LTZ under each rule set, over the days the history covers."""
    from loyalteez.services.analytics.charts import daily_series_figure

    days, series = daily_series(outcomes)
    return daily_series_figure(days, series, "LTZ paid per day under each rule set", "LTZ")


def chart_png(outcomes: Sequence[Outcome]) -> bytes:
    from loyalteez.services.analytics.charts import figure_png

    return figure_png(chart_figure(outcomes))

"""What one load run measured (`Outcome`) and how the load benchmark (load.py) prints it: its table, or a
row of the sweep, and the figures it publishes.

Split from load.py, which runs the bot against the simulated members and checks the database afterwards:
this module keeps the run's figures (rates, lag, latency percentiles, acknowledgements, CPU) and their
targets, and turns them into what the benchmark prints and its exit status.
"""

from __future__ import annotations

import resource
import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bench._results import publish

if TYPE_CHECKING:
    from bench._load_members import Load


P99_TARGET_MS = 250.0
ACK_DEADLINE = 3.0  # seconds Discord gives the bot to acknowledge an interaction
KEEP_UP_LAG = 2.0  # seconds after the load stopped by which the bot must have counted everything


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


@dataclass
class Outcome:
    """One load run, as measured from outside the bot."""

    load: Load
    members: int
    rate: float
    offered: float  # seconds the load ran
    handled: float  # seconds until the bot had counted everything
    caught_up: bool
    problems: list[str]
    errors: list[str]
    bot_cpu: float  # seconds of CPU, during the load
    loop_cpu: float  # of which the bot's main thread (its event loop)
    emulator_cpu: float
    claims_paid: int  # /claim ledger rows
    drops_paid: int  # drop claim rows
    claims_answered: int  # paying /claim answers by the end, the members' 10 s of waiting or not
    drops_answered: int  # paying drop click answers by the end
    acks: list[float | None]  # seconds from each interaction sent to its acknowledgement (None: never)

    @property
    def interactions(self) -> int:
        return sum(len(v) for k, v in self.load.latency.items() if not k.startswith("  "))

    @property
    def events(self) -> int:
        return sum(self.load.posted.values()) + self.load.reactions_sent + self.interactions + self.failed

    @property
    def offered_rate(self) -> float:
        return self.events / self.offered

    @property
    def handled_rate(self) -> float:
        return self.events / self.handled

    @property
    def loop_us_per_event(self) -> float:
        """Microseconds of the bot's event loop per event sent during the load (its cost per event while it
        keeps up)."""
        return self.loop_cpu / max(1, self.events) * 1e6

    @property
    def lag(self) -> float:
        return self.handled - self.offered

    @property
    def failed(self) -> int:
        return sum(self.load.failed.values())

    def p(self, q: int, what: str = "commands (all)") -> float:
        return percentile([v * 1000 for v in self.load.latency.get(what, [0.0])], q)

    def ack_ms(self, q: int) -> float:
        """Percentile `q` (nearest rank) of the time to acknowledge, in ms; one never acknowledged is infinite."""
        ms = sorted(a * 1000 if a is not None else float("inf") for a in self.acks) or [0.0]
        return ms[max(0, -(-q * len(ms) // 100) - 1)]

    def late_acks(self) -> int:
        """Interactions acknowledged after Discord's 3 s, or never."""
        return sum(1 for a in self.acks if a is None or a > ACK_DEADLINE)

    def kept_up(self) -> bool:
        return self.caught_up and not self.failed and not self.problems and self.lag <= KEEP_UP_LAG


def print_table(out: Outcome) -> int:
    load = out.load
    print(
        f"{out.members} members, {out.offered:.0f} s of load; the bot had handled everything {out.lag:.1f} s "
        "after the load stopped\n"
    )
    print(f"{'what':<24} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for what, values in load.latency.items():
        ms = [v * 1000 for v in values]
        print(
            f"{what:<24} {len(ms):>7} {percentile(ms, 50):>8.1f} {percentile(ms, 95):>8.1f} "
            f"{percentile(ms, 99):>8.1f} {max(ms):>8.1f}"
        )
    print()
    print(f"{'messages':<24} {sum(load.posted.values()):>7}")
    print(f"{'reactions':<24} {load.reactions_sent:>7}   ({len(load.reacted)} on others' messages: counted)")
    print(f"{'interactions':<24} {out.interactions:>7}   (commands and drop clicks)")
    print(f"{'events/s':<24} {out.handled_rate:>7.0f}   (all of them / time until the bot had handled them)")
    print(f"{'CPU, bot':<24} {out.bot_cpu / out.offered:>7.0%}   (of one core, during the load)")
    print(
        f"{'CPU, bot event loop':<24} {out.loop_cpu / out.offered:>7.0%}   (its main thread: "
        f"{out.loop_us_per_event:.0f} µs per event)"
    )
    print(f"{'CPU, emulator':<24} {out.emulator_cpu / out.offered:>7.0%}   (this process: emulator and members)")
    print(
        f"{'peak memory, bot':<24} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:>7.0f} MB"
        "   (max resident set of the bot process)"
    )
    print(
        f"{'peak memory, emulator':<24} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:>7.0f} MB"
        "   (this process: emulator and simulated members)"
    )
    print(
        f"{'acknowledged late':<24} {out.late_acks():>7}   (after {ACK_DEADLINE:.0f} s or never, of {len(out.acks)}; "
        f"p99 {out.ack_ms(99):.0f} ms, max {out.ack_ms(100):.0f} ms)"
    )
    print(f"{'failed interactions':<24} {out.failed:>7}   {dict(load.failed) or ''}")
    for what, source, paid, answered, seen in (
        ("claims", "/claim", out.claims_paid, out.claims_answered, load.paid_claims),
        ("drops", "the Claim button", out.drops_paid, out.drops_answered, load.paid_drops),
    ):
        late = f", {answered - seen} after the member's 10 s" if answered > seen else ""
        print(f"{what + ' paid / answered':<24} {paid:>7}   / {answered} ({source}{late})")
    print(f"{'errors in the bot log':<24} {len(out.errors):>7}   {'; '.join(out.errors[:3])}")
    print(f"{'lost or doubled':<24} {len(out.problems):>7}   {'; '.join(out.problems[:5])}")
    p99 = out.p(99)
    print(f"\ncommand p99 {p99:.0f} ms (target < {P99_TARGET_MS:.0f} ms): {'ok' if p99 < P99_TARGET_MS else 'MISSED'}")
    publish(
        "load",
        [
            ("events/s handled", f"{out.handled_rate:,.0f}", f"rate {out.rate:g}, lag {out.lag:.1f} s"),
            ("command p99", f"{p99:.0f} ms", f"target < {P99_TARGET_MS:.0f} ms"),
            ("failed interactions", str(out.failed), "0"),
        ],
    )
    return 1 if out.problems or out.errors or out.failed or p99 >= P99_TARGET_MS else 0


SWEEP_HEADER = (
    f"{'rate':>5} {'offered/s':>9} {'handled/s':>9} {'lag s':>6} {'p50 ms':>7} {'p99 ms':>7} {'ack p99':>7} "
    f"{'failed':>6} "
    f"{'claims paid/ans':>15} {'drops paid/ans':>14} {'bot CPU':>7} {'loop µs/ev':>10} {'emu CPU':>7}  kept up"
)


def sweep_row(out: Outcome) -> str:
    return (
        f"{out.rate:>5g} {out.offered_rate:>9,.0f} {out.handled_rate:>9,.0f} {out.lag:>6.1f} {out.p(50):>7.0f} "
        f"{out.p(99):>7.0f} {out.ack_ms(99):>7.0f} {out.failed:>6} {f'{out.claims_paid}/{out.claims_answered}':>15} "
        f"{f'{out.drops_paid}/{out.drops_answered}':>14} {out.bot_cpu / out.offered:>7.0%} "
        f"{out.loop_us_per_event:>10.0f} {out.emulator_cpu / out.offered:>7.0%}  {'yes' if out.kept_up() else 'no'}"
    )

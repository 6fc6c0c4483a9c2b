"""History replay throughput and memory: synthetic DiscordChatExporter exports of 10k, 100k and 1M messages.

Run: .venv/bin/python bench/replay.py [--sizes 10000,100000,1000000]

Each size is generated once into data/bench/ (ignored by git; reused by later runs) and replayed by
`python bot.py replay` in its own process into a fresh database, so the peak resident memory printed is
that replay's alone. Rates include start-up and the final snapshot; "events" counts messages and reactions,
which is what the bot receives.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._results import publish  # noqa: E402
from loyalteez.replay.synthetic import write_exports  # noqa: E402

CACHE = ROOT / "data" / "bench"
# messages -> (members, days): a bigger history is a bigger, longer-lived community
SHAPES = {10_000: (100, 14), 100_000: (500, 60), 1_000_000: (2_000, 365)}


def exports_for(size: int) -> tuple[Path, float]:
    members, days = SHAPES.get(size, (max(20, size // 500), max(7, size // 3_000)))
    folder = CACHE / f"replay-{size}"
    done = folder / ".complete"
    if done.exists():
        return folder, 0.0
    started = time.perf_counter()
    write_exports(folder, messages=size, seed=size, channels=5, members=members, bots=3, days=days)
    done.touch()
    return folder, time.perf_counter() - started


def replay(folder: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        result = subprocess.run(
            [
                sys.executable,
                str(ROOT / "bot.py"),
                "replay",
                str(folder),
                "--db",
                str(Path(tmp) / "bench.db"),
                "--quiet",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"replay failed:\n{result.stderr}")
    out = result.stdout

    def number(pattern: str) -> float:
        return float(re.search(pattern, out).group(1).replace(",", ""))  # type: ignore[union-attr]

    return {
        "messages": number(r"Replayed ([\d,]+) messages"),
        "reactions": number(r"([\d,]+) reactions"),
        "seconds": number(r": ([\d.]+)s, "),
        "rate": number(r"([\d,]+) messages/s"),
        "rss": number(r"peak memory ([\d,]+) MB"),
        "wall": wall,
        "days": number(r"KPI snapshots: ([\d,]+) daily"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated message counts")
    args = parser.parse_args()
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        folder, generated = exports_for(size)
        stats = replay(folder)
        rows.append((size, generated, stats))
        print(f"  {size:,} messages replayed in {stats['seconds']:.1f}s", file=sys.stderr)
    print(
        f"{'messages':>10} {'reactions':>10} {'days':>5} {'seconds':>8} {'messages/s':>11} {'events/s':>9} "
        f"{'peak RSS MB':>12}"
    )
    for size, _, s in rows:
        events = (s["messages"] + s["reactions"]) / s["seconds"]
        print(
            f"{size:>10,} {int(s['reactions']):>10,} {int(s['days']):>5} {s['seconds']:>8.1f} {s['rate']:>11,.0f} "
            f"{events:>9,.0f} {s['rss']:>12,.0f}"
        )
    publish(
        "replay",
        [(f"{size:,} messages", f"{s['rate']:,.0f} messages/s", f"peak {s['rss']:,.0f} MB") for size, _, s in rows],
    )


if __name__ == "__main__":
    main()

"""`make bench` / `python -m bench [NAME [ARGS...]]`: list the benchmarks, or run one by name.

Each benchmark is a script of its own (one command, prints a table); this only finds and starts them.
`python -m bench all [NAME ...]` runs every benchmark (or the named ones) with its defaults, each in a
process of its own, and prints one table of the headline figures they publish (bench/_results.py).
"""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import _results

HERE = Path(__file__).resolve().parent


def benchmarks() -> dict[str, str]:
    """name -> the first line of its docstring."""
    found = {}
    for path in sorted(HERE.glob("*.py")):
        if path.stem.startswith("_"):
            continue
        text = path.read_text(encoding="utf-8")
        first = text.split('"""', 2)[1].strip().splitlines()[0] if text.startswith('"""') else ""
        found[path.stem] = first
    return found


def run_all(names: list[str], known: dict[str, str]) -> int:
    """Run the benchmarks one after the other; print each one's own output, then the joined table."""
    unknown = [n for n in names if n not in known]
    if unknown:
        print(f"no benchmark {unknown[0]!r}", file=sys.stderr)
        return 2
    failed = []
    with tempfile.TemporaryDirectory(prefix="ltz-bench-all-") as tmp:
        results = Path(tmp) / "results.jsonl"
        for name in names or list(known):
            print(f"== {name}", flush=True)
            env = {**os.environ, _results.ENV: str(results)}
            done = subprocess.run([sys.executable, "-m", "bench", name], cwd=HERE.parent, env=env, check=False)
            if done.returncode != 0:
                failed.append(f"{name} (exit {done.returncode})")
        rows = _results.read(results)
    print("\n== all benchmarks")
    print(_results.table(rows) if rows else "no benchmark published a figure")
    if failed:
        print("missed a goal or failed:", ", ".join(failed))
    return 1 if failed else 0


def main(argv: list[str]) -> int:
    known = benchmarks()
    if argv and argv[0] == "all":
        return run_all(argv[1:], known)
    if not argv or argv[0] not in known:
        if argv:
            print(f"no benchmark {argv[0]!r}", file=sys.stderr)
        print("Benchmarks (run one: python -m bench NAME [--help]; all of them, one table: python -m bench all):")
        for name, what in known.items():
            print(f"  {name:<20} {what}")
        return 2 if argv else 0
    sys.argv = [str(HERE / f"{argv[0]}.py"), *argv[1:]]
    runpy.run_path(sys.argv[0], run_name="__main__")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

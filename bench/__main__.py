"""`make bench` / `python -m bench [NAME [ARGS...]]`: list the benchmarks, or run one by name.

Each benchmark is a script of its own (one command, prints a table); this only finds and starts them.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

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


def main(argv: list[str]) -> int:
    known = benchmarks()
    if not argv or argv[0] not in known:
        if argv:
            print(f"no benchmark {argv[0]!r}", file=sys.stderr)
        print("Benchmarks (run one: python -m bench NAME [--help]):")
        for name, what in known.items():
            print(f"  {name:<20} {what}")
        return 2 if argv else 0
    sys.argv = [str(HERE / f"{argv[0]}.py"), *argv[1:]]
    runpy.run_path(sys.argv[0], run_name="__main__")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

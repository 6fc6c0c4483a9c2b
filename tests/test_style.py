"""ruff clean and mypy clean are project rules, so the suite enforces them rather than a reviewer."""

import subprocess
import sys
import tempfile
from typing import IO

from tests.conftest import PROJECT_ROOT

# mypy takes a core for 15-25 s on a clean clone; the suite starts it when collection ends (conftest) so it
# runs beside the other tests instead of in line with them, and the test below collects its verdict.
_type_check: dict[str, tuple[subprocess.Popen[bytes], IO[bytes]]] = {}


def start_type_check() -> None:
    """Start mypy over the project once per test process (its output goes to a file: a pipe could fill)."""
    if "mypy" not in _type_check:
        output = tempfile.TemporaryFile()  # noqa: SIM115 (read by the test, closed with the process)
        process = subprocess.Popen([sys.executable, "-m", "mypy"], cwd=PROJECT_ROOT, stdout=output, stderr=output)
        _type_check["mypy"] = (process, output)


def test_ruff_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_ruff_format_is_applied() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "--no-cache", "."],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_types_check() -> None:
    """mypy over the package: strict on the store and the services, where every repository call is typed."""
    start_type_check()
    process, output = _type_check["mypy"]
    returncode = process.wait(timeout=300)
    output.seek(0)
    assert returncode == 0, output.read().decode(errors="replace")[-3000:]

"""Running the real bot.py as an operator would: a bot that holds its database, pipes that close, and a
user without root's way around file permissions."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

# A root process without the capabilities that let it write any file: it meets permissions as the
# dedicated user of a real install would (the test suite runs as root).
NO_BYPASS = ("setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--")
FAKE_TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAw.GAAAAA.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"


def environment(env: dict[str, str] | None = None) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN" and not k.startswith("LOYALTEEZ_")}
    return {**base, **(env or {})}


def bot(
    *args: str,
    env: dict[str, str] | None = None,
    cwd: Path = PROJECT_ROOT,
    prefix: Sequence[str] = (),
    stdout: int | None = subprocess.PIPE,
    timeout: float = 30,
) -> subprocess.CompletedProcess[str]:
    """bot.py with these arguments; a hang fails the test (TimeoutExpired) instead of stalling the suite."""
    return subprocess.run(
        [*prefix, sys.executable, str(PROJECT_ROOT / "bot.py"), *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=timeout,
        env=environment(env),
        cwd=cwd,
    )


def closed_port() -> int:
    """A local port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def offline(env: dict[str, str] | None = None) -> dict[str, str]:
    """Settings for `run` with a token and a Discord that cannot be reached (a closed local port)."""
    return {
        "DISCORD_TOKEN": FAKE_TOKEN,
        "LOYALTEEZ_DISCORD_API": f"http://127.0.0.1:{closed_port()}/api/v10",
        **(env or {}),
    }


@contextmanager
def serving(env: dict[str, str], *args: str) -> Iterator[subprocess.Popen[str]]:
    """A `bot.py run` that holds its database and keeps retrying an unreachable Discord, until the block ends."""
    proc = subprocess.Popen(
        [sys.executable, str(PROJECT_ROOT / "bot.py"), *args, "run"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(offline(env)),
        cwd=PROJECT_ROOT,
    )
    try:
        assert proc.stderr is not None
        for line in proc.stderr:  # the first retry line: the database is open and locked by now
            if "Cannot reach Discord" in line:
                break
        else:
            raise AssertionError(f"bot.py run stopped early with {proc.wait()}")
        yield proc
    finally:
        stop(proc)


def stop(proc: subprocess.Popen[str], sig: int = signal.SIGKILL) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
        proc.wait(timeout=10)
    if proc.stderr is not None:
        proc.stderr.close()


def wait_for(predicate, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


@contextmanager
def closed_stdout() -> Iterator[int]:
    """A pipe whose reader is already gone, like `| head` after its lines: the first write fails (EPIPE)."""
    read, write = os.pipe()
    os.close(read)
    try:
        yield write
    finally:
        os.close(write)


def require_no_bypass() -> None:
    """Skip only where setpriv is missing or may not drop capabilities here."""
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv is not installed")
    probe = subprocess.run([*NO_BYPASS, "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"setpriv cannot drop capabilities here: {probe.stderr.decode().strip()}")


def sentence(result: subprocess.CompletedProcess[str]) -> str:
    """The one line a refusal prints; asserts there is exactly one and no traceback."""
    lines = [line for line in result.stderr.splitlines() if line.strip() and "voice will NOT be supported" not in line]
    assert "Traceback" not in result.stderr + (result.stdout or ""), result.stderr
    assert len(lines) == 1, f"expected one sentence, got:\n{result.stderr}"
    return lines[0]

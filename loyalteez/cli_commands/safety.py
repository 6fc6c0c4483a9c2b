"""Guards shared by the commands that write: the database's instance lock, output files, a closed stdout.

Commands that change a database the bot may be serving take the same lock the bot takes at start
(loyalteez.store.instance_lock), so they are refused while it runs instead of racing it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from loyalteez.cli_commands import texts
from loyalteez.services.errors import ValidationError
from loyalteez.store.instance_lock import hold


class OutputError(ValidationError):
    """An output path that cannot or may not be written; the sentence already names the option."""

    def __str__(self) -> str:
        return self.message


@asynccontextmanager
async def locked(target: str, command: str) -> AsyncIterator[None]:
    """Hold the database's instance lock for the command's whole run (LockHeld names who has it)."""
    lock = await hold(target, f"bot.py {command}")
    try:
        yield
    finally:
        await lock.release()


def check_output(option: str, raw: str, *, force: bool = False, must_be_new: bool = True) -> Path:
    """Refuse, before any work, an output path that cannot or may not be written."""
    path = Path(raw)
    folder = path.parent
    if path.is_dir():
        raise OutputError(option, texts.out_is_folder(option, raw))
    if not folder.is_dir():
        raise OutputError(option, texts.out_folder_missing(option, raw, str(folder)))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(option, texts.out_not_writable(option, raw, str(folder)))
    if must_be_new and path.exists() and not force:
        raise OutputError(option, texts.out_exists(option, raw))
    return path


def silence_stdout() -> None:
    """After the reader of stdout went away: send the rest nowhere, so neither later prints nor the
    interpreter's final flush raise BrokenPipeError again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def tolerant_print() -> tuple[Callable[[str], None], Callable[[], bool]]:
    """A print for progress lines that keeps working after stdout closes, and a way to ask if it did."""
    closed = False

    def say(line: str) -> None:
        nonlocal closed
        if closed:
            return
        try:
            print(line, flush=True)
        except BrokenPipeError:
            closed = True
            silence_stdout()

    return say, lambda: closed

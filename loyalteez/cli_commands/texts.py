"""Sentences the command line prints about databases, files and the network (one sentence each)."""

from __future__ import annotations

OUTPUT_CLOSED = "The output was closed before everything was written (for example by `head`); nothing else was changed."


def cannot_reach_discord(base: str, reason: str, delay: float) -> str:
    return f"Cannot reach Discord at {base} ({reason}); retrying in {delay:g} s."


def migrate_output_closed(verified: bool) -> str:
    outcome = "and verified" if verified else "but NOT verified (run it again to see the table)"
    return f"The output was closed early (for example by `head`); the copy still ran to the end {outcome}."


def out_is_folder(option: str, path: str) -> str:
    return f"{option} {path} is a folder: name a file in it instead."


def out_folder_missing(option: str, path: str, folder: str) -> str:
    return f"{option} {path}: the folder {folder} does not exist."


def out_not_writable(option: str, path: str, folder: str) -> str:
    return f"{option} {path}: the folder {folder} is not writable by this user."


def out_exists(option: str, path: str) -> str:
    return f"{option} {path} already exists: choose a new file name, or add --force to replace it."


def restored(database: str, backup: str, version: int, kept: str | None) -> str:
    saved = f"; the replaced database is kept as {kept}" if kept else ""
    return f"Restored {database} from {backup} (schema {version}; upgraded on next start if older){saved}"


def damaged(reason: str) -> str:
    return f"the database is damaged: {reason}"

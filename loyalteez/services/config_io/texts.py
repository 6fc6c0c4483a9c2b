"""Every sentence of exports and config imports, in one place for review and translation."""

from __future__ import annotations

from collections.abc import Sequence

KIND_NAMES = {"rewards": "rewards ledger", "audit": "audit log", "users": "member stats", "config": "config backup"}


def size(n: int) -> str:
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= scale:
            return f"{n / scale:,.1f} {unit}"
    return f"{n:,} bytes"


def export_ready(kind: str, fmt: str, rows: int, nbytes: int) -> str:
    if kind == "config":
        return (
            f"Config backup of this server ({size(nbytes)}). Restore it into a connected server with "
            "`python bot.py import-config FILE --server ID` (a dry run unless you add --apply)."
        )
    return f"The {KIND_NAMES[kind]}: {rows:,} row(s) as {fmt.upper()} ({size(nbytes)})."


def too_large(kind: str, server_id: str, limit: int) -> str:
    return (
        f"The {KIND_NAMES[kind]} export is larger than {size(limit)}, Discord's attachment limit. On the bot's "
        f"machine run `python bot.py export {kind} --server {server_id} --out FILE` instead."
    )


def config_is_json() -> str:
    return "config backups are JSON only (they restore with python bot.py import-config): leave format out or use json."


def one_of(what: str, choices: Sequence[str]) -> str:
    return f"{what} must be one of {', '.join(choices)}."


def dry_run_header(name: str, server_id: str, brand_id: str, removed: int = 0, *, applied: bool = False) -> str:
    """The first line; when the file drops entries it says so there, before the list it might scroll past."""
    where = f"{name} -> server {server_id} (brand {brand_id})"
    entries = "1 entry" if removed == 1 else f"{removed} entries"
    if not removed:
        return f"{where}:"
    if applied:
        return (
            f"{where}: each section in the file replaced the server's, so {entries} the file does "
            f"not list {'was' if removed == 1 else 'were'} removed (the '-' lines):"
        )
    return (
        f"{where}: each section in the file replaces the server's, so {entries} the file does not "
        "list would be removed (the '-' lines); add them to the file to keep them:"
    )


def nothing_to_change() -> str:
    return "Nothing to change: the server's config already matches the file."


def dry_run_footer(changes: int) -> str:
    return (
        f"{changes} change(s). Dry run: nothing was written. Run again with --apply to write them "
        "(in one transaction, with one audit row)."
    )


def applied(changes: int, audit_id: str | None) -> str:
    return f"Applied {changes} change(s) in one transaction (audit row {audit_id})."


def exported(kind: str, rows: int, target: str) -> str:
    return f"Exported the {KIND_NAMES[kind]} ({rows:,} row(s)) to {target}."

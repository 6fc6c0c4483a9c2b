"""Every sentence of `python bot.py import`, in one place for review and translation."""

from __future__ import annotations

from typing import Any

FORMAT_NAMES = {"mee6": "MEE6 leaderboard", "csv": "CSV", "json": "JSON list"}


def shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def line(number: int, problem: str) -> str:
    return f"line {number}: {problem}"


def whole_number(field: str, high: int, value: Any) -> str:
    return f"{field} must be a whole number from 0 to {high:,} (got {shown(value)})."


def xp_number(value: Any) -> str:
    return f"xp must be a whole number, 0 or more (got {shown(value)})."


def missing(field: str) -> str:
    return f"{field} is missing."


def duplicate(member_id: str, first_line: int) -> str:
    return f"member {member_id} is already on line {first_line}."


def unknown_fields(names: list[str], allowed: tuple[str, ...]) -> str:
    return f"unknown field(s) {', '.join(map(repr, names))} (expected {', '.join(allowed)})."


def csv_width(count: int) -> str:
    return f"expected 2 or 3 values (discord_user_id,points[,messages]), got {count}."


def csv_header_width(count: int, expected: int) -> str:
    return f"expected {expected} values like the header, got {count}."


def csv_unknown_column(name: str) -> str:
    return f"unknown column {name!r} in the header (expected discord_user_id, points and optionally messages)."


def csv_header_needs() -> str:
    return "the header needs a discord_user_id column and a points column."


def not_json(message: str, column: int) -> str:
    return f"not valid JSON: {message} (column {column})."


def not_text() -> str:
    return "the file is not UTF-8 text."


def json_list_expected() -> str:
    return 'expected a JSON list of {"id": ..., "points": ...} objects.'


def object_expected() -> str:
    return 'expected an object like {"id": "123", "points": 50}.'


def mee6_expected() -> str:
    return 'expected MEE6\'s leaderboard JSON: an object with a "players" list (or a list of such pages).'


def player_expected() -> str:
    return "expected a player object with id and xp."


def empty() -> str:
    return "the file holds no members."


def bad_rate() -> str:
    return "rate must be a number above 0 and at most 1,000 (points = xp × rate, rounded half up)."


def rate_is_mee6_only() -> str:
    return "--rate applies to --format mee6 only (CSV and JSON files give points directly)."


def bad_format(formats: tuple[str, ...]) -> str:
    return f"format must be one of {', '.join(formats)}."


def bad_event(message: str) -> str:
    return f"--as-event: {message}"


def event_in_use(name: str, trigger: str, enabled: bool) -> str:
    state = "on" if enabled else "off"
    return (
        f"--as-event: `{name}` is an event members earn (trigger {trigger}, {state}); imported points need "
        "an event of their own that never pays by itself. Leave --as-event out (imported_balance) or name a "
        "new event."
    )


def event_description() -> str:
    return "Balances imported from another bot (python bot.py import). Stays off: it never pays by itself."


def lowered(line_number: int, member_id: str, what: str, before: int, after: int) -> str:
    return (
        f"line {line_number}: member {member_id} already holds {before:,} imported {what}; the file says "
        f"{after:,}. Kept: imports never take anything back."
    )


def report(parsed: Any, server_id: str, plan: Any, applied: bool, audit_id: str | None) -> list[str]:
    """What an import did, or would do (a dry run), for the command line."""
    rate = f", points = xp × {parsed.rate or 1}" if parsed.format == "mee6" else ""
    lines = [
        f"{parsed.name} ({FORMAT_NAMES[parsed.format]}, {plan.members:,} member(s), sha256 "
        f"{parsed.sha256[:12]}…) -> server {server_id} as event `{plan.event}`{rate}:"
    ]
    if plan.create_event and plan.writes:
        lines.append(
            f"  {'created' if applied else 'would create'} the event `{plan.event}`, turned off: "
            "it never pays by itself"
        )
    added = "added" if applied else "to add"
    lines += [
        f"  new members:       {plan.new:,}",
        f"  corrected members: {plan.corrected:,}",
        f"  already imported:  {plan.unchanged:,} (nothing to add)",
        f"  LTZ {added}:{' ' * (14 - len(added))}{plan.points:,}",
        f"  messages {added}:{' ' * (9 - len(added))}{plan.messages:,}",
    ]
    if plan.kept:
        lines.append(f"  kept as they are:  {len(plan.kept):,} value(s) (the file gives less than already imported)")
        lines += [f"    {text}" for text in plan.kept[:20]]
        if len(plan.kept) > 20:
            lines.append(f"    … and {len(plan.kept) - 20} more")
    if not plan.writes:
        lines.append("Nothing to import: every member already holds what this file gives.")
    elif applied:
        lines.append(f"Imported in one transaction: {len(plan.writes):,} ledger row(s), audit row {audit_id}.")
    else:
        lines.append("Dry run: nothing was written. Run again with --apply to import it.")
    return lines

"""`db info` and `doctor` on PostgreSQL: connect, schema version, rows per table, row-level security.

Read-only: a database without the bot's schema is reported, not created. A server that cannot be reached
raises DatabaseError, which the command line turns into one sentence and exit 2.
"""

from __future__ import annotations

import asyncio

from loyalteez.store import Store
from loyalteez.store.inspect import DatabaseReport, RowSecurity
from loyalteez.store.schema import latest_version

POLICIES_FILE = "supabase/policies.sql"


def row_security_sentence(security: RowSecurity) -> str:
    if not security.installed:
        return (
            f"Row-level security: no policies installed ({POLICIES_FILE} not applied); "
            "the bot's own scoping keeps brands apart."
        )
    if security.complete:
        return f"Row-level security: enabled and forced on all {security.tables} tables ({security.policies} policies)."
    gaps = []
    if security.not_enabled:
        gaps.append("not enabled on " + ", ".join(security.not_enabled))
    if security.not_forced:
        gaps.append("not forced on " + ", ".join(security.not_forced))
    return f"Row-level security: policies are installed but {'; '.join(gaps)}: run {POLICIES_FILE} again."


def version_sentence(version: int | None) -> str:
    latest = latest_version()
    if version is None:
        return f"no Loyalteez schema yet (created when the bot starts; this bot: {latest})"
    if version == latest:
        return f"schema version {version} (up to date)"
    if version > latest:
        return f"schema version {version}, newer than this bot ({latest}): upgrade the bot"
    return f"schema version {version} (upgraded to {latest} when the bot starts)"


def info_lines(report: DatabaseReport) -> list[str]:
    lines = [f"{report.where}: {version_sentence(report.version)}"]
    lines += [f"  {table:32} {rows:>10,} rows" for table, rows in report.sizes.items()]
    if report.row_security is not None:
        lines.append(row_security_sentence(report.row_security))
    if report.scheduler is not None:
        holder, until = report.scheduler
        lines.append(f"scheduler lease: {holder}, until {until} (renewed while that process runs)")
    return lines


def db_info(url: str) -> int:
    """Exit 0 when the report could be read; DatabaseError (one sentence, exit 2) when it could not."""
    for line in info_lines(asyncio.run(Store.inspect(url))):
        print(line)
    return 0


def doctor_check(url: str) -> tuple[bool, str]:
    """(ok, detail) for doctor's database line: reachable, schema known, RLS complete where installed."""
    report = asyncio.run(Store.inspect(url))
    ok = report.version is None or report.version <= latest_version()
    detail = f"{report.where}: {version_sentence(report.version)}, {len(report.sizes)} tables"
    if report.row_security is not None:
        ok = ok and (not report.row_security.installed or report.row_security.complete)
        detail += ". " + row_security_sentence(report.row_security)
    return ok, detail

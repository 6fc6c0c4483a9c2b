"""`bot.py migrate --from A --to B`: move the bot's data between SQLite and PostgreSQL (either way).

Thin on purpose: it opens both sides as stores (so each is created or upgraded to this bot's schema, or
refused if newer), hands the copying to loyalteez.store.copy, and words the outcome for the shell.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from loyalteez.clock import Clock, SystemClock
from loyalteez.store import DatabaseError, Store
from loyalteez.store.copy import CopyReport, copy_database

Say = Callable[[str], None]


def _is_postgres(target: str) -> bool:
    return target.startswith(("postgres://", "postgresql://"))


def describe(target: str) -> str:
    """How a database is named in messages and in the progress record: no password, absolute file paths.

    Built from the URL's parts rather than by masking its text, so no spelling of a password survives:
    `user:pass@`, a percent-encoded one, or `?password=` (and other secret options) in the query.
    """
    if _is_postgres(target):
        try:
            parts = urlsplit(target)
            host = parts.hostname or ""
            port = f":{parts.port}" if parts.port else ""
            user = f"{parts.username}@" if parts.username else ""
            query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _secret(k)])
        except ValueError:
            return "the given PostgreSQL URL"
        return urlunsplit((parts.scheme, f"{user}{host}{port}", parts.path, query, ""))
    path = target.removeprefix("sqlite:///")
    return "sqlite:///" + str(Path(path).resolve())


def _secret(option: str) -> bool:
    """Query options that carry a secret (password, passfile, sslpassword, sslkey, ...)."""
    return any(word in option.lower() for word in ("pass", "key", "secret", "token"))


async def migrate(
    source: str,
    target: str,
    *,
    force: bool = False,
    say: Say = print,
    clock: Clock | None = None,
    batch: int | None = None,
) -> CopyReport:
    """Copy everything from `source` into `target` and verify it; DatabaseError for anything unusable."""
    if describe(source) == describe(target):
        raise DatabaseError("--from and --to name the same database")
    if not _is_postgres(source) and "://" not in source.removeprefix("sqlite:///"):
        path = Path(source.removeprefix("sqlite:///"))
        if not path.is_file():
            raise DatabaseError(f"there is no SQLite database at {path}")
    clock = clock or SystemClock()
    src = await Store.open(source, clock)
    try:
        dst = await Store.open(target, clock)
        try:
            last_said: dict[str, int] = {}

            def progress(table: str, copied: int, total: int) -> None:
                if copied == total or copied - last_said.get(table, 0) >= 10_000:
                    last_said[table] = copied
                    say(f"  {table}: {copied:,} / {total:,} rows")

            options = {"batch": batch} if batch else {}
            say(f"Copying {describe(source)} -> {describe(target)}")
            return await copy_database(
                src.db, dst.db, source_label=describe(source), force=force, on_batch=progress, **options
            )
        finally:
            await dst.close()
    finally:
        await src.close()


def summary(report: CopyReport) -> list[str]:
    """The verification table the CLI prints: rows and checksum per table, on both sides."""
    lines = [f"{'table':32} {'rows':>9} {'copied now':>10}  {'checksum (source = target)':34}  ok"]
    for t in report.tables:
        same = t.source_sum if t.source_sum == t.target_sum else f"{t.source_sum} != {t.target_sum}"
        rows = f"{t.source_rows:,}" if t.source_rows == t.target_rows else f"{t.source_rows:,} != {t.target_rows:,}"
        lines.append(f"{t.table:32} {rows:>9} {t.copied_now:>10,}  {same:34}  {'yes' if t.ok else 'NO'}")
    total = sum(t.source_rows for t in report.tables)
    verdict = "verified" if report.ok else "NOT verified: the target differs (see NO above); run again with --force"
    lines.append(f"{len(report.tables)} tables, {total:,} rows{' (resumed)' if report.resumed else ''}: {verdict}")
    return lines

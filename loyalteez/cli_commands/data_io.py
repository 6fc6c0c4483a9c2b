"""`python bot.py export | import-config | import`: backups, config restores and points from other bots.

Each prints what it did (or, without --apply, what it would do) and exits 0; bad input or a bad file is
`Error: ...` naming every problem (the field's JSON path, or the file's line number) and exit 2, with
nothing written.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import AbstractAsyncContextManager, nullcontext
from pathlib import Path
from typing import Any

from loyalteez import private_files
from loyalteez.cli_commands.safety import check_output, locked, silence_stdout
from loyalteez.cli_commands.texts import OUTPUT_CLOSED
from loyalteez.clock import SystemClock
from loyalteez.services import config_io, importers
from loyalteez.services.config_io import tables
from loyalteez.services.config_io import texts as config_texts
from loyalteez.services.errors import ValidationError
from loyalteez.services.importers import texts as import_texts
from loyalteez.services.rewards.engine import RewardsEngine
from loyalteez.settings import Settings
from loyalteez.store import Store

COMMANDS = ("export", "import-config", "import")


def add_parsers(commands: Any) -> None:
    export = commands.add_parser(
        "export",
        help="write a server's rewards ledger, audit log, member stats or config backup (CSV or JSON)",
        description="Like /export, without Discord's attachment limit. config is a full backup of the server's "
        "configuration that import-config restores.",
    )
    export.add_argument("type", choices=tables.KINDS, help="what to export")
    export.add_argument("--server", required=True, metavar="ID", help="the Discord server id (connected)")
    export.add_argument("--format", choices=tables.FORMATS, help="csv (default for tables) or json (config)")
    export.add_argument("--out", metavar="PATH", help="file to write (default: standard output)")
    export.add_argument("--force", action="store_true", help="replace the --out file if it exists")

    restore = commands.add_parser(
        "import-config",
        help="restore a config export into a connected server (dry run unless --apply)",
        description="Validates the whole file against docs/config.schema.json, then shows what would change. "
        "--apply writes it all in one transaction with one audit row. Sections absent from the file are left "
        "as they are.",
    )
    restore.add_argument("file", help="a /export type:config file (or a replay rules file)")
    restore.add_argument("--server", required=True, metavar="ID", help="the Discord server id (connected)")
    restore.add_argument("--apply", action="store_true", help="write the changes (default: only show them)")

    points = commands.add_parser(
        "import",
        help="import points from another bot: MEE6 leaderboard, CSV or JSON (dry run unless --apply)",
        description="Points become ledger rows of one event (created turned off when missing, so it never pays "
        "by itself); message counts go to member stats. Importing the same file again adds nothing; a "
        "corrected file adds only the corrections. Bad rows are listed by line number and nothing is written.",
    )
    points.add_argument("file", help="the file to import")
    points.add_argument("--server", required=True, metavar="ID", help="the Discord server id (connected)")
    points.add_argument(
        "--format",
        required=True,
        choices=importers.FORMATS,
        help="mee6 (its leaderboard JSON), csv (discord_user_id,points[,messages]) or json ([{id, points, messages}])",
    )
    points.add_argument(
        "--as-event",
        dest="as_event",
        default=importers.DEFAULT_EVENT,
        metavar="NAME",
        help=f"the event the points are recorded under (default {importers.DEFAULT_EVENT})",
    )
    points.add_argument("--rate", metavar="R", help="mee6 only: points = xp × R, rounded half up (default 1)")
    points.add_argument("--apply", action="store_true", help="write it (default: only show what would change)")


async def run(args: argparse.Namespace, settings: Settings) -> int:
    target = settings.database_url or settings.db_path
    if args.command == "export":
        out = check_output("--out", args.out, force=args.force) if args.out else None
        store = await Store.open(target, SystemClock(), create=False)
        try:
            return await _export(store, args, out)
        finally:
            await store.close()
    # Writing commands take the bot's lock, so they are refused while it serves this database.
    guard: AbstractAsyncContextManager[None] = (
        locked(target, f"{args.command} --apply") if args.apply else nullcontext()
    )
    async with guard:
        store = await Store.open(target, SystemClock())
        try:
            if args.command == "import-config":
                return await _import_config(store, args)
            return await _import_points(store, args)
        finally:
            await store.close()


async def _export(store: Store, args: argparse.Namespace, target: Path | None) -> int:
    data = await config_io.connected_server(store, args.server)
    now = store.clock.now()
    if target is None:
        try:
            rows = await tables.write_export(data, args.type, args.format, now, sys.stdout.buffer)
            sys.stdout.flush()
        except BrokenPipeError:
            silence_stdout()
            print(OUTPUT_CLOSED, file=sys.stderr)
            return 1
        print(config_texts.exported(args.type, rows, "standard output"), file=sys.stderr)
        return 0
    # Written beside the target and moved over it at the end: a failed export never leaves half a file.
    partial = target.with_name(f".{target.name}.partial")
    try:
        with private_files.open_for_writing(partial) as out:
            rows = await tables.write_export(data, args.type, args.format, now, out)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    print(config_texts.exported(args.type, rows, str(target)))
    return 0


async def _import_config(store: Store, args: argparse.Namespace) -> int:
    document = config_io.read_config(args.file)
    data = await config_io.connected_server(store, args.server)
    result = await config_io.import_config(data, document, apply=args.apply)
    removed = config_io.removals(result.changes)
    scope = data.scope
    print(config_texts.dry_run_header(document.name, scope.server_id, scope.brand_id, removed, applied=result.applied))
    for line in result.changes:
        print(f"  {line}")
    if not result.changes:
        print(config_texts.nothing_to_change())
    elif result.applied:
        print(config_texts.applied(len(result.changes), result.audit_id))
    else:
        print(config_texts.dry_run_footer(len(result.changes)))
    return 0


async def _import_points(store: Store, args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise ValidationError("file", f"{args.file}: cannot be read: {exc.strerror or exc}.") from exc
    parsed = importers.parse_import(content, args.format, path.name, args.rate)
    data = await config_io.connected_server(store, args.server)
    engine = RewardsEngine(store, store.clock)
    result = await importers.run_import(engine, data, parsed, args.as_event, apply=args.apply)
    for line in import_texts.report(parsed, data.scope.server_id, result.plan, result.applied, result.audit_id):
        print(line)
    return 0

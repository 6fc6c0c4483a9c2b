"""`python bot.py ...`: run the bot, or manage brands and the database from the command line.

Exit codes: 0 done, 1 a check found a problem (or stdout was closed early, e.g. by `head`), 2 bad usage or
configuration (told in one sentence).
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from loyalteez import __version__, logsafe, private_files
from loyalteez.cli_commands import api_tokens, data_io, history, invite, restore, safety, texts, web_login
from loyalteez.cli_commands.parsing import actions_on_brand
from loyalteez.clock import SystemClock
from loyalteez.services.access import brands
from loyalteez.services.errors import ValidationError
from loyalteez.services.rewards.config import BRAND_CHECK_SECONDS
from loyalteez.settings import Settings, SettingsError, load_settings
from loyalteez.store import DatabaseError, Store

NO_TOKEN = """\
No Discord bot token found, so the bot cannot connect to Discord.
A token is the password your bot logs in with: create an application at
https://discord.com/developers/applications, open its "Bot" page, press "Reset Token" and copy it,
and on that page turn on the "Server Members" and "Message Content" intents. Then put it in a
file named .env next to bot.py as the line DISCORD_TOKEN=your-token (or export DISCORD_TOKEN in
your shell) and run `make run` again. Keep it secret: never commit .env or paste the token anywhere.
"""

DOTENV = Path(".env")
DOTENV_EXPOSED = "Warning: .env can be read by other users of this machine and holds your bot token: run chmod 600 .env"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python bot.py",
        description="Loyalteez community bot: members earn LTZ for taking part; admins shape the rewards.",
        epilog="Settings come from the environment or a .env file: DISCORD_TOKEN, DISCORD_CLIENT_ID (for invite), "
        "LOYALTEEZ_DB (default data/loyalteez.db), LOYALTEEZ_DATABASE_URL, LOYALTEEZ_LOG_LEVEL "
        "(DEBUG|INFO|WARNING|ERROR), LOYALTEEZ_LOG_FILE (rotated at LOYALTEEZ_LOG_MAX_BYTES, default 10000000, "
        "keeping LOYALTEEZ_LOG_BACKUPS, default 5), LOYALTEEZ_LOG_FORMAT (text|json), LOYALTEEZ_CATCHUP_HOURS "
        "(default 24, 0 = off), LOYALTEEZ_BACKUP_KEEP (daily SQLite backups kept, default 0 = off), "
        "LOYALTEEZ_BACKUP_DIR (default backups/ beside the database).",
    )
    parser.add_argument("--version", action="version", version=f"loyalteez {__version__}")
    parser.add_argument("--db", metavar="PATH", help="SQLite database file (overrides LOYALTEEZ_DB)")
    parser.add_argument("--log-level", choices=["DEBUG", "INFO", "WARNING", "ERROR"], help="log detail")
    parser.add_argument(
        "--demo", action="store_true", help="play a simulated week on a built-in local Discord (no token, no internet)"
    )
    parser.add_argument("--seed", type=int, default=1, help="with --demo: the simulation's seed (default 1)")
    parser.add_argument(
        "--web",
        action="store_true",
        help="with --demo: then keep serving the dashboard on data/demo.db (LOYALTEEZ_WEB_HOST/PORT, "
        "default 127.0.0.1:8080) and print a one-time admin link; Ctrl+C stops",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    commands.add_parser("run", help="connect to Discord and serve (the default; without a token: the demo)")

    brand = commands.add_parser("brand", help="create and manage brands (who may link servers)")
    brand_cmds = actions_on_brand(
        brand,
        "brand_command",
        {
            "create": ("create a brand and print its security key once", False),
            "list": ("list brands with their ids and connected servers", False),
            "rotate-key": ("replace a brand's security key and print the new one", True),
            "budget": ("set the LTZ budget shared by a brand's servers", True),
        },
    )
    brand_cmds["create"].add_argument("name", help="the brand's display name")
    brand_cmds["budget"].add_argument("amount", help="whole LTZ, or 'none' for no budget")

    backup = commands.add_parser("backup", help="copy the database safely, even while the bot runs")
    backup.add_argument("path", nargs="?", help="target file (default data/backups/loyalteez-<time>.db)")
    restore = commands.add_parser("restore", help="replace the database with a verified backup (stop the bot first)")
    restore.add_argument("path", help="the backup file")
    commands.add_parser("doctor", help="check settings, database and token without connecting")
    commands.add_parser("check", help="recompute every balance from the rewards ledger and report any drift")

    migrate = commands.add_parser(
        "migrate",
        help="copy all data to another database (SQLite <-> PostgreSQL), resumably, and verify it",
        description="Copy every table, parents first, then compare row counts and checksums. An interrupted "
        "copy resumes when run again with the same --from. The target must be empty unless --force.",
    )
    migrate.add_argument(
        "--from",
        dest="source",
        required=True,
        metavar="URL",
        help="sqlite:///data/loyalteez.db (or a path), or postgresql://user:pass@host/db",
    )
    migrate.add_argument("--to", dest="target", required=True, metavar="URL", help="same forms as --from")
    migrate.add_argument(
        "--force", action="store_true", help="delete whatever the target holds first (also abandons an unfinished copy)"
    )

    db = commands.add_parser("db", help="inspect the database")
    db_cmds = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_cmds.add_parser("info", help="schema version, tables and row counts")
    data_io.add_parsers(commands)
    history.add_parsers(commands)
    invite.add_parsers(commands)
    web_login.add_parsers(commands)
    api_tokens.add_parsers(commands)
    return parser


def configure_logging(level: str, settings: Settings | None = None) -> None:
    from loyalteez import logs

    settings = settings or Settings()
    logs.configure(
        level,
        file=settings.log_file,
        json_lines=settings.log_format == "json",
        max_bytes=settings.log_max_bytes,
        backups=settings.log_backups,
    )
    logsafe.install()  # no secret in any record, whichever handler writes it


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; a reader of stdout that goes away early (`| head`) is one sentence, not a traceback."""
    try:
        code = _command(argv)
        sys.stdout.flush()  # inside the guard: a closed pipe may only show when the last lines are flushed
        return code
    except BrokenPipeError:
        safety.silence_stdout()
        print(texts.OUTPUT_CLOSED, file=sys.stderr)
        return 1


def _command(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        logsafe.register_environment()
        print(f"Configuration problem: {logsafe.scrub(str(exc))}", file=sys.stderr)
        return 2
    if private_files.exposed_to_others(DOTENV):
        print(DOTENV_EXPOSED, file=sys.stderr)
    logsafe.register_secret(settings.discord_token)  # also when they came from .env, not the environment
    logsafe.register_url(settings.database_url)
    if args.db:
        settings = Settings(**{**settings.__dict__, "db_path": args.db, "database_url": None})
    try:
        configure_logging(args.log_level or settings.log_level, settings)
    except OSError as exc:
        print(
            f"Configuration problem: cannot write LOYALTEEZ_LOG_FILE {settings.log_file}: {exc.strerror}",
            file=sys.stderr,
        )
        return 2
    try:
        if args.command == "brand":
            return asyncio.run(_brand(args, settings))
        if args.command == "db":
            return _db_info(settings)
        if args.command == "invite":
            return invite.run(settings)
        if args.command == "migrate":
            return asyncio.run(_migrate(args))
        if args.command in history.COMMANDS:
            return history.run(args)
        if args.command in web_login.COMMANDS:
            return asyncio.run(web_login.run(args, settings))
        if args.command in api_tokens.COMMANDS:
            return asyncio.run(api_tokens.run(args, settings))
        if args.command in data_io.COMMANDS:
            return asyncio.run(data_io.run(args, settings))
        if args.command == "check":
            return asyncio.run(_check(settings))
        if args.command in ("backup", "restore", "doctor"):
            return _maintenance(args, settings)
        if args.demo:
            return _demo(args.seed, web=args.web)
        return _run(settings, explicit=args.command == "run")
    except (ValidationError, DatabaseError) as exc:
        print(f"Error: {logsafe.scrub(str(exc))}", file=sys.stderr)  # a driver's message may quote the URL
        return 2
    except sqlite3.DatabaseError as exc:  # damage found only when a table is read
        print(f"Error: {texts.damaged(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _run(settings: Settings, *, explicit: bool) -> int:
    """`python bot.py` with no token plays the demo; an explicit `run` without a token is an error."""
    if not settings.has_token:
        print(NO_TOKEN, file=sys.stderr)
        if explicit:
            return 2
        print(
            "Meanwhile, here is the offline demo: a local Discord, the real bot and a simulated week.\n",
            file=sys.stderr,
        )
        return _demo(seed=1)
    from loyalteez.runner import run_bot

    return run_bot(settings)


async def _check(settings: Settings) -> int:
    from loyalteez.services.rewards.check import check_ledger
    from loyalteez.services.rewards.texts import ledger_report

    store = await Store.open(settings.database_url or settings.db_path, SystemClock(), create=False)
    try:
        report = await check_ledger(store)
    finally:
        await store.close()
    print("\n".join(ledger_report(report)))
    return 0 if report.ok else 1


def _demo(seed: int, *, web: bool = False) -> int:
    from loyalteez.demo.runner import main as demo_main

    return demo_main(seed, web=web)


async def _brand(args: argparse.Namespace, settings: Settings) -> int:
    creating = args.brand_command == "create"  # only a new brand may start a new database
    store = await Store.open(settings.database_url or settings.db_path, SystemClock(), create=creating)
    try:
        if args.brand_command == "create":
            made = await brands.create_brand(store, args.name)
            _print_key(made, "Created brand")
        elif args.brand_command == "rotate-key":
            made = await brands.rotate_key(store, args.brand)
            _print_key(made, "New key for brand")
        elif args.brand_command == "budget":
            brand = await brands.set_budget(store, args.brand, args.amount)
            budget = "none" if brand["ltz_budget"] is None else f"{brand['ltz_budget']:,} LTZ"
            print(f"Budget of {brand['name']} ({brand['brand_id']}): {budget}")
            print(f"A running bot applies it within {BRAND_CHECK_SECONDS:g} seconds.")
        else:
            rows = await store.list_brands()
            if not rows:
                print("No brands yet. Create one with: python bot.py brand create NAME")
            for row in rows:
                budget = "no budget" if row["ltz_budget"] is None else f"budget {row['ltz_budget']:,} LTZ"
                print(f"{row['brand_id']}  {row['name']}  ({row['servers']} server(s) connected, {budget})")
    finally:
        await store.close()
    return 0


async def _migrate(args: argparse.Namespace) -> int:
    """Exit 0 when every table verified, 1 when the copy differs; bad input raises DatabaseError (exit 2)."""
    from loyalteez.services.maintenance import migrate

    say, closed = safety.tolerant_print()  # a reader that goes away (`| head`) must not stop the copy
    async with safety.locked(args.target, "migrate --to"):
        report = await migrate.migrate(args.source, args.target, force=args.force, say=say)
    for line in migrate.summary(report):
        say(line)
    if closed():
        print(texts.migrate_output_closed(report.ok), file=sys.stderr)
    return 0 if report.ok else 1


def _print_key(made: brands.NewKey, title: str) -> None:
    print(f"{title} {made.name}")
    print(f"  brand id:     {made.brand_id}")
    print(f"  security key: {made.security_key}")
    print("The key is shown only now; only a salted hash is stored. In your server run:")
    print(f"  /setup connect brand_id:{made.brand_id} security_key:<the key>")


def _maintenance(args: argparse.Namespace, settings: Settings) -> int:
    from loyalteez.clock import SystemClock
    from loyalteez.doctor import run_doctor
    from loyalteez.store.backup import backup_sqlite

    if args.command == "doctor":
        findings = run_doctor(settings)
        for finding in findings:
            print(f"{'ok ' if finding.ok else 'BAD'} {finding.what:9} {finding.detail}")
        if any(f.blocking for f in findings):
            return 2
        return 0 if all(f.ok for f in findings) else 1
    if settings.database_url:
        print("backup and restore work on the SQLite file; for PostgreSQL use pg_dump / pg_restore", file=sys.stderr)
        return 2
    database = Path(settings.db_path)
    if args.command == "backup":
        stamp = SystemClock().now().strftime("%Y%m%d-%H%M%S")
        target = Path(args.path) if args.path else database.parent / "backups" / f"loyalteez-{stamp}.db"
        size = backup_sqlite(database, target)
        print(f"Backed up {database} to {target} ({size:,} bytes)")
        return 0
    return restore.run(Path(args.path), database)


def _db_info(settings: Settings) -> int:
    from loyalteez.store.schema import latest_version

    if settings.database_url:
        from loyalteez.cli_commands.postgres_info import db_info

        return db_info(settings.database_url)

    # Open through the store so the file is created or upgraded exactly as the bot would.
    async def read() -> tuple[int | None, dict[str, int]]:
        store = await Store.open(settings.db_path, SystemClock(), create=False)
        try:
            return await store.schema_version(), await store.table_sizes()
        finally:
            await store.close()

    version, sizes = asyncio.run(read())
    print(f"{settings.db_path}: schema version {version} (this bot: {latest_version()})")
    for table, rows in sizes.items():
        print(f"  {table:32} {rows:>10,} rows")
    return 0

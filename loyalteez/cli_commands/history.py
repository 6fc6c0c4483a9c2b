"""`python bot.py replay | whatif`: a server's exported chat history through the real bot.

Bad input (a missing file, a file that is not a DiscordChatExporter export, a rules file with a bad field,
a bad date) is `Error: ...` naming the file and field, exit 2, before anything is written.
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import date
from pathlib import Path
from typing import Any

from loyalteez import collector, private_files
from loyalteez.cli_commands.safety import check_output, locked

COMMANDS = ("replay", "whatif")
FORMAT_HELP = "DiscordChatExporter JSON exports (one file per channel of one server; a folder means every .json in it)"


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def add_parsers(commands: Any) -> None:
    replay = commands.add_parser(
        "replay",
        help="replay a server's exported chat history through the bot into a database",
        description="Feeds the exports' messages and reactions, in time order, to the real bot on a local "
        "Discord, with the clock following the messages: cooldowns, daily greetings, caps, KPI rollups and "
        "midnight snapshots happen as they would have. Replaying the same export again changes nothing.",
    )
    replay.add_argument("paths", nargs="+", metavar="PATH", help=FORMAT_HELP)
    replay.add_argument(
        "--db",
        dest="out_db",
        required=True,
        metavar="OUT.db",
        help="the SQLite database to write (created if missing; reused to continue)",
    )
    _common(replay)
    replay.add_argument(
        "--force",
        action="store_true",
        help="replay even into a database where the bot recorded this server live (mixes the two)",
    )
    replay.add_argument(
        "--rules",
        metavar="RULES.json",
        help="reward rules in the /export type:config format (default: a new server's defaults)",
    )

    whatif = commands.add_parser(
        "whatif",
        help="replay history under several rule sets and compare what each would pay",
        description="Each --rules file (or 'defaults') gets its own replay into a scratch database; the "
        "first is the baseline the others are compared to.",
    )
    whatif.add_argument("paths", nargs="+", metavar="EXPORT", help=FORMAT_HELP)
    whatif.add_argument(
        "--rules",
        action="append",
        required=True,
        metavar="RULES.json",
        help="a rule set to try; repeat for each (use 'defaults' for a new server's defaults)",
    )
    whatif.add_argument("--chart", metavar="OUT.png", help="also plot daily LTZ paid under each rule set")
    _common(whatif)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--brand", metavar="NAME", help="the brand to connect the server to (default: its name)")
    parser.add_argument("--until", type=_day, metavar="YYYY-MM-DD", help="stop after this day (included)")
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="no progress line (otherwise redrawn in a terminal, and one line every 10 s in a log or pipe)",
    )


def run(args: argparse.Namespace) -> int:
    from loyalteez.replay.progress import quiet_library_logs

    quiet_library_logs()
    collector.settle_for_serving()  # a replay is the bot serving a long history: the same collector settings
    if args.command == "replay":
        return asyncio.run(_replay(args))
    return asyncio.run(_whatif(args))


async def _replay(args: argparse.Namespace) -> int:
    from loyalteez.replay.progress import Progress
    from loyalteez.replay.runner import ReplayRequest, replay_history
    from loyalteez.replay.texts import summary_lines
    from loyalteez.services.config_io.rules import load_rules_file

    rules = await load_rules_file(args.rules) if args.rules else None
    db_path = Path(args.out_db)
    request = ReplayRequest(tuple(args.paths), db_path, rules, args.brand, args.until, force=args.force)
    async with locked(str(db_path), "replay"):
        result = await replay_history(request, progress=Progress(quiet=args.quiet))
    print("\n".join(summary_lines(result, db_path)))
    return 0


async def _whatif(args: argparse.Namespace) -> int:
    from loyalteez.replay.whatif import DEFAULTS, RuleSet, chart_png, compare
    from loyalteez.replay.whatif_texts import table_lines
    from loyalteez.services.config_io.rules import load_rules_file

    rule_sets: list[RuleSet] = []
    for path in args.rules:
        document = None if path == DEFAULTS else await load_rules_file(path)
        rule_sets.append(RuleSet(_label(path, len(rule_sets)), document))
    # Checked before the replays: a bad --chart must not cost the whole run.
    chart = check_output("--chart", args.chart, must_be_new=False) if args.chart else None
    outcomes = await compare(tuple(args.paths), rule_sets, brand=args.brand, until=args.until, quiet=args.quiet)
    print("\n".join(table_lines(outcomes)))
    if chart is not None:
        private_files.write_bytes(chart, chart_png(outcomes))
        print(f"Chart of daily LTZ paid under each rule set: {chart}")
    return 0


def _label(path: str, index: int) -> str:
    """'A: cheaper.json': a letter keeps columns distinct even when two files share a name."""
    return f"{chr(ord('A') + index % 26)}: {Path(path).name}"

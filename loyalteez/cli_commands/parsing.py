"""Argument shapes shared by several `python bot.py` commands."""

from __future__ import annotations

import argparse
from typing import Any

BRAND_HELP = "brand id or name"


def actions_on_brand(
    parser: argparse.ArgumentParser, dest: str, actions: dict[str, tuple[str, bool]]
) -> dict[str, argparse.ArgumentParser]:
    """`COMMAND ACTION [BRAND] ...`: one sub-parser per action (name -> (help, takes a brand)), returned by
    name so a caller adds the action's own arguments after the brand."""
    subs: Any = parser.add_subparsers(dest=dest, metavar="ACTION", required=True)
    made: dict[str, argparse.ArgumentParser] = {}
    for name, (help_text, on_brand) in actions.items():
        made[name] = subs.add_parser(name, help=help_text)
        if on_brand:
            made[name].add_argument("brand", help=BRAND_HELP)
    return made

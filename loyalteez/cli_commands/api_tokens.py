"""`python bot.py api-token create|list|revoke BRAND`: bearer tokens for the JSON API (docs/api.md).

A token reads every server of one brand; it is printed once (only a salted hash is kept) and works until
revoked. Whoever can run this already holds the database, as with `brand create`.
"""

from __future__ import annotations

import argparse
from typing import Any

from loyalteez.cli_commands.parsing import actions_on_brand
from loyalteez.clock import SystemClock
from loyalteez.services.api import tokens
from loyalteez.services.api.limits import DEFAULT_PER_MINUTE
from loyalteez.settings import Settings
from loyalteez.store import Store

COMMANDS = ("api-token",)


def add_parsers(commands: Any) -> None:
    parser = commands.add_parser("api-token", help="make, list and revoke tokens of the read-only JSON API")
    actions = actions_on_brand(
        parser,
        "api_token_command",
        {
            "create": ("make a token for a brand and print it once", True),
            "list": ("a brand's tokens: id, label, made, revoked (never the token)", True),
            "revoke": ("cut a token off at once", True),
        },
    )
    actions["create"].add_argument("--label", help="what the token is for, e.g. the bot that uses it (default: api)")
    actions["revoke"].add_argument("token_id", help="the token's id, as `api-token list` shows it")


async def run(args: argparse.Namespace, settings: Settings) -> int:
    """Bad input raises ValidationError or DatabaseError: the command line prints one sentence, exit 2."""
    store = await Store.open(settings.database_url or settings.db_path, SystemClock(), create=False)
    try:
        if args.api_token_command == "create":
            made = await tokens.create(store, args.brand, args.label)
            print(f"API token {made.token_id} ({made.label}) for brand {made.brand_name} ({made.brand_id}):")
            print(f"  {made.token}")
            print("It is shown only now; only a salted hash is stored. Send it as the header")
            print(f"  Authorization: Bearer <token>   to {settings.web.base_url}/api/v1/servers")
            print(f"Each token may ask {DEFAULT_PER_MINUTE} times a minute. Revoke it with:")
            print(f"  python bot.py api-token revoke {made.brand_id} {made.token_id}")
        elif args.api_token_command == "list":
            name, found = await tokens.listed(store, args.brand)
            if not found:
                print(f"Brand {name} has no API tokens. Make one with: python bot.py api-token create BRAND")
            for info in found:
                when = f"{info.created_at:%Y-%m-%d %H:%M}" if info.created_at else "?"
                state = "active" if info.active else f"revoked {info.revoked_at:%Y-%m-%d %H:%M}"
                print(f"{info.token_id}  {info.label}  made {when} UTC  {state}")
        else:
            info = await tokens.revoke(store, args.brand, args.token_id)
            print(f"Revoked API token {info.token_id} ({info.label}): the next request with it is refused.")
    finally:
        await store.close()
    return 0

"""`python bot.py invite`: print the link that adds the bot to a server with the permissions it needs."""

from __future__ import annotations

import argparse
import sys

from loyalteez.settings import Settings

NO_CLIENT_ID = (
    "Cannot tell the application's id: set DISCORD_TOKEN, or DISCORD_CLIENT_ID to the Application ID "
    "on your application's General Information page."
)


def add_parsers(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    commands.add_parser(
        "invite", help="print the link that adds the bot to a server, with exactly the permissions it needs"
    )


def client_id(settings: Settings) -> str | None:
    # py-cord is imported here, not at the top: it is a third of the start-up of every other command.
    from loyalteez.discord.invite import client_id_from_token

    return settings.discord_client_id or client_id_from_token(settings.discord_token)


def run(settings: Settings) -> int:
    found = client_id(settings)
    if found is None:
        print(NO_CLIENT_ID, file=sys.stderr)
        return 2
    from loyalteez.discord.invite import invite_url

    print("Open this link to add the bot to a server you manage:")
    print(invite_url(found))
    return 0

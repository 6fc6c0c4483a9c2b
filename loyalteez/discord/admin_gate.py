"""Admin commands start here: the server must be connected; the service then checks the caller's level."""

from __future__ import annotations

import discord

from loyalteez.discord.scoping import ScopeResolver
from loyalteez.store import Scope


class AdminGate:
    def __init__(self, resolver: ScopeResolver) -> None:
        self.resolver = resolver

    async def scope(self, ctx: discord.ApplicationContext) -> Scope | None:
        """The caller's server for an admin command, or None after the reply saying why there is none.

        The service the command calls checks the caller's level (services/access/gate.py); a caller
        below it gets PermissionDenied, which the bot's error handler turns into one ephemeral line.
        """
        return await self.resolver.member_scope(ctx)

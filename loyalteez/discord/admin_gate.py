"""Admin commands start here: the server must be connected and the caller must hold the level needed."""

from __future__ import annotations

import discord

from loyalteez.discord.caller import caller_of
from loyalteez.discord.scoping import ScopeResolver
from loyalteez.services.access.permissions import Level, require
from loyalteez.store import Scope, ServerStore


class AdminGate:
    def __init__(self, resolver: ScopeResolver) -> None:
        self.resolver = resolver

    async def scope(self, ctx: discord.ApplicationContext) -> Scope | None:
        """The caller's server for an admin command, or None after the reply saying why there is none.

        The service the command calls checks the caller's level (services/access/gate.py); a caller
        below it gets PermissionDenied, which the bot's error handler turns into one ephemeral line.
        """
        return await self.resolver.member_scope(ctx)

    async def open(self, ctx: discord.ApplicationContext, needed: Level) -> ServerStore | None:
        """The scoped store for the caller's server, or None after the reply saying why not.

        A caller below `needed` gets PermissionDenied, which the bot's error handler turns into a
        one-line ephemeral reply naming the level.
        """
        scope = await self.resolver.member_scope(ctx)
        if scope is None:
            return None
        data = self.resolver.store.scoped(scope)
        require(caller_of(ctx), await data.rewards.metadata(), needed)
        return data

"""From an interaction to a scope, with the one-sentence answers when there is none."""

from __future__ import annotations

import discord

from loyalteez.discord.replies import send
from loyalteez.services import texts
from loyalteez.services.access.setup import SetupService
from loyalteez.store import Scope


class ScopeResolver:
    def __init__(self, setup: SetupService) -> None:
        self.setup = setup
        # The admin gate's `open` and cogs not yet calling a service still reach the data through these.
        self.clock = setup.clock

    async def scope_of(self, guild_id: int | str) -> Scope | None:
        return await self.setup.scope_for(str(guild_id))

    async def member_scope(self, ctx: discord.ApplicationContext) -> Scope | None:
        """The scope for a member command, or None after telling them why nothing happens here."""
        if ctx.guild_id is None:
            await send(ctx, texts.DM_NEEDS_SERVER)
            return None
        scope = await self.scope_of(ctx.guild_id)
        if scope is None:
            await send(ctx, texts.NOT_CONNECTED)
        return scope

"""From an interaction to a scope, with the one-sentence answers when there is none."""

from __future__ import annotations

import discord

from loyalteez.clock import Clock
from loyalteez.discord.replies import send
from loyalteez.services import standings, texts
from loyalteez.services.setup import SetupService
from loyalteez.store import Scope, Store


class ScopeResolver:
    def __init__(self, setup: SetupService, store: Store, clock: Clock) -> None:
        self.setup = setup
        self.store = store
        self.clock = clock

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

    async def dm_balances(self, user_id: str) -> str:
        """/balance in DMs: the member's balance on every connected server they earned on."""
        lines = []
        for link in await self.store.servers_of_member(user_id):
            data = self.store.scoped(Scope(link["brand_id"], link["server_id"]))
            mine = await standings.balance(data, user_id, self.clock.now())
            name = link["server_name"] or link["server_id"]
            lines.append(f"**{name}**: {mine.available:,} LTZ available ({mine.earned:,} earned)")
        return "\n".join(lines) if lines else texts.DM_NO_BALANCES

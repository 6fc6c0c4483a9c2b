"""Who is calling, turned from py-cord objects into the plain Caller the services understand."""

from __future__ import annotations

import discord

from loyalteez.services.access.permissions import Caller


def caller_of(ctx: discord.ApplicationContext | discord.Interaction) -> Caller:
    user = ctx.user if isinstance(ctx, discord.Interaction) else ctx.author
    assert user is not None, "command and component interactions always carry their user"
    guild = ctx.guild
    guild_id = str(ctx.guild_id) if ctx.guild_id else None
    if isinstance(user, discord.Member):
        perms = user.guild_permissions
        roles = tuple(str(r.id) for r in user.roles if r.id != user.guild.id)
        owner = guild is not None and guild.owner_id == user.id
        return Caller(
            str(user.id), guild_id, roles, owner, perms.administrator, perms.manage_guild, user.top_role.position
        )
    return Caller(str(user.id), guild_id)

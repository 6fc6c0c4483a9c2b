"""Who is calling, turned from py-cord objects into the plain Caller the services understand."""

from __future__ import annotations

import discord

from loyalteez.services.access.permissions import Caller


def caller_of(ctx: discord.ApplicationContext | discord.Interaction) -> Caller:
    user = ctx.user if isinstance(ctx, discord.Interaction) else ctx.author
    assert user is not None, "command and component interactions always carry their user"
    if isinstance(user, discord.Member):
        return member_caller(user)
    return Caller(str(user.id), str(ctx.guild_id) if ctx.guild_id else None)


def member_caller(member: discord.Member) -> Caller:
    """A member as a Caller from their current roles and permissions; the web builds callers here too."""
    guild = member.guild
    perms = member.guild_permissions
    roles = tuple(str(r.id) for r in member.roles if r.id != guild.id)
    owner = guild.owner_id == member.id
    return Caller(
        str(member.id), str(guild.id), roles, owner, perms.administrator, perms.manage_guild, member.top_role.position
    )

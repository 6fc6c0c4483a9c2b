"""Who is calling, as plain values the services understand (no py-cord objects cross the layer)."""

from __future__ import annotations

from dataclasses import dataclass

import discord


@dataclass(frozen=True)
class Caller:
    user_id: str
    guild_id: str | None
    role_ids: tuple[str, ...]
    is_owner: bool
    is_administrator: bool
    can_manage_server: bool

    @property
    def is_server_admin(self) -> bool:
        """Owner, Administrator and Manage Server are the full admins of a server."""
        return self.is_owner or self.is_administrator or self.can_manage_server


def caller_of(ctx: discord.ApplicationContext | discord.Interaction) -> Caller:
    user = ctx.user if isinstance(ctx, discord.Interaction) else ctx.author
    guild = ctx.guild
    guild_id = str(ctx.guild_id) if ctx.guild_id else None
    if isinstance(user, discord.Member):
        perms = user.guild_permissions
        roles = tuple(str(r.id) for r in user.roles if r.id != user.guild.id)
        owner = guild is not None and guild.owner_id == user.id
        return Caller(str(user.id), guild_id, roles, owner, perms.administrator, perms.manage_guild)
    return Caller(str(user.id), guild_id, (), False, False, False)

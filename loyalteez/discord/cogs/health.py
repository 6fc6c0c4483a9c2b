"""/setup check, the Discord side: read the bot's effective permissions per text channel.

Registered as a subcommand of /setup (cogs/setup.py), so only server admins see and run it. The rules and
wording are in services/access/health.py.
"""

from __future__ import annotations

import discord

from loyalteez.discord.replies import send
from loyalteez.services.access.health import REQUIRED, SERVER_WIDE, ChannelAccess, permission_report


def channel_access(guild: discord.Guild) -> list[ChannelAccess]:
    """The bot's permissions in every text channel, in the server's channel order."""
    me = guild.me
    found = []
    for channel in sorted(guild.text_channels, key=lambda c: (c.position, c.id)):
        perms = channel.permissions_for(me) if me is not None else discord.Permissions.none()
        granted = frozenset(name for name in REQUIRED if getattr(perms, name, False))
        found.append(ChannelAccess(str(channel.id), channel.name, granted))
    return found


async def setup_check(ctx: discord.ApplicationContext) -> None:
    if ctx.guild is None:
        return
    me = ctx.guild.me
    perms = me.guild_permissions if me is not None else discord.Permissions.none()
    server = frozenset(name for name in SERVER_WIDE if getattr(perms, name, False))
    report = permission_report(channel_access(ctx.guild), server)
    colour = discord.Colour.green() if report.ok else discord.Colour.orange()
    await send(ctx, embed=discord.Embed(title=report.title, description=report.text, colour=colour))

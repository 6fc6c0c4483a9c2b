"""What the web dashboard asks the bot's guild cache: who is in a server, their name, their current roles.

The gateway keeps the cache current (role changes, leaves), so a level computed from it is the level the
same member would have for a slash command right now.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import discord

from loyalteez.discord.caller import member_caller
from loyalteez.discord.cogs.analytics import REPORT_PERMISSIONS
from loyalteez.discord.cogs.perks import role_facts
from loyalteez.services.access.permissions import Caller
from loyalteez.services.perks.roles import RoleFacts


@dataclass(frozen=True)
class ServerInfo:
    server_id: str
    name: str
    owner_id: str | None


@dataclass(frozen=True)
class Named:
    """A channel or role of a server, for the dashboard's pickers: its id and what Discord calls it."""

    id: str
    name: str


class GuildDirectory:
    def __init__(self, client: discord.Client) -> None:
        self.client = client

    def ready(self) -> bool:
        return self.client.is_ready()

    def _guild(self, server_id: str) -> discord.Guild | None:
        return self.client.get_guild(int(server_id)) if server_id.isdigit() else None

    def server(self, server_id: str) -> ServerInfo | None:
        guild = self._guild(server_id)
        if guild is None:
            return None
        return ServerInfo(str(guild.id), guild.name, str(guild.owner_id) if guild.owner_id else None)

    def caller(self, server_id: str, user_id: str) -> Caller | None:
        """The member as a Caller, or None when they are not in the server (as far as the bot sees)."""
        guild = self._guild(server_id)
        member = guild.get_member(int(user_id)) if guild is not None and user_id.isdigit() else None
        return None if member is None else member_caller(member)

    def member_name(self, server_id: str, user_id: str) -> str | None:
        guild = self._guild(server_id)
        member = guild.get_member(int(user_id)) if guild is not None and user_id.isdigit() else None
        return None if member is None else member.display_name

    def members_named(self, server_id: str, typed: str) -> list[Named]:
        """The server's members called `typed` (username, global or server display name, any case); when
        nobody is, those whose name contains it. Named by their display name."""
        guild = self._guild(server_id)
        folded = typed.strip().lower()
        if guild is None or not folded:
            return []

        def names(member: discord.Member) -> tuple[str, ...]:
            return tuple(n.lower() for n in (member.name, member.global_name, member.display_name) if n)

        exact = [m for m in guild.members if folded in names(m)]
        found = exact or [m for m in guild.members if any(folded in n for n in names(m))]
        return [Named(str(m.id), m.display_name) for m in found]

    def servers_of(self, user_id: str) -> list[ServerInfo]:
        """The servers the bot shares with this user, by name."""
        if not user_id.isdigit():
            return []
        found = [
            ServerInfo(str(g.id), g.name, str(g.owner_id) if g.owner_id else None)
            for g in self.client.guilds
            if g.get_member(int(user_id)) is not None
        ]
        return sorted(found, key=lambda s: s.name.lower())

    def text_channels(self, server_id: str) -> list[Named]:
        """The server's channels members write in (text, voice, stage), in Discord's order: the only
        channels a form may name; anything else posted is refused as not this server's."""
        guild = self._guild(server_id)
        if guild is None:
            return []
        kinds = (discord.TextChannel, discord.VoiceChannel, discord.StageChannel)
        return [Named(str(c.id), c.name) for c in guild.channels if isinstance(c, kinds)]

    def roles(self, server_id: str) -> list[Named]:
        """The server's roles a form may pick (not @everyone), highest first."""
        guild = self._guild(server_id)
        if guild is None:
            return []
        found = [r for r in guild.roles if not r.is_default()]
        return [Named(str(r.id), r.name) for r in sorted(found, key=lambda r: -r.position)]

    def role_facts(self, server_id: str, role_id: str) -> RoleFacts | None:
        """What Discord says about one of the server's roles (None: not one of its roles), for the perks
        rule on which roles may be sold, exactly as /perk reads it; a page names it `@name`, not `<@&id>`."""
        guild = self._guild(server_id)
        role = guild.get_role(int(role_id)) if guild is not None and role_id.isdigit() else None
        return None if role is None or guild is None else replace(role_facts(role, guild), mention=f"@{role.name}")

    def may_post_reports(self, server_id: str, channel_id: str) -> bool:
        """Whether the bot holds what /report schedule checks in that channel of the server (view, send,
        embed, attach), from the guild cache as the slash command reads it."""
        guild = self._guild(server_id)
        channel = guild.get_channel(int(channel_id)) if guild is not None and channel_id.isdigit() else None
        me = guild.me if guild is not None else None
        if channel is None or me is None:
            return False
        allowed = channel.permissions_for(me)
        return all(getattr(allowed, p) for p in REPORT_PERMISSIONS)

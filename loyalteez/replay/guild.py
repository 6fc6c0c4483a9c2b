"""The exported server rebuilt inside the loopback Discord, with the export's own ids.

Keeping real ids matters: the ledger's idempotency keys are the Discord message ids, so a replayed history
and the live bot that takes over afterwards agree on what was already paid, and a second replay of the same
export finds every message already seen.

Members who post without a join in the export were already there: they are added silently (as if part
of the server when the bot connected), with the roles the export lists. A GuildMemberJoin message adds its
member with a GUILD_MEMBER_ADD at that moment, which the bot records as first seen.
"""

from __future__ import annotations

from datetime import datetime

from loyalteez.emulator import Emulator
from loyalteez.emulator.driver import GuildHandle
from loyalteez.emulator.state import TEXT, Channel, Member, Role, User
from loyalteez.replay.records import ExportChannel, ExportGuild, ExportUser

OWNER_NAME = "replay-owner"


class ReplayGuild:
    """Maps export users, roles and channels to emulator records, creating them on first sight."""

    def __init__(self, emu: Emulator, guild: ExportGuild, channels: list[ExportChannel]) -> None:
        self.emu = emu
        self.handle: GuildHandle = emu.create_guild(guild.name, owner=OWNER_NAME, guild_id=int(guild.id))
        self.guild = self.handle.guild
        for position, channel in enumerate(channels, start=len(self.guild.channels)):
            if int(channel.id) not in self.emu.world.channels:
                self.emu.world.add_channel(
                    Channel(int(channel.id), TEXT, channel.name[:100] or "channel", self.guild.id, position=position)
                )
        self.users: dict[int, User] = {}

    @property
    def id(self) -> int:
        return self.guild.id

    def channel(self, channel_id: str) -> Channel:
        return self.emu.world.channels[int(channel_id)]

    def user(self, person: ExportUser, at: datetime) -> User:
        """The emulator user for an export author or reactor; a silent member of the server from now on."""
        user = self.users.get(int(person.id))
        if user is None:
            user = User(id=int(person.id), username=person.name[:32] or "member", bot=person.is_bot)
            self.emu.world.users[user.id] = user
            self.users[user.id] = user
        if user.id not in self.guild.members:
            self.guild.members[user.id] = Member(user, self.guild.id, self._roles(person), joined_at=at.isoformat())
        return user

    def join(self, person: ExportUser, at: datetime) -> User:
        """A GuildMemberJoin: the member arrives now (GUILD_MEMBER_ADD), unless already seen posting."""
        user = self.users.get(int(person.id))
        if user is not None and user.id in self.guild.members:
            return user
        user = self.user(person, at)
        member = self.guild.members.pop(user.id)
        self.emu.events.add_member(self.guild, member)
        return user

    def _roles(self, person: ExportUser) -> list[int]:
        ids = []
        for role in person.roles:
            role_id = int(role.id)
            if role_id == self.guild.id:
                continue  # @everyone
            if role_id not in self.guild.roles:
                self.emu.events.add_role(
                    self.guild, Role(id=role_id, guild_id=self.guild.id, name=role.name[:100] or "role", position=1)
                )
            ids.append(role_id)
        return ids

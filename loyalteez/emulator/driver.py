"""The test- and demo-facing API: build servers, act as people, control the connection, settle.

`Emulator` inherits `DriverMixin`; `GuildHandle` is what `create_guild` returns; members are
`MemberHandle`s (see actors.py) whose methods are what a person can do in Discord.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, cast

from . import permissions as perms
from .actors import MemberHandle
from .gateway_routing import shard_of
from .settle import settle as _settle
from .state import TEXT, VOICE, Channel, Guild, Member, Message, Overwrite, Role, User

if TYPE_CHECKING:
    from .events import Events
    from .gateway import Gateway
    from .server import Emulator
    from .state import World


class GuildHandle:
    """A server the test controls; mutations after the bot connected are dispatched to it."""

    def __init__(self, emu: Emulator, guild: Guild) -> None:
        self.emu, self.guild = emu, guild

    def __repr__(self) -> str:
        return f"<GuildHandle {self.guild.name!r} id={self.guild.id}>"

    @property
    def id(self) -> int:
        return self.guild.id

    @property
    def name(self) -> str:
        return self.guild.name

    @property
    def everyone(self) -> Role:
        return self.guild.everyone_role

    @property
    def bot_role(self) -> Role:
        return next(r for r in self.guild.roles.values() if r.bot_id == self.emu.world.bot.id)

    @property
    def afk_channel(self) -> Channel | None:
        return self.guild.channels.get(self.guild.afk_channel_id or 0)

    @property
    def owner(self) -> MemberHandle:
        return MemberHandle(self.emu, self.guild, self.guild.members[self.guild.owner_id])

    @property
    def bot_member(self) -> Member:
        return self.guild.members[self.emu.world.bot.id]

    # ------------------------------------------------------------ lookups
    def channel(self, name: str) -> Channel:
        found = next((c for c in self.guild.channels.values() if c.name == name), None)
        if found is None:
            names = ", ".join(c.name for c in self.guild.channels.values())
            raise AssertionError(f"no channel {name!r} in {self.name} (has: {names})")
        return found

    def role(self, name: str) -> Role:
        found = next((r for r in self.guild.roles.values() if r.name == name), None)
        if found is None:
            raise AssertionError(f"no role {name!r} in {self.name}")
        return found

    @property
    def members(self) -> list[MemberHandle]:
        return [MemberHandle(self.emu, self.guild, m) for m in self.guild.members.values()]

    # ------------------------------------------------------------ building the server
    def create_text_channel(self, name: str, *, topic: str | None = None) -> Channel:
        return self._channel(name, TEXT, topic=topic)

    def create_voice_channel(self, name: str) -> Channel:
        return self._channel(name, VOICE)

    def _channel(self, name: str, kind: int, **extra: Any) -> Channel:
        channel = Channel(id=self.emu.world.new_id(), type=kind, name=name, guild_id=self.id,
                          position=len(self.guild.channels), **extra)  # fmt: skip
        return self.emu.events.add_channel(channel)

    def create_role(self, name: str, *, permissions: int | str | Iterable[str] | None = None,
                    color: int = 0, hoist: bool = False, mentionable: bool = False) -> Role:  # fmt: skip
        """New roles sit just above @everyone, below the bot's role, as on Discord."""
        role = Role(id=self.emu.world.new_id(), guild_id=self.id, name=name, permissions=perms.to_bits(permissions),
                    position=1, color=color, hoist=hoist, mentionable=mentionable)  # fmt: skip
        return self.emu.events.add_role(self.guild, role)

    def move_role(self, role: Role, position: int) -> None:
        """Drag a role in the role list (e.g. above the bot's role to test the hierarchy)."""
        self.emu.events.move_role(self.guild, role, position)

    def set_role_permissions(self, role: Role, permissions: int | str | Iterable[str] | None) -> None:
        role.permissions = perms.to_bits(permissions)
        self.emu.events.update_role(self.guild, role)

    def member(self, name: str, *, roles: Iterable[Role] = (), permissions: int | str | Iterable[str] | None = None,
               nick: str | None = None, bot: bool = False) -> MemberHandle:  # fmt: skip
        """The member called `name`, created (GUILD_MEMBER_ADD once the bot is connected) if new."""
        existing = next((m for m in self.guild.members.values() if m.user.username == name), None)
        if existing is not None:
            return MemberHandle(self.emu, self.guild, existing)
        user = self.emu.world.add_user(name, bot=bot)
        role_ids = [r.id for r in roles]
        if permissions is not None:
            role_ids.append(self.create_role(f"{name}-permissions", permissions=permissions).id)
        member = Member(user=user, guild_id=self.id, roles=role_ids, nick=nick, joined_at=self.emu.world.iso_now())
        self.emu.events.add_member(self.guild, member)
        return MemberHandle(self.emu, self.guild, member)

    def add_existing_user(self, user: User, *, roles: Iterable[Role] = ()) -> MemberHandle:
        """Someone already known to the emulator (e.g. from another server) joins this one."""
        member = Member(user=user, guild_id=self.id, roles=[r.id for r in roles], joined_at=self.emu.world.iso_now())
        self.emu.events.add_member(self.guild, member)
        return MemberHandle(self.emu, self.guild, member)

    def set_permissions(self, channel: Channel, target: Role | MemberHandle | Member | str, *,
                        allow: Iterable[str] = (), deny: Iterable[str] = ()) -> None:  # fmt: skip
        """A channel overwrite, e.g. set_permissions(general, guild.bot_role, deny=["send_messages"])."""
        if target == "everyone":
            target = self.everyone
        member = getattr(target, "member", target)
        target_id, kind = (member.id, 1) if isinstance(member, Member) else (target.id, 0)  # type: ignore[union-attr]
        channel.overwrites[target_id] = Overwrite(target_id, kind, perms.to_bits(list(allow)),
                                                  perms.to_bits(list(deny)))  # fmt: skip
        self.emu.events.update_channel(channel)

    # ------------------------------------------------------------ the bot joining and leaving
    async def add_bot(self) -> None:
        """The bot is invited to this server (GUILD_CREATE)."""
        if self.emu.world.bot.id not in self.guild.members:
            self.guild.members[self.emu.world.bot.id] = Member(self.emu.world.bot, self.id, [self.bot_role.id])
        self.emu.events.bot_joins(self.guild)

    async def remove_bot(self) -> None:
        """The bot is kicked or the server deleted (GUILD_DELETE, unavailable false)."""
        self.emu.events.bot_leaves(self.guild)

    async def outage(self) -> None:
        """The server becomes unavailable (GUILD_DELETE with unavailable true)."""
        self.emu.events.guild_outage(self.guild)

    async def recover(self) -> None:
        """The server is available again after an outage (GUILD_CREATE, unavailable false)."""
        self.emu.events.guild_back(self.guild)


class DriverMixin:
    """The Emulator's own driver methods (servers, messages the bot sent, connection control)."""

    if TYPE_CHECKING:  # set by Emulator.__init__
        world: World
        gateway: Gateway
        events: Events
        client: Any
        in_process_gateway: bool

    # ------------------------------------------------------------ servers
    def create_guild(self, name: str = "Test Server", *, owner: str = "owner",
                     bot_permissions: int | str | Iterable[str] | None = None,
                     with_bot: bool = True, guild_id: int | None = None,
                     shard: tuple[int, int] | None = None) -> GuildHandle:  # fmt: skip
        """A server with #general, voice 'lounge', voice 'afk' (the AFK channel) and the bot as a member.

        `guild_id`: a real server's id (a history replay keeps the export's ids); default a new one.
        `shard`: (shard id, shard count) the new id must fall on, as Discord routes it (gateway.shard_of).
        """
        world = self.world
        guild_id = guild_id or world.new_id()
        if shard is not None:  # a few milliseconds later in snowflake time: still a plausible id
            guild_id += ((shard[0] - shard_of(guild_id, shard[1])) % shard[1]) << 22
            world.ids.reserve(guild_id)
        owner_user = world.add_user(owner)
        guild = Guild(id=guild_id, name=name, owner_id=owner_user.id, bot_present=with_bot)
        world.guilds[guild_id] = guild
        guild.roles[guild_id] = Role(id=guild_id, guild_id=guild_id, name="@everyone",
                                     permissions=perms.EVERYONE_DEFAULT)  # fmt: skip
        bot_bits = perms.BOT_DEFAULT if bot_permissions is None else perms.to_bits(bot_permissions)
        bot_role = Role(id=world.new_id(), guild_id=guild_id, name=world.bot.username, permissions=bot_bits,
                        position=1, managed=True, bot_id=world.bot.id)  # fmt: skip
        guild.roles[bot_role.id] = bot_role
        general = world.add_channel(Channel(world.new_id(), TEXT, "general", guild_id, position=0))
        world.add_channel(Channel(world.new_id(), VOICE, "lounge", guild_id, position=1))
        afk = world.add_channel(Channel(world.new_id(), VOICE, "afk", guild_id, position=2))
        guild.afk_channel_id, guild.system_channel_id = afk.id, general.id
        guild.members[owner_user.id] = Member(owner_user, guild_id)
        guild.members[world.bot.id] = Member(world.bot, guild_id, [bot_role.id])
        if with_bot:
            self.events.bot_joins(guild)
        return GuildHandle(cast("Emulator", self), guild)

    def guild(self, name: str) -> GuildHandle:
        found = next((g for g in self.world.guilds.values() if g.name == name), None)
        if found is None:
            raise AssertionError(f"no guild {name!r}")
        return GuildHandle(cast("Emulator", self), found)

    # ------------------------------------------------------------ what the bot did
    def sent_messages(self, channel: Channel | None = None, *, include_ephemeral: bool = False,
                      include_deleted: bool = False) -> list[Message]:  # fmt: skip
        """Messages the bot posted (in one channel, or anywhere), oldest first."""
        bot_id = self.world.bot.id
        found = [
            m for m in self.world.messages.values()
            if m.author.id == bot_id and (channel is None or m.channel_id == channel.id)
            and (include_ephemeral or not m.ephemeral) and (include_deleted or not m.deleted)
        ]  # fmt: skip
        return sorted(found, key=lambda m: m.id)

    def dms(self, user: MemberHandle | User) -> list[Message]:
        """Direct messages the bot sent to this user."""
        user_id = user.id
        channel_id = self.world.dm_channels.get(user_id)
        if channel_id is None:
            return []
        return [m for m in self.world.history(channel_id) if m.author.id == self.world.bot.id]

    # ------------------------------------------------------------ settling
    async def settle(self, timeout: float = 5.0, *, ignore_tasks: Iterable[str] = (), flush: bool = True) -> None:
        """Return once the bot has handled everything dispatched so far (see settle.py)."""
        await _settle(cast("Emulator", self), timeout=timeout, ignore=ignore_tasks, flush=flush)

    def attach_client(self, client: Any) -> None:
        """Let settle read the py-cord client's sequence number and READY assembly (same process, same loop)."""
        self.client = client
        self.gateway.client_seq_probe = lambda: client.ws.sequence if getattr(client, "ws", None) else None
        if self.in_process_gateway:
            gateway = self.gateway

            async def ws_connect(url: str, *, compress: int = 0) -> Any:
                return gateway.connect_in_process()

            client.http.ws_connect = ws_connect

    async def wait_until_connected(self, timeout: float = 5.0) -> None:
        """Until the bot holds a live, identified gateway session."""
        if self.gateway.live_connection is not None:
            return
        await asyncio.wait_for(self.gateway.next_ready(), timeout)

    # ------------------------------------------------------------ connection control
    async def drop_connection(self, *, code: int | None = None, timeout: float = 5.0) -> None:
        """Cut the websocket (network loss, or a close code); returns once the bot has resumed."""
        ready = self.gateway.next_ready()
        await self.gateway.drop(code)
        await asyncio.wait_for(ready, timeout)

    @asynccontextmanager
    async def disconnected(self, *, timeout: float = 5.0) -> AsyncIterator[None]:
        """Inside the block the bot is offline; events dispatched there arrive on its RESUME."""
        self.gateway.hold_connections()
        try:
            await self.gateway.drop(None)
            yield
        finally:
            ready = self.gateway.next_ready()
            self.gateway.release_connections()
        await asyncio.wait_for(ready, timeout)

    async def request_reconnect(self, timeout: float = 5.0) -> None:
        """Op 7 RECONNECT: the bot closes and resumes."""
        ready = self.gateway.next_ready()
        self.gateway.send_op(7)
        await asyncio.wait_for(ready, timeout)

    async def invalidate_session(self, *, resumable: bool = False, timeout: float = 10.0) -> None:
        """Op 9; returns once the bot has identified afresh (or resumed, when resumable)."""
        ready = self.gateway.next_ready()
        self.gateway.invalidate(resumable=resumable)
        await asyncio.wait_for(ready, timeout)

    def stop_heartbeat_acks(self) -> None:
        """A zombied connection: heartbeats go unanswered."""
        self.gateway.send_acks = False

    def resume_heartbeat_acks(self) -> None:
        self.gateway.send_acks = True

    def send_raw(self, frame: str | dict[str, Any]) -> None:
        """Any frame, even malformed, to the bot's live connection."""
        self.gateway.send_raw(frame)

    def dispatch_raw(self, event: str, data: dict[str, Any]) -> int | None:
        """A sequenced DISPATCH of any event name and payload (unknown events included)."""
        return self.gateway.emit(event, data)

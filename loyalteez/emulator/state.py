"""The emulated Discord's world: plain records plus one `World` that owns and indexes them.

No I/O here: the gateway and REST layers read and change these records and decide what to dispatch.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from . import permissions as perms
from .snowflake import SnowflakeGenerator, snowflake_time_ms

TEXT, DM, VOICE, CATEGORY = 0, 1, 2, 4
EPHEMERAL_FLAG = 64
LOADING_FLAG = 128


def iso_from_snowflake(snowflake: int) -> str:
    """Timestamps derived from ids keep ordering and py-cord's parsing consistent."""
    return datetime.fromtimestamp(snowflake_time_ms(snowflake) / 1000, UTC).isoformat()


def iso_now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class User:
    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    avatar: str | None = None

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"


@dataclass
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 0
    color: int = 0
    hoist: bool = False
    mentionable: bool = False
    managed: bool = False
    bot_id: int | None = None

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"


@dataclass
class Overwrite:
    id: int
    type: int  # 0 role, 1 member
    allow: int = 0
    deny: int = 0


@dataclass
class Channel:
    id: int
    type: int
    name: str
    guild_id: int | None = None
    position: int = 0
    parent_id: int | None = None
    topic: str | None = None
    overwrites: dict[int, Overwrite] = field(default_factory=dict)
    recipient_ids: list[int] = field(default_factory=list)
    last_message_id: int | None = None

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"


@dataclass
class Member:
    user: User
    guild_id: int
    roles: list[int] = field(default_factory=list)
    joined_at: str = field(default_factory=iso_now)
    nick: str | None = None

    @property
    def id(self) -> int:
        return self.user.id


@dataclass
class VoiceState:
    guild_id: int
    user_id: int
    channel_id: int | None
    session_id: str
    self_mute: bool = False
    self_deaf: bool = False
    mute: bool = False
    deaf: bool = False
    self_video: bool = False
    suppress: bool = False


@dataclass
class Attachment:
    id: int
    filename: str
    data: bytes
    content_type: str = "application/octet-stream"
    description: str | None = None

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class Message:
    id: int
    channel_id: int
    author: User
    guild_id: int | None = None
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    flags: int = 0
    type: int = 0
    tts: bool = False
    edited_timestamp: str | None = None
    reactions: dict[str, list[int]] = field(default_factory=dict)  # emoji key -> user ids in order
    webhook_id: int | None = None
    application_id: int | None = None
    interaction_metadata: dict[str, Any] | None = None
    reference_id: int | None = None
    deleted: bool = False
    edits: int = 0
    allowed_mentions: dict[str, Any] | None = None  # as the author sent it; None: not sent (everything parses)

    @property
    def timestamp(self) -> str:
        return iso_from_snowflake(self.id)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL_FLAG)

    @property
    def loading(self) -> bool:
        return bool(self.flags & LOADING_FLAG)

    @property
    def files(self) -> list[tuple[str, bytes]]:
        return [(a.filename, a.data) for a in self.attachments]

    @property
    def embed(self) -> dict[str, Any] | None:
        return self.embeds[0] if self.embeds else None

    def walk_components(self) -> list[dict[str, Any]]:
        """Every interactive component, flattened out of rows and containers."""
        found: list[dict[str, Any]] = []

        def visit(items: list[dict[str, Any]]) -> None:
            for item in items:
                if item.get("type") in (1, 9, 17):  # action row, section, container
                    visit(item.get("components", []))
                    if isinstance(item.get("accessory"), dict):
                        visit([item["accessory"]])
                else:
                    found.append(item)

        visit(self.components)
        return found

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [c for c in self.walk_components() if c.get("type") == 2]


@dataclass
class Command:
    """An application command as the bot registered it; the driver builds options from `raw`."""

    id: int
    application_id: int
    name: str
    type: int
    raw: dict[str, Any]
    guild_id: int | None = None
    version: int = 1

    @property
    def options(self) -> list[dict[str, Any]]:
        return self.raw.get("options") or []


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    channels: dict[int, Channel] = field(default_factory=dict)
    roles: dict[int, Role] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    voice_states: dict[int, VoiceState] = field(default_factory=dict)
    afk_channel_id: int | None = None
    afk_timeout: int = 300
    system_channel_id: int | None = None
    bot_present: bool = True

    @property
    def everyone_role(self) -> Role:
        return self.roles[self.id]

    def base_permissions(self, member: Member) -> int:
        """Guild-level permissions: owner and administrator get everything."""
        if member.id == self.owner_id:
            return perms.ALL_PERMISSIONS
        value = self.everyone_role.permissions
        for role_id in member.roles:
            role = self.roles.get(role_id)
            if role is not None:
                value |= role.permissions
        if value & perms.PERMISSION_BITS["administrator"]:
            return perms.ALL_PERMISSIONS
        return value

    def channel_permissions(self, member: Member, channel: Channel) -> int:
        base = self.base_permissions(member)
        if base == perms.ALL_PERMISSIONS:
            return base
        overwrites = {o.id: (o.allow, o.deny) for o in channel.overwrites.values()}
        return perms.apply_overwrites(
            base, everyone_id=self.id, role_ids=member.roles, member_id=member.id, overwrites=overwrites
        )

    def top_role_position(self, member: Member) -> int:
        return max((self.roles[r].position for r in member.roles if r in self.roles), default=0)


class World:
    """Owns every record and the indexes REST routes need (channel -> guild, token -> interaction)."""

    def __init__(self, *, bot_name: str = "Loyalteez", now: Callable[[], datetime] | None = None) -> None:
        self.now = now or (lambda: datetime.now(UTC))
        self.ids = SnowflakeGenerator(unix_ms=lambda: int(self.now().timestamp() * 1000))
        self.application_id = self.ids.next()
        # py-cord registers commands under the bot's *user* id; real apps share it, so we do too.
        self.bot = User(id=self.application_id, username=bot_name, bot=True)
        self.users: dict[int, User] = {self.bot.id: self.bot}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        # Ordered by arrival; an OrderedDict forgets its oldest in O(1), where a dict's first key costs a scan
        # past every entry deleted before it (a long replay keeps only the newest `keep_messages`).
        self.messages: OrderedDict[int, Message] = OrderedDict()
        self.channel_messages: dict[int, list[int]] = {}
        self.commands: dict[int, Command] = {}
        self.dm_channels: dict[int, int] = {}  # user id -> DM channel id
        # A long history replay keeps only the newest messages (memory stays flat); None keeps every one.
        self.keep_messages: int | None = None
        # (author id, nonce) -> (message id, when): a create with enforce_nonce repeated within NONCE_WINDOW
        # answers the first message instead of posting a second, as Discord does.
        self.nonces: dict[tuple[int, str], tuple[int, datetime]] = {}

    def iso_now(self) -> str:
        return self.now().isoformat()

    def new_id(self) -> int:
        return self.ids.next()

    def add_user(self, username: str, *, bot: bool = False, global_name: str | None = None) -> User:
        user = User(id=self.new_id(), username=username, global_name=global_name, bot=bot)
        self.users[user.id] = user
        return user

    def add_channel(self, channel: Channel) -> Channel:
        self.channels[channel.id] = channel
        self.channel_messages.setdefault(channel.id, [])
        if channel.guild_id is not None:
            self.guilds[channel.guild_id].channels[channel.id] = channel
        return channel

    def guild_of(self, channel_id: int) -> Guild | None:
        channel = self.channels.get(channel_id)
        return None if channel is None or channel.guild_id is None else self.guilds.get(channel.guild_id)

    def add_message(self, message: Message) -> Message:
        self.messages[message.id] = message
        if not message.ephemeral:
            self.channel_messages.setdefault(message.channel_id, []).append(message.id)
            channel = self.channels.get(message.channel_id)
            if channel is not None:
                channel.last_message_id = message.id
        if self.keep_messages is not None and len(self.messages) > self.keep_messages:
            self._forget_oldest_message()
        return message

    def _forget_oldest_message(self) -> None:
        _, oldest = self.messages.popitem(last=False)
        ids = self.channel_messages.get(oldest.channel_id)
        if ids and ids[0] == oldest.id:
            del ids[0]

    def history(self, channel_id: int) -> list[Message]:
        """Live (not deleted) messages of a channel, oldest first."""
        ids = self.channel_messages.get(channel_id, [])
        return [self.messages[i] for i in ids if not self.messages[i].deleted]

    def dm_channel_for(self, user_id: int) -> Channel:
        if user_id in self.dm_channels:
            return self.channels[self.dm_channels[user_id]]
        channel = self.add_channel(Channel(id=self.new_id(), type=DM, name="", recipient_ids=[user_id]))
        self.dm_channels[user_id] = channel.id
        return channel

    def bot_member(self, guild: Guild) -> Member | None:
        return guild.members.get(self.bot.id)

    def commands_for(self, guild_id: int | None) -> list[Command]:
        """Guild commands shadow global ones of the same name, as in the Discord client."""
        found = {c.name: c for c in self.commands.values() if c.guild_id is None and c.type == 1}
        if guild_id is not None:
            found.update({c.name: c for c in self.commands.values() if c.guild_id == guild_id and c.type == 1})
        return list(found.values())

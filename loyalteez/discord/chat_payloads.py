"""Chat read straight from the gateway's payloads, for features that need no py-cord object to handle it.

Building py-cord's Message for every MESSAGE_CREATE (author, member, mentions, embeds, components...) was
the largest part of the bot's CPU per chat message, and rewarding a message needs a handful of its fields.
A feature may therefore mark a payload reader (dispatch.py's `@reads`) that gets one of these views and
either handles the event from it or asks for py-cord's object after all (a watched channel reacting to the
message, a boost notice): only then does py-cord build it. A view is built only for the common shape (a
member's message in a cached guild's known channel); anything else goes through py-cord as before.

Reading a message still updates py-cord's caches the way its own parser does (the author's cached member,
the channel's last message id, an unseen user), so what the rest of the bot reads from them is unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import discord
from discord.utils import snowflake_time

from loyalteez.services.rewards.events import Member, MessageEvent

# Message types members write: plain messages and replies are chat; joins, pins, boosts and the like are
# system messages and never earn (py-cord's MessageType values; convert.py keeps the same set).
CHAT_TYPE_VALUES = frozenset({discord.MessageType.default.value, discord.MessageType.reply.value})
_ADMIN_BITS = discord.Permissions(administrator=True, manage_guild=True).value
# Channels whose last message id py-cord keeps up to date from MESSAGE_CREATE.
_TRACKS_LAST_MESSAGE = (discord.TextChannel, discord.VoiceChannel, discord.StageChannel, discord.Thread)


def reward_member(guild: discord.Guild, user_id: int, role_ids: Iterable[int], *, is_bot: bool) -> Member:
    """A member as rewards see them, from their role ids: the roles the server still has, in hierarchy order,
    and admin when they own the server or a role grants Administrator or Manage Server (py-cord's
    `Member.guild_permissions`, which this mirrors without building the member)."""
    roles = [role for role in map(guild._roles.get, role_ids) if role is not None]
    default = guild._roles.get(guild.id)
    if default is not None:
        roles.append(default)
    roles.sort()
    permissions = 0
    for role in roles:
        permissions |= role.permissions.value
    is_admin = guild.owner_id == user_id or bool(permissions & _ADMIN_BITS)
    return Member(str(user_id), tuple(str(r.id) for r in roles if r.id != guild.id), is_admin=is_admin, is_bot=is_bot)


def parent_id_of(channel: object) -> str | None:
    """Threads earn under their parent channel's rules."""
    parent_id = getattr(channel, "parent_id", None)
    return str(parent_id) if isinstance(channel, discord.Thread) and parent_id else None


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """A member's message in a server, as MESSAGE_CREATE carries it."""

    data: Mapping[str, Any]
    id: int
    guild: discord.Guild
    channel: discord.abc.GuildChannel | discord.Thread
    author_id: int
    author_is_bot: bool
    type: int
    webhook_id: str | None

    @property
    def is_chat(self) -> bool:
        """Written by a person (not a bot or webhook), as a plain message or a reply."""
        return not self.author_is_bot and self.webhook_id is None and self.type in CHAT_TYPE_VALUES

    def reward_event(self) -> MessageEvent:
        """The engine's event, the same as convert.message_event builds from py-cord's Message."""
        author = reward_member(
            self.guild, self.author_id, map(int, self.data["member"]["roles"]), is_bot=self.author_is_bot
        )
        return MessageEvent(
            message_id=str(self.id),
            channel_id=str(self.channel.id),
            author_id=author.id,
            author_roles=author.role_ids,
            content=self.data["content"] or "",
            is_bot=author.is_bot,
            is_webhook=self.webhook_id is not None,
            is_system=self.type not in CHAT_TYPE_VALUES,
            created_at=snowflake_time(self.id),
            is_admin=author.is_admin,
            parent_channel_id=parent_id_of(self.channel),
        )


def read_message(state: Any, data: Mapping[str, Any]) -> ChatMessage | None:
    """The view of a MESSAGE_CREATE, updating py-cord's caches as its parser would; None when the payload is
    not the common shape (a DM, a webhook or system author without a member, an uncached guild or channel,
    a poll, mentions): py-cord then reads it as before."""
    guild_id, member, author = data.get("guild_id"), data.get("member"), data.get("author")
    if guild_id is None or member is None or author is None or "poll" in data or data.get("mentions"):
        return None  # (py-cord remembers mentioned users and polls while building its Message)
    guild = state._get_guild(int(guild_id))
    channel = guild._resolve_channel(int(data["channel_id"])) if guild is not None else None
    if channel is None:
        return None
    message_id, author_id = int(data["id"]), int(author["id"])
    message = ChatMessage(
        data, message_id, guild, channel, author_id, bool(author.get("bot", False)), int(data["type"]),
        data.get("webhook_id"),
    )  # fmt: skip
    # What py-cord's parser leaves behind besides the Message: an unseen author is remembered, a cached
    # member takes the roles, nick and dates the message carries, the channel its last message id.
    if author_id not in state._users:
        state.store_user(author)
    cached = guild.get_member(author_id)
    if cached is not None:
        cached._update_from_message(member)
    if isinstance(channel, _TRACKS_LAST_MESSAGE):
        channel.last_message_id = message_id
    return message


@dataclass(frozen=True, slots=True)
class ChatReaction:
    """A reaction added or removed in a server, as MESSAGE_REACTION_ADD / _REMOVE carry it."""

    guild_id: int
    channel_id: int
    message_id: int
    user_id: int
    emoji: str  # as py-cord's PartialEmoji prints it: the character, or <:name:id> for a custom one
    reactor_is_bot: bool  # from the member the gateway sends with an addition (False without one)
    message_author_id: int | None  # Discord omits it for removals and some system messages

    @classmethod
    def of(cls, payload: discord.RawReactionActionEvent) -> ChatReaction:
        """The same view of py-cord's event, for a reaction py-cord did read."""
        data: Mapping[str, Any] = payload.data  # py-cord's TypedDict lacks message_author_id
        author = data.get("message_author_id")
        return cls(
            payload.guild_id or 0, payload.channel_id, payload.message_id, payload.user_id, str(payload.emoji),
            bool(payload.member.bot) if payload.member else False, int(author) if author is not None else None,
        )  # fmt: skip

    @property
    def occurred_at(self) -> datetime:
        """The reacted message's time (a history replay's reactions happen then)."""
        return snowflake_time(self.message_id)


def read_reaction(state: Any, data: Mapping[str, Any]) -> ChatReaction | None:
    """The view of a reaction payload (py-cord's parser changes no cache for one); None outside a cached
    guild (py-cord reads it as before)."""
    guild_id = data.get("guild_id")
    if guild_id is None or state._get_guild(int(guild_id)) is None:
        return None
    emoji, member, author = data["emoji"], data.get("member"), data.get("message_author_id")
    shown = discord.PartialEmoji(
        name=emoji["name"], id=discord.utils._get_as_snowflake(emoji, "id"), animated=emoji.get("animated", False)
    )
    return ChatReaction(
        int(guild_id), int(data["channel_id"]), int(data["message_id"]), int(data["user_id"]), str(shown),
        bool(member["user"].get("bot", False)) if member else False, int(author) if author is not None else None,
    )  # fmt: skip

"""py-cord objects -> the plain event values the rewards engine takes (and nothing else)."""

from __future__ import annotations

from datetime import datetime

import discord

from loyalteez.services.rewards.events import Member, MessageEvent, ReactionEvent

# Message types members write: plain messages, replies and slash-command echoes are chat;
# joins, pins, boosts and the like are system messages and never earn.
CHAT_TYPES = frozenset({discord.MessageType.default, discord.MessageType.reply})


def member_of(user: discord.Member | discord.User | None, guild: discord.Guild | None = None) -> Member:
    if isinstance(user, discord.Member):
        perms = user.guild_permissions
        is_admin = perms.administrator or perms.manage_guild or (guild is not None and guild.owner_id == user.id)
        roles = tuple(str(r.id) for r in user.roles if r.id != user.guild.id)
        return Member(str(user.id), roles, is_admin=is_admin, is_bot=user.bot)
    if user is None:
        return Member("0", is_bot=True)
    return Member(str(user.id), is_bot=user.bot)


def parent_of(channel: object) -> str | None:
    """Threads earn under their parent channel's rules."""
    parent_id = getattr(channel, "parent_id", None)
    return str(parent_id) if isinstance(channel, discord.Thread) and parent_id else None


def message_event(message: discord.Message) -> MessageEvent:
    author = member_of(message.author, message.guild)
    return MessageEvent(
        message_id=str(message.id),
        channel_id=str(message.channel.id),
        author_id=author.id,
        author_roles=author.role_ids,
        content=message.content or "",
        is_bot=author.is_bot,
        is_webhook=message.webhook_id is not None,
        is_system=message.type not in CHAT_TYPES,
        created_at=message.created_at,
        is_admin=author.is_admin,
        parent_channel_id=parent_of(message.channel),
    )


def reaction_event(
    payload: discord.RawReactionActionEvent,
    author: Member,
    reactor_is_bot: bool,
    from_others: int,
    parent_channel_id: str | None = None,
    occurred_at: datetime | None = None,
) -> ReactionEvent:
    return ReactionEvent(
        message_id=str(payload.message_id),
        channel_id=str(payload.channel_id),
        reactor_id=str(payload.user_id),
        emoji=str(payload.emoji),
        author=author,
        reactions_from_others=from_others,
        reactor_is_bot=reactor_is_bot,
        parent_channel_id=parent_channel_id,
        occurred_at=occurred_at,
    )

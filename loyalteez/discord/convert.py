"""py-cord objects -> the plain event values the rewards engine takes (and nothing else)."""

from __future__ import annotations

from datetime import datetime

import discord

from loyalteez.discord.chat_payloads import ChatReaction, parent_id_of, reward_member
from loyalteez.services.rewards.events import Member, MessageEvent, ReactionEvent

# Message types members write: plain messages, replies and slash-command echoes are chat;
# joins, pins, boosts and the like are system messages and never earn.
CHAT_TYPES = frozenset({discord.MessageType.default, discord.MessageType.reply})


def member_of(user: discord.Member | discord.User | None, guild: discord.Guild | None = None) -> Member:
    if isinstance(user, discord.Member):
        # The member's own guild decides (an owner is admin whatever `guild` is): as its guild_permissions.
        return reward_member(user.guild, user.id, user._roles, is_bot=user.bot)
    if user is None:
        return Member("0", is_bot=True)
    return Member(str(user.id), is_bot=user.bot)


parent_of = parent_id_of  # threads earn under their parent channel's rules


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
    reaction: ChatReaction,
    author: Member,
    from_others: int,
    parent_channel_id: str | None = None,
    occurred_at: datetime | None = None,
) -> ReactionEvent:
    return ReactionEvent(
        message_id=str(reaction.message_id),
        channel_id=str(reaction.channel_id),
        reactor_id=str(reaction.user_id),
        emoji=reaction.emoji,
        author=author,
        reactions_from_others=from_others,
        reactor_is_bot=reaction.reactor_is_bot,
        parent_channel_id=parent_channel_id,
        occurred_at=occurred_at,
    )

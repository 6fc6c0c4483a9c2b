"""Passive activity: messages and reactions become reward events, queued for the group-commit writer.

Both are read straight from the gateway's payloads (chat_payloads.py); the `@on` handlers take py-cord's
objects for the rare payload no view is built for (and for a bot that also listens to chat elsewhere).
"""

from __future__ import annotations

import logging
from collections import OrderedDict

import discord
from discord.ext import commands

from loyalteez.discord.chat_payloads import ChatMessage, ChatReaction
from loyalteez.discord.convert import member_of, message_event, parent_of, reaction_event
from loyalteez.discord.dispatch import on, reads
from loyalteez.services.access.setup import SetupService
from loyalteez.services.rewards.events import Member
from loyalteez.services.rewards.service import Rewards

log = logging.getLogger("loyalteez.activity")
TRACKED_MESSAGES = 20_000


class ReactionTally:
    """Distinct (member, emoji) reactions from others per recent message, for reaction-count events.

    Bounded: only recent messages can still cross a threshold, and a restart starts counting again.
    """

    def __init__(self, size: int = TRACKED_MESSAGES) -> None:
        self._seen: OrderedDict[int, set[tuple[int, str]]] = OrderedDict()
        self._size = size

    def add(self, message_id: int, user_id: int, emoji: str) -> int:
        reactions = self._seen.setdefault(message_id, set())
        self._seen.move_to_end(message_id)
        reactions.add((user_id, emoji))
        while len(self._seen) > self._size:
            self._seen.popitem(last=False)
        return len(reactions)

    def remove(self, message_id: int, user_id: int, emoji: str) -> None:
        if message_id in self._seen:
            self._seen[message_id].discard((user_id, emoji))


class ActivityCog(commands.Cog):
    def __init__(
        self, bot: discord.Bot, setup: SetupService, rewards: Rewards, *, reactions_at_message_time: bool = False
    ) -> None:
        self.bot = bot
        self.setup = setup
        self.rewards = rewards
        self.tally = ReactionTally()
        # A history replay: an export lists reactions without a time, so they count at their message's time.
        self.reactions_at_message_time = reactions_at_message_time

    @reads("message")
    async def message_read(self, message: ChatMessage) -> bool:
        if message.author_id != getattr(self.bot.user, "id", None):
            scope = await self.setup.scope_for(str(message.guild.id))
            if scope is not None:
                self.rewards.submit(scope, message.reward_event())
        return True

    @on("message")
    async def message(self, message: discord.Message) -> None:
        if message.guild is None or message.author.id == getattr(self.bot.user, "id", None):
            return
        scope = await self.setup.scope_for(str(message.guild.id))
        if scope is None:
            return
        self.rewards.submit(scope, message_event(message))

    @reads("raw_reaction_add")
    async def reaction_read(self, reaction: ChatReaction) -> bool:
        await self._reacted(reaction)
        return True

    @on("raw_reaction_add")
    async def reaction_added(self, payload: discord.RawReactionActionEvent) -> None:
        if payload.guild_id is not None:
            await self._reacted(ChatReaction.of(payload))

    async def _reacted(self, reaction: ChatReaction) -> None:
        scope = await self.setup.scope_for(str(reaction.guild_id))
        author_id = reaction.message_author_id
        if scope is None or author_id is None:
            return  # Discord omits the author for some system messages: nothing to credit
        guild = self.bot.get_guild(reaction.guild_id)
        author_member = guild.get_member(author_id) if guild else None
        author = member_of(author_member, guild) if author_member else Member(str(author_id))
        from_others = 0
        if str(reaction.user_id) != author.id and not reaction.reactor_is_bot:
            from_others = self.tally.add(reaction.message_id, reaction.user_id, reaction.emoji)
        parent = parent_of(self.bot.get_channel(reaction.channel_id))
        at = reaction.occurred_at if self.reactions_at_message_time else None
        self.rewards.submit(scope, reaction_event(reaction, author, from_others, parent, at))

    @reads("raw_reaction_remove")
    async def reaction_removed_read(self, reaction: ChatReaction) -> bool:
        # Removing pays nothing back and re-adding pays nothing more (the engine dedupes by key).
        self.tally.remove(reaction.message_id, reaction.user_id, reaction.emoji)
        return True

    @on("raw_reaction_remove")
    async def reaction_removed(self, payload: discord.RawReactionActionEvent) -> None:
        self.tally.remove(payload.message_id, payload.user_id, str(payload.emoji))

"""Passive activity: messages and reactions become reward events, queued for the group-commit writer."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import discord
from discord.ext import commands

from loyalteez.discord.convert import member_of, message_event, parent_of, reaction_event
from loyalteez.discord.dispatch import on
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

    @on("message")
    async def message(self, message: discord.Message) -> None:
        if message.guild is None or message.author.id == getattr(self.bot.user, "id", None):
            return
        scope = await self.setup.scope_for(str(message.guild.id))
        if scope is None:
            return
        self.rewards.submit(scope, message_event(message))

    @on("raw_reaction_add")
    async def reaction_added(self, payload: discord.RawReactionActionEvent) -> None:
        if payload.guild_id is None:
            return
        scope = await self.setup.scope_for(str(payload.guild_id))
        if scope is None:
            return
        data: Mapping[str, Any] = payload.data  # the gateway's payload: py-cord's TypedDict lacks message_author_id
        author_id = data.get("message_author_id")
        if author_id is None:
            return  # Discord omits the author for some system messages: nothing to credit
        guild = self.bot.get_guild(payload.guild_id)
        author_member = guild.get_member(int(author_id)) if guild else None
        author = member_of(author_member, guild) if author_member else Member(str(author_id))
        reactor = payload.member
        reactor_is_bot = bool(reactor.bot) if reactor else False
        from_others = 0
        if str(payload.user_id) != author.id and not reactor_is_bot:
            from_others = self.tally.add(payload.message_id, payload.user_id, str(payload.emoji))
        parent = parent_of(self.bot.get_channel(payload.channel_id))
        at = discord.utils.snowflake_time(payload.message_id) if self.reactions_at_message_time else None
        self.rewards.submit(scope, reaction_event(payload, author, reactor_is_bot, from_others, parent, at))

    @on("raw_reaction_remove")
    async def reaction_removed(self, payload: discord.RawReactionActionEvent) -> None:
        # Removing pays nothing back and re-adding pays nothing more (the engine dedupes by key).
        self.tally.remove(payload.message_id, payload.user_id, str(payload.emoji))

"""Messages the rewards engine ignores on purpose, routed explicitly: boost notices and other bots' level-ups.

Discord's boost notices are system messages (types 8-11) and level-up announcements come from bots, so the
activity listener neither counts nor pays them (they stay out of message counts). `SpecialMessages` turns
them into a BoostNotice or a level-up for services/boosts, which pay through the rewards engine. It
serves the live listener (cogs/boosts.py) and the catch-up after downtime (cogs/catchup.py) alike; both
payouts are idempotent (the notice's message id, the member's level), so a message seen live and fetched
again pays once.
"""

from __future__ import annotations

import logging

import discord

from loyalteez.discord.chat_payloads import ChatMessage
from loyalteez.discord.convert import member_of
from loyalteez.services.boosts import BoostNotice, BoostService, LevelUpService, levelups
from loyalteez.services.rewards.outcomes import Paid
from loyalteez.store import Scope

log = logging.getLogger("loyalteez.boosts")
BOOST_TIERS = {
    discord.MessageType.premium_guild_subscription: 0,
    discord.MessageType.premium_guild_tier_1: 1,
    discord.MessageType.premium_guild_tier_2: 2,
    discord.MessageType.premium_guild_tier_3: 3,
}
BOOST_TYPE_VALUES = frozenset(t.value for t in BOOST_TIERS)


def boost_notice(message: discord.Message) -> BoostNotice:
    # A notice may announce several boosts at once: Discord puts their number in the content.
    content = (message.content or "").strip()
    boosts = int(content) if content.isdigit() and 0 < int(content) <= 100 else 1
    return BoostNotice(
        str(message.id),
        member_of(message.author, message.guild),
        str(message.channel.id),
        BOOST_TIERS[message.type],
        boosts,
    )


def texts_of(message: discord.Message) -> list[str]:
    found = [message.content or ""]
    for embed in message.embeds:
        found += [embed.title or "", embed.description or ""]
        found += [f"{f.name}\n{f.value}" for f in embed.fields]
    return found


def member_named(guild: discord.Guild, name: str) -> discord.Member | None:
    folded = name.strip().lstrip("@").lower()
    return next((m for m in guild.members if folded in (m.name.lower(), m.display_name.lower())), None)


class SpecialMessages:
    def __init__(self, bot: discord.Bot, boosts: BoostService, levels: LevelUpService) -> None:
        self.bot = bot
        self.boosts = boosts
        self.levels = levels

    def leveling_bot(self, message: discord.Message) -> str | None:
        """The known leveling bot that wrote `message`, if any (never this bot itself)."""
        author = message.author
        if not author.bot or author.id == getattr(self.bot.user, "id", None):
            return None
        return levelups.leveling_bot(str(author.id), author.name, True)

    def may_want(self, message: ChatMessage) -> bool:
        """Could `wants` say yes? A boost notice, or a message from another bot (which may be a leveling bot)."""
        return message.type in BOOST_TYPE_VALUES or (
            message.author_is_bot and message.author_id != getattr(self.bot.user, "id", None)
        )

    def wants(self, message: discord.Message) -> bool:
        return message.guild is not None and (message.type in BOOST_TIERS or self.leveling_bot(message) is not None)

    async def route(self, scope: Scope, message: discord.Message) -> None:
        """Pay the boost or the level-up `message` announces (does nothing for other messages)."""
        if message.type in BOOST_TIERS:
            if not message.author.bot:
                outcome = await self.boosts.boosted(scope, boost_notice(message))
                log.info(
                    "boost %s by %s: %s",
                    message.id,
                    message.author.id,
                    ", ".join(f"{p.event} {p.amount}" for p in outcome.paid) or "nothing paid",
                )
            return
        bot_name = self.leveling_bot(message)
        if bot_name is not None:
            await self._level_up(scope, message, bot_name)

    async def _level_up(self, scope: Scope, message: discord.Message, bot_name: str) -> None:
        found = levelups.parse(texts_of(message))
        if found is None:
            return
        guild = message.guild
        assert guild is not None
        member: discord.Member | None = None
        if found.member_id is not None:
            member = guild.get_member(int(found.member_id))
            if member is None:
                try:
                    member = await guild.fetch_member(int(found.member_id))
                except discord.HTTPException:
                    member = None
        elif found.name:
            member = member_named(guild, found.name)
        if member is None or member.bot:
            return
        outcome = await self.levels.level_up(
            scope, member_of(member, guild), found.level, bot_name, str(message.channel.id)
        )
        if isinstance(outcome, Paid):
            log.info("%s level %d for %s: %d LTZ", bot_name, found.level, member.id, outcome.amount)

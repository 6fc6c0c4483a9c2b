"""Messages the rewards engine ignores on purpose, routed explicitly: boost notices and other bots' level-ups.

Discord's boost notices are system messages (types 8-11) and level-up announcements come from bots, so the
activity listener neither counts nor pays them (they stay out of message counts). This listener turns
them into a BoostNotice or a level-up for services/engagement, which pay through the rewards engine.
"""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from loyalteez.discord.convert import member_of
from loyalteez.services.engagement import levelups
from loyalteez.services.engagement.boosts import BoostNotice, BoostService
from loyalteez.services.engagement.levelups import LevelUpService
from loyalteez.services.rewards.outcomes import Paid
from loyalteez.services.setup import SetupService
from loyalteez.store import Scope

log = logging.getLogger("loyalteez.boosts")
BOOST_TIERS = {
    discord.MessageType.premium_guild_subscription: 0,
    discord.MessageType.premium_guild_tier_1: 1,
    discord.MessageType.premium_guild_tier_2: 2,
    discord.MessageType.premium_guild_tier_3: 3,
}


def boost_notice(message: discord.Message) -> BoostNotice:
    # A notice may announce several boosts at once: Discord puts their number in the content.
    content = (message.content or "").strip()
    boosts = int(content) if content.isdigit() and 0 < int(content) <= 100 else 1
    return BoostNotice(str(message.id), member_of(message.author, message.guild), str(message.channel.id),
                       BOOST_TIERS[message.type], boosts)


def texts_of(message: discord.Message) -> list[str]:
    found = [message.content or ""]
    for embed in message.embeds:
        found += [embed.title or "", embed.description or ""]
        found += [f"{f.name}\n{f.value}" for f in embed.fields]
    return found


def member_named(guild: discord.Guild, name: str) -> discord.Member | None:
    folded = name.strip().lstrip("@").lower()
    return next((m for m in guild.members if folded in (m.name.lower(), m.display_name.lower())), None)


class BoostsCog(commands.Cog):
    def __init__(self, bot: discord.Bot, setup: SetupService, boosts: BoostService, levels: LevelUpService) -> None:
        self.bot = bot
        self.setup = setup
        self.boosts = boosts
        self.levels = levels

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.guild is None:
            return
        is_boost = message.type in BOOST_TIERS
        bot_name = None
        if not is_boost and message.author.bot and message.author.id != getattr(self.bot.user, "id", None):
            bot_name = levelups.leveling_bot(str(message.author.id), message.author.name, True)
        if not is_boost and bot_name is None:
            return
        scope = await self.setup.scope_for(str(message.guild.id))
        if scope is None:
            return
        if is_boost:
            if not message.author.bot:
                outcome = await self.boosts.boosted(scope, boost_notice(message))
                log.info("boost %s by %s: %s", message.id, message.author.id,
                         ", ".join(f"{p.event} {p.amount}" for p in outcome.paid) or "nothing paid")
            return
        await self._level_up(scope, message, bot_name or "")

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
        outcome = await self.levels.level_up(scope, member_of(member, guild), found.level, bot_name,
                                             str(message.channel.id))
        if isinstance(outcome, Paid):
            log.info("%s level %d for %s: %d LTZ", bot_name, found.level, member.id, outcome.amount)

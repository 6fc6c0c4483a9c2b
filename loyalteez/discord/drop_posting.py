"""A button drop's message on Discord: posting it, and closing it when the drop ends.

`/drop create|end` and the dashboard's drops page both go through here, so a drop made on the web looks and
behaves exactly like one made in Discord (same embed, same `drop:<id>` button, same checks). Posting goes
through GuildPoster: the channel must belong to the server's own guild, and nothing pings anyone.
"""

from __future__ import annotations

import logging
from datetime import datetime

import discord

from loyalteez.discord.poster import GuildPoster
from loyalteez.services.access.permissions import Caller
from loyalteez.services.analytics.ports import PostResult
from loyalteez.services.common import texts as shared
from loyalteez.services.drops import Drop, DropPlan, Drops
from loyalteez.services.drops import texts as say
from loyalteez.services.errors import ValidationError
from loyalteez.services.rewards import texts as reward_texts
from loyalteez.store import Scope

log = logging.getLogger("loyalteez.drops")
PREFIX = "drop:"
# The channels a drop's message can be in: they all have get_partial_message and fetch_message.
MESSAGE_CHANNELS = (
    discord.TextChannel,
    discord.VoiceChannel,
    discord.StageChannel,
    discord.Thread,
    discord.DMChannel,
    discord.PartialMessageable,
)


def drop_embed(plan: DropPlan, expires: datetime | None) -> discord.Embed:
    embed = discord.Embed(
        title=f"🎁 {plan.label}: {plan.amount:,} LTZ",
        colour=discord.Colour.gold(),
        description=plan.description or f"Click **{plan.label}** to claim your LTZ.",
    )
    embed.add_field(name="Event", value=f"`{plan.event}`")
    embed.add_field(name="Claims", value=f"first {plan.max_claims:,}" if plan.max_claims else "unlimited")
    embed.add_field(name="Ends", value=shared.when(expires) if expires else "never")
    return embed


def drop_button(drop_id: str, label: str, disabled: bool = False) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(
        discord.ui.Button(
            label=label[:80],
            style=discord.ButtonStyle.success,
            disabled=disabled,
            custom_id=f"{PREFIX}{drop_id}",
            emoji="🎉",
        )
    )
    view.stop()  # answered by the drops cog's claim_click from the custom_id, not kept in memory
    return view


class DropMessages:
    """Posts and closes drop messages for one bot; the drops cog and the dashboard share one of these."""

    def __init__(self, bot: discord.Client, drops: Drops) -> None:
        self.bot = bot
        self.drops = drops
        self.poster = GuildPoster(bot)

    async def post_button_drop(self, scope: Scope, plan: DropPlan, actor_id: str) -> Drop:
        """Post the drop's message with its button, then record the drop (the message is deleted again when
        recording fails, so no button is left pointing at nothing)."""
        posted = await self.poster.send(
            scope.server_id,
            plan.channel_id,
            "a drop",
            embed=drop_embed(plan, self.drops.expiry(plan)),
            view=drop_button(plan.drop_id, plan.label),
        )
        if isinstance(posted, PostResult):
            raise ValidationError("channel", say.CANT_POST)
        try:
            return await self.drops.create(scope, plan, actor_id=actor_id, message_id=str(posted.id))
        except BaseException:
            await self.undo(plan, posted)
            raise

    async def undo(self, plan: DropPlan, message: discord.Message) -> None:
        try:
            if plan.drop_type == "button":
                await message.delete()
            else:
                assert self.bot.user is not None  # logged in: it is answering a command
                await message.remove_reaction(plan.emoji, self.bot.user)
        except discord.HTTPException as exc:
            log.warning("could not undo the drop message %s: %s", message.id, exc)

    async def close(self, scope: Scope, drop: Drop) -> None:
        """Show a drop has ended: button disabled and the reason in the footer, or the bot's reaction removed.
        Its channel comes from the drop's row, so it must be one of the server's (the poster checks)."""
        if not drop.message_id:
            return
        channel = await self.poster.channel(scope.server_id, drop.channel_id, "a drop's end")
        if not isinstance(channel, MESSAGE_CHANNELS):
            return
        try:
            if drop.drop_type == "reaction":
                assert self.bot.user is not None  # logged in: drops close from its events and its ticker
                partial = channel.get_partial_message(int(drop.message_id))
                await partial.remove_reaction(drop.emoji or "", self.bot.user)  # type: ignore[misc]  # py-cord types the borrowed method self: Message
                return
            message = await channel.fetch_message(int(drop.message_id))
            status = self.drops.status(drop)
            embed = message.embeds[0] if message.embeds else None
            if embed is not None:
                embed.set_footer(text=say.drop_footer(status, drop.claims_count, drop.max_claims))
            label = next(
                (
                    c.label
                    for row in message.components
                    for c in getattr(row, "children", [])
                    if getattr(c, "label", None)
                ),
                "Claim",
            )
            await message.edit(embed=embed, view=drop_button(drop.drop_id, label, disabled=True))
        except discord.HTTPException as exc:
            log.warning("could not close drop %s's message: %s", drop.drop_id, exc)


class WebDrops:
    """The dashboard's drops: a button drop into a channel the admin picks (one of this server's), and
    ending one, through the same service calls and message code as /drop."""

    def __init__(self, messages: DropMessages) -> None:
        self.messages = messages

    async def create_button_drop(
        self,
        scope: Scope,
        caller: Caller,
        *,
        event: str,
        channel_id: str,
        lifespan: str | None,
        label: str | None,
        description: str | None,
    ) -> Drop:
        plan = await self.messages.drops.plan(
            scope,
            caller,
            event=event,
            drop_type="button",
            channel_id=channel_id,
            lifespan=lifespan,
            label=label,
            description=description,
        )
        guild = self.messages.bot.get_guild(int(scope.server_id))
        channel = guild.get_channel(int(channel_id)) if guild is not None and channel_id.isdigit() else None
        if channel is None or not isinstance(channel, discord.abc.Messageable):
            raise ValidationError("channel", reward_texts.CHANNEL_NOT_HERE)
        return await self.messages.post_button_drop(scope, plan, caller.user_id)

    async def end_drop(self, scope: Scope, caller: Caller, ref: str) -> Drop:
        ended = await self.messages.drops.end(scope, caller, ref)
        await self.messages.close(scope, ended)
        return ended

"""/drop, drop buttons and reactions, and drops' life on Discord (posting, closing, catching up).

Buttons carry the drop id in their custom_id (`drop:<id>`) and are answered by `claim_click`, so they keep
working after a restart. Like every button, a claim click is acknowledged (an ephemeral "thinking…") before
the database work (dispatch.py), so even hundreds of clicks in one second are each acknowledged within
Discord's 3 seconds. When a drop ends (full, expired, or /drop end) its message is edited: the button
disabled and the embed's footer saying why; a reaction drop loses the bot's own reaction. Reactions added
while the bot was offline are claimed when it is ready again: it reads each live reaction drop's reactors
over REST and claims for each (idempotent: the claim row and the ledger key make a second pass pay
nothing). Watched channels (/watch) are the watches cog's.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import discord
from discord.ext import commands

from loyalteez.discord.admin_gate import AdminGate
from loyalteez.discord.caller import caller_of
from loyalteez.discord.chat_payloads import ChatReaction
from loyalteez.discord.convert import member_of
from loyalteez.discord.dispatch import clicks, in_background, on, reads
from loyalteez.discord.drop_posting import PREFIX, DropMessages
from loyalteez.discord.replies import send
from loyalteez.services import texts
from loyalteez.services.common import input as common
from loyalteez.services.common import texts as shared
from loyalteez.services.drops import Drop, Drops, TargetMessage
from loyalteez.services.drops import input as check
from loyalteez.services.drops import texts as say
from loyalteez.services.errors import ValidationError
from loyalteez.services.ticker import Ticker
from loyalteez.store import Scope

log = logging.getLogger("loyalteez.drops")
GUILD = {discord.InteractionContextType.guild}
SWEEP_EVERY = timedelta(minutes=1)


class DropsCog(commands.Cog):
    drop = discord.SlashCommandGroup("drop", "LTZ drops members claim by button or reaction (admins)", contexts=GUILD)

    def __init__(self, bot: discord.Bot, gate: AdminGate, drops: Drops, ticker: Ticker) -> None:
        self.bot = bot
        self.messages = DropMessages(bot, drops)  # posting and closing, shared with the dashboard
        self.gate = gate
        self.drops = drops
        self.ticker = ticker
        ticker.every(SWEEP_EVERY, "drops.sweep", self.sweep, leader_only=True)

    # -- autocomplete -----------------------------------------------------------------------------------

    async def _scope(self, guild_id: int | None) -> Scope | None:
        return await self.gate.resolver.scope_of(guild_id) if guild_id else None

    async def droppable(self, ctx: discord.AutocompleteContext) -> list[str]:
        scope = await self._scope(ctx.interaction.guild_id)
        if scope is None:
            return []
        return await self.drops.droppable_events(scope, ctx.value or "")

    async def live_drops(self, ctx: discord.AutocompleteContext) -> list[discord.OptionChoice]:
        scope = await self._scope(ctx.interaction.guild_id)
        if scope is None:
            return []
        return [
            discord.OptionChoice(f"{d.event_id} · {d.drop_type} · {d.claims_count} claimed"[:100], d.drop_id)
            for d in await self.drops.live(scope)
        ][:25]

    # -- /drop ------------------------------------------------------------------------------------------------

    @drop.command(name="create", description="Drop an event's LTZ: a Claim button here, or a reaction on a message")
    @discord.option(
        "event",
        str,
        description="The event paid (trigger drop or none); its max-total-claims caps it",
        autocomplete=lambda ctx: ctx.cog.droppable(ctx),
    )
    @discord.option(
        "type",
        str,
        choices=["button", "reaction"],
        default="button",
        required=False,
        description="A button under a new message (default) or a reaction on an existing one",
    )
    @discord.option(
        "message-id",
        str,
        parameter_name="message_id",
        required=False,
        description="Reaction drops: the message's id or link",
    )
    @discord.option("emoji", str, required=False, description="Reaction drops: the emoji to react with (default 🎉)")
    @discord.option(
        "lifespan",
        str,
        required=False,
        description="How long it lasts: 5m, 2h, 24h (default), up to 168h, or permanent",
    )
    @discord.option("label", str, required=False, description="The button's text (default Claim)")
    @discord.option("description", str, required=False, description="Text shown above the button")
    async def create(
        self,
        ctx: discord.ApplicationContext,
        event: str,
        type: str,
        message_id: str | None,
        emoji: str | None,
        lifespan: str | None,
        label: str | None,
        description: str | None,
    ) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        found, target = await self._target_message(ctx, message_id) if message_id else (None, None)
        plan = await self.drops.plan(
            scope,
            caller_of(ctx),
            event=event,
            drop_type=type or "button",
            channel_id=str(ctx.channel_id),
            emoji=emoji,
            lifespan=lifespan,
            label=label,
            description=description,
            target=found,
        )
        if plan.drop_type == "button":
            drop = await self.messages.post_button_drop(scope, plan, str(ctx.author.id))
        else:
            assert target is not None
            try:
                await target.add_reaction(plan.emoji)
            except discord.Forbidden:
                raise ValidationError("message-id", say.CANT_REACT) from None
            except discord.HTTPException:
                raise ValidationError("emoji", shared.BAD_EMOJI) from None
            try:
                drop = await self.drops.create(scope, plan, actor_id=str(ctx.author.id), message_id=str(target.id))
            except BaseException:
                await self.messages.undo(plan, target)
                raise
        await send(
            ctx,
            say.drop_created(
                plan.drop_type, plan.event, plan.amount, plan.max_claims, drop.expires_at, plan.channel_id
            ),
        )

    async def _target_message(
        self, ctx: discord.ApplicationContext, ref: str
    ) -> tuple[TargetMessage, discord.Message | None]:
        """The message a reaction drop goes on (in this server, and one the bot can read), or why not: the
        service tells the caller, after checking their level."""
        try:
            guild_id, channel_id, message_id = check.message_ref(ref)
        except ValidationError as refused:
            return TargetMessage(refusal=refused.message), None
        if guild_id is not None and guild_id != str(ctx.guild_id):
            return TargetMessage(refusal=say.MESSAGE_OTHER_SERVER), None
        assert ctx.guild is not None  # a guild-only command
        channel = ctx.guild.get_channel_or_thread(int(channel_id)) if channel_id else ctx.channel
        if channel is None:
            return TargetMessage(refusal=say.MESSAGE_OTHER_SERVER), None
        if not isinstance(channel, discord.abc.Messageable):  # a forum or a category: no messages of its own
            return TargetMessage(refusal=say.MESSAGE_NOT_VISIBLE), None
        try:
            message = await channel.fetch_message(int(message_id))
        except (discord.NotFound, discord.Forbidden, AttributeError):
            return TargetMessage(refusal=say.MESSAGE_NOT_VISIBLE), None
        return TargetMessage(str(message.channel.id), str(message.id)), message

    @drop.command(name="list", description="Live drops on this server")
    async def list_(self, ctx: discord.ApplicationContext) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        lines = []
        for drop in await self.drops.listing(scope, caller_of(ctx)):
            cap = f"/{drop.max_claims:,}" if drop.max_claims else ""
            ends = shared.when(drop.expires_at) if drop.expires_at else "never"
            link = f"https://discord.com/channels/{ctx.guild_id}/{drop.channel_id}/{drop.message_id}"
            lines.append(
                f"`{drop.event_id}` {drop.drop_type} in <#{drop.channel_id}>: {drop.claims_count:,}"
                f"{cap} claimed, ends {ends} · [message]({link}) · id `{drop.drop_id}`"
            )
        await send(ctx, "\n".join(lines) or say.NO_DROPS)

    @drop.command(name="end", description="End a live drop now (its claims are kept)")
    @discord.option(
        "drop",
        str,
        description="The drop (pick from the list, or its message id)",
        autocomplete=lambda ctx: ctx.cog.live_drops(ctx),
    )
    async def end(self, ctx: discord.ApplicationContext, drop: str) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        ended = await self.drops.end(scope, caller_of(ctx), drop)
        await self.close_message(scope, ended)
        await send(ctx, say.drop_ended(ended.event_id, ended.claims_count))

    # -- claiming -----------------------------------------------------------------------------------------------

    @clicks(PREFIX)
    async def claim_click(self, interaction: discord.Interaction, drop_id: str) -> None:
        scope = await self._scope(interaction.guild_id)
        if scope is None:
            await send(interaction, texts.NOT_CONNECTED)
            return
        result = await self.drops.claim(scope, drop_id, member_of(interaction.user, interaction.guild))
        await send(interaction, result.text)
        if result.ended_now and result.drop is not None:
            await self.close_message(scope, result.drop)

    @reads("raw_reaction_add")
    async def reaction_read(self, reaction: ChatReaction) -> bool:
        """Done unless the reaction claims a reaction drop: the claim needs py-cord's member (to DM them)."""
        if reaction.user_id == getattr(self.bot.user, "id", None):
            return True
        scope = await self._scope(reaction.guild_id)
        drop = self.drops.reaction_drop_for(scope, str(reaction.message_id)) if scope else None
        return drop is None or not common.same_emoji(reaction.emoji, drop.emoji or "")

    @on("raw_reaction_add")
    async def reacted(self, payload: discord.RawReactionActionEvent) -> None:
        if payload.guild_id is None or payload.user_id == getattr(self.bot.user, "id", None):
            return
        scope = await self._scope(payload.guild_id)
        drop = self.drops.reaction_drop_for(scope, str(payload.message_id)) if scope else None
        if scope is None or drop is None or not common.same_emoji(str(payload.emoji), drop.emoji or ""):
            return
        user = payload.member or self.bot.get_user(payload.user_id)
        if user is None or user.bot:
            return
        in_background(self.bot, "raw_reaction_add", self._claim_by_reaction, scope, drop, user, True)

    async def _claim_by_reaction(
        self, scope: Scope, drop: Drop, user: discord.Member | discord.User, tell_repeat: bool
    ) -> bool:
        guild = self.bot.get_guild(int(scope.server_id))
        result = await self.drops.claim(scope, drop.drop_id, member_of(user, guild))
        if result.paid or (tell_repeat and result.status != "gone"):
            await self._dm(user, say.DROP_DM_PREFIX.format(server=guild.name if guild else "the server") + result.text)
        if result.ended_now and result.drop is not None:
            await self.close_message(scope, result.drop)
        return result.paid

    async def _dm(self, user: discord.Member | discord.User, text: str) -> None:
        try:
            await user.send(text)
        except discord.HTTPException as exc:
            log.info("could not DM %s about a drop: %s", user.id, exc)

    # -- start-up, expiry and closing ------------------------------------------------------------------------

    @on("ready")
    async def ready(self) -> None:
        """Load the caches, claim reactions added while offline, end what expired meanwhile."""
        self.ticker.start()  # idempotent: the sweep and the announcements are its jobs
        for guild in self.bot.guilds:
            scope = await self._scope(guild.id)
            if scope is None:
                continue
            await self.drops.load(scope)
            for drop in self.drops.live_reaction_drops(scope):
                await self._catch_up(scope, guild, drop)
        await self.sweep(self.drops.clock.now())

    async def _catch_up(self, scope: Scope, guild: discord.Guild, drop: Drop) -> None:
        channel = guild.get_channel_or_thread(int(drop.channel_id or 0))
        try:
            message = await channel.fetch_message(int(drop.message_id or 0))  # type: ignore[union-attr]
        except (discord.HTTPException, AttributeError) as exc:
            log.info("drop %s: its message can't be read (%s); skipped", drop.drop_id, exc)
            return
        paid = 0
        for reaction in message.reactions:
            if not common.same_emoji(str(reaction.emoji), drop.emoji or ""):
                continue
            async for user in reaction.users():
                if user.bot:
                    continue
                member = guild.get_member(user.id) or user
                paid += await self._claim_by_reaction(scope, drop, member, False)
        if paid:
            log.info("drop %s: %d reaction(s) added while offline claimed", drop.drop_id, paid)

    async def sweep(self, now: datetime) -> None:
        """End expired drops on every connected server and close their messages (a ticker job)."""
        for scope, drop in await self.drops.sweep_everywhere():
            await self.close_message(scope, drop)

    async def close_message(self, scope: Scope, drop: Drop) -> None:
        await self.messages.close(scope, drop)

"""/perk (perk managers), /perks and /perk-buy (members): spending LTZ, and granting a perk's role.

The purchase commits first (services/perks/service.py); the role is granted afterwards through Discord. If that
fails, the purchase is refunded and the member told so (the decision is documented in services/perks/service.py).
A role the bot could never grant is refused when the perk is saved, not when someone has paid for it.
"""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from loyalteez.discord.admin_gate import AdminGate
from loyalteez.discord.caller import caller_of
from loyalteez.discord.replies import send
from loyalteez.services.perks import KEEP, Perks, perk_line
from loyalteez.services.perks import texts as say

log = logging.getLogger("loyalteez.perks")
GUILD = {discord.InteractionContextType.guild}


def grantable(role: discord.Role, guild: discord.Guild) -> tuple[str | None, str | None]:
    """(role id, None) if the bot can give the role to members, else (None, why not): the service gives
    the refusal, after checking the caller's level."""
    if role.guild.id != guild.id:
        return None, say.ROLE_OTHER_SERVER
    if role.is_default() or role.managed:
        return None, say.ROLE_MANAGED.format(role=role.mention)
    me = guild.me
    if me is None or not me.guild_permissions.manage_roles:
        return None, say.role_needs_manage_roles(role.mention)
    if role >= me.top_role:
        return None, say.ROLE_TOO_HIGH.format(role=role.mention)
    return str(role.id), None


class PerksCog(commands.Cog):
    perk = discord.SlashCommandGroup("perk", "What members can buy with LTZ (perk managers)", contexts=GUILD)

    def __init__(self, gate: AdminGate, perks: Perks) -> None:
        self.gate = gate
        self.perks = perks

    async def names(self, ctx: discord.AutocompleteContext) -> list[str]:
        scope = await self.gate.resolver.scope_of(ctx.interaction.guild_id) if ctx.interaction.guild_id else None
        if scope is None:
            return []
        return await self.perks.names(scope, ctx.value or "")

    @perk.command(name="create", description="Something members can buy with LTZ, optionally a role")
    @discord.option("name", str, description="Up to 50 characters, unique on this server")
    @discord.option("cost", int, description="LTZ: 1-1,000,000")
    @discord.option("category", str, required=False, description="Groups perks in /perks (default general)")
    @discord.option("quantity", int, required=False, default=-1, description="How many can be sold (-1: unlimited)")
    @discord.option("role", discord.Role, required=False, description="A role given to buyers")
    @discord.option("description", str, required=False, description="What the buyer gets")
    async def create(
        self,
        ctx: discord.ApplicationContext,
        name: str,
        cost: int,
        category: str | None,
        quantity: int,
        role: discord.Role | None,
        description: str | None,
    ) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        assert ctx.guild is not None  # a guild-only command
        role_id, refusal = grantable(role, ctx.guild) if role is not None else (None, None)
        perk = await self.perks.create(
            scope,
            caller_of(ctx),
            name=name,
            cost=cost,
            category=category,
            quantity=-1 if quantity is None else quantity,
            role_id=role_id,
            role_refusal=refusal,
            description=description,
        )
        await send(ctx, say.perk_saved("Created", perk_line(perk)))

    @perk.command(name="edit", description="Change a perk's cost, category, stock, role or description")
    @discord.option("name", str, description="The perk", autocomplete=lambda ctx: ctx.cog.names(ctx))
    @discord.option("cost", int, required=False, description="LTZ: 1-1,000,000")
    @discord.option("category", str, required=False, description="Category")
    @discord.option("quantity", int, required=False, description="Stock left (-1: unlimited)")
    @discord.option("role", discord.Role, required=False, description="A role given to buyers")
    @discord.option("remove-role", bool, parameter_name="remove_role", required=False, description="Stop giving a role")
    @discord.option("description", str, required=False, description="What the buyer gets")
    async def edit(
        self,
        ctx: discord.ApplicationContext,
        name: str,
        cost: int | None,
        category: str | None,
        quantity: int | None,
        role: discord.Role | None,
        remove_role: bool | None,
        description: str | None,
    ) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        assert ctx.guild is not None  # a guild-only command
        role_id, refusal = grantable(role, ctx.guild) if role is not None else (None if remove_role else KEEP, None)
        perk = await self.perks.edit(
            scope,
            caller_of(ctx),
            name,
            cost=cost,
            category=category,
            quantity=quantity,
            role_id=role_id,
            role_refusal=refusal,
            description=description,
        )
        await send(ctx, say.perk_saved("Updated", perk_line(perk)))

    @perk.command(name="remove", description="Stop selling a perk (past purchases are kept)")
    @discord.option("name", str, description="The perk", autocomplete=lambda ctx: ctx.cog.names(ctx))
    async def remove(self, ctx: discord.ApplicationContext, name: str) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        perk = await self.perks.remove(scope, caller_of(ctx), name)
        await send(ctx, say.perk_removed(perk.name))

    @discord.slash_command(name="perks", description="What you can buy with your LTZ", contexts=GUILD)
    @discord.option("category", str, required=False, description="Only this category")
    async def perks_(self, ctx: discord.ApplicationContext, category: str | None) -> None:
        scope = await self.gate.resolver.member_scope(ctx)
        if scope is None:
            return
        found = await self.perks.catalog(scope, category)
        embed = discord.Embed(
            title="🛍️ Perks",
            colour=discord.Colour.teal(),
            description="\n".join(perk_line(p) for p in found)[:4000] or say.NO_PERKS,
        )
        embed.set_footer(text="Buy with /perk-buy · your LTZ: /balance")
        await send(ctx, embed=embed)

    @discord.slash_command(name="perk-buy", description="Spend LTZ on a perk", contexts=GUILD)
    @discord.option("perk", str, description="The perk", autocomplete=lambda ctx: ctx.cog.names(ctx))
    async def buy(self, ctx: discord.ApplicationContext, perk: str) -> None:
        scope = await self.gate.resolver.member_scope(ctx)
        if scope is None:
            return
        member = ctx.author if isinstance(ctx.author, discord.Member) else None
        held = tuple(str(r.id) for r in member.roles) if member is not None else ()
        purchase = await self.perks.buy(scope, str(ctx.author.id), perk, role_ids=held)
        text = purchase.text
        if purchase.perk.role_id:
            role = ctx.guild.get_role(int(purchase.perk.role_id)) if ctx.guild else None
            failure = None
            if role is None or member is None:
                failure = "the role no longer exists"
            else:
                try:
                    await member.add_roles(role, reason=f"Loyalteez perk {purchase.perk.name}")
                    text += say.PERK_ROLE_GIVEN.format(role=role.mention)
                except discord.HTTPException as exc:
                    failure = "I'm not allowed to give that role any more" if exc.status == 403 else "Discord refused"
                    log.warning(
                        "perk %s: granting role %s to %s failed: %s", purchase.perk.id, role.id, ctx.author.id, exc
                    )
            if failure is not None:
                await self.perks.refund(scope, purchase.purchase_id, failure)
                text = say.PERK_REFUNDED.format(
                    name=purchase.perk.name,
                    role=f"<@&{purchase.perk.role_id}>",
                    reason=failure,
                    cost=purchase.perk.cost,
                )
        await send(ctx, text)

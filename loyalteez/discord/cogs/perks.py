"""/perk (perk managers), /perks and /perk-buy (members): spending LTZ, and granting a perk's role.

The purchase commits first (services/perks/service.py); the role is granted afterwards through Discord. If the
role may no longer be sold or granting fails, the purchase is refunded and the member told why (the decision is
documented in services/perks/service.py). Which roles may be sold at all is services/perks/roles.py's rule; this
cog only reads the role's facts from Discord.
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
from loyalteez.services.perks.roles import RoleFacts

log = logging.getLogger("loyalteez.perks")
GUILD = {discord.InteractionContextType.guild}


def role_facts(role: discord.Role, guild: discord.Guild) -> RoleFacts:
    """What Discord says about `role` and what the bot can do with it, as plain values: the perks service
    decides whether it may be sold (services/perks/roles.py)."""
    me = guild.me
    return RoleFacts(
        role_id=str(role.id),
        mention=role.mention,
        permissions=role.permissions.value,
        position=role.position,
        managed=role.is_default() or role.managed,
        of_server=role.guild.id == guild.id,
        bot_manages_roles=me is not None and me.guild_permissions.manage_roles,
        bot_top_position=me.top_role.position if me is not None else 0,
    )


class BuyerRoles:
    """The RoleDesk of one buyer: the role's facts from the guild's cache, and giving it over REST."""

    def __init__(self, guild: discord.Guild, member: discord.Member | None, perk: str) -> None:
        self.guild, self.member, self.perk = guild, member, perk

    async def facts(self, role_id: str) -> RoleFacts | None:
        role = self.guild.get_role(int(role_id))
        return role_facts(role, self.guild) if role is not None and self.member is not None else None

    async def give(self, role_id: str) -> str | None:
        role = self.guild.get_role(int(role_id))
        if role is None or self.member is None:
            return say.ROLE_GONE
        try:
            await self.member.add_roles(role, reason=f"Loyalteez perk {self.perk}")
        except discord.HTTPException as exc:
            log.warning("perk %s: granting role %s to %s failed: %s", self.perk, role.id, self.member.id, exc)
            return "I'm not allowed to give that role any more" if exc.status == 403 else "Discord refused"
        return None


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
        perk = await self.perks.create(
            scope,
            caller_of(ctx),
            name=name,
            cost=cost,
            category=category,
            quantity=-1 if quantity is None else quantity,
            role=role_facts(role, ctx.guild) if role is not None else None,
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
        facts = role_facts(role, ctx.guild) if role is not None else (None if remove_role else KEEP)
        perk = await self.perks.edit(
            scope,
            caller_of(ctx),
            name,
            cost=cost,
            category=category,
            quantity=quantity,
            role=facts,
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
        assert ctx.guild is not None  # a guild-only command
        member = ctx.author if isinstance(ctx.author, discord.Member) else None
        held = tuple(str(r.id) for r in member.roles) if member is not None else ()
        desk = BuyerRoles(ctx.guild, member, perk)
        purchase = await self.perks.buy(scope, str(ctx.author.id), perk, role_ids=held, roles=desk)
        await send(ctx, purchase.text)

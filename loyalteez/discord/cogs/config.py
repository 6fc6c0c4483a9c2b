"""/config: reward events, amounts, role bonuses, channels, test mode, members, admin roles and channel.

Handlers only translate: Discord options -> service calls -> a short reply. Validation, audit and the
rules themselves live in loyalteez.services.rewards; a ValidationError or PermissionDenied raised there
becomes a one-line ephemeral reply in the bot's error handler.
"""

from __future__ import annotations

import discord
from discord.ext import commands

from loyalteez.discord.admin_gate import AdminGate
from loyalteez.discord.caller import caller_of
from loyalteez.discord.cogs.config_replies import describe_rule, mention, own_channel_id, server_channel_ids
from loyalteez.discord.replies import send
from loyalteez.services.access import texts as access_texts
from loyalteez.services.access.permissions import ASSIGNABLE
from loyalteez.services.access.web import WebAccess
from loyalteez.services.rewards import triggers
from loyalteez.services.rewards.admin import EventInput
from loyalteez.services.rewards.service import Rewards
from loyalteez.services.streaks import StreakService
from loyalteez.services.streaks import texts as streak_texts

EVENT_ACTIONS = ["create", "edit", "toggle", "delete", "list"]
# The trigger options' descriptions, as the trigger registry words them.
OPTION_TEXT = {option.name: option.description for option in triggers.options()}


class ConfigCog(commands.Cog):
    config = discord.SlashCommandGroup(
        "config", "Configure rewards on this server (admins)", contexts={discord.InteractionContextType.guild}
    )

    def __init__(self, gate: AdminGate, rewards: Rewards, streaks: StreakService, web: WebAccess) -> None:
        self.gate = gate
        self.admin = rewards.admin
        self.streak_rules = streaks  # /config streaks
        self.web = web  # /config web

    async def event_names(self, ctx: discord.AutocompleteContext) -> list[str]:
        if ctx.interaction.guild_id is None:
            return []
        scope = await self.gate.resolver.scope_of(ctx.interaction.guild_id)
        if scope is None:
            return []
        return await self.admin.event_names(scope, (ctx.value or "").lower())

    @config.command(name="overview", description="The brand, events, role bonuses, channels and test mode here")
    async def overview(self, ctx: discord.ApplicationContext) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        view = await self.admin.overview(scope, caller_of(ctx))
        embed = discord.Embed(title="Loyalteez configuration", colour=discord.Colour.blurple())
        embed.add_field(name="Brand", value=f"`{view.brand_id}`")
        embed.add_field(name="Test mode", value="on" if view.test_mode.enabled else "off")
        admin_channel = view.admin_channel_id
        embed.add_field(name="Admin channel", value=f"<#{admin_channel}>" if admin_channel else "not set")
        embed.add_field(
            name="Events", value="\n".join(describe_rule(r) for r in view.events)[:1024] or "none", inline=False
        )
        embed.add_field(
            name="Role bonuses",
            value="\n".join(
                f"<@&{b.role_id}> {b.effect_type} {b.value} (priority {b.priority})" for b in view.role_bonuses
            )[:1024]
            or "none",
            inline=False,
        )
        embed.add_field(
            name="Excluded channels", value=" ".join(f"<#{c}>" for c in view.excluded_channels) or "none", inline=False
        )
        await send(ctx, embed=embed)

    @config.command(name="events", description="Create, edit, toggle, delete or list reward events")
    @discord.option("action", str, description="What to do", choices=EVENT_ACTIONS)
    @discord.option(
        "name",
        str,
        description="Event name (lowercase_with_underscores)",
        required=False,
        autocomplete=lambda ctx: ctx.cog.event_names(ctx),
    )
    @discord.option("reward", int, description="LTZ paid, 1-10,000", required=False)
    @discord.option("cooldown", int, description="Hours between payouts to one member (-1 or 0: none)", required=False)
    @discord.option(
        "max-claims", int, parameter_name="max_claims", required=False, description="Payouts per member (-1: unlimited)"
    )
    @discord.option(
        "max-total-claims",
        int,
        parameter_name="max_total_claims",
        required=False,
        description="Payouts on this server, all members together (-1: unlimited)",
    )
    @discord.option("channels", str, description="Only in these channels (#a #b), or 'any'", required=False)
    @discord.option(
        "trigger", str, description="How it is earned", choices=list(triggers.admin_names()), required=False
    )
    @discord.option("keywords", str, description=OPTION_TEXT["keywords"], required=False)
    @discord.option(
        "min-length",
        int,
        parameter_name="min_length",
        required=False,
        description=OPTION_TEXT["min_length"],
    )
    @discord.option(
        "min-reactions",
        int,
        parameter_name="min_reactions",
        required=False,
        description=OPTION_TEXT["min_reactions"],
    )
    @discord.option(
        "minutes-per-payout",
        int,
        parameter_name="minutes_per_payout",
        required=False,
        description=OPTION_TEXT["minutes_per_payout"],
    )
    async def events(
        self,
        ctx: discord.ApplicationContext,
        action: str,
        name: str | None,
        reward: int | None,
        cooldown: int | None,
        max_claims: int | None,
        max_total_claims: int | None,
        channels: str | None,
        trigger: str | None,
        keywords: str | None,
        min_length: int | None,
        min_reactions: int | None,
        minutes_per_payout: int | None = None,
    ) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        caller = caller_of(ctx)
        if action == "list":
            rules = await self.admin.events(scope, caller)
            await send(ctx, "\n".join(describe_rule(r) for r in rules) or "No events yet.")
        elif action in ("create", "edit"):
            given = EventInput(
                reward=reward,
                cooldown_hours=cooldown,
                max_claims_per_user=max_claims,
                max_total_claims=max_total_claims,
                channels=channels,
                trigger=trigger,
                keywords=keywords,
                min_length=min_length,
                min_reactions=min_reactions,
                minutes_per_payout=minutes_per_payout,
            )
            change = self.admin.create_event if action == "create" else self.admin.edit_event
            rule = await change(scope, caller, name, given, server_channel_ids(ctx.guild))
            await send(ctx, f"{'Created' if action == 'create' else 'Updated'} {describe_rule(rule)}.")
        elif action == "toggle":
            rule = await self.admin.toggle_event(scope, caller, name)
            await send(ctx, f"`{rule.event_type}` is now {'on' if rule.is_enabled else 'off'}.")
        else:
            deleted = await self.admin.delete_event(scope, caller, name)
            await send(ctx, f"Deleted `{deleted}`. Its past payouts stay in the ledger.")

    @config.command(name="reward", description="Set how much LTZ an event pays")
    @discord.option("event", str, description="The event", autocomplete=lambda ctx: ctx.cog.event_names(ctx))
    @discord.option("amount", int, description="LTZ, 1-10,000")
    async def reward(self, ctx: discord.ApplicationContext, event: str, amount: int) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        rule = await self.admin.set_reward(scope, caller_of(ctx), event, amount)
        await send(ctx, f"`{rule.event_type}` now pays {rule.reward_amount:,} LTZ.")

    @config.command(name="role-bonus", description="Give a role a multiplier, flat bonus or cooldown reduction")
    @discord.option("action", str, choices=["set", "remove", "list"], description="What to do")
    @discord.option("role", discord.Role, required=False, description="The role")
    @discord.option("multiplier", float, required=False, description="1.0-5.0 times the reward")
    @discord.option("flat-bonus", int, parameter_name="flat_bonus", required=False, description="0-1,000 LTZ added")
    @discord.option(
        "cooldown-reduction",
        int,
        parameter_name="cooldown_reduction",
        required=False,
        description="0-90 % of cooldowns removed",
    )
    @discord.option("priority", int, required=False, description="0-100; the highest wins among a member's roles")
    async def role_bonus(
        self,
        ctx: discord.ApplicationContext,
        action: str,
        role: discord.Role | None,
        multiplier: float | None,
        flat_bonus: int | None,
        cooldown_reduction: int | None,
        priority: int | None,
    ) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        caller, role_id = caller_of(ctx), str(role.id) if role is not None else None
        if action == "list":
            bonuses = await self.admin.role_bonuses(scope, caller)
            await send(
                ctx,
                "\n".join(f"<@&{b.role_id}> {b.effect_type} {b.value} (priority {b.priority})" for b in bonuses)
                or "No role bonuses.",
            )
        elif action == "remove":
            removed = await self.admin.remove_role_bonuses(scope, caller, role_id)
            await send(ctx, f"Removed {removed} bonus(es) from {mention(role)}.")
        else:
            effects = {"multiplier": multiplier, "flat_bonus": flat_bonus, "cooldown_reduction": cooldown_reduction}
            given = await self.admin.set_role_bonuses(scope, caller, role_id, effects, priority)
            await send(ctx, f"{mention(role)}: " + ", ".join(f"{k} {v}" for k, v in given.items()) + ".")

    @config.command(name="channels", description="Exclude a channel from earning, include it again, or list")
    @discord.option("action", str, choices=["exclude", "include", "list"], description="What to do")
    @discord.option("channel", discord.abc.GuildChannel, required=False, description="The channel")
    async def channels(
        self,
        ctx: discord.ApplicationContext,
        action: str,
        channel: discord.abc.GuildChannel | None,
    ) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        if action == "list":
            excluded = await self.admin.excluded_channels(scope, caller_of(ctx))
            await send(ctx, "Excluded: " + (" ".join(f"<#{c}>" for c in excluded) or "none"))
            return
        change = self.admin.exclude_channel if action == "exclude" else self.admin.include_channel
        excluded = await change(scope, caller_of(ctx), own_channel_id(channel, ctx))
        await send(
            ctx,
            f"{mention(channel)} {'excluded' if action == 'exclude' else 'included'}. Excluded now: "
            + (" ".join(f"<#{c}>" for c in excluded) or "none"),
        )

    @config.command(name="test-mode", description="Only testers and admins earn; test payouts stay out of KPIs")
    @discord.option("enable", bool, description="On or off")
    @discord.option("role", discord.Role, required=False, description="The testers' role")
    async def test_mode(self, ctx: discord.ApplicationContext, enable: bool, role: discord.Role | None) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        mode = await self.admin.set_test_mode(scope, caller_of(ctx), enable, str(role.id) if role else None)
        if mode.enabled:
            who = f"admins and <@&{mode.tester_role_id}>" if mode.tester_role_id else "admins"
            await send(ctx, f"Test mode is on: only {who} earn, and their payouts are marked as tests.")
        else:
            await send(ctx, "Test mode is off: everyone earns again.")

    @config.command(name="user", description="Stop or allow a member's earning, or see who is disabled")
    @discord.option("action", str, choices=["disable", "enable", "status", "list-disabled"], description="What to do")
    @discord.option("member", discord.Member, required=False, description="The member")
    @discord.option("reason", str, required=False, description="Why (kept in the audit log, 500 characters max)")
    async def user(
        self, ctx: discord.ApplicationContext, action: str, member: discord.Member | None, reason: str | None
    ) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        caller, member_id = caller_of(ctx), str(member.id) if member is not None else None
        if action == "list-disabled":
            disabled = await self.admin.disabled_members(scope, caller)
            await send(
                ctx,
                "\n".join(f"<@{m.member_id}>: {m.reason or 'no reason'}" for m in disabled) or "Nobody is disabled.",
            )
        elif action == "disable":
            await self.admin.disable_member(scope, caller, member_id, reason)
            await send(ctx, f"{mention(member)} no longer earns on this server.")
        elif action == "enable":
            await self.admin.enable_member(scope, caller, member_id)
            await send(ctx, f"{mention(member)} earns again.")
        else:
            status = await self.admin.member_status(scope, caller, member_id)
            # The reply has never shown the reason (MemberStatus has no `reason`); kept as it was.
            await send(ctx, f"{mention(member)}: " + ("disabled" if status.disabled else "earning normally"))

    @config.command(name="admin-roles", description="Give a role an admin level, take it away, or list")
    @discord.option("action", str, choices=["add", "remove", "list"], description="What to do")
    @discord.option("role", discord.Role, required=False, description="The role")
    @discord.option(
        "level",
        str,
        required=False,
        choices=[lv.label for lv in ASSIGNABLE],
        description="viewer < perk_manager < event_manager < full_admin",
    )
    async def admin_roles(
        self, ctx: discord.ApplicationContext, action: str, role: discord.Role | None, level: str | None
    ) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        if action == "list":
            mapping = await self.admin.admin_roles(scope, caller_of(ctx))
            await send(
                ctx,
                "\n".join(f"<@&{r}>: {lv}" for r, lv in sorted(mapping.items()))
                or "No admin roles: only owners, Administrators and Manage Server admins.",
            )
            return
        role_id = str(role.id) if role is not None else None
        mapping = await self.admin.set_admin_role(
            scope, caller_of(ctx), role_id, level, remove=action == "remove", role_mention=mention(role)
        )
        await send(ctx, f"{mention(role)} is now " + (mapping.get(str(role_id), "not an admin role")) + ".")

    @config.command(name="admin-channel", description="Where reward notifications and alerts are posted")
    @discord.option("channel", discord.TextChannel, description="A text channel of this server")
    async def admin_channel(self, ctx: discord.ApplicationContext, channel: discord.TextChannel) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        await self.admin.set_admin_channel(scope, caller_of(ctx), own_channel_id(channel, ctx))
        await send(ctx, f"Notifications and alerts will go to {channel.mention}.")

    @config.command(name="streaks", description="Streak grace period, multipliers and milestones (no options: show)")
    @discord.option(
        "grace-period",
        int,
        parameter_name="grace_period",
        required=False,
        description="Hours after the end of a check-in's UTC day the streak survives, 1-72",
    )
    @discord.option(
        "multipliers",
        str,
        required=False,
        description="day:factor pairs, e.g. 3:1.1, 7:1.25, 14:1.5, 30:2 (factors 1.0-5.0), or none",
    )
    @discord.option(
        "milestones", str, required=False, description="day:LTZ pairs, e.g. 7:50, 30:200, 100:1000, 365:5000, or none"
    )
    @discord.option("reset", bool, required=False, description="Back to the defaults first")
    async def streaks(
        self,
        ctx: discord.ApplicationContext,
        grace_period: int | None,
        multipliers: str | None,
        milestones: str | None,
        reset: bool | None,
    ) -> None:
        changing = any(v is not None for v in (grace_period, multipliers, milestones)) or bool(reset)
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        if not changing:
            await send(ctx, streak_texts.settings(await self.streak_rules.current_settings(scope, caller_of(ctx))))
            return
        updated = await self.streak_rules.configure(
            scope,
            caller_of(ctx),
            grace_hours=grace_period,
            multipliers=multipliers,
            milestones=milestones,
            reset=bool(reset),
        )
        await send(ctx, streak_texts.settings_updated(updated))

    @config.command(name="web", description="Show this server's leaderboard and goals on the web to everyone")
    @discord.option("public", bool, description="true: anyone with the link; false: signed-in members only")
    async def web_pages(self, ctx: discord.ApplicationContext, public: bool) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        await send(ctx, access_texts.web_public(await self.web.set_public(scope, caller_of(ctx), public)))

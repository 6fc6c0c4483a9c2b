"""/config: reward events, amounts, role bonuses, channels, test mode, members, admin roles and channel.

Handlers only translate: Discord options -> service calls -> a short reply. Validation, audit and the
rules themselves live in loyalteez.services.rewards; a ValidationError or PermissionDenied raised there
becomes a one-line ephemeral reply in the bot's error handler.
"""

from __future__ import annotations

import re

import discord
from discord.ext import commands

from loyalteez.discord.admin_gate import AdminGate
from loyalteez.discord.caller import caller_of
from loyalteez.discord.replies import send
from loyalteez.services import server_settings
from loyalteez.services.access.permissions import ADMIN_CHANNEL_KEY, ADMIN_ROLES_KEY, ASSIGNABLE, Level
from loyalteez.services.errors import ValidationError
from loyalteez.services.rewards import admin_events, admin_members, admin_server, validation
from loyalteez.services.rewards.admin_events import EventOptions
from loyalteez.services.rewards.rules import ADMIN_TRIGGERS, Rule
from loyalteez.services.streaks import StreakService
from loyalteez.services.streaks import texts as streak_texts

EVENT_ACTIONS = ["create", "edit", "toggle", "delete", "list"]
_MENTION = re.compile(r"<#(\d+)>|(\d{15,20})")


def channel_ids(text: str | None, guild: discord.Guild | None) -> list[str] | None:
    """'#a, #b' or ids -> ids of this server's channels; anything else is a ValidationError."""
    if text is None:
        return None
    if text.strip().lower() in ("", "any", "all", "none"):
        return []
    found = [m.group(1) or m.group(2) for m in _MENTION.finditer(text)]
    leftover = _MENTION.sub("", text).replace(",", " ").strip()
    if leftover or not found:
        raise ValidationError("channels", "channels: mention channels of this server (#name) or give their ids")
    for channel_id in found:
        if guild is None or guild.get_channel(int(channel_id)) is None:
            raise ValidationError("channels", f"channels: <#{channel_id}> is not a channel of this server")
    return list(dict.fromkeys(found))


def keyword_list(text: str | None) -> list[str] | None:
    return None if text is None else [k.strip() for k in text.split(",") if k.strip()]


def describe_rule(rule: Rule) -> str:
    state = "on" if rule.is_enabled else "off"
    parts = [f"**{rule.event_type}** ({state}): {rule.reward_amount:,} LTZ", f"trigger {rule.trigger}"]
    if rule.cooldown_hours:
        parts.append(f"cooldown {rule.cooldown_hours}h")
    if rule.max_claims_per_user:
        parts.append(f"max {rule.max_claims_per_user}/member")
    if rule.trigger == "voice":
        parts.append(f"per {rule.minutes_per_payout} counted minutes")
    if rule.metadata.get("max_per_day"):
        parts.append(f"max {rule.metadata['max_per_day']}/day")
    if rule.metadata.get("max_total_claims"):
        parts.append(f"max {rule.metadata['max_total_claims']} total")
    if rule.channels:
        parts.append("in " + " ".join(f"<#{c}>" for c in sorted(rule.channels)))
    if rule.server_id is None:
        parts.append("brand-wide")
    return ", ".join(parts)


class ConfigCog(commands.Cog):
    config = discord.SlashCommandGroup(
        "config", "Configure rewards on this server (admins)", contexts={discord.InteractionContextType.guild}
    )

    def __init__(self, gate: AdminGate, streaks: StreakService) -> None:
        self.gate = gate
        self.streak_rules = streaks  # /config streaks

    async def event_names(self, ctx: discord.AutocompleteContext) -> list[str]:
        if ctx.interaction.guild_id is None:
            return []
        scope = await self.gate.resolver.scope_of(ctx.interaction.guild_id)
        if scope is None:
            return []
        rules = await admin_events.list_events(self.gate.resolver.store.scoped(scope))
        typed = (ctx.value or "").lower()
        return [r.event_type for r in rules if typed in r.event_type][:25]

    @config.command(name="overview", description="The brand, events, role bonuses, channels and test mode here")
    async def overview(self, ctx: discord.ApplicationContext) -> None:
        data = await self.gate.open(ctx, Level.VIEWER)
        if data is None:
            return
        metadata = await data.rewards_metadata()
        rules = await admin_events.list_events(data)
        bonuses = await admin_server.list_role_bonuses(data)
        excluded = await admin_server.list_excluded_channels(data)
        test_mode = await admin_server.get_test_mode(data)
        embed = discord.Embed(title="Loyalteez configuration", colour=discord.Colour.blurple())
        embed.add_field(name="Brand", value=f"`{data.scope.brand_id}`")
        embed.add_field(name="Test mode", value="on" if test_mode.enabled else "off")
        admin_channel = metadata.get(ADMIN_CHANNEL_KEY)
        embed.add_field(name="Admin channel", value=f"<#{admin_channel}>" if admin_channel else "not set")
        embed.add_field(name="Events", value="\n".join(describe_rule(r) for r in rules)[:1024] or "none", inline=False)
        embed.add_field(
            name="Role bonuses",
            value="\n".join(f"<@&{b.role_id}> {b.effect_type} {b.value} (priority {b.priority})" for b in bonuses)[
                :1024
            ]
            or "none",
            inline=False,
        )
        embed.add_field(name="Excluded channels", value=" ".join(f"<#{c}>" for c in excluded) or "none", inline=False)
        await send(ctx, embed=embed)

    @config.command(name="events", description="Create, edit, toggle, delete or list reward events")
    @discord.option("action", str, description="What to do", choices=EVENT_ACTIONS)
    @discord.option(
        "name",
        str,
        description="Event name (lowercase_with_underscores)",
        required=False,
        autocomplete=lambda ctx: ctx.cog.event_names(ctx),
    )  # type: ignore[union-attr]
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
    @discord.option("trigger", str, description="How it is earned", choices=list(ADMIN_TRIGGERS), required=False)
    @discord.option("keywords", str, description="For trigger keyword: comma-separated words", required=False)
    @discord.option(
        "min-length",
        int,
        parameter_name="min_length",
        required=False,
        description="For trigger min_length: characters, 10-2000",
    )
    @discord.option(
        "min-reactions",
        int,
        parameter_name="min_reactions",
        required=False,
        description="For trigger reaction_count: 3, 5, 7, 10, 15, 20 or 25",
    )
    @discord.option(
        "minutes-per-payout",
        int,
        parameter_name="minutes_per_payout",
        required=False,
        description="For voice events: counted voice minutes per payout, 1-1,440",
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
        data = await self.gate.open(ctx, Level.VIEWER if action == "list" else Level.EVENT_MANAGER)
        if data is None:
            return
        actor = str(ctx.author.id)
        if action == "list":
            rules = await admin_events.list_events(data)
            await send(ctx, "\n".join(describe_rule(r) for r in rules) or "No events yet.")
            return
        if not name:
            raise ValidationError("name", f"name: give the event's name to {action} it")
        name = name.strip()
        if action in ("create", "edit"):
            options = EventOptions(
                reward=reward,
                cooldown_hours=cooldown,
                max_claims_per_user=max_claims,
                max_total_claims=max_total_claims,
                channels=channel_ids(channels, ctx.guild),
                trigger=trigger,
                keywords=keyword_list(keywords),
                min_length=min_length,
                min_reactions=min_reactions,
                minutes_per_payout=minutes_per_payout,
            )
            change = admin_events.create_event if action == "create" else admin_events.edit_event
            rule = await change(data, actor, name, options)
            await send(ctx, f"{'Created' if action == 'create' else 'Updated'} {describe_rule(rule)}.")
        elif action == "toggle":
            rule = await admin_events.toggle_event(data, actor, name)
            await send(ctx, f"`{rule.event_type}` is now {'on' if rule.is_enabled else 'off'}.")
        else:
            await admin_events.delete_event(data, actor, name)
            await send(ctx, f"Deleted `{name}`. Its past payouts stay in the ledger.")

    @config.command(name="reward", description="Set how much LTZ an event pays")
    @discord.option("event", str, description="The event", autocomplete=lambda ctx: ctx.cog.event_names(ctx))
    @discord.option("amount", int, description="LTZ, 1-10,000")
    async def reward(self, ctx: discord.ApplicationContext, event: str, amount: int) -> None:
        data = await self.gate.open(ctx, Level.EVENT_MANAGER)
        if data is None:
            return
        rule = await admin_events.set_reward_amount(data, str(ctx.author.id), event.strip(), amount)
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
        data = await self.gate.open(ctx, Level.VIEWER if action == "list" else Level.FULL_ADMIN)
        if data is None:
            return
        if action == "list":
            bonuses = await admin_server.list_role_bonuses(data)
            await send(
                ctx,
                "\n".join(f"<@&{b.role_id}> {b.effect_type} {b.value} (priority {b.priority})" for b in bonuses)
                or "No role bonuses.",
            )
            return
        if role is None:
            raise ValidationError("role", "role: choose the role")
        actor, role_id = str(ctx.author.id), str(role.id)
        if action == "remove":
            removed = await admin_server.remove_role_bonus(data, actor, role_id)
            await send(ctx, f"Removed {removed} bonus(es) from {role.mention}.")
            return
        effects = {"multiplier": multiplier, "flat_bonus": flat_bonus, "cooldown_reduction": cooldown_reduction}
        given = {k: v for k, v in effects.items() if v is not None}
        if not given:
            raise ValidationError("effect", "give multiplier, flat-bonus or cooldown-reduction")
        for effect_type, value in given.items():  # all or nothing: check every effect before writing any
            validation.effect(effect_type, value)
        for effect_type, value in given.items():
            await admin_server.set_role_bonus(data, actor, role_id, effect_type, value, priority or 0)
        await send(ctx, f"{role.mention}: " + ", ".join(f"{k} {v}" for k, v in given.items()) + ".")

    @config.command(name="channels", description="Exclude a channel from earning, include it again, or list")
    @discord.option("action", str, choices=["exclude", "include", "list"], description="What to do")
    @discord.option("channel", discord.abc.GuildChannel, required=False, description="The channel")
    async def channels(
        self,
        ctx: discord.ApplicationContext,
        action: str,
        channel: discord.abc.GuildChannel | None,
    ) -> None:
        data = await self.gate.open(ctx, Level.VIEWER if action == "list" else Level.FULL_ADMIN)
        if data is None:
            return
        if action == "list":
            excluded = await admin_server.list_excluded_channels(data)
            await send(ctx, "Excluded: " + (" ".join(f"<#{c}>" for c in excluded) or "none"))
            return
        if channel is None or channel.guild.id != ctx.guild_id:
            raise ValidationError("channel", "channel: choose a channel of this server")
        change = admin_server.exclude_channel if action == "exclude" else admin_server.include_channel
        excluded = await change(data, str(ctx.author.id), str(channel.id))
        await send(
            ctx,
            f"{channel.mention} {'excluded' if action == 'exclude' else 'included'}. Excluded now: "
            + (" ".join(f"<#{c}>" for c in excluded) or "none"),
        )

    @config.command(name="test-mode", description="Only testers and admins earn; test payouts stay out of KPIs")
    @discord.option("enable", bool, description="On or off")
    @discord.option("role", discord.Role, required=False, description="The testers' role")
    async def test_mode(self, ctx: discord.ApplicationContext, enable: bool, role: discord.Role | None) -> None:
        data = await self.gate.open(ctx, Level.FULL_ADMIN)
        if data is None:
            return
        actor = str(ctx.author.id)
        if enable:
            mode = await admin_server.enable_test_mode(data, actor, str(role.id) if role else None)
            who = f"admins and <@&{mode.tester_role_id}>" if mode.tester_role_id else "admins"
            await send(ctx, f"Test mode is on: only {who} earn, and their payouts are marked as tests.")
        else:
            await admin_server.disable_test_mode(data, actor)
            await send(ctx, "Test mode is off: everyone earns again.")

    @config.command(name="user", description="Stop or allow a member's earning, or see who is disabled")
    @discord.option("action", str, choices=["disable", "enable", "status", "list-disabled"], description="What to do")
    @discord.option("member", discord.Member, required=False, description="The member")
    @discord.option("reason", str, required=False, description="Why (kept in the audit log, 500 characters max)")
    async def user(
        self, ctx: discord.ApplicationContext, action: str, member: discord.Member | None, reason: str | None
    ) -> None:
        needed = Level.VIEWER if action in ("status", "list-disabled") else Level.FULL_ADMIN
        data = await self.gate.open(ctx, needed)
        if data is None:
            return
        if action == "list-disabled":
            rows = await admin_members.list_disabled(data)
            await send(
                ctx, "\n".join(f"<@{r.member_id}>: {r.reason or 'no reason'}" for r in rows) or "Nobody is disabled."
            )
            return
        if member is None:
            raise ValidationError("member", "member: choose the member")
        actor, member_id = str(ctx.author.id), str(member.id)
        if action == "disable":
            await admin_members.disable_member(data, actor, member_id, reason)
            await send(ctx, f"{member.mention} no longer earns on this server.")
        elif action == "enable":
            await admin_members.enable_member(data, actor, member_id)
            await send(ctx, f"{member.mention} earns again.")
        else:
            status = await admin_members.member_status(data, member_id)
            await send(
                ctx,
                f"{member.mention}: "
                + ("disabled" if status.disabled else "earning normally")
                + (f" ({status.reason})" if getattr(status, "reason", None) else ""),
            )

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
        data = await self.gate.open(ctx, Level.VIEWER if action == "list" else Level.FULL_ADMIN)
        if data is None:
            return
        mapping = dict((await data.rewards_metadata()).get(ADMIN_ROLES_KEY) or {})
        if action == "list":
            await send(
                ctx,
                "\n".join(f"<@&{r}>: {lv}" for r, lv in sorted(mapping.items()))
                or "No admin roles: only owners, Administrators and Manage Server admins.",
            )
            return
        if role is None:
            raise ValidationError("role", "role: choose the role")
        if action == "add":
            try:
                chosen = Level.parse(level or "")
            except ValueError as exc:
                raise ValidationError("level", str(exc)) from exc
            mapping[str(role.id)] = chosen.label
        elif mapping.pop(str(role.id), None) is None:
            raise ValidationError("role", f"{role.mention} has no admin level")
        await server_settings.set_metadata(data, str(ctx.author.id), "config.admin_roles", {ADMIN_ROLES_KEY: mapping})
        await send(ctx, f"{role.mention} is now " + (mapping.get(str(role.id), "not an admin role")) + ".")

    @config.command(name="admin-channel", description="Where reward notifications and alerts are posted")
    @discord.option("channel", discord.TextChannel, description="A text channel of this server")
    async def admin_channel(self, ctx: discord.ApplicationContext, channel: discord.TextChannel) -> None:
        data = await self.gate.open(ctx, Level.FULL_ADMIN)
        if data is None:
            return
        if channel.guild.id != ctx.guild_id:
            raise ValidationError("channel", "channel: choose a channel of this server")
        await server_settings.set_metadata(
            data, str(ctx.author.id), "config.admin_channel", {ADMIN_CHANNEL_KEY: str(channel.id)}
        )
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

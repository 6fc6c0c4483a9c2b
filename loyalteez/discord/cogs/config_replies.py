"""How /config's replies name things, and which channels a typed mention may point at.

Pure formatting over py-cord objects and rules; the rules themselves live in loyalteez.services.rewards.
"""

from __future__ import annotations

import discord

from loyalteez.services.rewards import triggers
from loyalteez.services.rewards.rules import Rule


def server_channel_ids(guild: discord.Guild | None) -> frozenset[str]:
    """The ids of the server's channels, against which typed channel mentions are checked."""
    return frozenset() if guild is None else frozenset(str(c.id) for c in guild.channels)


def mention(target: discord.Role | discord.Member | discord.abc.GuildChannel | None) -> str:
    """How a reply names a role, member or channel (the services have already refused a missing one)."""
    return "" if target is None else target.mention


def own_channel_id(channel: discord.abc.GuildChannel | None, ctx: discord.ApplicationContext) -> str | None:
    """The chosen channel's id when it belongs to this server (None: none chosen, or another server's)."""
    return str(channel.id) if channel is not None and channel.guild.id == ctx.guild_id else None


def describe_rule(rule: Rule) -> str:
    state = "on" if rule.is_enabled else "off"
    parts = [f"**{rule.event_type}** ({state}): {rule.reward_amount:,} LTZ", f"trigger {rule.trigger}"]
    if rule.cooldown_hours:
        parts.append(f"cooldown {rule.cooldown_hours}h")
    if rule.max_claims_per_user:
        parts.append(f"max {rule.max_claims_per_user}/member")
    if detail := triggers.summary(rule):
        parts.append(detail)
    if rule.metadata.get("max_per_day"):
        parts.append(f"max {rule.metadata['max_per_day']}/day")
    if rule.metadata.get("max_total_claims"):
        parts.append(f"max {rule.metadata['max_total_claims']} total")
    if rule.channels:
        parts.append("in " + " ".join(f"<#{c}>" for c in sorted(rule.channels)))
    if rule.server_id is None:
        parts.append("brand-wide")
    return ", ".join(parts)

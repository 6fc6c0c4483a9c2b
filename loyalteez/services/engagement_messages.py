"""Every sentence drops, achievements, community goals and perks show people, in one place (issue 6).

Times use Discord's timestamp markup (`<t:unix:R>`), shown in each reader's own time zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from loyalteez.services.rewards.outcomes import Paid
from loyalteez.services.rewards.texts import bonus_detail


def when(moment: datetime) -> str:
    return f"<t:{int(moment.timestamp())}:R>"


def span(delta: timedelta | None) -> str:
    if delta is None:
        return "permanent"
    minutes = int(delta.total_seconds() // 60)
    if minutes % 1440 == 0:
        return f"{minutes // 1440}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes // 60}h{minutes % 60}m" if minutes > 60 else f"{minutes}m"


def bar(value: float, target: float, width: int = 10) -> str:
    """A progress bar made of blocks: ▰▰▰▱▱▱▱▱▱▱."""
    filled = 0 if target <= 0 else min(width, int(width * max(value, 0) / target))
    return "▰" * filled + "▱" * (width - filled)


def amount_detail(paid: Paid) -> str:
    text = bonus_detail(paid)
    if paid.is_test:
        text += " Test mode: recorded as a test, not added to your balance."
    return text


# -- input errors (ValidationError messages; the bot capitalises the first letter) ------------------------

BAD_LIFESPAN = "lifespan: use e.g. 5m, 2h, 24h or 1d (1 minute to 168 hours), or permanent."
LIFESPAN_RANGE = "lifespan must be from 1 minute to 168 hours (7 days), or permanent."
BAD_EMOJI = "emoji must be a single emoji such as 🎉, or a custom emoji of this server."
BAD_MESSAGE_REF = "message-id: give the message's id (digits) or its link (Copy Message Link)."
MESSAGE_NEEDED = "message-id: a reaction drop needs the message to react to (its id or link)."
MESSAGE_ONLY_FOR_REACTION = "message-id only applies to reaction drops (type: reaction)."
MESSAGE_OTHER_SERVER = "message-id: that message is in another server; drops work on this server's messages."
MESSAGE_NOT_VISIBLE = (
    "message-id: I can't see that message in this channel (wrong id, deleted, or in a channel "
    "I can't read). Run /drop in the message's channel."
)
CANT_POST = "I can't post the drop here: give me Send Messages and Embed Links in this channel."
CANT_REACT = "I can't react to that message: give me Add Reactions and Read Message History in its channel."
DROP_ALREADY_ON_MESSAGE = "that message already has a live drop; end it first with /drop end."
BAD_DEADLINE = "deadline: use the date as YYYY-MM-DD (UTC), e.g. 2026-12-31."
PAST_DEADLINE = "deadline is in the past: give today ({today}) or a later day (YYYY-MM-DD, UTC)."
ROLE_TOO_HIGH = (
    "I can't grant {role}: it is at or above my highest role. Move my role above it in Server "
    "Settings → Roles, or choose a lower role."
)
ROLE_MANAGED = "{role} is managed by Discord or an integration and can't be given to members."
NOTHING_TO_CHANGE = "give at least one setting to change."


def required(field: str) -> str:
    return f"{field}: this option is required here."


def too_long(field: str, limit: int) -> str:
    return f"{field} must be 1 to {limit:,} characters."


def out_of_range(field: str, low: int, high: int, extra: str = "") -> str:
    return f"{field} must be from {low:,} to {high:,}{extra}."


def one_of(field: str, choices: Sequence[str]) -> str:
    return f"{field} must be one of {', '.join(choices)}."


def not_an_id(field: str) -> str:
    return f"{field} must be a Discord id (digits only)."


def unknown(kind: str, name: str, close: Sequence[str]) -> str:
    hint = f" Did you mean {', '.join(f'`{c}`' for c in close)}?" if close else ""
    return f"there is no {kind} called `{name}` here.{hint}"


def exists(kind: str, name: str) -> str:
    return f"there is already a {kind} called `{name}`."


# -- drops ---------------------------------------------------------------------------------------------------


def drop_event_trigger(event: str, trigger: str) -> str:
    return (
        f"event: `{event}` can't be dropped (its trigger is {trigger}). Use an event with trigger drop "
        "or none, e.g. /config events action:create name:coffee_drop reward:20 trigger:drop "
        "max-total-claims:50."
    )


def drop_event_off(event: str) -> str:
    return f"event: `{event}` is turned off; turn it on with /config events action:toggle first."


def drop_created(
    kind: str, event: str, amount: int, max_claims: int | None, expires: datetime | None, channel_id: str
) -> str:
    limit = f"first {max_claims:,} members" if max_claims else "no claim limit"
    ends = f"ends {when(expires)}" if expires else "permanent"
    how = "click the button" if kind == "button" else "react"
    return f"Drop of `{event}` ({amount:,} LTZ base) is live in <#{channel_id}>: members {how}; {limit}, {ends}."


def drop_unknown(ref: str) -> str:
    return f"drop: there is no live drop `{ref}` here; /drop list shows them."


def drop_ended(event: str, claims: int) -> str:
    return f"Ended the `{event}` drop: {claims:,} claim(s). Its claims are kept."


def drop_footer(status: str, claims: int, max_claims: int | None) -> str:
    counted = f"{claims:,}/{max_claims:,}" if max_claims else f"{claims:,}"
    reason = {"full": "all claims taken", "expired": "expired", "ended": "ended by an admin"}.get(status, status)
    return f"Drop over: {reason} ({counted} claimed)"


DROP_PAID = "🎉 You claimed **{amount:,} LTZ** from the `{event}` drop{detail}."
DROP_ALREADY = "You already claimed this drop."
DROP_FULL = "This drop is full: all {max_claims:,} claims are taken."
DROP_EXPIRED = "This drop has expired."
DROP_ENDED = "This drop was ended by an admin."
DROP_GONE = "This drop doesn't exist any more."
DROP_DM_PREFIX = "**{server}**: "
NO_DROPS = "No live drops. Start one with /drop create."


def watch_started(channel_id: str, event: str, emoji: str, life: timedelta | None) -> str:
    return (
        f"Every new message in <#{channel_id}> is now a reaction drop of `{event}` (react {emoji}; "
        f"{'permanent' if life is None else 'lasts ' + span(life)})."
    )


def watch_stopped(channel_id: str) -> str:
    return f"<#{channel_id}> is no longer watched; its live drops run until they end."


def not_watched(channel_id: str) -> str:
    return f"channel: <#{channel_id}> is not watched."


NO_WATCHES = "No channel is watched. Start with /watch start."

# -- achievements ----------------------------------------------------------------------------------------------

TYPE_UNITS = {
    "message_count": "messages",
    "voice_hours": "voice hours",
    "streak_days": "streak days",
    "reactions_count": "reactions",
    "ltz_earned": "LTZ earned",
    "checkins": "check-ins",
    "drops_claimed": "drops claimed",
}
ACHIEVEMENT_TYPE_FIXED = (
    "type can't change once an achievement exists (members' progress counts it): create "
    "a new achievement and toggle this one off."
)


def achievement_created(name: str, kind: str, threshold: int, reward: int, done: int) -> str:
    paid = f"{reward:,} LTZ" if reward else "a badge, no LTZ"
    already = f" {done:,} member(s) already reached it from their past activity." if done else ""
    return f"Created **{name}**: {threshold:,} {TYPE_UNITS[kind]} → {paid}.{already}"


def achievement_updated(name: str, kind: str, threshold: int, reward: int) -> str:
    return f"Updated **{name}**: {threshold:,} {TYPE_UNITS[kind]} → {reward:,} LTZ."


def achievement_line(name: str, kind: str, threshold: int, reward: int, active: bool, done: int) -> str:
    state = "on" if active else "off"
    return f"**{name}** ({state}): {threshold:,} {TYPE_UNITS[kind]} → {reward:,} LTZ · completed by {done:,}"


ACHIEVEMENT_PAID = "🏆 You earned **{amount:,} LTZ** for **{name}**{detail}."
ACHIEVEMENT_ALREADY = "You already claimed **{name}**."
ACHIEVEMENT_NOT_DONE = "**{name}** isn't completed yet: {progress:,}/{threshold:,} {unit}."
ACHIEVEMENT_NO_REWARD = "**{name}** is a badge: there is no LTZ to claim."
ACHIEVEMENT_GONE = "That achievement doesn't exist any more."
NO_ACHIEVEMENTS = "This server has no achievements yet."


def achievements_unlocked(server: str, names: Sequence[str]) -> str:
    listed = ", ".join(f"**{n}**" for n in names)
    plural = "s" if len(names) > 1 else ""
    return f"🏆 Achievement{plural} unlocked on **{server}**: {listed}. Claim with /achievements."


# -- goals -------------------------------------------------------------------------------------------------------

GOAL_UNITS = {
    "users": "earning members",
    "dau": "members earning in one day",
    "ltz_distributed": "LTZ paid",
    "custom": "",
}
GOAL_STATUS = {"active": "in progress", "completed": "✅ reached", "missed": "❌ missed", "ended": "ended"}
GOAL_NOT_CUSTOM = "only custom goals are moved by hand; {kind} goals move with members' activity."
NO_GOALS = "No community goals right now."


def goal_created(name: str, kind: str, target: float, value: float, deadline: object) -> str:
    due = f", by {deadline}" if deadline else ""
    return f"Goal **{name}**: {value:,g}/{target:,g} {GOAL_UNITS[kind]}{due}."


def goal_reached(name: str, value: float, target: float, kind: str) -> str:
    return f"🎯 Community goal reached: **{name}** ({value:,g}/{target:,g} {GOAL_UNITS[kind]})!"


def goal_moved(name: str, value: float, target: float) -> str:
    return f"**{name}** is now at {value:,g}/{target:,g}."


def goal_ended(name: str) -> str:
    return f"Ended the goal **{name}**; it stays in /goal list."


# -- perks ---------------------------------------------------------------------------------------------------

PERK_SOLD_OUT = "**{name}** is sold out."
PERK_TOO_POOR = "You have **{available:,} LTZ** available; **{name}** costs **{cost:,} LTZ**. Nothing was spent."
PERK_HAS_ROLE = "You already have the role **{name}** gives, so nothing was spent."
PERK_BOUGHT = "You bought **{name}** for {cost:,} LTZ; {available:,} LTZ left."
PERK_ROLE_GIVEN = " You now have {role}."
PERK_REFUNDED = (
    "You bought **{name}**, but I couldn't give you {role} ({reason}), so your {cost:,} LTZ were "
    "refunded. An admin has to fix the role."
)
NO_PERKS = "Nothing to buy here yet."


def perk_line(
    name: str, cost: int, category: str, quantity: int | None, role_id: str | None, description: str | None
) -> str:
    stock = "unlimited" if quantity is None else (f"{quantity:,} left" if quantity else "sold out")
    role = f" · gives <@&{role_id}>" if role_id else ""
    about = f"\n  {description}" if description else ""
    return f"**{name}** — {cost:,} LTZ · {category} · {stock}{role}{about}"


def perk_saved(verb: str, line: str) -> str:
    return f"{verb} {line}"


def perk_removed(name: str) -> str:
    return f"Removed **{name}**; past purchases are kept."

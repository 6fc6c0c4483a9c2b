"""Every sentence the rewards engine shows people, in one place so wording can be reviewed and translated.

Times use Discord's timestamp markup (`<t:unix:R>`), which each reader's client shows in their own zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from loyalteez.services.rewards.outcomes import Paid, RefusalReason, Refused

if TYPE_CHECKING:
    from loyalteez.services.rewards.check import LedgerReport
    from loyalteez.services.rewards.status import EventStatus


def when(moment: datetime) -> str:
    return f"<t:{int(moment.timestamp())}:R>"


_REFUSALS: dict[RefusalReason, str] = {
    RefusalReason.EVENT_DISABLED: "The `{event}` event is turned off on this server.",
    RefusalReason.MEMBER_DISABLED: "Rewards are turned off for you on this server. Ask an admin if this is a mistake.",
    RefusalReason.CHANNEL_EXCLUDED: "This channel doesn't earn rewards.",
    RefusalReason.CHANNEL_NOT_ALLOWED: "`{event}` can't be earned in this channel.",
    RefusalReason.COOLDOWN: "You can earn `{event}` again {retry}.",
    RefusalReason.USER_CAP: "You've already earned `{event}` as many times as allowed.",
    RefusalReason.DAILY_CAP: "You've reached today's limit for `{event}`. It resets {retry} (midnight UTC).",
    RefusalReason.TOTAL_CAP: "`{event}` has been claimed as many times as allowed on this server.",
    RefusalReason.TEST_MODE: "Rewards are in test mode: only testers and admins can earn right now.",
    RefusalReason.BUDGET: "This community's LTZ budget is used up, so `{event}` can't pay right now.",
    RefusalReason.UNKNOWN_EVENT: "There is no event called `{event}`.",
    RefusalReason.NOT_CLAIMABLE: "`{event}` is earned automatically; it can't be claimed with a command.",
    RefusalReason.DUPLICATE: "This was already handled.",
    RefusalReason.BOT: "Bots don't earn rewards.",
}


def refusal(reason: RefusalReason, event: str | None, retry_at: datetime | None = None) -> str:
    return _REFUSALS[reason].format(event=event or "", retry=when(retry_at) if retry_at else "later")


# What an admin reads when a payout they asked for (/reward) is refused: the member is named, not "you".
_REFUSALS_ABOUT: dict[RefusalReason, str] = {
    RefusalReason.MEMBER_DISABLED: "Rewards are turned off for {member} on this server.",
    RefusalReason.COOLDOWN: "{member} can earn `{event}` again {retry}.",
    RefusalReason.USER_CAP: "{member} has already earned `{event}` as many times as allowed.",
    RefusalReason.DAILY_CAP: "{member} has reached today's limit for `{event}`. It resets {retry} (midnight UTC).",
    RefusalReason.TEST_MODE: "Rewards are in test mode: {member} is neither a tester nor an admin.",
    RefusalReason.BOT: "{member} is a bot: bots don't earn rewards.",
}


def refusal_about(member_id: str, refused: Refused) -> str:
    """A refusal worded for the admin who asked to pay `member_id`; reasons not about the member read as usual."""
    wording = _REFUSALS_ABOUT.get(refused.reason)
    if wording is None:
        return refused.message
    retry = when(refused.retry_at) if refused.retry_at else "later"
    return wording.format(member=f"<@{member_id}>", event=refused.event or "", retry=retry)


def unknown_event(name: str, suggestions: Sequence[str]) -> str:
    hint = f" Did you mean {', '.join(f'`{s}`' for s in suggestions)}?" if suggestions else ""
    shown = " ".join(name.split())[:40] or " "  # what the member typed, echoed on one short line (fuzzing found it)
    return f"There is no event called `{shown}`.{hint}"


def not_claimable(event: str, trigger: str) -> str:
    if trigger == "join":
        return f"`{event}` is claimed with `/join`."
    if trigger == "drop":
        return f"`{event}` is paid by drops: claim it from a drop's button or reaction."
    return refusal(RefusalReason.NOT_CLAIMABLE, event)


def bonus_detail(result: Paid) -> str:
    """' (25 base, ×1.5 role bonus, …)' when bonuses changed the amount; '' otherwise or for exact amounts."""
    b = result.breakdown
    extras = []
    if b.multiplier != 1.0:
        extras.append(f"×{b.multiplier:g} role bonus")
    if b.flat_bonus:
        extras.append(f"+{b.flat_bonus} role bonus")
    if b.streak_multiplier != 1.0:
        extras.append(f"×{b.streak_multiplier:g} streak")
    return f" ({b.base} base, {', '.join(extras)})" if extras and not b.manual else ""


def paid(result: Paid) -> str:
    """The reply to a command that paid (passive payouts are not announced by the engine)."""
    text = f"You earned **{result.amount} LTZ** for `{result.event}`{bonus_detail(result)}."
    if result.is_test:
        text += " Test mode: this payout is recorded as a test and not added to your balance."
    return text


# -- /cooldowns --------------------------------------------------------------------------------------------

NO_LIMITS = "No event here has a cooldown or a limit."
_STATES = {
    "ready": "ready now",
    "never": "never again (per-member limit reached)",
    "all_taken": "all claims taken",
}


def cooldown_line(row: EventStatus) -> str:
    if row.state == "later" and row.ready_at is not None:
        stamp = int(row.ready_at.timestamp())
        when_ = f"ready at <t:{stamp}:f> (<t:{stamp}:R>)"
    else:
        when_ = _STATES[row.state]
    extra = f" ({row.note})" if row.note else ""
    return f"`{row.event}` {row.amount:,} LTZ: {when_}{extra}"


# -- admin input errors (ValidationError messages) -----------------------------------------------------


def out_of_range(what: str, low: int | float | Decimal, high: int | float | Decimal, extra: str = "") -> str:
    return f"{what} must be from {low:,} to {high:,}{extra}."


def one_of(what: str, choices: Sequence[object]) -> str:
    return f"{what} must be one of {', '.join(str(c) for c in choices)}."


BAD_EVENT_NAME = (
    "event names are 2–32 characters: lowercase letters, digits and underscores, "
    "starting with a letter (e.g. `daily_quiz`)."
)


def event_exists(name: str) -> str:
    return f"there is already an event called `{name}`."


def builtin_trigger(name: str) -> str:
    return f"`{name}` is a built-in event: its trigger can't be changed."


def builtin_delete(name: str) -> str:
    return f"`{name}` is a built-in event: disable it instead of deleting it."


def brand_wide_delete(name: str) -> str:
    return f"`{name}` is set for the whole brand: disable it here, or remove it with the operator CLI."


def trigger_needs(trigger: str, option: str) -> str:
    return f"the {trigger} trigger needs {option}."


def option_not_for_trigger(option: str, trigger: str) -> str:
    return f"{option} doesn't apply to the {trigger} trigger."


def not_a_snowflake(what: str) -> str:
    return f"{what} must be a Discord id (digits only)."


def too_long(what: str, limit: int) -> str:
    return f"{what} must be at most {limit:,} characters."


def too_many(what: str, limit: int) -> str:
    return f"at most {limit} {what}."


def no_role_bonus(role_id: str, effect_type: str | None) -> str:
    kind = f"{effect_type} " if effect_type else ""
    return f"role <@&{role_id}> has no {kind}bonus."


def not_disabled(member_id: str) -> str:
    return f"<@{member_id}> is not disabled."


def channel_not_excluded(channel_id: str) -> str:
    return f"<#{channel_id}> is not excluded."


NOTHING_TO_CHANGE = "give at least one setting to change."


# -- operator reports ---------------------------------------------------------------------------------------


def ledger_report(report: LedgerReport) -> list[str]:
    """Lines for `python bot.py check`."""
    lines = [f"checked {report.members} member(s) on {report.servers} connected server(s)"]
    for d in report.drifts:
        lines.append(
            f"DRIFT brand {d.brand_id} server {d.server_id} member {d.member_id}: "
            f"ledger {d.ledger} LTZ, stats {d.stats} LTZ ({d.difference:+d})"
        )
    lines.append("ledger and stats agree" if report.ok else f"{len(report.drifts)} member(s) drifted")
    return lines


# -- admin command input (the cogs' options, checked after the caller's level) -----------------------------

ROLE_NEEDED = "role: choose the role"
MEMBER_NEEDED = "member: choose the member"
EFFECT_NEEDED = "give multiplier, flat-bonus or cooldown-reduction"
CHANNEL_NOT_HERE = "channel: choose a channel of this server"
CHANNELS_BAD = "channels: mention channels of this server (#name) or give their ids"


def event_name_needed(action: str) -> str:
    return f"name: give the event's name to {action} it"


def channel_not_of_server(channel_id: str) -> str:
    return f"channels: <#{channel_id}> is not a channel of this server"


def no_admin_level(role: str) -> str:
    """`role` as Discord mentions it."""
    return f"{role} has no admin level"

"""What drops and watched channels say to admins and members."""

from __future__ import annotations

from datetime import datetime, timedelta

from loyalteez.services.common.texts import span, when

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

CHANNEL_OTHER_SERVER = "channel: choose a channel of this server"

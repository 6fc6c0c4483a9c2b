"""Which gateway session receives an event, and in what form: shard routing and intents, as Discord does it.

IDENTIFY may carry `shard: [id, count]` (default [0, 1]); a guild's events go to the session of shard
`(guild_id >> 22) % count`, events without a guild (DMs) to shard 0. Intents filter what a session gets:
an event whose intent bit is missing is silently withheld, and without MESSAGE_CONTENT a message's
content is blanked unless the bot wrote it, is mentioned in it, or it is a DM.
"""

from __future__ import annotations

from typing import Any

# Which intent bit an event needs (Discord silently withholds it otherwise).
INTENT_OF: dict[str, int] = {
    "GUILD_CREATE": 1 << 0, "GUILD_DELETE": 1 << 0, "GUILD_UPDATE": 1 << 0,
    "GUILD_ROLE_CREATE": 1 << 0, "GUILD_ROLE_UPDATE": 1 << 0, "GUILD_ROLE_DELETE": 1 << 0,
    "CHANNEL_CREATE": 1 << 0, "CHANNEL_UPDATE": 1 << 0, "CHANNEL_DELETE": 1 << 0,
    "GUILD_MEMBER_ADD": 1 << 1, "GUILD_MEMBER_UPDATE": 1 << 1, "GUILD_MEMBER_REMOVE": 1 << 1,
    "VOICE_STATE_UPDATE": 1 << 7,
}  # fmt: skip
MESSAGE_EVENTS = {"MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE"}
REACTION_EVENTS = {"MESSAGE_REACTION_ADD", "MESSAGE_REACTION_REMOVE"}
MESSAGE_CONTENT = 1 << 15
# Events whose guild is the payload's own id rather than a guild_id field.
GUILD_OBJECT_EVENTS = {"GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE"}


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord sends a guild's events to."""
    return (int(guild_id) >> 22) % shard_count


def serves(shard: tuple[int, int], guild_id: int | None) -> bool:
    """Does the session of `shard` (id, count) receive the events of that guild (None: events without one)?"""
    shard_id, count = shard
    return shard_id == 0 if guild_id is None else shard_of(guild_id, count) == shard_id


def guild_of(event: str, data: dict[str, Any]) -> int | None:
    raw = data.get("id") if event in GUILD_OBJECT_EVENTS else data.get("guild_id")
    try:
        return int(raw) if raw is not None else None
    except (TypeError, ValueError):
        return None


def wanted(intents: int, event: str, data: dict[str, Any]) -> bool:
    """Whether a session with these intents receives the event at all."""
    guild_event = "guild_id" in data
    if event in MESSAGE_EVENTS:
        return bool(intents & (1 << 9 if guild_event else 1 << 12))
    if event in REACTION_EVENTS:
        return bool(intents & (1 << 10 if guild_event else 1 << 13))
    need = INTENT_OF.get(event)
    return need is None or bool(intents & need)


def as_seen(intents: int, event: str, data: dict[str, Any], bot_id: int) -> dict[str, Any]:
    """The payload as a session with these intents sees it (content blanked without MESSAGE_CONTENT)."""
    if event not in ("MESSAGE_CREATE", "MESSAGE_UPDATE") or intents & MESSAGE_CONTENT:
        return data
    author = data.get("author", {}).get("id")
    mentioned = any(m.get("id") == str(bot_id) for m in data.get("mentions", []))
    if author == str(bot_id) or mentioned or "guild_id" not in data:
        return data
    return {**data, "content": "", "embeds": [], "attachments": [], "components": []}

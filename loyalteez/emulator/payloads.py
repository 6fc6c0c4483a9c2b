"""Discord JSON objects built from world records (shapes from the v10 OpenAPI description).

Ids go out as strings, as Discord sends them; py-cord converts them itself.
"""

from __future__ import annotations

from typing import Any

from . import mentions
from .state import DM, Attachment, Channel, Guild, Member, Message, Role, User, VoiceState, World


def user(u: User) -> dict[str, Any]:
    return {
        "id": str(u.id),
        "username": u.username,
        "global_name": u.global_name,
        "discriminator": "0",
        "avatar": u.avatar,
        "bot": u.bot,
        "public_flags": 0,
        "flags": 0,
    }


def role(r: Role) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(r.id),
        "name": r.name,
        "permissions": str(r.permissions),
        "position": r.position,
        "color": r.color,
        # py-cord 2.8 reads the gradient colours object; it raises without it.
        "colors": {"primary_color": r.color, "secondary_color": None, "tertiary_color": None},
        "hoist": r.hoist,
        "managed": r.managed,
        "mentionable": r.mentionable,
        "icon": None,
        "unicode_emoji": None,
        "flags": 0,
    }
    if r.bot_id is not None:
        data["tags"] = {"bot_id": str(r.bot_id)}
    return data


def member(m: Member, *, with_user: bool = True, permissions: int | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "roles": [str(r) for r in m.roles],
        "joined_at": m.joined_at,
        "nick": m.nick,
        "avatar": None,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "premium_since": None,
        "communication_disabled_until": None,
    }
    if with_user:
        data["user"] = user(m.user)
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


def channel(c: Channel, world: World | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(c.id),
        "type": c.type,
        "name": c.name,
        "last_message_id": str(c.last_message_id) if c.last_message_id else None,
        "flags": 0,
    }
    if c.type == DM:
        recipients = [world.users[i] for i in c.recipient_ids] if world else []
        data["recipients"] = [user(u) for u in recipients]
        return data
    data.update(
        guild_id=str(c.guild_id),
        position=c.position,
        parent_id=str(c.parent_id) if c.parent_id else None,
        nsfw=False,
        permission_overwrites=[
            {"id": str(o.id), "type": o.type, "allow": str(o.allow), "deny": str(o.deny)} for o in c.overwrites.values()
        ],
    )
    if c.type == 2:
        data.update(bitrate=64000, user_limit=0, rtc_region=None)
    elif c.type == 0:
        data.update(topic=c.topic, rate_limit_per_user=0)
    return data


def voice_state(v: VoiceState, m: Member | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "guild_id": str(v.guild_id),
        "channel_id": str(v.channel_id) if v.channel_id else None,
        "user_id": str(v.user_id),
        "session_id": v.session_id,
        "deaf": v.deaf,
        "mute": v.mute,
        "self_deaf": v.self_deaf,
        "self_mute": v.self_mute,
        "self_video": v.self_video,
        "self_stream": False,
        "suppress": v.suppress,
        "request_to_speak_timestamp": None,
    }
    if m is not None:
        data["member"] = member(m)
    return data


def guild(g: Guild, *, world: World) -> dict[str, Any]:
    """Full GUILD_CREATE: member_count equals the members sent, so py-cord does not ask for chunks."""
    return {
        "id": str(g.id),
        "name": g.name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "owner_id": str(g.owner_id),
        "afk_channel_id": str(g.afk_channel_id) if g.afk_channel_id else None,
        "afk_timeout": g.afk_timeout,
        "system_channel_id": str(g.system_channel_id) if g.system_channel_id else None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "features": [],
        "emojis": [],
        "stickers": [],
        "roles": [role(r) for r in g.roles.values()],
        "channels": [channel(c) for c in g.channels.values()],
        "threads": [],
        "members": [member(m) for m in g.members.values()],
        "member_count": len(g.members),
        "voice_states": [voice_state(v) for v in g.voice_states.values() if v.channel_id],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "large": False,
        "unavailable": False,
        "joined_at": g.members[world.bot.id].joined_at if world.bot.id in g.members else None,
        "application_id": None,
        "max_members": 500000,
        "vanity_url_code": None,
        "nsfw": False,
        "premium_progress_bar_enabled": False,
        "safety_alerts_channel_id": None,
    }


def attachment(a: Attachment, base_url: str) -> dict[str, Any]:
    url = f"{base_url}/attachments/{a.id}/{a.filename}"
    return {
        "id": str(a.id),
        "filename": a.filename,
        "size": a.size,
        "url": url,
        "proxy_url": url,
        "content_type": a.content_type,
        "description": a.description,
        "ephemeral": False,
    }


def message(msg: Message, *, world: World, base_url: str) -> dict[str, Any]:
    pings = mentions.pinged(msg, world)
    data: dict[str, Any] = {
        "id": str(msg.id),
        "channel_id": str(msg.channel_id),
        "author": user(msg.author),
        "content": msg.content,
        "timestamp": msg.timestamp,
        "edited_timestamp": msg.edited_timestamp,
        "tts": msg.tts,
        "mention_everyone": pings.everyone,
        "mentions": [user(world.users[i]) for i in pings.users if i in world.users],
        "mention_roles": [str(r) for r in pings.roles],
        "attachments": [attachment(a, base_url) for a in msg.attachments],
        "embeds": msg.embeds,
        "components": msg.components,
        "reactions": [
            {
                "emoji": emoji_object(key),
                "count": len(users),
                "count_details": {"burst": 0, "normal": len(users)},
                "me": world.bot.id in users,
                "me_burst": False,
                "burst_colors": [],
            }
            for key, users in msg.reactions.items()
            if users
        ],
        "pinned": False,
        "type": msg.type,
        "flags": msg.flags,
    }
    if msg.guild_id is not None:
        data["guild_id"] = str(msg.guild_id)
        g = world.guilds.get(msg.guild_id)
        if g is not None and msg.author.id in g.members and msg.webhook_id is None:
            data["member"] = member(g.members[msg.author.id], with_user=False)
    if msg.webhook_id is not None:
        data["webhook_id"] = str(msg.webhook_id)
    if msg.application_id is not None:
        data["application_id"] = str(msg.application_id)
    if msg.interaction_metadata is not None:
        data["interaction_metadata"] = msg.interaction_metadata
    if msg.reference_id is not None:
        data["message_reference"] = {
            "type": 0,
            "message_id": str(msg.reference_id),
            "channel_id": str(msg.channel_id),
            "guild_id": str(msg.guild_id) if msg.guild_id else None,
        }
    return data


def emoji_key(raw: str) -> str:
    """Normalise 'name:id', '<:name:id>' or a unicode emoji to one dictionary key."""
    raw = raw.strip()
    if raw.startswith("<") and raw.endswith(">"):
        raw = raw.strip("<>").removeprefix("a:").lstrip(":")
    return raw


def emoji_object(key: str) -> dict[str, Any]:
    name, sep, emoji_id = key.rpartition(":")
    if sep and emoji_id.isdigit():
        return {"id": emoji_id, "name": name, "animated": False}
    return {"id": None, "name": key}

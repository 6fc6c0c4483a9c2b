"""Permission bits by name and the channel-permission computation Discord documents.

Kept apart from the world model so REST checks and the driver share one definition.
"""

from __future__ import annotations

from collections.abc import Iterable

PERMISSION_BITS: dict[str, int] = {
    "create_instant_invite": 1 << 0,
    "kick_members": 1 << 1,
    "ban_members": 1 << 2,
    "administrator": 1 << 3,
    "manage_channels": 1 << 4,
    "manage_guild": 1 << 5,
    "add_reactions": 1 << 6,
    "view_audit_log": 1 << 7,
    "priority_speaker": 1 << 8,
    "stream": 1 << 9,
    "view_channel": 1 << 10,
    "send_messages": 1 << 11,
    "send_tts_messages": 1 << 12,
    "manage_messages": 1 << 13,
    "embed_links": 1 << 14,
    "attach_files": 1 << 15,
    "read_message_history": 1 << 16,
    "mention_everyone": 1 << 17,
    "use_external_emojis": 1 << 18,
    "view_guild_insights": 1 << 19,
    "connect": 1 << 20,
    "speak": 1 << 21,
    "mute_members": 1 << 22,
    "deafen_members": 1 << 23,
    "move_members": 1 << 24,
    "use_vad": 1 << 25,
    "change_nickname": 1 << 26,
    "manage_nicknames": 1 << 27,
    "manage_roles": 1 << 28,
    "manage_webhooks": 1 << 29,
    "manage_emojis": 1 << 30,
    "use_application_commands": 1 << 31,
    "request_to_speak": 1 << 32,
    "manage_events": 1 << 33,
    "manage_threads": 1 << 34,
    "create_public_threads": 1 << 35,
    "create_private_threads": 1 << 36,
    "use_external_stickers": 1 << 37,
    "send_messages_in_threads": 1 << 38,
    "use_embedded_activities": 1 << 39,
    "moderate_members": 1 << 40,
}
ALL_PERMISSIONS = 0
for _bit in PERMISSION_BITS.values():
    ALL_PERMISSIONS |= _bit

# What @everyone gets in a new server (Discord's default set, minus rarely relevant bits).
EVERYONE_DEFAULT = 0
for _name in (
    "create_instant_invite", "add_reactions", "stream", "view_channel", "send_messages", "embed_links",
    "attach_files", "read_message_history", "mention_everyone", "use_external_emojis", "connect", "speak",
    "use_vad", "change_nickname", "use_application_commands", "request_to_speak", "create_public_threads",
    "create_private_threads", "use_external_stickers", "send_messages_in_threads", "use_embedded_activities",
):  # fmt: skip
    EVERYONE_DEFAULT |= PERMISSION_BITS[_name]

# What the bot's own managed role gets unless a test says otherwise: a typical invite for this bot.
BOT_DEFAULT = 0
for _name in (
    "view_channel", "send_messages", "embed_links", "attach_files", "read_message_history", "add_reactions",
    "use_external_emojis", "manage_roles", "manage_messages", "connect",
):  # fmt: skip
    BOT_DEFAULT |= PERMISSION_BITS[_name]


def to_bits(permissions: int | str | Iterable[str] | None) -> int:
    """Accept an int, one name or several names; unknown names fail loudly in the test."""
    if permissions is None:
        return 0
    if isinstance(permissions, int):
        return permissions
    names = [permissions] if isinstance(permissions, str) else list(permissions)
    value = 0
    for name in names:
        key = name.lower().replace(" ", "_")
        if key not in PERMISSION_BITS:
            raise ValueError(f"unknown permission {name!r}; known: {', '.join(sorted(PERMISSION_BITS))}")
        value |= PERMISSION_BITS[key]
    return value


def has(value: int, *names: str) -> bool:
    """True when every named bit is set, or the value carries administrator."""
    if value & PERMISSION_BITS["administrator"]:
        return True
    return all(value & PERMISSION_BITS[name] for name in names)


def apply_overwrites(
    base: int,
    *,
    everyone_id: int,
    role_ids: Iterable[int],
    member_id: int,
    overwrites: dict[int, tuple[int, int]],
) -> int:
    """Discord's order: @everyone overwrite, then all role overwrites together, then the member's."""
    if base & PERMISSION_BITS["administrator"]:
        return ALL_PERMISSIONS
    value = base
    if everyone_id in overwrites:
        allow, deny = overwrites[everyone_id]
        value = (value & ~deny) | allow
    role_allow = role_deny = 0
    for role_id in role_ids:
        if role_id in overwrites and role_id != everyone_id:
            allow, deny = overwrites[role_id]
            role_allow |= allow
            role_deny |= deny
    value = (value & ~role_deny) | role_allow
    if member_id in overwrites:
        allow, deny = overwrites[member_id]
        value = (value & ~deny) | allow
    return value

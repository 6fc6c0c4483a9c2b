"""Who a message really pings, as Discord decides it from the content, `allowed_mentions` and permissions.

Discord's rules (the Allowed Mentions object of the API reference): without `allowed_mentions` every
mention in the content is parsed; with it, only the `parse` types plus the listed `users` and `roles`.
@everyone and @here ping only when the author may Mention Everyone in the channel; a role pings when it is
mentionable or the author may Mention Everyone. The message object's `mention_everyone`, `mentions` and
`mention_roles` list what was really pinged, so a test can see that a name like "@everyone" pinged nobody.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from . import permissions as perms
from .state import Message, World

USER_MENTION = re.compile(r"<@!?(\d+)>")
ROLE_MENTION = re.compile(r"<@&(\d+)>")
EVERYONE = re.compile(r"@(everyone|here)\b")


@dataclass(frozen=True)
class Pinged:
    everyone: bool = False
    users: list[int] = field(default_factory=list)
    roles: list[int] = field(default_factory=list)


def _ids(values: Any) -> set[int]:
    return {int(v) for v in values or [] if str(v).isdigit()}


def pinged(msg: Message, world: World) -> Pinged:
    """The pings of `msg` (its content only: embeds never ping)."""
    content = msg.content
    if "@" not in content:
        return Pinged()  # every mention has an @: most chat needs no parsing and no permission lookup
    allowed = msg.allowed_mentions
    parse = {"users", "roles", "everyone"} if allowed is None else set(allowed.get("parse") or [])
    listed_users = set() if allowed is None else _ids(allowed.get("users"))
    listed_roles = set() if allowed is None else _ids(allowed.get("roles"))
    guild = world.guilds.get(msg.guild_id) if msg.guild_id is not None else None
    may: list[bool] = []  # the author's Mention Everyone, looked up once and only when it matters

    def may_everyone() -> bool:
        if not may:
            channel = world.channels.get(msg.channel_id)
            member = guild.members.get(msg.author.id) if guild is not None else None
            may.append(
                guild is not None
                and member is not None
                and channel is not None
                and perms.has(guild.channel_permissions(member, channel), "mention_everyone")
            )
        return may[0]

    users = [int(i) for i in USER_MENTION.findall(content) if "users" in parse or int(i) in listed_users]
    roles = []
    for raw in ROLE_MENTION.findall(content):
        role = guild.roles.get(int(raw)) if guild is not None else None
        wanted = "roles" in parse or int(raw) in listed_roles
        if role is not None and wanted and (role.mentionable or may_everyone()):
            roles.append(role.id)
    everyone = bool(EVERYONE.search(content)) and "everyone" in parse and may_everyone()
    return Pinged(everyone, list(dict.fromkeys(users)), list(dict.fromkeys(roles)))

"""World changes together with the gateway events Discord announces for them.

Both the driver (a user acting) and REST routes (the bot acting) go through these functions, so the
bot sees its own actions echoed exactly as on Discord (e.g. MESSAGE_CREATE for its own messages).
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from . import payloads
from .state import Attachment, Channel, Guild, Member, Message, Role, User, VoiceState

if TYPE_CHECKING:
    from .server import Emulator


class Events:
    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.world = emu.world

    def _emit(self, event: str, data: dict[str, Any]) -> int | None:
        return self.emu.gateway.emit(event, data)

    def _message_payload(self, msg: Message) -> dict[str, Any]:
        return payloads.message(msg, world=self.world, base_url=self.emu.base_url)

    # ---------------------------------------------------------------- messages
    def post_message(self, msg: Message) -> Message:
        self.world.add_message(msg)
        if not msg.ephemeral:
            self._emit("MESSAGE_CREATE", self._message_payload(msg))
        return msg

    def edit_message(
        self, msg: Message, changes: dict[str, Any], *, new_attachments: list[Attachment] | None = None
    ) -> Message:
        if "content" in changes:
            msg.content = changes["content"] or ""
        if "embeds" in changes:
            msg.embeds = list(changes["embeds"] or [])
        if "components" in changes:
            msg.components = list(changes["components"] or [])
        if changes.get("allowed_mentions") is not None:
            msg.allowed_mentions = changes["allowed_mentions"]
        if "flags" in changes and changes["flags"] is not None:
            # Only SUPPRESS_EMBEDS can be changed by an edit; EPHEMERAL/LOADING stay as created.
            msg.flags = (msg.flags & ~4) | (int(changes["flags"]) & 4)
        if "attachments" in changes:
            keep = {str(a.get("id")) for a in changes["attachments"] or [] if isinstance(a, dict)}
            msg.attachments = [a for a in msg.attachments if str(a.id) in keep]
        msg.attachments.extend(new_attachments or [])
        msg.edited_timestamp = self.emu.world.iso_now()
        msg.edits += 1
        if not msg.ephemeral:
            self._emit("MESSAGE_UPDATE", self._message_payload(msg))
        return msg

    def delete_message(self, msg: Message) -> None:
        msg.deleted = True
        if not msg.ephemeral:
            data = {"id": str(msg.id), "channel_id": str(msg.channel_id)}
            if msg.guild_id is not None:
                data["guild_id"] = str(msg.guild_id)
            self._emit("MESSAGE_DELETE", data)

    # ---------------------------------------------------------------- reactions
    def add_reaction(self, msg: Message, user: User, emoji: str) -> bool:
        key = payloads.emoji_key(emoji)
        users = msg.reactions.setdefault(key, [])
        if user.id in users:
            return False
        users.append(user.id)
        self._emit("MESSAGE_REACTION_ADD", self._reaction(msg, user, key, with_member=True))
        return True

    def remove_reaction(self, msg: Message, user: User, emoji: str) -> bool:
        key = payloads.emoji_key(emoji)
        users = msg.reactions.get(key, [])
        if user.id not in users:
            return False
        users.remove(user.id)
        if not users:
            msg.reactions.pop(key, None)
        self._emit("MESSAGE_REACTION_REMOVE", self._reaction(msg, user, key, with_member=False))
        return True

    def _reaction(self, msg: Message, user: User, key: str, *, with_member: bool) -> dict[str, Any]:
        data: dict[str, Any] = {
            "user_id": str(user.id),
            "channel_id": str(msg.channel_id),
            "message_id": str(msg.id),
            "emoji": payloads.emoji_object(key),
            "burst": False,
            "type": 0,
        }
        if msg.guild_id is not None:
            data["guild_id"] = str(msg.guild_id)
            guild = self.world.guilds[msg.guild_id]
            if with_member and user.id in guild.members:
                data["member"] = payloads.member(guild.members[user.id])
        if with_member:
            data["message_author_id"] = str(msg.author.id)
        return data

    # ---------------------------------------------------------------- members and roles
    def add_member(self, guild: Guild, member: Member) -> Member:
        guild.members[member.id] = member
        self._emit("GUILD_MEMBER_ADD", {**payloads.member(member), "guild_id": str(guild.id)})
        return member

    def update_member(self, guild: Guild, member: Member) -> None:
        self._emit("GUILD_MEMBER_UPDATE", {**payloads.member(member), "guild_id": str(guild.id)})

    def remove_member(self, guild: Guild, member: Member) -> None:
        guild.members.pop(member.id, None)
        state = guild.voice_states.get(member.id)
        if state is not None and state.channel_id is not None:
            self.set_voice(guild, member, None)
        guild.voice_states.pop(member.id, None)
        self._emit("GUILD_MEMBER_REMOVE", {"guild_id": str(guild.id), "user": payloads.user(member.user)})

    def add_role(self, guild: Guild, role: Role) -> Role:
        """New roles go just above @everyone; every other role moves up one, as on Discord."""
        for other in list(guild.roles.values()):
            if other.id != guild.id and other.position >= role.position:
                other.position += 1
                self.update_role(guild, other)
        guild.roles[role.id] = role
        self._emit("GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": payloads.role(role)})
        return role

    def move_role(self, guild: Guild, role: Role, position: int) -> None:
        """Place a role at `position`, shifting the roles in between like Discord's drag and drop."""
        old = role.position
        for other in guild.roles.values():
            if other.id in (role.id, guild.id):
                continue
            if old < other.position <= position:
                other.position -= 1
                self.update_role(guild, other)
            elif position <= other.position < old:
                other.position += 1
                self.update_role(guild, other)
        role.position = position
        self.update_role(guild, role)

    def update_role(self, guild: Guild, role: Role) -> None:
        self._emit("GUILD_ROLE_UPDATE", {"guild_id": str(guild.id), "role": payloads.role(role)})

    def delete_role(self, guild: Guild, role: Role) -> None:
        guild.roles.pop(role.id, None)
        for member in guild.members.values():
            if role.id in member.roles:
                member.roles.remove(role.id)
        self._emit("GUILD_ROLE_DELETE", {"guild_id": str(guild.id), "role_id": str(role.id)})

    # ---------------------------------------------------------------- channels and guilds
    def add_channel(self, channel: Channel) -> Channel:
        self.world.add_channel(channel)
        self._emit("CHANNEL_CREATE", payloads.channel(channel, self.world))
        return channel

    def update_channel(self, channel: Channel) -> None:
        self._emit("CHANNEL_UPDATE", payloads.channel(channel, self.world))

    def bot_joins(self, guild: Guild) -> None:
        guild.bot_present = True
        data = payloads.guild(guild, world=self.world)
        del data["unavailable"]  # absent on a new join; `false` means "available again" to py-cord
        self._emit("GUILD_CREATE", data)

    def guild_back(self, guild: Guild) -> None:
        self._emit("GUILD_CREATE", payloads.guild(guild, world=self.world))

    def bot_leaves(self, guild: Guild) -> None:
        guild.bot_present = False
        self._emit("GUILD_DELETE", {"id": str(guild.id), "unavailable": False})

    def guild_outage(self, guild: Guild) -> None:
        self._emit("GUILD_DELETE", {"id": str(guild.id), "unavailable": True})

    # ---------------------------------------------------------------- voice
    def set_voice(self, guild: Guild, member: Member, channel_id: int | None, **flags: bool) -> VoiceState:
        state = guild.voice_states.get(member.id)
        if state is None:
            state = VoiceState(guild.id, member.id, None, session_id=secrets.token_hex(16))
            guild.voice_states[member.id] = state
        state.channel_id = channel_id
        for name, value in flags.items():
            setattr(state, name, value)
        if channel_id is None:
            state.self_mute = state.self_deaf = False
        # Nobody can speak in the AFK channel: Discord marks those states suppressed (py-cord's `afk`).
        state.suppress = channel_id is not None and channel_id == guild.afk_channel_id
        self._emit("VOICE_STATE_UPDATE", payloads.voice_state(state, member))
        return state

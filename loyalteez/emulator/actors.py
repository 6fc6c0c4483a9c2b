"""`MemberHandle`: everything a person in a server can do, each turned into the events Discord sends."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from . import payloads
from . import permissions as perms
from .commands import OptionBuilder, Upload, find_command
from .interactions import APPLICATION_COMMAND, AUTOCOMPLETE, MESSAGE_COMPONENT, MODAL_SUBMIT, InteractionRecord
from .replies import Reply
from .state import VOICE, Attachment, Channel, Guild, Member, Message, Role, User

if TYPE_CHECKING:
    from .server import Emulator

BOOST_TYPES = (8, 9, 10, 11)  # a boost notice; one that took the server to tier 1, 2, 3
BOOST_TIERS = {1: 2, 2: 7, 3: 14}  # boosts each premium tier needs


def _boosts_in(notice: Message) -> int:
    return int(notice.content) if notice.content.isdigit() else 1


class MemberHandle:
    def __init__(self, emu: Emulator, guild: Guild, member: Member) -> None:
        self.emu, self.guild, self.member = emu, guild, member

    def __repr__(self) -> str:
        return f"<MemberHandle {self.name!r} id={self.id}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MemberHandle) and other.member is self.member

    def __hash__(self) -> int:
        return hash(self.id)

    @property
    def id(self) -> int:
        return self.member.id

    @property
    def user(self) -> User:
        return self.member.user

    @property
    def name(self) -> str:
        return self.member.user.username

    @property
    def mention(self) -> str:
        return self.member.user.mention

    @property
    def roles(self) -> list[Role]:
        return [self.guild.roles[r] for r in self.member.roles if r in self.guild.roles]

    @property
    def voice_channel(self) -> Channel | None:
        state = self.guild.voice_states.get(self.id)
        return self.guild.channels.get(state.channel_id) if state and state.channel_id else None

    def _default_channel(self) -> Channel:
        return self.guild.channels[self.guild.system_channel_id]  # type: ignore[index]

    # ------------------------------------------------------------ messages
    async def say(self, channel: Channel | None = None, content: str = "", *,
                  embeds: list[dict[str, Any]] | None = None, files: Iterable[Upload] = (),
                  reply_to: Message | None = None) -> Message:  # fmt: skip
        """Post a message (MESSAGE_CREATE); returns the emulator's record of it."""
        channel = channel or self._default_channel()
        world = self.emu.world
        attachments = [Attachment(world.new_id(), f.filename, f.data, f.content_type) for f in files]
        for attachment in attachments:
            self.emu.attachments[attachment.id] = attachment
        msg = Message(id=world.new_id(), channel_id=channel.id, guild_id=channel.guild_id, author=self.user,
                      content=content, embeds=list(embeds or []), attachments=attachments,
                      reference_id=reply_to.id if reply_to else None, type=19 if reply_to else 0)  # fmt: skip
        return self.emu.events.post_message(msg)

    async def edit(self, message: Message, content: str) -> Message:
        return self.emu.events.edit_message(message, {"content": content})

    async def delete(self, message: Message) -> None:
        self.emu.events.delete_message(message)

    async def dm(self, content: str) -> Message:
        """A direct message from this user to the bot."""
        channel = self.emu.world.dm_channel_for(self.id)
        msg = Message(id=self.emu.world.new_id(), channel_id=channel.id, author=self.user, content=content)
        return self.emu.events.post_message(msg)

    def close_dms(self) -> None:
        """The user blocks DMs from server members: the bot's DMs now fail with 50007."""
        self.emu.closed_dms.add(self.id)

    def open_dms(self) -> None:
        self.emu.closed_dms.discard(self.id)

    async def react(self, message: Message, emoji: str) -> None:
        self.emu.events.add_reaction(message, self.user, emoji)

    async def unreact(self, message: Message, emoji: str) -> None:
        self.emu.events.remove_reaction(message, self.user, emoji)

    # ------------------------------------------------------------ voice
    async def join_voice(self, channel: Channel) -> None:
        """Join, or move to, a voice channel (VOICE_STATE_UPDATE)."""
        if channel.type != VOICE:
            raise AssertionError(f"{channel.name!r} is not a voice channel")
        self.emu.events.set_voice(self.guild, self.member, channel.id)

    move_voice = join_voice

    async def leave_voice(self) -> None:
        self.emu.events.set_voice(self.guild, self.member, None)

    async def go_afk(self) -> None:
        """Discord moves idle members to the server's AFK channel."""
        if self.guild.afk_channel_id is None:
            raise AssertionError("this server has no AFK channel")
        self.emu.events.set_voice(self.guild, self.member, self.guild.afk_channel_id)

    async def set_voice(self, *, self_mute: bool | None = None, self_deaf: bool | None = None,
                        mute: bool | None = None, deaf: bool | None = None) -> None:  # fmt: skip
        state = self.guild.voice_states.get(self.id)
        if state is None or state.channel_id is None:
            raise AssertionError(f"{self.name} is not in a voice channel")
        flags = {k: v for k, v in dict(self_mute=self_mute, self_deaf=self_deaf, mute=mute, deaf=deaf).items()
                 if v is not None}  # fmt: skip
        self.emu.events.set_voice(self.guild, self.member, state.channel_id, **flags)

    # ------------------------------------------------------------ boosts
    async def boost(self, boosts: int = 1) -> Message:
        """Boost the server: Discord posts a boost notice by this member in the system channel.

        Type 8 (USER_PREMIUM_GUILD_SUBSCRIPTION), or 9-11 when the boost takes the server to tier 1, 2 or 3
        (2, 7, 14 boosts, counted from the notices posted so far); several boosts at once put their number
        in the content, as Discord does. Returns the notice.
        """
        before = sum(_boosts_in(m) for m in self.emu.world.messages.values()
                     if m.guild_id == self.guild.id and m.type in BOOST_TYPES)  # fmt: skip
        after = before + boosts
        tier = max((t for t, need in BOOST_TIERS.items() if before < need <= after), default=0)
        msg = Message(id=self.emu.world.new_id(), channel_id=self._default_channel().id, guild_id=self.guild.id,
                      author=self.user, content=str(boosts) if boosts > 1 else "", type=8 + tier)  # fmt: skip
        return self.emu.events.post_message(msg)

    # ------------------------------------------------------------ membership
    async def add_role(self, role: Role) -> None:
        if role.id not in self.member.roles:
            self.member.roles.append(role.id)
            self.emu.events.update_member(self.guild, self.member)

    async def remove_role(self, role: Role) -> None:
        if role.id in self.member.roles:
            self.member.roles.remove(role.id)
            self.emu.events.update_member(self.guild, self.member)

    async def set_nick(self, nick: str | None) -> None:
        self.member.nick = nick
        self.emu.events.update_member(self.guild, self.member)

    async def leave(self) -> None:
        """Leave (or get kicked from) the server: GUILD_MEMBER_REMOVE."""
        self.emu.events.remove_member(self.guild, self.member)

    # ------------------------------------------------------------ interactions
    async def slash(self, command: str, options: dict[str, Any] | None = None, /, *,
                    in_channel: Channel | None = None, reply_timeout: float | None = None, force: bool = False,
                    **kwargs: Any) -> Reply:  # fmt: skip
        """Run `/command [group] [sub]` with options; returns once the bot's answer is visible.

        Options go in as keywords, or in the `options` dict when a name clashes with a parameter here.
        `force=True` models a server that lets this member use a command Discord would hide from them.
        """
        cmd, words = find_command(self.emu, self.guild.id, command)
        label = "/" + " ".join([cmd.name, *words])
        channel = in_channel or self._default_channel()
        if not force:
            self._check_visible(cmd, label, channel)
        builder = OptionBuilder(self.emu, self.guild, cmd, label)
        data = self._command_data(cmd, builder.build(words, {**(options or {}), **kwargs}), builder.resolved)
        record = self._interaction(APPLICATION_COMMAND, data, label, channel)
        return await self._reply(record, reply_timeout)

    async def autocomplete(self, command: str, option: str, partial: str = "", options: dict[str, Any] | None = None,
                           /, *, in_channel: Channel | None = None, reply_timeout: float | None = None,
                           **kwargs: Any) -> list[dict[str, Any]]:  # fmt: skip
        """Type `partial` into `option`; returns the suggestions the bot sent ({"name", "value"})."""
        cmd, words = find_command(self.emu, self.guild.id, command)
        label = "/" + " ".join([cmd.name, *words]) + f" (autocomplete {option})"
        builder = OptionBuilder(self.emu, self.guild, cmd, label)
        built = builder.build(words, {**(options or {}), **kwargs, option: partial}, focused=option)
        record = self._interaction(AUTOCOMPLETE, self._command_data(cmd, built, builder.resolved), label,
                                   in_channel or self._default_channel())  # fmt: skip
        reply = await self._reply(record, reply_timeout)
        return reply.choices or []

    async def dm_slash(self, command: str, options: dict[str, Any] | None = None, /, *,
                       reply_timeout: float | None = None, **kwargs: Any) -> Reply:  # fmt: skip
        """Run a global `/command` in the bot's DMs (context BOT_DM: no guild, the user instead of a member)."""
        cmd, words = find_command(self.emu, None, command)
        label = "/" + " ".join([cmd.name, *words]) + " (in DMs)"
        builder = OptionBuilder(self.emu, None, cmd, label)
        data = self._command_data(cmd, builder.build(words, {**(options or {}), **kwargs}), builder.resolved)
        emu, channel = self.emu, self.emu.world.dm_channel_for(self.id)
        record = emu.interactions.new(id=emu.world.new_id(), type=APPLICATION_COMMAND, label=label, user=self.user,
                                      guild_id=None, channel_id=channel.id)  # fmt: skip
        payload: dict[str, Any] = {
            "id": str(record.id),
            "application_id": str(emu.world.application_id),
            "type": APPLICATION_COMMAND,
            "token": record.token,
            "version": 1,
            "channel_id": str(channel.id),
            "channel": payloads.channel(channel, emu.world),
            "user": payloads.user(self.user),
            "data": data,
            "locale": "en-US",
            "app_permissions": "0",
            "entitlements": [],
            "authorizing_integration_owners": {"1": str(self.id)},
            "context": 1,
            "attachment_size_limit": 26_214_400,
        }
        if emu.gateway.emit("INTERACTION_CREATE", payload) is None:
            raise AssertionError(f"{label}: the bot is not connected, nothing was sent")
        return await self._reply(record, reply_timeout)

    def _check_visible(self, cmd: Any, label: str, channel: Channel) -> None:
        """The Discord client does not offer a command whose default_member_permissions the member lacks."""
        raw = cmd.raw.get("default_member_permissions")
        if raw is None:
            return
        required = int(raw)
        have = self.guild.base_permissions(self.member)
        if have == perms.ALL_PERMISSIONS or (required and have & required == required):
            return
        names = [n for n, bit in perms.PERMISSION_BITS.items() if required & bit] or ["administrator"]
        raise AssertionError(f"{label}: Discord does not offer this command to {self.name} (needs "
                             f"{', '.join(names)}); pass force=True to model a server override")  # fmt: skip

    async def click(self, target: Message | Reply, button: str, *, reply_timeout: float | None = None) -> Reply:
        """Click a button, found by label or custom_id, on a message or reply."""
        message = self._message_of(target)
        found = next((b for b in message.buttons if button in (b.get("label"), b.get("custom_id"))), None)
        if found is None:
            labels = [b.get("label") or b.get("custom_id") for b in message.buttons]
            raise AssertionError(f"no button {button!r} on the message (buttons: {labels})")
        if found.get("disabled"):
            raise AssertionError(f"button {button!r} is disabled")
        if found.get("style") == 5 or "custom_id" not in found:
            raise AssertionError(f"button {button!r} is a link; clicking it sends nothing to the bot")
        data = {"custom_id": found["custom_id"], "component_type": 2}
        return await self._component(message, data, f"button {button!r}", reply_timeout)

    async def select(self, target: Message | Reply, menu: str, values: list[str], *,
                     reply_timeout: float | None = None) -> Reply:  # fmt: skip
        """Pick `values` in a select menu found by custom_id or placeholder."""
        message = self._message_of(target)
        menus = [c for c in message.walk_components() if c.get("type") in (3, 5, 6, 7, 8)]
        found = next((m for m in menus if menu in (m.get("custom_id"), m.get("placeholder"))), None)
        if found is None:
            raise AssertionError(f"no select menu {menu!r} on the message")
        if found["type"] == 3:
            allowed = {o["value"] for o in found.get("options", [])}
            unknown = [v for v in values if v not in allowed]
            if unknown:
                raise AssertionError(f"select {menu!r} has no option(s) {unknown}")
        data = {"custom_id": found["custom_id"], "component_type": found["type"], "values": list(values)}
        return await self._component(message, data, f"select {menu!r}", reply_timeout)

    async def submit_modal(self, reply: Reply, fields: dict[str, str] | None = None, /, *,
                           reply_timeout: float | None = None, **more: str) -> Reply:  # fmt: skip
        """Fill in and submit the modal the bot opened in `reply`, by text-input custom_id."""
        modal = reply.modal
        if modal is None:
            raise AssertionError(f"{reply.record.label} did not open a modal")
        rows = [{"type": 1, "components": [{"type": 4, "custom_id": key, "value": value}]}
                for key, value in {**(fields or {}), **more}.items()]  # fmt: skip
        data = {"custom_id": modal["custom_id"], "components": rows}
        channel = self.emu.world.channels[reply.record.channel_id]
        record = self._interaction(MODAL_SUBMIT, data, f"modal {modal.get('title')!r}", channel,
                                   reply.record.source_message)  # fmt: skip
        return await self._reply(record, reply_timeout)

    # ------------------------------------------------------------ plumbing
    def _message_of(self, target: Message | Reply) -> Message:
        message = target.message if isinstance(target, Reply) else target
        if message is None:
            raise AssertionError(f"{target!r} has no message to interact with")
        return message

    async def _component(self, message: Message, data: dict[str, Any], label: str, timeout: float | None) -> Reply:
        channel = self.emu.world.channels[message.channel_id]
        record = self._interaction(MESSAGE_COMPONENT, data, label, channel, message)
        return await self._reply(record, timeout)

    def _command_data(self, cmd: Any, options: list[dict[str, Any]], resolved: dict[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = {"id": str(cmd.id), "name": cmd.name, "type": cmd.type, "options": options}
        if resolved:
            data["resolved"] = resolved
        if cmd.guild_id is not None:
            data["guild_id"] = str(cmd.guild_id)
        return data

    def _interaction(self, kind: int, data: dict[str, Any], label: str, channel: Channel,
                     message: Message | None = None) -> InteractionRecord:  # fmt: skip
        emu, guild = self.emu, self.guild
        record = emu.interactions.new(id=emu.world.new_id(), type=kind, label=label, user=self.user,
                                      guild_id=guild.id, channel_id=channel.id, source_message=message)  # fmt: skip
        bot = emu.world.bot_member(guild)
        payload: dict[str, Any] = {
            "id": str(record.id),
            "application_id": str(emu.world.application_id),
            "type": kind,
            "token": record.token,
            "version": 1,
            "guild_id": str(guild.id),
            "channel_id": str(channel.id),
            "channel": payloads.channel(channel, emu.world),
            "member": payloads.member(self.member, permissions=guild.channel_permissions(self.member, channel)),
            "data": data,
            "locale": "en-US",
            "guild_locale": "en-US",
            "app_permissions": str(guild.channel_permissions(bot, channel) if bot else 0),
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(guild.id)},
            "context": 0,
            "attachment_size_limit": 26_214_400,
        }
        if message is not None:
            payload["message"] = payloads.message(message, world=emu.world, base_url=emu.base_url)
        if emu.gateway.emit("INTERACTION_CREATE", payload) is None:
            raise AssertionError(f"{label}: the bot is not connected (or lacks the intent), nothing was sent")
        return record

    async def _reply(self, record: InteractionRecord, timeout: float | None) -> Reply:
        timeout = self.emu.reply_timeout if timeout is None else timeout
        if not await record.wait_complete(timeout):
            rejected = [r for r in self.emu.rejected_requests if record.token in r.path or str(record.id) in r.path]
            extra = f"; rejected by Discord: {rejected[-1].errors}" if rejected else ""
            raise AssertionError(f"{record.label}: no answer from the bot within {timeout}s "
                                 f"({record.describe()}){extra}")  # fmt: skip
        return Reply(self.emu, record)

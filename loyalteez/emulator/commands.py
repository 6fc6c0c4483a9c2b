"""Build an interaction's `data` from the command schema the bot registered.

Like the Discord client, this refuses what a user could not type: unknown commands, subcommands
or options, missing required options, values outside choices/ranges. A test with a wrong option
name therefore fails loudly instead of testing something the bot never receives.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import payloads
from .state import Attachment, Channel, Command, Guild, Member, Role, User

if TYPE_CHECKING:
    from .server import Emulator

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 9, 10, 11
TYPE_NAMES = {3: "string", 4: "integer", 5: "boolean", 6: "user", 7: "channel", 8: "role",
              9: "mentionable", 10: "number", 11: "attachment"}  # fmt: skip


@dataclass
class Upload:
    """A file a user attaches to an attachment option."""

    filename: str
    data: bytes
    content_type: str = "application/octet-stream"


def find_command(emu: Emulator, guild_id: int | None, path: str) -> tuple[Command, list[str]]:
    words = path.strip().lstrip("/").split()
    if not words:
        raise AssertionError("empty slash command path")
    available = emu.world.commands_for(guild_id)
    command = next((c for c in available if c.name == words[0]), None)
    if command is None:
        names = ", ".join(sorted("/" + c.name for c in available)) or "none"
        raise AssertionError(f"no slash command /{words[0]} is registered here (registered: {names})")
    return command, words[1:]


class OptionBuilder:
    """Turns Python values into option JSON plus `data.resolved`, checking them against the schema."""

    def __init__(self, emu: Emulator, guild: Guild | None, command: Command, label: str) -> None:
        self.emu, self.guild, self.command, self.label = emu, guild, command, label
        self.resolved: dict[str, dict[str, Any]] = {}

    def build(self, words: list[str], values: dict[str, Any], focused: str | None = None) -> list[dict[str, Any]]:
        schema = self.command.options
        chain: list[dict[str, Any]] = []
        for word in words:
            option = next((o for o in schema if o.get("name") == word and o.get("type") in (1, 2)), None)
            if option is None:
                subs = [o["name"] for o in schema if o.get("type") in (1, 2)]
                raise AssertionError(f"{self.label}: no subcommand {word!r} (has: {', '.join(subs) or 'none'})")
            chain.append(option)
            schema = option.get("options") or []
        if any(o.get("type") in (1, 2) for o in schema):
            subs = [o["name"] for o in schema if o.get("type") in (1, 2)]
            raise AssertionError(f"{self.label}: needs a subcommand, one of: {', '.join(subs)}")
        leaf = self._leaf(schema, values, focused)
        for option in reversed(chain):
            leaf = [{"name": option["name"], "type": option["type"], "options": leaf}]
        return leaf

    def _leaf(self, schema: list[dict[str, Any]], values: dict[str, Any], focused: str | None) -> list[dict[str, Any]]:
        by_name = {o["name"]: o for o in schema}
        out: list[dict[str, Any]] = []
        for name, value in values.items():
            option = by_name.get(name)
            if option is None:
                raise AssertionError(f"{self.label}: no option {name!r} (has: {', '.join(by_name) or 'none'})")
            if name == focused:
                if not option.get("autocomplete"):
                    raise AssertionError(f"{self.label}: option {name!r} has no autocomplete")
                out.append({"name": name, "type": option["type"], "value": str(value), "focused": True})
                continue
            out.append({"name": name, "type": option["type"], "value": self._convert(option, value)})
        if focused is None:
            missing = [o["name"] for o in schema if o.get("required") and o["name"] not in values]
            if missing:
                raise AssertionError(f"{self.label}: required option(s) missing: {', '.join(missing)}")
        return out

    # ------------------------------------------------------------ values
    def _convert(self, option: dict[str, Any], value: Any) -> Any:
        kind, name = option["type"], option["name"]
        where = f"{self.label}: option {name!r} ({TYPE_NAMES.get(kind, kind)})"
        if kind == STRING:
            if not isinstance(value, str):
                raise AssertionError(f"{where} needs a str, got {value!r}")
            if not option.get("min_length", 0) <= len(value) <= option.get("max_length", 6000):
                raise AssertionError(f"{where}: length {len(value)} outside the allowed range")
        elif kind in (INTEGER, NUMBER):
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or (kind == INTEGER and not isinstance(value, int))
            ):
                raise AssertionError(f"{where} needs a number, got {value!r}")  # fmt: skip
            low, high = option.get("min_value"), option.get("max_value")
            if (low is not None and value < low) or (high is not None and value > high):
                raise AssertionError(f"{where}: {value} outside [{low}, {high}]")
        elif kind == BOOLEAN:
            if not isinstance(value, bool):
                raise AssertionError(f"{where} needs a bool, got {value!r}")
        elif kind in (USER, ROLE, MENTIONABLE, CHANNEL, ATTACHMENT):
            return self._resolve(kind, value, where, option)
        choices = option.get("choices")
        if choices and value not in [c["value"] for c in choices]:
            raise AssertionError(f"{where}: {value!r} is not one of the choices {[c['value'] for c in choices]}")
        return value

    def _resolve(self, kind: int, value: Any, where: str, option: dict[str, Any]) -> str:
        target = getattr(value, "member", value)  # driver handles expose .member
        if kind in (USER, MENTIONABLE) and isinstance(target, Member | User):
            user = target.user if isinstance(target, Member) else target
            self.resolved.setdefault("users", {})[str(user.id)] = payloads.user(user)
            guild = self.guild
            member = guild.members.get(user.id) if guild else None
            if guild is not None and member is not None:
                entry = payloads.member(member, with_user=False, permissions=guild.base_permissions(member))
                self.resolved.setdefault("members", {})[str(user.id)] = entry
            return str(user.id)
        if kind in (ROLE, MENTIONABLE) and isinstance(target, Role):
            self.resolved.setdefault("roles", {})[str(target.id)] = payloads.role(target)
            return str(target.id)
        if kind == CHANNEL and isinstance(target, Channel):
            allowed = option.get("channel_types")
            if allowed and target.type not in allowed:
                raise AssertionError(f"{where}: channel type {target.type} not in {allowed}")
            entry = {k: v for k, v in payloads.channel(target).items() if k != "permission_overwrites"}
            entry["permissions"] = str(self._channel_perms(target))
            self.resolved.setdefault("channels", {})[str(target.id)] = entry
            return str(target.id)
        if kind == ATTACHMENT:
            upload = value if isinstance(value, Upload) else Upload(*value) if isinstance(value, tuple) else None
            if upload is None:
                raise AssertionError(f"{where} needs an Upload(filename, data), got {value!r}")
            attachment = Attachment(self.emu.world.new_id(), upload.filename, upload.data, upload.content_type)
            self.emu.attachments[attachment.id] = attachment
            self.resolved.setdefault("attachments", {})[str(attachment.id)] = payloads.attachment(
                attachment, self.emu.base_url
            )
            return str(attachment.id)
        raise AssertionError(f"{where} cannot take {value!r}")

    def _channel_perms(self, channel: Channel) -> int:
        if self.guild is None:
            return 0
        bot = self.guild.members.get(self.emu.world.bot.id)
        return self.guild.channel_permissions(bot, channel) if bot else 0

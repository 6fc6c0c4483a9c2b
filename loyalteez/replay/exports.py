"""Streaming reader for DiscordChatExporter (DCE) JSON exports.

Exports of a busy server run to millions of messages, so nothing here loads a whole file: the head is read
event by event and messages are streamed one at a time with ijson, then merged across channels by time.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Generator, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, BinaryIO

import ijson

from loyalteez.replay.records import (
    ExportChannel,
    ExportFile,
    ExportGuild,
    ExportMessage,
    ExportReaction,
    ExportRole,
    ExportUser,
)

BOM = b"\xef\xbb\xbf"


class ExportError(ValueError):
    """An export that cannot be replayed; the text names the file (and message and field) to look at."""


def expand_paths(paths: Sequence[str | Path]) -> list[Path]:
    """Files as given, folders as their `*.json` files (sorted, not recursive); each file listed once."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.glob("*.json") if p.is_file())
            if not files:
                raise ExportError(f"{path}: the folder holds no .json files")
            found.extend(files)
        elif path.is_file():
            found.append(path)
        else:
            raise ExportError(f"{path}: no such file or folder")
    if not found:
        raise ExportError("no export files given")
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())


def open_export(path: Path) -> ExportFile:
    """Read only the head (server, channel): DCE writes them before "messages", so this stays cheap."""
    path = Path(path)
    name = path.name
    not_dce = f"{name} is not a DiscordChatExporter JSON export"
    try:
        guild, channel, has_messages = _read_head(path, not_dce)
    except ijson.JSONError as err:
        raise ExportError(f"{not_dce}: not valid JSON ({_json_problem(err)})") from err
    except OSError as err:
        raise ExportError(f"{name}: cannot be read ({err.strerror or err})") from err
    if not has_messages:
        raise ExportError(f'{not_dce}: no "messages" list')
    if guild is None:
        raise ExportError(f'{not_dce}: no "guild" object')
    if channel is None:
        raise ExportError(f'{not_dce}: no "channel" object')
    head = _Fields(name, "")
    return ExportFile(
        path=path,
        guild=ExportGuild(
            id=head.snowflake(guild.get("id"), "guild.id"), name=head.text(guild.get("name"), "guild.name")
        ),
        channel=ExportChannel(
            id=head.snowflake(channel.get("id"), "channel.id"),
            name=head.text(channel.get("name"), "channel.name"),
            type=head.text(channel.get("type"), "channel.type"),
            category_id=head.optional_snowflake(channel.get("categoryId"), "channel.categoryId"),
        ),
    )


def iter_messages(export: ExportFile, opened: list[BinaryIO] | None = None) -> Generator[ExportMessage, None, None]:
    """Stream one file's messages, checked, in file order; the file must be in ascending time order.

    `opened` collects the open file, so a caller can tell how far the reading got (a progress bar).
    """
    name = export.path.name
    index = 0
    previous: datetime | None = None
    with _open_binary(export.path) as stream:
        if opened is not None:
            opened.append(stream)
        try:
            for index, raw in enumerate(ijson.items(stream, "messages.item", use_float=True), start=1):
                message = _message(raw, export, _Fields(name, f"message {index}: "))
                if previous is not None and message.timestamp < previous:
                    raise ExportError(
                        f"{name}: message {index} is older than message {index - 1}; "
                        "export in ascending order (DCE's default)"
                    )
                previous = message.timestamp
                yield message
        except ijson.JSONError as err:
            raise ExportError(f"{name}: not valid JSON after message {index} ({_json_problem(err)})") from err


class MergedExports:
    """The merged stream, which also knows what share of the files' bytes it has read (for progress)."""

    def __init__(self, files: Sequence[ExportFile], past: Callable[[datetime], bool] | None) -> None:
        self._opened: list[BinaryIO] = []
        self._total = sum(f.path.stat().st_size for f in files) or 1
        self._messages = _merged(files, past, self._opened)

    def __iter__(self) -> MergedExports:
        return self

    def __next__(self) -> ExportMessage:
        return next(self._messages)

    def fraction_read(self) -> float:
        # A closed file was read to its end (or the replay is stopping at --until).
        done = sum(Path(s.name).stat().st_size if s.closed else s.tell() for s in self._opened)
        return min(1.0, done / self._total)


def merge_exports(files: Sequence[ExportFile], until: date | datetime | None = None) -> MergedExports:
    """One time-ordered stream over every channel of one server, each message once, up to `until`.

    A date includes that whole UTC day; a datetime is inclusive. Checks run now, not on the first next().
    """
    guilds: dict[str, str] = {}
    for export in files:
        guilds.setdefault(export.guild.id, export.guild.name)
    if len(guilds) > 1:
        listed = ", ".join(f"{gid} ({gname})" for gid, gname in guilds.items())
        raise ExportError(f"the exports come from {len(guilds)} servers: {listed}; replay one server at a time")
    return MergedExports(files, _past(until))


def _merged(
    files: Sequence[ExportFile], past: Callable[[datetime], bool] | None, opened: list[BinaryIO]
) -> Iterator[ExportMessage]:
    streams = [iter_messages(export, opened) for export in files]
    last_id: str | None = None
    try:
        for message in heapq.merge(*streams, key=_order):
            if past is not None and past(message.timestamp):
                return  # the stream is in time order, so everything after is past `until` too
            if message.id == last_id:
                continue  # the same channel exported twice: identical messages meet side by side
            last_id = message.id
            yield message
    finally:
        for stream in streams:
            stream.close()  # closes the files now, not when the garbage collector gets to them


def _order(message: ExportMessage) -> tuple[datetime, int]:
    return message.timestamp, int(message.id)


def _past(until: date | datetime | None) -> Callable[[datetime], bool] | None:
    """A date keeps its whole UTC day (stop at the next midnight); a datetime keeps itself (naive means UTC)."""
    if until is None:
        return None
    if isinstance(until, datetime):
        last = (until if until.tzinfo else until.replace(tzinfo=UTC)).astimezone(UTC)
        return lambda moment: moment > last
    next_midnight = datetime.combine(until + timedelta(days=1), time(0), tzinfo=UTC)
    return lambda moment: moment >= next_midnight


def _open_binary(path: Path) -> BinaryIO:
    """Binary for ijson's C backend; a UTF-8 byte order mark (some editors add one) is skipped."""
    stream = path.open("rb")
    if stream.read(len(BOM)) != BOM:
        stream.seek(0)
    return stream


def _read_head(path: Path, not_dce: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None, bool]:
    head: dict[str, dict[str, Any]] = {}
    has_messages = False
    with _open_binary(path) as stream:
        events = ijson.parse(stream, use_float=True)
        first = next(events, None)
        if first is None or first[1] != "start_map":
            raise ExportError(f"{not_dce}: the top level is not a JSON object")
        for prefix, event, _value in events:
            if prefix in ("guild", "channel") and event == "start_map":
                head[prefix] = _build_object(prefix, events)
            elif prefix == "messages" and event != "end_array":
                if event != "start_array":
                    raise ExportError(f'{not_dce}: "messages" is not a list')
                has_messages = True
                if len(head) == 2:
                    break  # the head is complete; the messages are streamed later
    return head.get("guild"), head.get("channel"), has_messages


def _build_object(prefix: str, events: Iterator[tuple[str, str, Any]]) -> dict[str, Any]:
    builder = ijson.ObjectBuilder()
    builder.event("start_map", None)
    for inner_prefix, event, value in events:
        builder.event(event, value)
        if inner_prefix == prefix and event == "end_map":
            break
    built: dict[str, Any] = builder.value  # ijson is untyped: a map's events build a dict
    return built


def _json_problem(err: Exception) -> str:
    """yajl's messages span several lines with a caret drawing; the first line says enough."""
    text = err.args[0] if err.args else ""
    lines = (text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)).strip().splitlines()
    return lines[0] if lines else type(err).__name__


def _message(raw: Any, export: ExportFile, fields: _Fields) -> ExportMessage:
    if not isinstance(raw, dict):
        raise fields.error("is not an object")
    author = raw.get("author")
    if not isinstance(author, dict):
        raise fields.error('"author" is missing or not an object')
    reference = raw.get("reference")
    reference_id = None
    if reference is not None:
        if not isinstance(reference, dict):
            raise fields.error('"reference" is not an object')
        reference_id = fields.optional_snowflake(reference.get("messageId"), "reference.messageId")
    edited = raw.get("timestampEdited")
    return ExportMessage(
        id=fields.snowflake(raw.get("id"), "id"),
        guild_id=export.guild.id,
        channel_id=export.channel.id,
        type=fields.text(raw.get("type", "Default"), "type") or "Default",
        timestamp=fields.moment(raw.get("timestamp"), "timestamp"),
        content=_with_mentions(fields.text(raw.get("content"), "content"), raw.get("mentions")),
        author=_user(author, fields, "author", with_roles=True),
        edited_at=None if edited is None else fields.moment(edited, "timestampEdited"),
        reactions=tuple(_reaction(item, fields) for item in fields.items(raw.get("reactions"), "reactions")),
        mentions=tuple(
            fields.snowflake(item.get("id") if isinstance(item, dict) else None, "mentions.id")
            for item in fields.items(raw.get("mentions"), "mentions")
        ),
        reference_id=reference_id,
    )


def _with_mentions(content: str, mentions: Any) -> str:
    """The content as Discord delivered it: DiscordChatExporter writes a user mention as `@Name`; the bot
    (level-up announcements above all) reads `<@id>`. Only users the message really mentions are restored."""
    if not content or "@" not in content or not isinstance(mentions, list):
        return content
    names: dict[str, str] = {}
    for item in mentions:
        if isinstance(item, dict) and str(item.get("id", "")).isdigit():
            for key in ("nickname", "name"):
                if isinstance(item.get(key), str) and item[key].strip():
                    names.setdefault(item[key].strip(), str(item["id"]))
    for name in sorted(names, key=len, reverse=True):
        content = content.replace(f"@{name}", f"<@{names[name]}>")
    return content


def _user(raw: Any, fields: _Fields, field: str, with_roles: bool = False) -> ExportUser:
    if not isinstance(raw, dict):
        raise fields.error(f'"{field}" is not an object')
    roles: tuple[ExportRole, ...] = ()
    if with_roles:
        roles = tuple(
            ExportRole(
                id=fields.snowflake(role.get("id") if isinstance(role, dict) else None, f"{field}.roles.id"),
                name=fields.text(role.get("name"), f"{field}.roles.name"),
                position=fields.number(role.get("position"), f"{field}.roles.position"),
            )
            for role in fields.items(raw.get("roles"), f"{field}.roles")
        )
    return ExportUser(
        id=fields.snowflake(raw.get("id"), f"{field}.id"),
        name=fields.text(raw.get("name"), f"{field}.name"),
        is_bot=bool(raw.get("isBot", False)),
        roles=roles,
    )


def _reaction(raw: Any, fields: _Fields) -> ExportReaction:
    if not isinstance(raw, dict) or not isinstance(raw.get("emoji"), dict):
        raise fields.error('"reactions.emoji" is missing or not an object')
    emoji = raw["emoji"]
    name = fields.text(emoji.get("name"), "reactions.emoji.name")
    custom_id = fields.optional_snowflake(emoji.get("id"), "reactions.emoji.id")
    users = tuple(_user(user, fields, "reactions.users") for user in fields.items(raw.get("users"), "reactions.users"))
    count = raw.get("count")
    return ExportReaction(
        emoji=f"{name}:{custom_id}" if custom_id else name,
        count=len(users) if count is None else fields.number(count, "reactions.count"),
        users=users,
    )


class _Fields:
    """Checks one message's fields; every failure names the file, the message's 1-based index and the field."""

    __slots__ = ("where",)

    def __init__(self, file_name: str, message: str) -> None:
        self.where = f"{file_name}: {message}"

    def error(self, problem: str) -> ExportError:
        return ExportError(f"{self.where}{problem}")

    def snowflake(self, value: Any, field: str) -> str:
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return str(value)
        if isinstance(value, str) and value.isascii() and value.isdigit():
            return value
        if value is None:
            raise self.error(f'"{field}" is missing')
        raise self.error(f'"{field}" is not a Discord id ({_show(value)})')

    def optional_snowflake(self, value: Any, field: str) -> str | None:
        return None if value is None or value == "" else self.snowflake(value, field)

    def text(self, value: Any, field: str) -> str:
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        raise self.error(f'"{field}" is not text ({_show(value)})')

    def number(self, value: Any, field: str) -> int:
        if value is None:
            return 0
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and value.isascii() and value.isdigit():
            return int(value)
        raise self.error(f'"{field}" is not a whole number ({_show(value)})')

    def moment(self, value: Any, field: str) -> datetime:
        if value is None:
            raise self.error(f'"{field}" is missing')
        try:
            parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None:
            raise self.error(f'"{field}" is not a date ({_show(value)})')
        if parsed.tzinfo is None:
            raise self.error(f'"{field}" has no UTC offset ({_show(value)})')
        return parsed.astimezone(UTC)

    def items(self, value: Any, field: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error(f'"{field}" is not a list')
        return value


def _show(value: Any) -> str:
    """The offending value as the file has it, quoted and cut short so one bad field cannot flood a log."""
    text = str(value)
    return f'"{text[:60]}…"' if len(text) > 60 else f'"{text}"'

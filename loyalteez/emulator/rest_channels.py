"""Channel, message and reaction routes, with the permission checks Discord makes on the bot."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from aiohttp import web

from . import messages, payloads
from . import permissions as perms
from .rest import (
    RestError,
    body_of,
    emulator_of,
    files_of,
    json_response,
    no_content,
    not_found,
    snowflake_param,
)
from .state import DM, Channel, Message

NONCE_LENGTH = 25
NONCE_WINDOW = timedelta(minutes=5)  # Discord: "the past few minutes"

if TYPE_CHECKING:
    from .server import Emulator


def register(router: web.UrlDispatcher, prefix: str) -> None:
    c = prefix + "/channels/{channel_id}"
    m = c + "/messages/{message_id}"
    router.add_get(c, get_channel)
    router.add_post(c + "/typing", typing)
    router.add_get(c + "/messages", list_messages)
    router.add_post(c + "/messages", create_message)
    router.add_get(m, get_message)
    router.add_patch(m, edit_message)
    router.add_delete(m, delete_message)
    router.add_put(m + "/reactions/{emoji_name}/@me", add_own_reaction)
    router.add_delete(m + "/reactions/{emoji_name}/@me", remove_own_reaction)
    router.add_delete(m + "/reactions/{emoji_name}/{user_id}", remove_user_reaction)
    router.add_get(m + "/reactions/{emoji_name}", list_reactors)
    router.add_delete(m + "/reactions/{emoji_name}", clear_emoji)
    router.add_delete(m + "/reactions", clear_reactions)


def bot_permissions(emu: Emulator, channel: Channel) -> int:
    if channel.type == DM:
        return perms.ALL_PERMISSIONS & ~perms.PERMISSION_BITS["administrator"]
    guild = emu.world.guilds[channel.guild_id]  # type: ignore[index]
    member = emu.world.bot_member(guild)
    if member is None or not guild.bot_present:
        return 0
    return guild.channel_permissions(member, channel)


def require(emu: Emulator, channel: Channel, *names: str) -> None:
    """403 Missing Access without VIEW_CHANNEL, 403 Missing Permissions without the named ones."""
    value = bot_permissions(emu, channel)
    if not perms.has(value, "view_channel"):
        raise RestError(403, "Missing Access", 50001)
    if not perms.has(value, *names):
        raise RestError(403, "Missing Permissions", 50013)


def channel_of(request: web.Request) -> Channel:
    emu = emulator_of(request)
    channel = emu.world.channels.get(snowflake_param(request, "channel_id"))
    if channel is None:
        raise not_found("Channel", 10003)
    guild = emu.world.guild_of(channel.id)
    if guild is not None and not guild.bot_present:
        raise RestError(403, "Missing Access", 50001)
    return channel


def message_of(request: web.Request, channel: Channel) -> Message:
    msg = emulator_of(request).world.messages.get(snowflake_param(request, "message_id"))
    if msg is None or msg.deleted or msg.channel_id != channel.id or msg.ephemeral:
        raise not_found("Message", 10008)
    return msg


def _message_json(request: web.Request, msg: Message) -> dict[str, Any]:
    emu = emulator_of(request)
    return payloads.message(msg, world=emu.world, base_url=emu.base_url)


async def get_channel(request: web.Request) -> web.Response:
    emu, channel = emulator_of(request), channel_of(request)
    require(emu, channel)
    return json_response(payloads.channel(channel, emu.world))


async def typing(request: web.Request) -> web.Response:
    emu, channel = emulator_of(request), channel_of(request)
    require(emu, channel, "send_messages")
    return no_content()


async def list_messages(request: web.Request) -> web.Response:
    emu, channel = emulator_of(request), channel_of(request)
    require(emu, channel, "read_message_history")
    try:
        limit = max(1, min(100, int(request.query.get("limit", 50))))
        before = int(request.query["before"]) if "before" in request.query else None
        after = int(request.query["after"]) if "after" in request.query else None
        around = int(request.query["around"]) if "around" in request.query else None
    except ValueError as exc:
        raise RestError(400, "Invalid Form Body", 50035, {"limit": {"_errors": []}}) from exc
    history = emu.world.history(channel.id)  # oldest first
    if around is not None:
        older = [m for m in history if m.id <= around][-(limit - limit // 2) :]
        newer = [m for m in history if m.id > around][: limit // 2]
        chosen = older + newer
    elif after is not None:
        chosen = [m for m in history if m.id > after][:limit]
    else:
        chosen = [m for m in history if before is None or m.id < before][-limit:]
    # Discord answers newest first in every mode.
    return json_response([_message_json(request, m) for m in reversed(chosen)])


async def create_message(request: web.Request) -> web.Response:
    emu, channel = emulator_of(request), channel_of(request)
    body, files = body_of(request) or {}, files_of(request)
    if channel.type == DM:
        recipient = emu.world.users[channel.recipient_ids[0]]
        if recipient.id in emu.closed_dms or recipient.bot:
            raise RestError(403, "Cannot send messages to this user", 50007)
    else:
        require(emu, channel, "send_messages", *(["attach_files"] if files else []))
    messages.check_message(body, files)
    nonce = body.get("nonce")
    if nonce is not None and len(str(nonce)) > NONCE_LENGTH:
        raise RestError(400, "Invalid Form Body", 50035, {"nonce": {"_errors": [
            {"code": "BASE_TYPE_MAX_LENGTH", "message": f"Must be {NONCE_LENGTH} or fewer in length."}]}})  # fmt: skip
    key = (emu.world.bot.id, str(nonce))
    if nonce is not None and body.get("enforce_nonce"):
        earlier = emu.world.nonces.get(key)
        if earlier is not None and emu.world.now() - earlier[1] < NONCE_WINDOW and earlier[0] in emu.world.messages:
            emu.nonce_repeats += 1
            return json_response(_message_json(request, emu.world.messages[earlier[0]]))
    if body.get("message_reference", {}).get("message_id"):
        ref = emu.world.messages.get(int(body["message_reference"]["message_id"]))
        if (ref is None or ref.deleted) and body["message_reference"].get("fail_if_not_exists", True):
            raise RestError(400, "Invalid Form Body", 50035, {"message_reference": {"_errors": [
                {"code": "REPLIES_UNKNOWN_MESSAGE", "message": "Unknown message"}]}})  # fmt: skip
    msg = messages.new_message(
        emu, body, files, channel_id=channel.id, guild_id=channel.guild_id, author=emu.world.bot,
        type=19 if body.get("message_reference") else 0,
    )  # fmt: skip
    if nonce is not None:
        emu.world.nonces[key] = (msg.id, emu.world.now())
    emu.events.post_message(msg)
    return json_response(_message_json(request, msg))


async def get_message(request: web.Request) -> web.Response:
    emu, channel = emulator_of(request), channel_of(request)
    require(emu, channel, "read_message_history")
    return json_response(_message_json(request, message_of(request, channel)))


async def edit_message(request: web.Request) -> web.Response:
    emu, channel = emulator_of(request), channel_of(request)
    require(emu, channel)
    msg = message_of(request, channel)
    if msg.author.id != emu.world.bot.id:
        body = body_of(request) or {}
        if set(body) - {"flags"}:
            raise RestError(403, "Cannot edit a message authored by another user", 50005)
    messages.edit(emu, msg, body_of(request) or {}, files_of(request))
    return json_response(_message_json(request, msg))


async def delete_message(request: web.Request) -> web.Response:
    emu, channel = emulator_of(request), channel_of(request)
    msg = message_of(request, channel)
    if msg.author.id != emu.world.bot.id:
        require(emu, channel, "manage_messages")
    emu.events.delete_message(msg)
    return no_content()


def _emoji(request: web.Request) -> str:
    return unquote(request.match_info["emoji_name"])


async def add_own_reaction(request: web.Request) -> web.Response:
    emu, channel = emulator_of(request), channel_of(request)
    require(emu, channel, "read_message_history", "add_reactions")
    emu.events.add_reaction(message_of(request, channel), emu.world.bot, _emoji(request))
    return no_content()


async def remove_own_reaction(request: web.Request) -> web.Response:
    emu, channel = emulator_of(request), channel_of(request)
    require(emu, channel, "read_message_history")
    emu.events.remove_reaction(message_of(request, channel), emu.world.bot, _emoji(request))
    return no_content()


async def remove_user_reaction(request: web.Request) -> web.Response:
    emu, channel = emulator_of(request), channel_of(request)
    require(emu, channel, "manage_messages")
    user = emu.world.users.get(snowflake_param(request, "user_id"))
    if user is None:
        raise not_found("User", 10013)
    emu.events.remove_reaction(message_of(request, channel), user, _emoji(request))
    return no_content()


async def list_reactors(request: web.Request) -> web.Response:
    emu, channel = emulator_of(request), channel_of(request)
    require(emu, channel, "read_message_history")
    msg = message_of(request, channel)
    user_ids = msg.reactions.get(payloads.emoji_key(_emoji(request)), [])
    after = int(request.query.get("after", 0) or 0)
    limit = max(1, min(100, int(request.query.get("limit", 25))))
    chosen = sorted(i for i in user_ids if i > after)[:limit]
    return json_response([payloads.user(emu.world.users[i]) for i in chosen])


async def clear_emoji(request: web.Request) -> web.Response:
    emu, channel = emulator_of(request), channel_of(request)
    require(emu, channel, "manage_messages")
    msg = message_of(request, channel)
    key = payloads.emoji_key(_emoji(request))
    for user_id in list(msg.reactions.get(key, [])):
        emu.events.remove_reaction(msg, emu.world.users[user_id], key)
    return no_content()


async def clear_reactions(request: web.Request) -> web.Response:
    emu, channel = emulator_of(request), channel_of(request)
    require(emu, channel, "manage_messages")
    msg = message_of(request, channel)
    for key, users in list(msg.reactions.items()):
        for user_id in list(users):
            emu.events.remove_reaction(msg, emu.world.users[user_id], key)
    return no_content()


async def serve_attachment(request: web.Request) -> web.Response:
    """The CDN: `Attachment.read()` in the bot downloads uploaded files from here."""
    emu = emulator_of(request)
    raw = request.match_info.get("attachment_id", "")
    attachment = emu.attachments.get(int(raw)) if raw.isdigit() else None
    if attachment is None:
        return web.Response(status=404, body=b"not found")
    return web.Response(body=attachment.data, headers={"Content-Type": attachment.content_type})

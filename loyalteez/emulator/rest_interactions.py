"""Interaction callbacks and the interaction webhook (follow-ups, @original edits).

Mirrors Discord's rules that bite bots: one callback per interaction (40060), within the deadline
(10062 afterwards), ephemeral messages never reach the channel, and the first follow-up after a
deferred reply replaces the "thinking" message instead of adding a new one.
"""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from . import messages, payloads
from .interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    AUTOCOMPLETE_RESULT,
    DEFERRED_REPLY,
    DEFERRED_UPDATE,
    MESSAGE_COMPONENT,
    MODAL,
    MODAL_SUBMIT,
    REPLY,
    UPDATE_MESSAGE,
    InteractionRecord,
)
from .rest import (
    RestError,
    UploadedFile,
    body_of,
    emulator_of,
    files_of,
    json_response,
    no_content,
    not_found,
    snowflake_param,
)
from .state import EPHEMERAL_FLAG, LOADING_FLAG, Message

ALLOWED = {
    APPLICATION_COMMAND: {REPLY, DEFERRED_REPLY, MODAL},
    MESSAGE_COMPONENT: {REPLY, DEFERRED_REPLY, DEFERRED_UPDATE, UPDATE_MESSAGE, MODAL},
    MODAL_SUBMIT: {REPLY, DEFERRED_REPLY, DEFERRED_UPDATE, UPDATE_MESSAGE},
    AUTOCOMPLETE: {AUTOCOMPLETE_RESULT},
}


def register(router: web.UrlDispatcher, prefix: str) -> None:
    router.add_post(prefix + "/interactions/{interaction_id}/{interaction_token}/callback", callback)
    w = prefix + "/webhooks/{webhook_id}/{webhook_token}"
    router.add_post(w, followup)
    for suffix in ("/messages/@original", "/messages/{message_id}"):
        router.add_get(w + suffix, get_webhook_message)
        router.add_patch(w + suffix, edit_webhook_message)
        router.add_delete(w + suffix, delete_webhook_message)


def _json(request: web.Request, msg: Message) -> dict[str, Any]:
    emu = emulator_of(request)
    return payloads.message(msg, world=emu.world, base_url=emu.base_url)


def _invalid(errors: dict[str, Any]) -> RestError:
    return RestError(400, "Invalid Form Body", 50035, errors)


def _checked(body: dict[str, Any], files: list[UploadedFile], *, creating: bool, under: str | None) -> None:
    try:
        messages.check_message(body, files, creating=creating)
    except RestError as exc:
        if under and exc.errors is not None:
            exc.errors = {under: exc.errors}
        raise


def _response_message(request: web.Request, rec: InteractionRecord, data: dict[str, Any], *,
                      flags: int) -> Message:  # fmt: skip
    emu = emulator_of(request)
    metadata: dict[str, Any] = {
        "id": str(rec.id),
        "type": rec.type,
        "user": payloads.user(rec.user),
        "authorizing_integration_owners": {"0": str(rec.guild_id)} if rec.guild_id else {"1": str(rec.user.id)},
    }
    if rec.source_message is not None:
        metadata["interacted_message_id"] = str(rec.source_message.id)
    return messages.new_message(
        emu, {**data, "flags": flags}, files_of(request), channel_id=rec.channel_id, guild_id=rec.guild_id,
        author=emu.world.bot, type=20 if rec.type == APPLICATION_COMMAND else 0,
        webhook_id=emu.world.application_id, application_id=emu.world.application_id,
        interaction_metadata=metadata,
    )  # fmt: skip


async def callback(request: web.Request) -> web.Response:
    emu = emulator_of(request)
    rec = emu.interactions.by_id.get(snowflake_param(request, "interaction_id"))
    if rec is None or rec.token != request.match_info["interaction_token"]:
        raise not_found("interaction", 10062)
    if rec.callback_type is not None:
        raise RestError(400, "Interaction has already been acknowledged.", 40060)
    if time.monotonic() - rec.created > emu.interaction_deadline:
        raise not_found("interaction", 10062)
    body = body_of(request) or {}
    kind = body.get("type")
    data = body.get("data") or {}
    if kind not in ALLOWED.get(rec.type, set()):
        raise _invalid({"type": {"_errors": [{"code": "INTERACTION_RESPONSE_TYPE_INVALID",
                                              "message": "Interaction response type is invalid"}]}})  # fmt: skip
    flags = int(data.get("flags") or 0)
    if kind == REPLY:
        _checked(data, files_of(request), creating=True, under="data")
        rec.original = emu.events.post_message(_response_message(request, rec, data, flags=flags))
    elif kind == DEFERRED_REPLY:
        loading = {"content": "", "components": [], "embeds": []}
        rec.original = _response_message(request, rec, loading, flags=(flags & EPHEMERAL_FLAG) | LOADING_FLAG)
        emu.events.post_message(rec.original)
    elif kind in (UPDATE_MESSAGE, DEFERRED_UPDATE):
        if rec.source_message is None:
            raise _invalid({"type": {"_errors": [{"code": "INTERACTION_RESPONSE_TYPE_INVALID",
                                                  "message": "No message to update"}]}})  # fmt: skip
        rec.original = rec.source_message
        if kind == UPDATE_MESSAGE:
            _checked(data, files_of(request), creating=False, under="data")
            messages.edit(emu, rec.source_message, data, files_of(request))
    elif kind == AUTOCOMPLETE_RESULT:
        choices = data.get("choices") or []
        if len(choices) > 25:
            too_many = {"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 25 or fewer in length."}
            raise _invalid({"data": {"choices": {"_errors": [too_many]}}})
        rec.choices = choices
    elif kind == MODAL:
        rec.modal = data
    rec.callback_type = kind
    rec.acknowledged = time.monotonic()
    rec.notify()
    shown = rec.original if kind in (REPLY, UPDATE_MESSAGE) else None
    answer: dict[str, Any] = {
        "interaction": {
            "id": str(rec.id),
            "type": rec.type,
            "activity_instance_id": None,
            "response_message_id": str(rec.original.id) if rec.original else None,
            "response_message_loading": kind == DEFERRED_REPLY,
            "response_message_ephemeral": bool(rec.original and rec.original.ephemeral),
        },
        "resource": {"type": kind},
    }
    if shown is not None:
        answer["resource"]["message"] = _json(request, shown)
    return json_response(answer)


def _record(request: web.Request) -> InteractionRecord:
    emu = emulator_of(request)
    rec = emu.interactions.by_token.get(request.match_info["webhook_token"])
    if rec is None or snowflake_param(request, "webhook_id") != emu.world.application_id:
        raise not_found("Webhook", 10015)
    if time.monotonic() - rec.created > emu.followup_window:
        raise RestError(401, "Invalid Webhook Token", 50027)
    if rec.callback_type is None:
        raise not_found("Webhook", 10015)
    return rec


def _target(request: web.Request, rec: InteractionRecord) -> Message:
    raw = request.match_info.get("message_id")
    if raw is None:  # @original
        msg = rec.original
    else:
        wanted = snowflake_param(request, "message_id")
        candidates = [m for m in [rec.original, *rec.followups] if m is not None]
        msg = next((m for m in candidates if m.id == wanted), None)
    if msg is None or msg.deleted:
        raise not_found("Message", 10008)
    return msg


async def followup(request: web.Request) -> web.Response:
    emu = emulator_of(request)
    rec = _record(request)
    body, files = body_of(request) or {}, files_of(request)
    _checked(body, files, creating=True, under=None)
    original = rec.original
    if rec.callback_type == DEFERRED_REPLY and original is not None and original.loading and not original.deleted:
        # Discord turns the "thinking" message into the first follow-up; once the bot deleted it, a follow-up
        # is a message of its own (with its own ephemeral flag).
        original.flags &= ~LOADING_FLAG
        msg = messages.edit(emu, original, {k: v for k, v in body.items() if k != "flags"}, files)
    else:
        msg = _response_message(request, rec, body, flags=int(body.get("flags") or 0))
        emu.events.post_message(msg)
        rec.followups.append(msg)
    rec.notify()
    if request.query.get("wait", "").lower() in ("1", "true"):
        return json_response(_json(request, msg))
    return no_content()


async def get_webhook_message(request: web.Request) -> web.Response:
    rec = _record(request)
    return json_response(_json(request, _target(request, rec)))


async def edit_webhook_message(request: web.Request) -> web.Response:
    emu = emulator_of(request)
    rec = _record(request)
    msg = _target(request, rec)
    body, files = body_of(request) or {}, files_of(request)
    _checked(body, files, creating=False, under=None)
    if msg.loading:
        msg.flags &= ~LOADING_FLAG
    messages.edit(emu, msg, {k: v for k, v in body.items() if k != "flags"}, files)
    if msg is rec.original and rec.callback_type == DEFERRED_UPDATE:
        rec.edited_after_defer = True
    rec.notify()
    return json_response(_json(request, msg))


async def delete_webhook_message(request: web.Request) -> web.Response:
    emu = emulator_of(request)
    rec = _record(request)
    emu.events.delete_message(_target(request, rec))
    rec.notify()
    return no_content()

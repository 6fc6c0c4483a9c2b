"""Turning a bot's message JSON (+ uploaded files) into messages, with Discord's message limits.

The limits here are the ones Discord enforces beyond a JSON schema (the 6,000-character embed total,
unique custom ids, an empty message) plus the per-field lengths, so a too-long embed title is
refused with the same 400 / 50035 / error path that Discord answers with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .rest import RestError, UploadedFile
from .state import Attachment, Message, User

if TYPE_CHECKING:
    from .server import Emulator

EMBED_LIMITS = {"title": 256, "description": 4096}
FIELD_LIMITS = {"name": 256, "value": 1024}


def _too_long(limit: int) -> dict[str, Any]:
    return {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": f"Must be {limit} or fewer in length."}]}


def _embed_errors(embed: dict[str, Any]) -> tuple[dict[str, Any], int]:
    errors: dict[str, Any] = {}
    total = 0
    for key, limit in EMBED_LIMITS.items():
        text = embed.get(key) or ""
        total += len(text)
        if len(text) > limit:
            errors[key] = _too_long(limit)
    fields = embed.get("fields") or []
    if len(fields) > 25:
        errors["fields"] = _too_long(25)
    for index, field in enumerate(fields):
        for key, limit in FIELD_LIMITS.items():
            text = str(field.get(key) or "")
            total += len(text)
            if len(text) > limit:
                errors.setdefault("fields", {}).setdefault(str(index), {})[key] = _too_long(limit)
    for part, key, limit in (("footer", "text", 2048), ("author", "name", 256)):
        text = (embed.get(part) or {}).get(key) or ""
        total += len(text)
        if len(text) > limit:
            errors[part] = {key: _too_long(limit)}
    return errors, total


def _component_errors(rows: list[dict[str, Any]]) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    if len(rows) > 5 and all(r.get("type") == 1 for r in rows):
        errors["_errors"] = _too_long(5)["_errors"]
    seen: set[str] = set()
    for r_index, row in enumerate(rows):
        children = row.get("components") or []
        if row.get("type") == 1 and len(children) > 5:
            errors.setdefault(str(r_index), {})["components"] = _too_long(5)
        for c_index, child in enumerate(children):
            custom_id = child.get("custom_id")
            slot = errors.setdefault(str(r_index), {}).setdefault("components", {}).setdefault(str(c_index), {})
            if custom_id is not None:
                if len(custom_id) > 100:
                    slot["custom_id"] = _too_long(100)
                if custom_id in seen:
                    duplicated = {"code": "COMPONENT_CUSTOM_ID_DUPLICATED",
                                  "message": "Component custom id cannot be duplicated"}  # fmt: skip
                    slot["custom_id"] = {"_errors": [duplicated]}
                seen.add(custom_id)
            if len(child.get("label") or "") > 80:
                slot["label"] = _too_long(80)
    return _prune(errors)  # drop the empty placeholders created while walking


def _prune(value: dict[str, Any]) -> dict[str, Any]:
    pruned = {k: _prune(v) if isinstance(v, dict) else v for k, v in value.items()}
    return {k: v for k, v in pruned.items() if v not in ({}, None)}


def check_message(body: dict[str, Any], files: list[UploadedFile], *, creating: bool = True) -> None:
    """Raise the RestError Discord would answer with; None when the message is acceptable."""
    errors: dict[str, Any] = {}
    content = body.get("content") or ""
    if len(content) > 2000:
        errors["content"] = _too_long(2000)
    embeds = body.get("embeds") or []
    if len(embeds) > 10:
        errors["embeds"] = _too_long(10)
    total = 0
    for index, embed in enumerate(embeds[:10]):
        embed_errors, size = _embed_errors(embed or {})
        total += size
        if embed_errors:
            errors.setdefault("embeds", {})[str(index)] = embed_errors
    if total > 6000 and "embeds" not in errors:
        errors["embeds"] = {"_errors": [{"code": "MAX_EMBED_SIZE_EXCEEDED",
                                         "message": "Embed size exceeds maximum size of 6000"}]}  # fmt: skip
    component_errors = _component_errors(body.get("components") or [])
    if component_errors:
        errors["components"] = component_errors
    if errors:
        raise RestError(400, "Invalid Form Body", 50035, errors)
    has_body = content or embeds or body.get("components") or files or body.get("sticker_ids") or body.get("poll")
    if creating and not has_body:
        raise RestError(400, "Cannot send an empty message", 50006)


def attachments_from(emu: Emulator, body: dict[str, Any], files: list[UploadedFile]) -> list[Attachment]:
    """Pair `files[n]` uploads with the `attachments` metadata entry of id n (filename, description)."""
    meta = {str(a.get("id")): a for a in body.get("attachments") or [] if isinstance(a, dict)}
    found: list[Attachment] = []
    for upload in files:
        index = upload.field.removeprefix("files[").removesuffix("]")
        info = meta.get(index, {})
        found.append(
            Attachment(
                id=emu.world.new_id(),
                filename=info.get("filename") or upload.filename,
                data=upload.data,
                content_type=upload.content_type or "application/octet-stream",
                description=info.get("description"),
            )
        )
        emu.attachments[found[-1].id] = found[-1]
    return found


def new_message(
    emu: Emulator,
    body: dict[str, Any],
    files: list[UploadedFile],
    *,
    channel_id: int,
    guild_id: int | None,
    author: User,
    **extra: Any,
) -> Message:
    reference = body.get("message_reference") or {}
    return Message(
        id=emu.world.new_id(),
        channel_id=channel_id,
        guild_id=guild_id,
        author=author,
        content=body.get("content") or "",
        embeds=list(body.get("embeds") or []),
        components=list(body.get("components") or []),
        attachments=attachments_from(emu, body, files),
        flags=int(body.get("flags") or 0),
        tts=bool(body.get("tts")),
        reference_id=int(reference["message_id"]) if reference.get("message_id") else None,
        allowed_mentions=body.get("allowed_mentions"),
        **extra,
    )


def edit(emu: Emulator, msg: Message, body: dict[str, Any], files: list[UploadedFile]) -> Message:
    """Edits keep attachments listed in `attachments` (by id) and add newly uploaded files."""
    check_message({**_current(msg), **body}, files, creating=False)
    uploaded = attachments_from(emu, body, files) if files else []
    return emu.events.edit_message(msg, body, new_attachments=uploaded)


def _current(msg: Message) -> dict[str, Any]:
    return {"content": msg.content, "embeds": msg.embeds, "components": msg.components}

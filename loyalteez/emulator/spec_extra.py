"""Rules real Discord enforces that its OpenAPI description cannot or does not express.

Everything else the emulator checks comes from ``spec_data/openapi.json``. These few rules are
kept apart, each a small function with the reason it exists, so that nobody mistakes them for
a hand-kept copy of the spec's limits. Each one is a documented Discord behaviour that a bot
hits in production and that the schema misses:

* ``embed_total_size``: the 6000-character budget across all embeds of one message (a sum
  across fields; JSON Schema has no way to say it).
* ``bot_content_length``: bots may send 2000 characters of ``content``; the schema for
  ``create_message``/``update_message`` says 4000, the Nitro ceiling for users.
* ``command_rules``: CHAT_INPUT command and option names must match Discord's naming regex and
  be lowercase; a CHAT_INPUT command needs a 1-100 character description (the schema allows an
  empty one because USER/MESSAGE commands must send ""); names must be unique per type in a
  bulk overwrite; required options must come before optional ones.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from loyalteez.emulator.spec_validate import ErrorPath, FieldError
from loyalteez.emulator.spec_values import length_error

EMBED_TOTAL_LIMIT = 6000
BOT_CONTENT_LIMIT = 2000
CHAT_INPUT = 1
_EMBED_TEXT_FIELDS = (("title",), ("description",), ("footer", "text"), ("author", "name"))
# Operations whose body is (or carries) a message a bot sends.
MESSAGE_OPERATIONS = frozenset(
    {
        "create_message",
        "update_message",
        "create_thread",
        "create_interaction_response",
        "execute_webhook",
        "update_original_webhook_message",
        "update_webhook_message",
    }
)
COMMAND_OPERATIONS = frozenset(
    {
        "bulk_set_application_commands",
        "bulk_set_guild_application_commands",
        "create_application_command",
        "create_guild_application_command",
        "update_application_command",
        "update_guild_application_command",
    }
)

# A rule sees the operationId and the body and yields errors. ``replace`` errors supersede a
# schema error already reported at the same path (the stricter, real limit wins).
Rule = Callable[[str, Any], Iterator[tuple[FieldError, bool]]]


def _message_payloads(operation_id: str, body: Any) -> Iterator[tuple[ErrorPath, Mapping[str, Any]]]:
    """Where a message lives in a body: the root, ``data`` of a callback, ``message`` of a forum post."""
    if operation_id not in MESSAGE_OPERATIONS or not isinstance(body, Mapping):
        return
    if operation_id == "create_interaction_response":
        data = body.get("data")
        if isinstance(data, Mapping):
            yield ("data",), data
        return
    yield (), body
    if isinstance(body.get("message"), Mapping):
        yield ("message",), body["message"]


def _text_len(value: Any) -> int:
    return len(value) if isinstance(value, str) else 0


def embed_size(embed: Mapping[str, Any]) -> int:
    """Characters one embed spends from the 6000 budget (Discord's documented list of fields)."""
    total = 0
    for keys in _EMBED_TEXT_FIELDS:
        node: Any = embed
        for key in keys:
            node = node.get(key) if isinstance(node, Mapping) else None
        total += _text_len(node)
    for field in embed.get("fields") or ():
        if isinstance(field, Mapping):
            total += _text_len(field.get("name")) + _text_len(field.get("value"))
    return total


def embed_total_size(operation_id: str, body: Any) -> Iterator[tuple[FieldError, bool]]:
    """All embeds of one message together may hold at most 6000 characters."""
    for path, payload in _message_payloads(operation_id, body):
        embeds = payload.get("embeds")
        if not isinstance(embeds, Sequence) or isinstance(embeds, str):
            continue
        total = sum(embed_size(e) for e in embeds if isinstance(e, Mapping))
        if total > EMBED_TOTAL_LIMIT:
            message = f"Embed size exceeds maximum size of {EMBED_TOTAL_LIMIT}"
            yield FieldError((*path, "embeds"), "MAX_EMBED_SIZE_EXCEEDED", message), False


def bot_content_length(operation_id: str, body: Any) -> Iterator[tuple[FieldError, bool]]:
    """A bot's message content is capped at 2000 characters wherever a message is sent."""
    for path, payload in _message_payloads(operation_id, body):
        content = payload.get("content")
        if isinstance(content, str) and len(content) > BOT_CONTENT_LIMIT:
            message = f"Must be {BOT_CONTENT_LIMIT} or fewer in length."
            yield FieldError((*path, "content"), "BASE_TYPE_MAX_LENGTH", message), True


def _name_char_ok(char: str) -> bool:
    """One character of ``^[-_'\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$`` (Python's re lacks \\p)."""
    if char in "-_'":
        return True
    if unicodedata.category(char)[0] in "LN":
        return True
    code = ord(char)
    return 0x0900 <= code <= 0x097F or 0x0E00 <= code <= 0x0E7F  # Devanagari, Thai (incl. marks)


def _name_errors(name: Any, path: ErrorPath) -> Iterator[tuple[FieldError, bool]]:
    if not isinstance(name, str) or not 1 <= len(name) <= 32:
        return  # wrong type or length: the schema already reported it
    invalid = ("APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
    if not all(_name_char_ok(c) for c in name):
        yield FieldError(path, "STRING_TYPE_REGEX", "String value did not match validation regex."), False
        yield FieldError(path, *invalid), False
    elif name != name.lower():
        yield FieldError(path, *invalid), False


def _option_errors(options: Any, path: ErrorPath) -> Iterator[tuple[FieldError, bool]]:
    if not isinstance(options, Sequence) or isinstance(options, str):
        return
    seen_optional = False
    for index, option in enumerate(options):
        if not isinstance(option, Mapping):
            continue
        here = (*path, str(index))
        yield from _name_errors(option.get("name"), (*here, "name"))
        if option.get("type") in (1, 2):  # subcommand / group: its children are checked alike
            yield from _option_errors(option.get("options"), (*here, "options"))
            continue
        if option.get("required"):
            if seen_optional:
                message = "Required options must be placed before non-required options"
                yield FieldError(here, "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", message), False
        else:
            seen_optional = True


def _command_errors(command: Mapping[str, Any], path: ErrorPath, partial: bool) -> Iterator[tuple[FieldError, bool]]:
    kind = command.get("type") or CHAT_INPUT
    if kind != CHAT_INPUT:
        return
    yield from _name_errors(command.get("name"), (*path, "name"))
    description = command.get("description")
    checked = not (partial and "description" not in command)
    if checked and (description is None or isinstance(description, str)):
        found = length_error(_text_len(description), 1, 100)
        if found is not None:  # replaces the schema's max-only wording for >100
            yield FieldError((*path, "description"), *found), True
    yield from _option_errors(command.get("options"), (*path, "options"))


def command_rules(operation_id: str, body: Any) -> Iterator[tuple[FieldError, bool]]:
    """Naming, description and option-order rules for application commands."""
    if operation_id not in COMMAND_OPERATIONS:
        return
    partial = operation_id.startswith("update_")
    if not operation_id.startswith("bulk_"):
        if isinstance(body, Mapping):
            yield from _command_errors(body, (), partial)
        return
    if not isinstance(body, Sequence) or isinstance(body, str):
        return
    seen: set[tuple[str, str]] = set()
    for index, command in enumerate(body):
        if not isinstance(command, Mapping):
            continue
        yield from _command_errors(command, (str(index),), partial)
        key = (repr(command.get("type") or CHAT_INPUT), str(command.get("name")))
        if key in seen:
            message = "Application command names must be unique"
            yield FieldError((str(index), "name"), "APPLICATION_COMMANDS_DUPLICATE_NAME", message), False
        seen.add(key)


RULES: tuple[Rule, ...] = (embed_total_size, bot_content_length, command_rules)


def apply_extra_rules(operation_id: str, body: Any, errors: list[FieldError]) -> list[FieldError]:
    """Add the extra rules' findings to the schema's ``errors`` (same paths merge in the tree)."""
    result = list(errors)
    for rule in RULES:
        for error, replace in rule(operation_id, body):
            if replace:
                result = [e for e in result if e.path != error.path]
            if error not in result:
                result.append(error)
    return result

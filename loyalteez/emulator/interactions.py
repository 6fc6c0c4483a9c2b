"""Interactions the emulator sent, and what the bot answered to each.

A record is "complete" once the user would see an answer: a reply or update, autocomplete choices,
a modal, or, after a deferral, the follow-up / edited original. The driver waits on that.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from .state import Message, User

PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
REPLY, DEFERRED_REPLY, DEFERRED_UPDATE, UPDATE_MESSAGE, AUTOCOMPLETE_RESULT, MODAL = 4, 5, 6, 7, 8, 9
CALLBACK_NAMES = {
    REPLY: "reply", DEFERRED_REPLY: "deferred reply", DEFERRED_UPDATE: "deferred update",
    UPDATE_MESSAGE: "message update", AUTOCOMPLETE_RESULT: "autocomplete result", MODAL: "modal",
}  # fmt: skip


@dataclass
class InteractionRecord:
    id: int
    token: str
    type: int
    label: str  # "/config events create" or "button 'Claim'": what the assertion message names
    user: User
    guild_id: int | None
    channel_id: int
    source_message: Message | None = None
    created: float = field(default_factory=time.monotonic)
    callback_type: int | None = None
    acknowledged: float | None = None  # monotonic time of the bot's first callback (Discord wants it within 3 s)
    original: Message | None = None
    followups: list[Message] = field(default_factory=list)
    choices: list[dict[str, Any]] | None = None
    modal: dict[str, Any] | None = None
    edited_after_defer: bool = False
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    def notify(self) -> None:
        self._changed.set()

    def complete(self) -> bool:
        if self.callback_type in (REPLY, UPDATE_MESSAGE, AUTOCOMPLETE_RESULT, MODAL):
            return True
        if self.callback_type == DEFERRED_REPLY:
            return (self.original is not None and not self.original.loading) or bool(self.followups)
        if self.callback_type == DEFERRED_UPDATE:
            return self.edited_after_defer or bool(self.followups)
        return False

    def describe(self) -> str:
        if self.callback_type is None:
            return "the bot never acknowledged it"
        return f"the bot sent a {CALLBACK_NAMES.get(self.callback_type, self.callback_type)} and nothing after it"

    async def wait_complete(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not self.complete():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            self._changed.clear()
            try:
                async with asyncio.timeout(remaining):  # no task per wait, unlike wait_for (members wait a lot)
                    await self._changed.wait()
            except TimeoutError:
                return self.complete()
        return True


class InteractionRegistry:
    def __init__(self) -> None:
        self.by_id: dict[int, InteractionRecord] = {}
        self.by_token: dict[str, InteractionRecord] = {}

    def new(self, *, id: int, type: int, label: str, user: User, guild_id: int | None, channel_id: int,
            source_message: Message | None = None) -> InteractionRecord:  # fmt: skip
        record = InteractionRecord(
            id=id, token="emu-" + secrets.token_urlsafe(24), type=type, label=label, user=user,
            guild_id=guild_id, channel_id=channel_id, source_message=source_message,
        )  # fmt: skip
        self.by_id[id] = record
        self.by_token[record.token] = record
        return record

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.by_id.values())

    def __len__(self) -> int:
        return len(self.by_id)

"""`Reply`: what a user sees after invoking a command or clicking a component."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .interactions import DEFERRED_REPLY, DEFERRED_UPDATE, InteractionRecord
from .state import Attachment, Message

if TYPE_CHECKING:
    from .server import Emulator


class Reply:
    """A live view of one interaction's answer: follow-ups that arrive later show up here too."""

    def __init__(self, emu: Emulator, record: InteractionRecord) -> None:
        self.emu, self.record = emu, record

    def __repr__(self) -> str:
        return f"<Reply to {self.record.label}: type={self.type} content={self.content!r} ephemeral={self.ephemeral}>"

    @property
    def type(self) -> int | None:
        """The interaction callback type the bot used (4 reply, 5 deferred, 7 update, ...)."""
        return self.record.callback_type

    @property
    def deferred(self) -> bool:
        return self.record.callback_type in (DEFERRED_REPLY, DEFERRED_UPDATE)

    @property
    def message(self) -> Message | None:
        """The message the answer shows: the original response, else the first follow-up."""
        original = self.record.original
        if original is not None and not original.loading:
            return original
        return self.record.followups[0] if self.record.followups else original

    @property
    def followups(self) -> list[Message]:
        return list(self.record.followups)

    @property
    def messages(self) -> list[Message]:
        """Every message this interaction produced, original first."""
        first = [self.record.original] if self.record.original is not None else []
        return [m for m in first + self.record.followups if not m.deleted]

    @property
    def content(self) -> str:
        msg = self.message
        return "" if msg is None else msg.content

    @property
    def embeds(self) -> list[dict[str, Any]]:
        msg = self.message
        return [] if msg is None else msg.embeds

    @property
    def embed(self) -> dict[str, Any] | None:
        embeds = self.embeds
        return embeds[0] if embeds else None

    @property
    def components(self) -> list[dict[str, Any]]:
        msg = self.message
        return [] if msg is None else msg.components

    @property
    def buttons(self) -> list[dict[str, Any]]:
        msg = self.message
        return [] if msg is None else msg.buttons

    @property
    def attachments(self) -> list[Attachment]:
        msg = self.message
        return [] if msg is None else msg.attachments

    @property
    def files(self) -> list[tuple[str, bytes]]:
        msg = self.message
        return [] if msg is None else msg.files

    @property
    def ephemeral(self) -> bool:
        msg = self.message
        return False if msg is None else msg.ephemeral

    @property
    def choices(self) -> list[dict[str, Any]] | None:
        """Autocomplete suggestions ({"name", "value"}), for autocomplete interactions."""
        return self.record.choices

    @property
    def modal(self) -> dict[str, Any] | None:
        """The modal the bot opened (custom_id, title, components), if it answered with one."""
        return self.record.modal

    @property
    def text(self) -> str:
        """Content plus embed titles, descriptions and fields: handy for `in` assertions."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [embed.get("title") or "", embed.get("description") or ""]
            for field in embed.get("fields") or []:
                parts += [str(field.get("name", "")), str(field.get("value", ""))]
            parts.append((embed.get("footer") or {}).get("text") or "")
        return "\n".join(p for p in parts if p)

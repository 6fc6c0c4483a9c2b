"""What analytics hands the Discord adapter to post (plain values), and what it gets back.

Services never import py-cord: a message is content, an embed as Discord's JSON object, and files as
(name, bytes); the adapter's poster sends it and answers with a status, so a channel the bot may not write
to (403) is an answer to handle, not an exception to crash on.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

NONCE_LENGTH = 25  # Discord's limit for a message nonce


def nonce_of(*parts: object) -> str:
    """A message nonce naming one scheduled post (what, server, period): the same post, the same nonce."""
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:NONCE_LENGTH]


@dataclass(frozen=True, slots=True)
class Outgoing:
    content: str | None = None
    embed: dict[str, Any] | None = None
    files: tuple[tuple[str, bytes], ...] = field(default=())
    what: str = "a message"  # what it is, for the log line when it can't be posted ("the weekly report")
    # Sent with enforce_nonce: Discord answers a post repeated with the same nonce within minutes (a job run
    # again by another process after this one died mid-post) with the first message instead of a second.
    nonce: str | None = None


class PostStatus(StrEnum):
    SENT = "sent"
    FORBIDDEN = "forbidden"  # 403: the bot may not post (or embed, or attach) there
    MISSING = "missing"  # 404: the channel is gone
    FAILED = "failed"  # anything else (Discord down, rate limits exhausted, not connected)
    ELSEWHERE = "elsewhere"  # the channel is not in the server's guild: the bot refused, nothing was posted


@dataclass(frozen=True, slots=True)
class PostResult:
    status: PostStatus
    message_id: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is PostStatus.SENT


class Poster(Protocol):
    async def post(self, server_id: str, channel_id: str, message: Outgoing) -> PostResult:
        """Post on `server_id`'s behalf: only into a channel of its guild (ELSEWHERE otherwise)."""

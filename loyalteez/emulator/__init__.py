"""A loopback Discord (gateway + REST) that the real py-cord client connects to, for tests and the demo.

The public names load lazily, so the pure-logic modules (spec, ratelimit) import without aiohttp.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .actors import MemberHandle
    from .commands import Upload
    from .driver import GuildHandle
    from .replies import Reply
    from .server import Emulator

_EXPORTS = {"Emulator": "server", "GuildHandle": "driver", "MemberHandle": "actors", "Reply": "replies",
            "Upload": "commands"}  # fmt: skip
__all__ = ["Emulator", "GuildHandle", "MemberHandle", "Reply", "Upload"]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""The chat backlog's order: a callback queued after chat runs once that chat is handled, before later chat."""

from __future__ import annotations

import logging
from typing import Any

from loyalteez.discord.backlog import ChatBacklog


async def test_a_callback_runs_between_the_chat_queued_before_and_after_it(caplog) -> None:
    seen: list[str] = []

    async def run(event: str, handlers: list[Any], args: tuple[Any, ...]) -> None:
        seen.append(args[0])

    async def marker() -> None:
        seen.append("marker")

    async def broken() -> None:
        raise RuntimeError("its owner failed")

    backlog = ChatBacklog(run)
    for n in range(40):  # more than a slice: the backlog gives the loop back in between
        backlog.handle("message", [object()], (f"old {n}",))
    backlog.after_queued(marker)
    backlog.after_queued(broken)
    backlog.handle("message", [object()], ("new",))
    with caplog.at_level(logging.ERROR, logger="loyalteez.discord"):
        await backlog.wait_empty()
    assert seen == [*(f"old {n}" for n in range(40)), "marker", "new"]
    assert [r.getMessage() for r in caplog.records] == ["after queued chat: RuntimeError: its owner failed"]

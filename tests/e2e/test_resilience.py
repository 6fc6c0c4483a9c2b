"""Malformed gateway payloads and unknown events: one log line each, and the bot keeps serving."""

from __future__ import annotations

import logging

import pytest

from loyalteez.emulator import Emulator, MemberHandle


async def test_malformed_payloads_do_not_stop_the_bot(
    emu: Emulator, alice: MemberHandle, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="loyalteez")
    emu.dispatch_raw("MESSAGE_CREATE", {"id": "1", "content": "no channel, no author"})
    emu.dispatch_raw("GUILD_MEMBER_UPDATE", {"guild_id": "not-a-number"})
    emu.dispatch_raw("TOTALLY_NEW_EVENT", {"whatever": True})
    emu.send_raw("this is not json")
    emu.send_raw("[1, 2, 3]")
    await emu.settle()

    reply = await alice.slash("help")
    assert reply.ephemeral and reply.embeds, "the bot still answers after the garbage"
    skipped = [r for r in caplog.records if r.name == "loyalteez.gateway"]
    assert len(skipped) >= 3
    assert all("\n" not in r.getMessage() and r.exc_info is None for r in skipped), "one line, no traceback"

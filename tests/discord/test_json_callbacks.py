"""Interaction answers without files reach Discord as JSON (py-cord would build a form for each)."""

from __future__ import annotations

from loyalteez.emulator.harness import Harness
from loyalteez.emulator.interactions import DEFERRED_REPLY, REPLY
from tests.reliability.helpers import CLAIMABLE

CALLBACK = "/interactions/{interaction_id}/{interaction_token}/callback"


async def test_answers_and_deferrals_go_as_json_and_members_see_them(claimable: Harness) -> None:
    alice = claimable.guild.member("alice")
    before = len(claimable.emu.requests_to("POST", CALLBACK))  # the admin's setup commands
    help_reply = await alice.slash("help")  # answered at once, in the callback
    claim_reply = await alice.slash("claim", event=CLAIMABLE)  # deferred, then a follow-up
    assert help_reply.type == REPLY and help_reply.ephemeral and help_reply.embed is not None, help_reply
    assert claim_reply.type == DEFERRED_REPLY and "You earned" in claim_reply.content, claim_reply
    callbacks = claimable.emu.requests_to("POST", CALLBACK)[before:]
    assert [r.status for r in callbacks] == [200, 200], callbacks
    assert {r.content_type for r in callbacks} == {"application/json"}

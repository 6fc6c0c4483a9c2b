"""A NUL character in any string option is refused with one sentence, before any command runs.

PostgreSQL cannot store U+0000 in text; without the central check the command failed deep in the store
("Something went wrong") on PostgreSQL and saved the NUL on SQLite.
"""

from __future__ import annotations

from loyalteez.emulator import MemberHandle
from loyalteez.emulator.harness import Harness
from tests.store.raw import tables

REFUSAL = "**name** contains a NUL character (\\0), which can't be stored: remove it and try again."


async def test_a_nul_in_a_string_option_is_refused_in_one_sentence(
    harness: Harness, connected, admin: MemberHandle, alice: MemberHandle
) -> None:
    reply = await admin.slash("perk create", name="Golden\x00mug", cost=10)
    assert reply.ephemeral and reply.content == REFUSAL
    nested = await admin.slash("config events", action="create", name="gm\x00x", reward=5)
    assert nested.content == REFUSAL
    member = await alice.slash("perks", category="merch\x00")
    assert member.content == REFUSAL.replace("**name**", "**category**")
    scope = await harness.app.services.setup.scope_for(str(harness.guild.id))
    assert scope is not None
    assert await tables(harness.app.store.scoped(scope)).count("loyalteez_perks") == 0
    # The same option without the NUL works: only the character was refused.
    assert "Created **Golden mug**" in (await admin.slash("perk create", name="Golden mug", cost=10)).content

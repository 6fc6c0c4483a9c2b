"""A refused option is named as the member typed it: `flat-bonus`, lower case, never `Flat_bonus`."""

from __future__ import annotations

from loyalteez.emulator import GuildHandle, MemberHandle


async def test_range_errors_name_options_as_members_see_them(
    connected, admin: MemberHandle, guild: GuildHandle
) -> None:
    role = guild.create_role("Helpers")
    flat = await admin.slash("config role-bonus", action="set", role=role, **{"flat-bonus": 5000})
    assert flat.content == "`flat-bonus` must be from 0 to 1,000 (whole numbers)."
    cut = await admin.slash("config role-bonus", action="set", role=role, **{"cooldown-reduction": 95})
    assert cut.content == "`cooldown-reduction` must be from 0 to 90 (whole numbers)."
    claims = await admin.slash("config events", action="create", name="quiz", reward=5, **{"max-claims": -7})
    assert claims.content == "`max-claims` must be from 1 to 1,000,000 (-1 for unlimited)."
    reward = await admin.slash("config events", action="create", name="quiz", reward=0)
    assert reward.content == "`reward` must be from 1 to 10,000 LTZ."
    sentence = await admin.slash("config events", action="create", name="Bad Name", reward=5)
    assert sentence.content[:1].isupper(), "a sentence that does not start with an option keeps its capital"

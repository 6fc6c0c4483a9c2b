"""Small steps the cog tests share: the linked server's scoped data, and funding a member through /reward."""

from __future__ import annotations

from loyalteez.emulator import MemberHandle
from loyalteez.emulator.harness import Harness
from loyalteez.store import ScopedData


async def scoped(harness: Harness) -> ScopedData:
    """The harness guild's rows, read through the same scope the bot uses."""
    scope = await harness.app.services.setup.scope_for(str(harness.guild.id))
    assert scope is not None
    return harness.app.store.scoped(scope)


async def fund(admin: MemberHandle, member: MemberHandle, amount: int) -> None:
    """Give a member LTZ the way an admin would, so purchases have something to spend."""
    reply = await admin.slash("reward", member=member, event="welcome", amount=amount)
    assert "received" in reply.content, reply.content

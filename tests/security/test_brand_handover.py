"""A server handed from one brand to another: the new brand starts from its own config, never the old one's.

The real py-cord client against the loopback Discord, on SQLite and on PostgreSQL (the e2e fixtures).
"""

from __future__ import annotations

from loyalteez.emulator import GuildHandle, MemberHandle
from loyalteez.emulator.harness import Harness
from loyalteez.services import texts
from loyalteez.services.access import brands
from loyalteez.store import Scope

MESSAGE = "gm"  # the default gm_checkin event pays 25 LTZ for it


async def test_the_new_brand_owns_the_server_config_after_a_handover(
    harness: Harness, guild: GuildHandle, admin: MemberHandle, alice: MemberHandle
) -> None:
    store, general = harness.app.store, guild.channel("general")
    old = await brands.create_brand(store, "Old Brand")
    new = await brands.create_brand(store, "New Brand")
    mods, vip = guild.create_role("Mods"), guild.create_role("VIP")
    moderator = guild.member("mo", roles=[mods])
    bob, carol = guild.member("bob"), guild.member("carol")

    async def run(command: str, **options: object) -> str:
        reply = await admin.slash(command, **options)
        assert texts.UNEXPECTED not in reply.content, f"/{command} {options}: {reply.content}"
        return reply.content

    def per_server_config() -> list[tuple[str, dict[str, object]]]:
        return [
            ("config role-bonus", {"action": "set", "role": vip, "multiplier": 2.0}),
            ("kpi set", {"metric": "daily_active_users", "target": "10"}),
            ("report schedule", {"frequency": "weekly", "channel": general}),
            ("config user", {"action": "disable", "member": bob}),
            ("achievement create", {"name": "Chatty", "type": "message_count", "threshold": 10, "reward": 5}),
            ("perk create", {"name": "Shout-out", "cost": 500}),
        ]

    assert "Connected" in await run("setup connect", brand_id=old.brand_id, security_key=old.security_key)
    await run("config admin-roles", action="add", role=mods, level="full_admin")
    for command, options in per_server_config():
        await run(command, **options)
    await run("setup disconnect")
    assert "Connected" in await run("setup connect", brand_id=new.brand_id, security_key=new.security_key)

    for command, options in per_server_config():  # the same settings again: each works for the new brand
        await run(command, **options)
    assert "no longer earns" in await run("config user", action="disable", member=alice)
    assert "No admin roles" in await run("config admin-roles", action="list"), "admin roles are not inherited"
    refused = await moderator.slash("config user", action="list-disabled")
    assert "You need the" in refused.content, f"the old brand's Mods are not admins: {refused.content}"

    await alice.say(general, MESSAGE)
    await carol.say(general, MESSAGE)
    await harness.emu.settle()
    data = store.scoped(Scope(new.brand_id, str(guild.id)))
    assert (await data.standings.member_stats_of(str(carol.id))).ltz_earned == 25, "control: members earn"
    assert (await data.standings.member_stats_of(str(alice.id))).ltz_earned == 0, "disabled by the new brand"

"""Demo behaviours for drops, community goals and perks, acting through the emulator as people would.

Day 1, 06:00: the admin sets the week up: an admin channel for announcements, a `coffee_drop` event (trigger
drop, 30 LTZ, first 12 members), a community goal (LTZ paid this week) and a perk in the shop. Day 3, 12:00:
the admin drops coffee; members who are around click the button one after another (sequential, so a seed
always pays the same members). From day 4, some members with enough LTZ buy the perk in the evening. Random
draws come from the simulation's seeded rng.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from loyalteez.demo.feed import readable
from loyalteez.store import ScopedData

if TYPE_CHECKING:
    from loyalteez.demo.simulation import WeekSimulation

ADMIN = "club_admin"
DROP_EVENT, DROP_CAP, DROP_DAY, DROP_HOUR = "coffee_drop", 12, 2, 12
GOAL, GOAL_TARGET = "Brew 6,000 LTZ this week", 6000
PERK, PERK_COST, PERK_STOCK = "Barista badge", 150, 5
SHOP_HOUR, SHOP_FROM_DAY, SHOP_CHANCE = 20, 3, 0.35


async def set_up_the_week(sim: WeekSimulation, day: int, hour: int) -> None:
    if (day, hour) != (0, 6):
        return
    guild = sim.harness.guild
    admin = guild.member(ADMIN)
    mod_log = guild.create_text_channel("mod-log")
    barista = guild.create_role("Barista")
    await sim.harness.emu.settle()
    deadline = (sim.start + timedelta(days=sim.days - 1)).date().isoformat()
    for command, options in (
        ("config admin-channel", {"channel": mod_log}),
        (
            "config events",
            {"action": "create", "name": DROP_EVENT, "reward": 30, "trigger": "drop", "max-total-claims": DROP_CAP},
        ),
        ("goal create", {"name": GOAL, "type": "ltz_distributed", "target": GOAL_TARGET, "deadline": deadline}),
        (
            "perk create",
            {
                "name": PERK,
                "cost": PERK_COST,
                "quantity": PERK_STOCK,
                "category": "roles",
                "role": barista,
                "description": "The Barista role and eternal glory",
            },
        ),
    ):
        reply = await admin.slash(command, options)
        sim.feed.line(f"  {ADMIN}: /{command} -> {readable(guild, reply.content)}")


async def coffee_drop(sim: WeekSimulation, day: int, hour: int) -> None:
    if (day, hour) != (DROP_DAY, DROP_HOUR):
        return
    admin = sim.harness.guild.member(ADMIN)
    reply = await admin.slash(
        "drop create",
        {
            "event": DROP_EVENT,
            "lifespan": "2h",
            "label": "Grab a coffee",
            "description": "Free coffee LTZ for the first twelve!",
        },
    )
    sim.feed.line(f"  {ADMIN}: /drop create -> {readable(sim.harness.guild, reply.content)}")
    await sim.harness.emu.settle()
    posted = sim.harness.emu.sent_messages(sim.general)[-1]
    for persona in sim.personas:
        if sim.rng.random() > min(1.0, persona.activity * 1.6) or posted.buttons[0].get("disabled"):
            continue
        answer = await sim.members[persona.name].click(posted, "Grab a coffee")
        sim.counts["drop claims" if "You claimed" in answer.content else "drop clicks too late"] += 1
        await sim.harness.emu.settle()


async def perk_shopping(sim: WeekSimulation, day: int, hour: int) -> None:
    if day < SHOP_FROM_DAY or hour != SHOP_HOUR:
        return
    for persona in sim.personas:
        if sim.counts["perks bought"] >= PERK_STOCK:
            return  # word gets around: nobody tries once it is sold out
        if sim.rng.random() > SHOP_CHANCE:
            continue
        reply = await sim.members[persona.name].slash("perk-buy", perk=PERK)
        if "You bought" in reply.content:
            sim.counts["perks bought"] += 1
        elif "sold out" in reply.content:
            sim.counts["perk sold out"] += 1


BEHAVIOURS = (set_up_the_week, coffee_drop, perk_shopping)


async def summary_lines(data: ScopedData, names: dict[str, str]) -> list[str]:
    """What the bot recorded about the drop, the goal and the shop (names instead of ids)."""
    lines = []
    for drop in await data.drops.by_event(DROP_EVENT):
        claims = await data.drops.claims(drop.drop_id)
        first = ", ".join(names.get(c.member_id, c.member_id) for c in claims[:4])
        paid = sum(c.reward_amount or 0 for c in claims)
        lines.append(
            f"Drop: {DROP_EVENT} {drop.claims_count}/{drop.max_claims} claimed, {paid:,} LTZ "
            f"(first: {first}{', …' if len(claims) > 4 else ''})"
        )
    for goal in await data.goals.all():
        target = f"{goal.target:,g}"
        if goal.completed_at:  # the value it stopped at depends on how payouts were batched: not shown
            lines.append(f"Goal: {goal.name}: reached {goal.completed_at:%a %d %b %H:%M} (target {target})")
        else:
            lines.append(f"Goal: {goal.name}: {goal.value:,g}/{target} LTZ paid, in progress")
    purchases = await data.perks.purchases(status="completed")
    perks = await data.perks.all()
    left = ", ".join(f"{p.name} {p.quantity} left" for p in perks if p.quantity is not None)
    buyers = ", ".join(names.get(p.member_id, p.member_id) for p in purchases)
    lines.append(
        f"Perks: {len(purchases)} bought for {sum(p.cost for p in purchases):,} LTZ"
        + (f" by {buyers}" if buyers else "")
        + (f" ({left})" if left else "")
    )
    return lines

"""Member commands through the real client: greetings pay once a day, balances, leaderboards, claims."""

from __future__ import annotations

from loyalteez.emulator import Emulator, GuildHandle, MemberHandle
from loyalteez.emulator.harness import Harness
from loyalteez.services import texts
from tests.store.raw import tables


def field(reply, name: str) -> str:
    return next(f["value"] for f in reply.embeds[0]["fields"] if f["name"] == name)


async def test_gm_pays_once_per_utc_day_and_balance_shows_it(
    harness: Harness, connected, emu: Emulator, alice: MemberHandle, general
) -> None:
    await alice.say(general, "gm everyone")
    await alice.say(general, "good morning!")  # second greeting the same day earns nothing
    await emu.settle()
    reply = await alice.slash("balance")
    assert reply.ephemeral
    assert field(reply, "Earned") == "25" and field(reply, "Today") == "25" and field(reply, "Rank") == "#1 of 1"

    harness.clock.advance(days=1)
    await alice.say(general, "gm")
    await emu.settle()
    reply = await alice.slash("balance")
    assert field(reply, "Earned") == "50" and field(reply, "Today") == "25"


async def test_the_same_message_delivered_twice_pays_once(
    harness: Harness, connected, emu: Emulator, alice: MemberHandle, general
) -> None:
    message = await alice.say(general, "gm")
    emu.dispatch_raw("MESSAGE_CREATE", emu_payload(emu, message))  # Discord redelivers the same id
    await emu.settle()
    reply = await alice.slash("balance")
    assert field(reply, "Earned") == "25"
    data = harness.app.store.scoped(await harness.app.services.setup.scope_for(str(harness.guild.id)))
    stats = await tables(data).get("discord_user_stats", {"discord_user_id": str(alice.id)})
    assert stats["messages_count"] == 1


def emu_payload(emu: Emulator, message) -> dict:
    from loyalteez.emulator import payloads

    return payloads.message(message, world=emu.world, base_url=emu.base_url)


async def test_join_pays_the_welcome_once(connected, alice: MemberHandle) -> None:
    first = await alice.slash("join")
    assert first.ephemeral and "50" in first.content
    second = await alice.slash("join")
    assert "already" in second.content.lower()


async def test_unconnected_server_says_why(guild: GuildHandle, alice: MemberHandle) -> None:
    for command in ("balance", "join", "cooldowns", "leaderboard"):
        reply = await alice.slash(command)
        assert reply.ephemeral and reply.content == texts.NOT_CONNECTED, command


async def test_leaderboard_is_public_with_medals_pages_and_own_rank(
    harness: Harness, connected, emu: Emulator, guild: GuildHandle, general
) -> None:
    members = [guild.member(f"member{n:02}") for n in range(13)]
    # 75, 65, 50, then ten members on 25: three distinct podium places and a second page.
    plan = {0: ["gm", "gm", "gm"], 1: ["gm", "gm", "gn"], 2: ["gm", "gm", None]}
    for day in range(3):
        for n, member in enumerate(members):
            greeting = plan.get(n, ["gm", None, None])[day]
            if greeting:
                await member.say(general, greeting)
        await emu.settle()
        harness.clock.advance(days=1)
    viewer = members[12]
    reply = await viewer.slash("leaderboard")
    assert not reply.ephemeral
    text = reply.embeds[0]["description"]
    assert text.count("🥇") == 1 and "🥈" in text and "🥉" in text
    assert reply.embeds[0]["footer"]["text"].endswith("page 1/2")
    page2 = await viewer.click(reply, "Next ▶")
    assert "◀ you" in page2.embeds[0]["description"], "the caller's own row is marked"
    assert "page 2/2" in page2.embeds[0]["footer"]["text"]
    back = await viewer.click(page2, "◀ Prev")
    assert "page 1/2" in back.embeds[0]["footer"]["text"]


async def test_claim_unknown_event_names_close_matches(connected, admin: MemberHandle, alice: MemberHandle) -> None:
    await admin.slash("config events", action="create", name="bug_report", reward=50)
    reply = await alice.slash("claim", event="bug_reprot")
    assert reply.ephemeral and "bug_report" in reply.content


async def test_cooldowns_show_when_greetings_open_again(
    harness: Harness, connected, emu: Emulator, alice: MemberHandle, general
) -> None:
    await alice.say(general, "gm")
    await emu.settle()
    reply = await alice.slash("cooldowns")
    line = next(line for line in reply.content.splitlines() if line.startswith("`gm_checkin`"))
    assert "ready at <t:" in line
    assert any(line.startswith("`gn_checkin`") and "ready now" in line for line in reply.content.splitlines())

"""Drops through the real bot: the 200-click race, clicks amid chat and commands, expiry, /drop end, reaction
drops (also while the bot was down)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from loyalteez.clock import ManualClock
from loyalteez.emulator import Emulator, GuildHandle, MemberHandle
from loyalteez.emulator.harness import TOKEN, Harness, running_bot
from loyalteez.emulator.state import Message
from loyalteez.services.access import brands
from loyalteez.store import ScopedData
from tests.conftest import REPORT
from tests.reliability.helpers import CLAIMABLE, claimable_event
from tests.store.raw import tables


async def scoped(h: Harness) -> ScopedData:
    scope = await h.app.services.setup.scope_for(str(h.guild.id))
    assert scope is not None
    return h.app.store.scoped(scope)


async def drop_event(admin: MemberHandle, cap: int | None = 50, reward: int = 20) -> None:
    options = {"action": "create", "name": "coffee_drop", "reward": reward, "trigger": "drop"}
    if cap:
        options["max-total-claims"] = cap
    reply = await admin.slash("config events", options)
    assert "Created" in reply.content, reply.content


async def button_drop(h: Harness, admin: MemberHandle, **options) -> Message:
    reply = await admin.slash("drop create", {"event": "coffee_drop", **options})
    assert reply.ephemeral and "is live" in reply.content, reply.content
    await h.emu.settle()
    posted = h.emu.sent_messages(h.guild.channel("general"))[-1]
    assert posted.buttons and posted.buttons[0]["label"] == options.get("label", "Claim")
    return posted


async def test_200_members_click_at_once_and_exactly_50_are_paid(
    harness: Harness, connected, admin: MemberHandle, guild: GuildHandle
) -> None:
    await drop_event(admin, cap=50)
    posted = await button_drop(harness, admin, label="Grab it", description="Free coffee for the first fifty!")
    assert "Free coffee" in posted.embeds[0]["description"]
    crowd = [guild.member(f"fan{n:03}") for n in range(200)]
    await harness.emu.settle()

    began = time.perf_counter()
    replies = await asyncio.gather(*(m.click(posted, "Grab it") for m in crowd))
    took = time.perf_counter() - began
    await harness.emu.settle()

    assert all(r.ephemeral for r in replies)
    paid = [r for r in replies if "You claimed **20 LTZ**" in r.content]
    full = [r for r in replies if "full" in r.content]
    assert len(paid) == 50 and len(full) == 150, {r.content for r in replies}
    assert posted.buttons[0]["disabled"], "the button is disabled once the drop is full"
    assert "all claims taken (50/50 claimed)" in posted.embeds[0]["footer"]["text"]
    data = await scoped(harness)
    drop = (await tables(data).select("discord_drops"))[0]
    assert drop["claims_count"] == 50 and drop["ended_at"] is not None
    assert await tables(data).count("discord_drop_claims") == 50
    assert await tables(data).count("loyalteez_reward_ledger", {"event_type": "coffee_drop"}) == 50
    REPORT["e2e drop race: 200 clicks at once, cap 50"] = f"50 paid, 150 told full, all answered in {took:.2f}s"


async def test_clicks_amid_a_chat_flood_and_paying_commands_are_acknowledged_paid_once_and_answered_in_turn(
    harness: Harness, connected, admin: MemberHandle, guild: GuildHandle, engine: str
) -> None:
    """A crowd clicks one drop while chat floods in and as many members /claim: each interaction is acknowledged
    within Discord's 3 s, each click paid once and told so. With one writer (SQLite) clicks and commands waiting
    together share its turn, in the order they came: a per-drop gate let a few clicks in at a time, each behind
    every command queued meanwhile, and under overload most clicks were answered after the members had given up;
    then, a transaction each, clicks queued behind one another while /claims sent later went ahead in turns."""
    await drop_event(admin, cap=None)
    await claimable_event(harness, admin)
    posted = await button_drop(harness, admin)
    talkers = [guild.member(f"talker{n:02}") for n in range(20)]
    channel = guild.channel("general")
    for n in range(60):  # 1,200 messages queued in the chat backlog ahead of the interactions
        for talker in talkers:
            await talker.say(channel, f"chat {n} from {talker.name}")
    clickers = [guild.member(f"clicker{n:02}") for n in range(60)]
    claimers = [guild.member(f"claimer{n:02}") for n in range(60)]
    work = []
    for clicker, claimer in zip(clickers, claimers, strict=True):  # a pair every 10 ms, as members come
        work += [
            asyncio.ensure_future(clicker.click(posted, "Claim", reply_timeout=60)),
            asyncio.ensure_future(claimer.slash("claim", {"event": CLAIMABLE}, reply_timeout=60)),
        ]
        await asyncio.sleep(0.01)
    replies = await asyncio.gather(*work)
    await harness.settle(timeout=30)

    late = [r.record.label for r in replies if r.record.acknowledged - r.record.created > 3.0]
    assert all(r.deferred for r in replies) and not late, late
    clicks, claims = replies[0::2], replies[1::2]
    assert all("You claimed **20 LTZ**" in r.content for r in clicks), {r.content for r in clicks}
    assert all("You earned" in r.content for r in claims), {r.content for r in claims}
    data = await scoped(harness)
    drop = (await tables(data).select("discord_drops"))[0]
    assert drop["claims_count"] == 60 and await tables(data).count("discord_drop_claims") == 60
    ledger = await tables(data).select("loyalteez_reward_ledger")
    keys = [r["idempotency_key"] for r in ledger]
    assert len(keys) == len(set(keys)) == 120, "each click and each /claim paid once"
    if engine == "sqlite":  # PostgreSQL writes them side by side, on pooled connections
        sent = {str(m.id): n for members in (clickers, claimers) for n, m in enumerate(members)}  # pair number
        latest_claim, overtaken = -1, 0  # how many pairs later a /claim paid ahead of a click was sent
        for row in sorted(ledger, key=lambda r: r["id"]):  # ledger ids grow as rows are paid
            n = sent[row["discord_user_id"]]
            if row["event_type"] == CLAIMABLE:
                latest_claim = max(latest_claim, n)
            else:
                overtaken = max(overtaken, latest_claim - n)
        assert overtaken <= 10, f"a click waited while /claims sent {overtaken} pairs (10 ms each) later were paid"


async def test_a_member_claims_once_and_a_late_click_is_told_it_expired(
    harness: Harness, connected, admin: MemberHandle, alice: MemberHandle, clock: ManualClock
) -> None:
    await drop_event(admin, cap=None)
    posted = await button_drop(harness, admin, lifespan="10m")
    assert "20 LTZ" in (await alice.click(posted, "Claim")).content
    assert "already claimed" in (await alice.click(posted, "Claim")).content
    clock.advance(minutes=11)
    late = harness.guild.member("latecomer")
    reply = await late.click(posted, "Claim")  # before any sweep: the click finds it expired
    assert "expired" in reply.content and reply.ephemeral
    await harness.emu.settle()
    assert posted.buttons[0]["disabled"] and "expired" in posted.embeds[0]["footer"]["text"]
    balance = await alice.slash("balance")
    assert "20" in balance.text


async def test_the_sweep_disables_an_expired_drop_nobody_clicked(
    harness: Harness, connected, admin: MemberHandle, clock: ManualClock
) -> None:
    await drop_event(admin)
    posted = await button_drop(harness, admin, lifespan="5m")
    clock.advance(minutes=4)
    await harness.emu.settle()
    assert not posted.buttons[0]["disabled"]
    clock.advance(minutes=2)
    await harness.emu.settle()  # the clock-driven sweep runs at the next settle
    assert posted.buttons[0]["disabled"] and "expired" in posted.embeds[0]["footer"]["text"]
    drop = (await tables(await scoped(harness)).select("discord_drops"))[0]
    assert drop["ended_at"] == drop["expires_at"]


async def test_an_admin_ends_a_drop(harness: Harness, connected, admin: MemberHandle, alice: MemberHandle) -> None:
    await drop_event(admin)
    posted = await button_drop(harness, admin, lifespan="permanent")
    listed = await admin.slash("drop list")
    drop_id = (await tables(await scoped(harness)).select("discord_drops"))[0]["drop_id"]
    assert "coffee_drop" in listed.content and "ends never" in listed.content
    choices = await admin.autocomplete("drop end", "drop", "")
    assert [c["value"] for c in choices] == [drop_id]
    reply = await admin.slash("drop end", drop=drop_id)
    assert "Ended the `coffee_drop` drop" in reply.content
    await harness.emu.settle()
    assert posted.buttons[0]["disabled"] and "ended by an admin" in posted.embeds[0]["footer"]["text"]
    assert "No live drops" in (await admin.slash("drop list")).content


async def test_a_reaction_drop_pays_by_dm_and_the_bot_reacts_first(
    harness: Harness, connected, admin: MemberHandle, alice: MemberHandle, general
) -> None:
    await drop_event(admin, cap=1)
    announcement = await admin.say(general, "React with 🍩 for a treat")
    reply = await admin.slash(
        "drop create", {"event": "coffee_drop", "type": "reaction", "message-id": str(announcement.id), "emoji": "🍩"}
    )
    assert "is live" in reply.content, reply.content
    await harness.emu.settle()
    assert harness.emu.world.bot.id in announcement.reactions["🍩"], "the bot adds its own reaction"
    await alice.react(announcement, "🎉")  # another emoji: nothing
    await alice.react(announcement, "🍩")
    await harness.emu.settle()
    assert any("You claimed **20 LTZ**" in m.content for m in harness.emu.dms(alice))
    bob = harness.guild.member("bob")
    await bob.react(announcement, "🍩")
    await harness.emu.settle()
    assert "🍩" in announcement.reactions and harness.emu.world.bot.id not in announcement.reactions["🍩"], (
        "full: the bot took its reaction back"
    )
    assert any("full" in m.content for m in harness.emu.dms(bob))


async def test_a_watched_channel_makes_every_new_message_a_drop(
    harness: Harness, connected, admin: MemberHandle, alice: MemberHandle, guild: GuildHandle
) -> None:
    await drop_event(admin, cap=None)
    shop = guild.create_text_channel("giveaways")
    await harness.emu.settle()
    reply = await admin.slash("watch start", channel=shop, event="coffee_drop", emoji="🎁", lifespan="2h")
    assert "reaction drop" in reply.content
    post = await admin.say(shop, "Today's giveaway")
    await harness.emu.settle()
    assert harness.emu.world.bot.id in post.reactions["🎁"]
    await alice.react(post, "🎁")
    await harness.emu.settle()
    assert any("20 LTZ" in m.content for m in harness.emu.dms(alice))
    assert f"<#{shop.id}>" in (await admin.slash("watch list")).content
    await admin.slash("watch stop", channel=shop)
    later = await admin.say(shop, "no drop for this one")
    await harness.emu.settle()
    assert not later.reactions


async def connect(h: Harness) -> MemberHandle:
    brand = await brands.create_brand(h.app.store, "Drop Co")
    admin = h.guild.member("boss", permissions=["manage_guild"])
    reply = await admin.slash("setup connect", brand_id=brand.brand_id, security_key=brand.security_key)
    assert "Connected" in reply.content
    return admin


async def test_reactions_added_while_the_bot_was_down_are_claimed_once(tmp_path: Path, clock: ManualClock) -> None:
    emu = Emulator(token=TOKEN, clock=clock)
    async with running_bot(tmp_path, clock=clock, emulator=emu) as h:
        admin = await connect(h)
        await drop_event(admin, cap=None)
        post = await admin.say(h.guild.channel("general"), "React 🎉 to claim")
        reply = await admin.slash(
            "drop create", {"event": "coffee_drop", "type": "reaction", "message-id": str(post.id)}
        )
        assert "is live" in reply.content
        alice, bob = h.guild.member("alice"), h.guild.member("bob")
        await alice.react(post, "🎉")
        await h.emu.settle()
    await bob.react(post, "🎉")  # the bot is down: no gateway event reaches it
    async with running_bot(tmp_path, clock=clock, emulator=emu) as h:
        await h.emu.settle()  # ready: it reads the drop's reactors and claims what it missed
        data = await scoped(h)
        claims = {r["discord_user_id"]: r for r in await tables(data).select("discord_drop_claims")}
        assert set(claims) == {str(alice.id), str(bob.id)}
        assert any("You claimed" in m.content for m in h.emu.dms(bob))
    async with running_bot(tmp_path, clock=clock, emulator=emu) as h:
        await h.emu.settle()  # and again: nothing more
        data = await scoped(h)
        assert await tables(data).count("discord_drop_claims") == 2
        assert await tables(data).count("loyalteez_reward_ledger", {"event_type": "coffee_drop"}) == 2
        assert (await tables(data).get("discord_user_stats", {"discord_user_id": str(bob.id)}))["ltz_earned"] == 20
        assert sum("You claimed" in m.content for m in h.emu.dms(bob)) == 1, "told once"

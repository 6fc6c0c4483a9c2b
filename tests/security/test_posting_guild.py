"""The bot posts on a server's behalf only into that server's guild, and nothing it sends pings anyone.

An admin session of the Supabase API can write any channel id into config_metadata.admin_channel_id or
discord_report_schedules.channel_id. Before, the bot then posted goal announcements and KPI reports into
another brand's guild (pinging @everyone when a goal was named so). Now the channel must belong to the
server's guild: otherwise nothing is posted and one line is logged. Through the real bot, on both engines.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from loyalteez.clock import ManualClock
from loyalteez.emulator import GuildHandle, MemberHandle, payloads
from loyalteez.emulator.harness import Harness
from loyalteez.emulator.rest import CapturedRequest
from loyalteez.emulator.state import Channel, Message
from loyalteez.store import ScopedData
from tests.store.raw import tables


def no_pings(allowed: dict | None) -> bool:
    """`allowed_mentions` was sent and allows no ping of any kind."""
    return allowed is not None and not any(allowed.get(k) for k in ("parse", "users", "roles", "replied_user"))


async def scoped(h: Harness) -> ScopedData:
    scope = await h.app.services.setup.scope_for(str(h.guild.id))
    assert scope is not None
    return h.app.store.scoped(scope)


async def foreign_channel(harness: Harness) -> tuple[GuildHandle, Channel]:
    """Another brand's server the bot also serves, and its #general."""
    other = harness.emu.create_guild("Other Brand", owner="rival")
    await harness.emu.settle()
    return other, other.channel("general")


def posted_in(harness: Harness, guild: GuildHandle) -> list[Message]:
    channels = set(guild.guild.channels)
    return [m for m in harness.emu.sent_messages(include_ephemeral=True) if m.channel_id in channels]


def message_body(request: CapturedRequest) -> dict | None:
    """The message a bot request writes (a post, an edit, an interaction reply or follow-up), if any."""
    template = request.template or ""
    body = request.body if isinstance(request.body, dict) else {}
    if template.endswith("/callback"):
        return body.get("data") if body.get("type") in (4, 7) else None  # a reply, or an updated message
    writes = request.method in ("POST", "PATCH") and ("/messages" in template or template.startswith("/webhooks/"))
    return body if writes and "/reactions" not in template else None


def refusals(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "loyalteez.poster" and "refused to post" in r.message]


def pings(harness: Harness, message: Message) -> tuple[bool, list, list]:
    data = payloads.message(message, world=harness.emu.world, base_url=harness.emu.base_url)
    return data["mention_everyone"], data["mentions"], data["mention_roles"]


async def test_a_foreign_admin_channel_gets_nothing_and_one_log_line(
    harness: Harness, connected, admin: MemberHandle, guild: GuildHandle, clock: ManualClock, caplog
) -> None:
    caplog.set_level(logging.INFO, logger="loyalteez.poster")
    other, foreign = await foreign_channel(harness)
    data = await scoped(harness)
    reply = await admin.slash("goal create", name="@everyone party", type="custom", target=1)
    assert "@everyone party" in reply.content, reply.content
    metadata = await data.rewards.metadata()  # an API session points the admin channel at the other guild
    await tables(data).update(
        "discord_server_configs", {}, {"config_metadata": {**metadata, "admin_channel_id": str(foreign.id)}}
    )
    await admin.slash("goal progress", name="@everyone party", amount=1)
    for _ in range(3):  # the announcement job runs every minute: refused once, not retried
        clock.advance(minutes=1)
        await harness.emu.settle()
    assert posted_in(harness, other) == []
    assert refusals(caplog) == [
        f"refused to post a goal announcement for server {guild.id} in channel {foreign.id}: "
        f"it belongs to guild {other.id}"
    ]

    ops = guild.create_text_channel("ops")  # the server's own channel works, and the name pings nobody
    await harness.emu.settle()
    await admin.slash("config admin-channel", channel=ops)
    await admin.slash("goal create", name="@everyone cheers", type="custom", target=1)
    await admin.slash("goal progress", name="@everyone cheers", amount=1)
    clock.advance(minutes=1)
    await harness.emu.settle()
    [announced] = harness.emu.sent_messages(ops)
    assert "**@everyone cheers**" in announced.content
    assert no_pings(announced.allowed_mentions) and pings(harness, announced) == (False, [], [])


async def test_a_foreign_report_channel_gets_nothing_and_the_admins_are_told(
    harness: Harness, connected, admin: MemberHandle, guild: GuildHandle, clock: ManualClock, caplog
) -> None:
    caplog.set_level(logging.INFO, logger="loyalteez.poster")
    other, foreign = await foreign_channel(harness)
    reports, alerts = guild.create_text_channel("reports"), guild.create_text_channel("mod-log")
    await harness.emu.settle()
    await admin.slash("config admin-channel", channel=alerts)
    reply = await admin.slash("report schedule", frequency="daily", channel=reports)
    assert "Daily report" in reply.content, reply.content
    data = await scoped(harness)  # an API session moves the report into the other guild
    await tables(data).update("discord_report_schedules", {}, {"channel_id": str(foreign.id)})
    clock.set((clock.now() + timedelta(days=1)).replace(hour=0, minute=6))
    await harness.emu.settle()
    assert posted_in(harness, other) == []
    assert harness.emu.sent_messages(reports) == []
    assert refusals(caplog) == [
        f"refused to post the daily report for server {guild.id} in channel {foreign.id}: "
        f"it belongs to guild {other.id}"
    ]
    told = [m.content for m in harness.emu.sent_messages(alerts)]
    assert told == [
        f"I didn't post the daily report: its channel <#{foreign.id}> is not a channel of this server. "
        "Pick one with /report schedule."
    ]


async def test_every_message_the_bot_sends_carries_allowed_mentions_and_pings_nobody(
    harness: Harness, connected, admin: MemberHandle, alice: MemberHandle, guild: GuildHandle, general
) -> None:
    everyone = guild.create_role("Everyone-ish", mentionable=True)
    await harness.emu.settle()
    await admin.slash("perk create", name="@everyone", cost=1, description=f"<@&{everyone.id}> and @here")
    await admin.slash("reward", member=alice, event="welcome", amount=5)
    await alice.slash("perks")
    bought = await alice.slash("perk-buy", perk="@everyone")
    assert "You bought **@everyone**" in bought.content
    await admin.slash("config events", action="create", name="free_ltz", reward=5, trigger="drop")
    made = await admin.slash("drop create", event="free_ltz", description="@everyone free LTZ", label="@here")
    assert "drop" in made.content.lower(), made.content
    [drop] = [m for m in harness.emu.sent_messages(general) if m.buttons]
    claimed = await alice.click(drop, "@here")  # deferred, then a follow-up
    assert "5 LTZ" in claimed.content, claimed.content
    await alice.say(general, f"gm <@{admin.id}> @everyone")  # a member's own message may ping: not the bot's
    await harness.emu.settle()

    sent = [m for m in harness.emu.world.messages.values() if m.author.id == harness.emu.world.bot.id]
    assert len(sent) >= 9, [m.content[:60] for m in sent]
    missing = [(m.content[:40], m.allowed_mentions) for m in sent if not no_pings(m.allowed_mentions)]
    assert missing == [], "every message the bot sent sets allowed_mentions to no pings"
    assert all(pings(harness, m) == (False, [], []) for m in sent)
    bodies = [message_body(r) for r in harness.emu.requests if r.status and r.status < 300]
    written = [b for b in bodies if b is not None]
    assert len(written) >= len(sent) and all(no_pings(b.get("allowed_mentions")) for b in written), [
        b.get("content") for b in written if not no_pings(b.get("allowed_mentions"))
    ]
    [said] = [m for m in harness.emu.world.messages.values() if m.author.id == alice.id]
    assert pings(harness, said)[0] is True, "the emulator does compute pings when they are allowed"

"""Bad input to drops, achievements, goals and perks: one short ephemeral sentence, and no row changed."""

from __future__ import annotations

from loyalteez.emulator import GuildHandle, MemberHandle
from loyalteez.emulator.harness import Harness
from tests.conftest import REPORT
from tests.e2e.test_bad_input import snapshot


async def prepare(harness: Harness, admin: MemberHandle, guild: GuildHandle, alice: MemberHandle) -> dict:
    """What the cases refer to: an event to drop, an achievement, two goals, a perk, messages, roles."""
    general = guild.channel("general")
    for command, options in (
        ("config events", {"action": "create", "name": "coffee_drop", "reward": 20, "trigger": "drop"}),
        ("achievement create", {"name": "Existing", "type": "message_count", "threshold": 5, "reward": 5}),
        ("goal create", {"name": "Pour", "type": "ltz_distributed", "target": 100}),
        ("goal create", {"name": "Art", "type": "custom", "target": 10}),
        ("perk create", {"name": "Mug", "cost": 50}),
    ):
        reply = await admin.slash(command, options)
        assert "Created" in reply.content or "Goal" in reply.content, reply.content
    secret = guild.create_text_channel("secret")
    guild.set_permissions(secret, guild.bot_role, deny=["view_channel"])
    hidden = await alice.say(secret, "the bot can't read this")
    other = harness.emu.create_guild("Other Server")
    elsewhere = await other.member("zed").say(other.channel("general"), "not on your server")
    above = guild.create_role("Mods")
    guild.move_role(above, guild.bot_role.position + 1)
    message = await alice.say(general, "a message")
    await harness.emu.settle()
    return {
        "general": general,
        "message": message,
        "hidden": hidden,
        "elsewhere": elsewhere,
        "other_guild": other.id,
        "above": above,
        "bot_role": guild.bot_role,
    }


def admin_cases(r: dict) -> list[tuple[str, dict, str]]:
    drop = "drop create"
    base = {"event": "coffee_drop"}
    link = f"https://discord.com/channels/{r['other_guild']}/{r['elsewhere'].channel_id}/{r['elsewhere'].id}"
    hidden = f"https://discord.com/channels/{r['hidden'].guild_id}/{r['hidden'].channel_id}/{r['hidden'].id}"
    return [
        (drop, {"event": "no_such_event"}, "no event called"),
        (drop, {"event": "gm_checkin"}, "trigger drop"),
        (drop, {**base, "lifespan": "soon"}, "5m, 2h"),
        (drop, {**base, "lifespan": "169h"}, "168 hours"),
        (drop, {**base, "lifespan": "8d"}, "168 hours"),
        (drop, {**base, "lifespan": "0m"}, "1 minute"),
        (drop, {**base, "lifespan": "-5m"}, "5m, 2h"),
        (drop, {**base, "emoji": "party"}, "emoji"),
        (drop, {**base, "label": "x" * 81}, "80"),
        (drop, {**base, "description": "x" * 1001}, "1,000"),
        (drop, {**base, "type": "reaction"}, "needs the message"),
        (drop, {**base, "message-id": str(r["message"].id)}, "only applies to reaction drops"),
        (drop, {**base, "type": "reaction", "message-id": "hello"}, "message's id"),
        (drop, {**base, "type": "reaction", "message-id": "123456789012345678"}, "can't see that message"),
        (drop, {**base, "type": "reaction", "message-id": hidden}, "can't see that message"),
        (drop, {**base, "type": "reaction", "message-id": link}, "another server"),
        ("drop end", {"drop": "nope"}, "no live drop"),
        ("watch start", {"channel": r["general"], "event": "no_such_event"}, "no event called"),
        ("watch start", {"channel": r["general"], "event": "coffee_drop", "lifespan": "200h"}, "168 hours"),
        ("watch stop", {"channel": r["general"]}, "not watched"),
        ("achievement create", {"name": "A", "type": "message_count", "threshold": 0, "reward": 5}, "threshold"),
        ("achievement create", {"name": "A", "type": "voice_hours", "threshold": 1_000_001, "reward": 5}, "1,000,000"),
        ("achievement create", {"name": "A", "type": "streak_days", "threshold": 7, "reward": -1}, "reward"),
        ("achievement create", {"name": "A", "type": "checkins", "threshold": 7, "reward": 10_001}, "10,000"),
        ("achievement create", {"name": "x" * 51, "type": "checkins", "threshold": 7, "reward": 5}, "50"),
        ("achievement create", {"name": "existing", "type": "checkins", "threshold": 7, "reward": 5}, "already"),
        ("achievement edit", {"name": "Nope", "threshold": 3}, "no achievement"),
        ("achievement edit", {"name": "Existing"}, "at least one"),
        ("achievement edit", {"name": "Existing", "type": "ltz_earned"}, "can't change"),
        ("achievement toggle", {"name": "Nope"}, "no achievement"),
        ("goal create", {"name": "G", "type": "custom", "target": 0}, "target"),
        ("goal create", {"name": "G", "type": "users", "target": 10, "deadline": "2020-01-01"}, "in the past"),
        ("goal create", {"name": "G", "type": "dau", "target": 10, "deadline": "tomorrow"}, "YYYY-MM-DD"),
        ("goal create", {"name": "pour", "type": "dau", "target": 10}, "already"),
        ("goal progress", {"name": "Nope", "amount": 3}, "no goal"),
        ("goal progress", {"name": "Pour", "amount": 3}, "only custom"),
        ("goal progress", {"name": "Art", "amount": 0}, "not 0"),
        ("goal end", {"name": "Nope"}, "no goal"),
        ("perk create", {"name": "Cup", "cost": 0}, "cost"),
        ("perk create", {"name": "Cup", "cost": 1_000_001}, "1,000,000"),
        ("perk create", {"name": "Cup", "cost": 5, "quantity": 0}, "quantity"),
        ("perk create", {"name": "Cup", "cost": 5, "quantity": -2}, "-1 for unlimited"),
        ("perk create", {"name": "x" * 51, "cost": 5}, "50"),
        ("perk create", {"name": "Cup", "cost": 5, "category": "c" * 33}, "32"),
        ("perk create", {"name": "mug", "cost": 5}, "already"),
        ("perk create", {"name": "Cup", "cost": 5, "role": r["above"]}, "above my highest role"),
        ("perk create", {"name": "Cup", "cost": 5, "role": r["bot_role"]}, "managed"),
        ("perk edit", {"name": "Nope", "cost": 5}, "no perk"),
        ("perk edit", {"name": "Mug"}, "at least one"),
        ("perk edit", {"name": "Mug", "cost": -1}, "cost"),
        ("perk remove", {"name": "Nope"}, "no perk"),
    ]


MEMBER_CASES = [
    ("perk-buy", {"perk": "Mug"}, "0 LTZ** available"),
    ("perk-buy", {"perk": "Mugg"}, "`Mug`"),
]


async def test_bad_engagement_inputs_change_nothing(
    harness: Harness, connected, admin: MemberHandle, guild: GuildHandle, alice: MemberHandle
) -> None:
    refs = await prepare(harness, admin, guild, alice)
    table = [(admin, *case) for case in admin_cases(refs)] + [(alice, *case) for case in MEMBER_CASES]
    failures = []
    for who, command, options, expected in table:
        before = snapshot(harness.db_path)
        reply = await who.slash(command, options)
        await harness.emu.settle()
        after = snapshot(harness.db_path)
        label = f"/{command} {options}"[:120]
        if not reply.ephemeral:
            failures.append(f"{label}: reply not ephemeral")
        if expected.lower() not in reply.content.lower():
            failures.append(f"{label}: reply {reply.content!r} does not mention {expected!r}")
        if len(reply.content) > 300 or "Traceback" in reply.content or "went wrong" in reply.content:
            failures.append(f"{label}: reply is not a short answer: {reply.content[:80]!r}")
        changed = [t for t in before if before[t] != after[t]]
        if changed:
            failures.append(f"{label}: changed {changed}")
    assert not harness.emu.sent_messages(refs["general"]), "no drop was posted"
    REPORT["bad engagement inputs refused with nothing changed"] = f"{len(table) - len(failures)}/{len(table)}"
    assert not failures, "\n".join(failures)

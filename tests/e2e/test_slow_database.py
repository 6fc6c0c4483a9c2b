"""A slow database costs no member an answer: with every database round trip taking 1.5 s, slash commands
and a drop's Claim button are acknowledged within Discord's 3 s (the emulator, like Discord, refuses a later
acknowledgement) and then answered by a follow-up; none fails, none apologises for an unexpected error.

The quick variant runs a representative set at once (member and admin commands, a public one, a paid claim,
a file export, the button); the slow one runs every registered command path.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from loyalteez.emulator import Emulator, GuildHandle, MemberHandle, Reply
from loyalteez.emulator.commands import BOOLEAN, CHANNEL, INTEGER, MENTIONABLE, NUMBER, ROLE, STRING, USER
from loyalteez.emulator.harness import Harness
from loyalteez.services import texts
from tests.conftest import REPORT
from tests.e2e.slow_database import SlowDatabase
from tests.reliability.fuzz_values import Leaf, leaves
from tests.reliability.helpers import CLAIMABLE, claimable_event, connect

DELAY = 1.5
ANSWER_WITHIN = 50.0
REPRESENTATIVE = {
    "balance",
    "claim",
    "daily",
    "leaderboard",
    "streak",
    "join",
    "cooldowns",
    "achievements",
    "perks",
    "config events",
    "drop create",
    "drop list",
    "kpi report",
    "export",
    "stats",
}
LAST = {"setup disconnect"}  # unlinks the server: run after the others


def plain_value(option: dict[str, Any], guild: GuildHandle, member: MemberHandle) -> Any:
    """A value a member could pick for an option: the first choice, the smallest allowed number, ..."""
    if option.get("choices"):
        return option["choices"][0]["value"]
    kind = option["type"]
    if kind == STRING:
        return "gm"[: option.get("max_length", 2)].ljust(option.get("min_length", 0), "x")
    if kind in (INTEGER, NUMBER):
        low, high = option.get("min_value", 1), option.get("max_value", 10_000)
        return max(low, min(high, 10))
    if kind == BOOLEAN:
        return False
    if kind in (USER, MENTIONABLE):
        return member
    if kind == ROLE:
        return guild.create_role("Regulars")
    if kind == CHANNEL:
        return guild.channel("general")
    raise AssertionError(f"no plain value for option type {kind}")


def plain_options(leaf: Leaf, guild: GuildHandle, member: MemberHandle) -> dict[str, Any]:
    options = {o["name"]: plain_value(o, guild, member) for o in leaf.options if o.get("required")}
    if leaf.path == "claim":
        options["event"] = CLAIMABLE
    return options


async def timed(work: Any) -> tuple[Reply | BaseException, float]:
    started = time.perf_counter()
    try:
        return await work, time.perf_counter() - started
    except AssertionError as exc:
        return exc, time.perf_counter() - started


async def answered_despite_slow_database(
    harness: Harness, emu: Emulator, guild: GuildHandle, admin: MemberHandle, alice: MemberHandle, everything: bool
) -> None:
    await connect(harness, admin)
    await claimable_event(harness, admin)
    reply = await admin.slash("config events", action="create", name="slow_drop", reward=7, trigger="drop")
    assert "slow_drop" in reply.content, reply.content
    await admin.slash("drop create", event="slow_drop")
    button = next(m for m in reversed(emu.sent_messages(guild.channel("general"))) if m.buttons)
    paths = [leaf for leaf in leaves(emu.world.commands_for(guild.id)) if everything or leaf.path in REPRESENTATIVE]
    await emu.settle()

    slow = SlowDatabase.install(harness.app.store, DELAY)
    waves = [[leaf for leaf in paths if leaf.path not in LAST], [leaf for leaf in paths if leaf.path in LAST]]
    outcomes: list[tuple[str, Reply | BaseException, float]] = []
    for wave in waves:
        work = [admin.slash(leaf.path, plain_options(leaf, guild, alice), force=True, reply_timeout=ANSWER_WITHIN)
                for leaf in wave]  # fmt: skip
        labels = [f"/{leaf.path}" for leaf in wave]
        if wave is waves[0]:
            work.append(alice.click(button, "Claim", reply_timeout=ANSWER_WITHIN))
            labels.append("drop Claim button")
        results = await asyncio.gather(*(timed(w) for w in work))
        outcomes += [(label, reply, took) for label, (reply, took) in zip(labels, results, strict=True)]
    slow.delay = 0

    failures = []
    for label, reply, _ in outcomes:
        if isinstance(reply, BaseException):
            failures.append(f"{label}: {reply}")
        elif not reply.deferred or reply.message is None:
            failures.append(f"{label}: answered without being deferred first ({reply!r})")
        elif texts.UNEXPECTED in reply.text:
            failures.append(f"{label}: apologised for an unexpected error")
    claim = next(r for label, r, _ in outcomes if label == "drop Claim button")
    slowest = max(outcomes, key=lambda o: o[2])
    REPORT[f"slow database ({DELAY:.1f} s per round trip)"] = (
        f"{len(outcomes)} interactions, {len(outcomes) - len(failures)} answered, slowest {slowest[0]} "
        f"{slowest[2]:.1f} s, {slow.calls} slowed round trips"
    )
    assert not failures, "\n".join(failures)
    assert isinstance(claim, Reply) and "7 LTZ" in claim.content, claim
    emu.rejected_requests.clear()  # plain option values some commands refuse (the bot's answers are checked above)


async def test_commands_and_the_claim_button_are_answered_with_a_slow_database(
    harness: Harness, emu: Emulator, guild: GuildHandle, admin: MemberHandle, alice: MemberHandle
) -> None:
    await answered_despite_slow_database(harness, emu, guild, admin, alice, everything=False)


@pytest.mark.slow
async def test_every_command_is_answered_with_a_slow_database(
    harness: Harness, emu: Emulator, guild: GuildHandle, admin: MemberHandle, alice: MemberHandle
) -> None:
    await answered_despite_slow_database(harness, emu, guild, admin, alice, everything=True)

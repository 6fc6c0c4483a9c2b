"""A slow database costs no member an answer: with every database round trip taking 1.5 s, slash commands
and a drop's Claim button are acknowledged within Discord's 3 s (the emulator, like Discord, refuses a later
acknowledgement) and then answered by a follow-up (a command that only reads may answer at once instead);
none fails, none apologises for an unexpected error.

On SQLite the store waits 1.5 s before each call (tests/e2e/slow_database.py); on PostgreSQL the bot talks to
the database through the latency proxy set to a 1.5 s round trip, so every statement, BEGIN and COMMIT pays it.
The quick variants run a representative set at once (member and admin commands, a public one, a paid claim,
a file export, the button); the slow ones run every registered command path.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from loyalteez.clock import ManualClock
from loyalteez.discord.quick_answer import marked_only_reads
from loyalteez.emulator import GuildHandle, MemberHandle, Reply
from loyalteez.emulator.commands import BOOLEAN, CHANNEL, INTEGER, MENTIONABLE, NUMBER, ROLE, STRING, USER
from loyalteez.emulator.harness import Harness, app_factory, running_bot
from loyalteez.emulator.interactions import REPLY
from loyalteez.services import texts
from loyalteez.testing.latency_proxy import LatencyProxy
from tests.conftest import PG_VIA, REPORT, pg_store_schema
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
    "export",
    "stats",
}
# Paying on PostgreSQL takes tens of round trips (the brand's budget row locked while paying, statements
# prepared on each pooled connection): over a 1.5 s link a claim is answered after about a minute, well inside
# Discord's 15 minutes for a follow-up but past a quick test. The quick PostgreSQL variant runs the commands
# that do not pay; the slow one runs every command and the button.
PAYING = {"claim", "daily", "join"}
LAST = {"setup disconnect"}  # unlinks the server: run after the others
FOLLOW_UP_WINDOW = 15 * 60.0


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
    harness: Harness,
    slow_down: Any,
    chosen: set[str] | None,
    *,
    where: str = "SQLite, 1.5 s before each call",
    answer_within: float = ANSWER_WITHIN,
    click: bool = True,
) -> None:
    """`slow_down(seconds)` makes the database that slow (0: fast again)."""
    emu, guild = harness.emu, harness.guild
    admin, alice = guild.member("boss", permissions=["manage_guild"]), guild.member("alice")
    await connect(harness, admin)
    await claimable_event(harness, admin)
    reply = await admin.slash("config events", action="create", name="slow_drop", reward=7, trigger="drop")
    assert "slow_drop" in reply.content, reply.content
    await admin.slash("drop create", event="slow_drop")
    button = next(m for m in reversed(emu.sent_messages(guild.channel("general"))) if m.buttons)
    # A first claim while the database is fast fills the caches (rules, the drop, the brand's budget), as on
    # a server that has been running: a cold start on a 1.5 s link is a minute of round trips of its own.
    first = await guild.member("bob").click(button, "Claim")
    assert "7 LTZ" in first.content, first.content
    paths = [leaf for leaf in leaves(emu.world.commands_for(guild.id)) if chosen is None or leaf.path in chosen]
    await emu.settle()

    slow_down(DELAY)
    waves = [[leaf for leaf in paths if leaf.path not in LAST], [leaf for leaf in paths if leaf.path in LAST]]
    outcomes: list[tuple[str, Reply | BaseException, float]] = []
    for wave in waves:
        work = [admin.slash(leaf.path, plain_options(leaf, guild, alice), force=True, reply_timeout=answer_within)
                for leaf in wave]  # fmt: skip
        labels = [f"/{leaf.path}" for leaf in wave]
        if wave is waves[0] and click:
            work.append(alice.click(button, "Claim", reply_timeout=answer_within))
            labels.append("drop Claim button")
        results = await asyncio.gather(*(timed(w) for w in work))
        outcomes += [(label, reply, took) for label, (reply, took) in zip(labels, results, strict=True)]
    slow_down(0)

    # A command that only reads may answer at once, its answer being the acknowledgement (quick_answer.py).
    answer_at_once = {f"/{command.qualified_name}" for command in harness.bot.walk_application_commands()
                      if marked_only_reads(command)}  # fmt: skip
    failures = []
    for label, reply, _ in outcomes:
        if isinstance(reply, BaseException):
            failures.append(f"{label}: {reply}")
        elif reply.message is None:
            failures.append(f"{label}: acknowledged but never answered ({reply!r})")
        elif not reply.deferred and not (label in answer_at_once and reply.type == REPLY):
            failures.append(f"{label}: answered without being deferred first ({reply!r})")
        elif texts.UNEXPECTED in reply.text:
            failures.append(f"{label}: apologised for an unexpected error")
    claim = next((r for label, r, _ in outcomes if label == "drop Claim button"), None)
    slowest = max(outcomes, key=lambda o: o[2])
    REPORT[f"slow database ({where}{', every command' if chosen is None else ''})"] = (
        f"{len(outcomes)} interactions, {len(outcomes) - len(failures)} answered, slowest {slowest[0]} "
        f"{slowest[2]:.1f} s"
    )
    assert not failures, "\n".join(failures)
    assert not click or (isinstance(claim, Reply) and "7 LTZ" in claim.content), claim
    emu.rejected_requests.clear()  # plain option values some commands refuse (the bot's answers are checked above)


@pytest.fixture
async def slow_sqlite(tmp_path: Any, clock: ManualClock) -> AsyncIterator[tuple[Harness, Any]]:
    async with running_bot(tmp_path, clock=clock) as h:
        slow = SlowDatabase.install(h.app.store)
        yield h, lambda seconds: setattr(slow, "delay", seconds)


@pytest.fixture
async def far_postgres(tmp_path: Any, clock: ManualClock) -> AsyncIterator[tuple[Harness, Any]]:
    if PG_VIA:
        pytest.skip("the latency proxy goes in front of PostgreSQL itself, not of a pooler")
    async with pg_store_schema() as url, LatencyProxy.in_front_of(url) as proxy:
        factory = app_factory(database_url=proxy.url(url))
        async with running_bot(tmp_path, clock=clock, app_factory=factory) as h:
            # Every pooled connection opened while the link is fast: opening one (and asyncpg learning the
            # types) costs several round trips, which is start-up, not a command's latency.
            db = h.app.store.db
            await asyncio.gather(*(db.fetch_value("SELECT pg_sleep(0.2)") for _ in range(db._pool.get_max_size())))
            yield h, lambda seconds: setattr(proxy, "round_trip", seconds)


async def test_commands_and_the_claim_button_are_answered_with_a_slow_sqlite(slow_sqlite) -> None:
    await answered_despite_slow_database(*slow_sqlite, REPRESENTATIVE)


async def test_commands_that_do_not_pay_are_answered_with_a_far_postgresql(far_postgres) -> None:
    far = "PostgreSQL, 1.5 s round trips"
    await answered_despite_slow_database(*far_postgres, REPRESENTATIVE - PAYING, where=far, click=False)


@pytest.mark.slow
async def test_every_command_and_the_claim_button_are_answered_with_a_slow_sqlite(slow_sqlite) -> None:
    await answered_despite_slow_database(*slow_sqlite, None, answer_within=FOLLOW_UP_WINDOW)


@pytest.mark.slow
async def test_every_command_and_the_claim_button_are_answered_with_a_far_postgresql(far_postgres) -> None:
    far = "PostgreSQL, 1.5 s round trips"
    await answered_despite_slow_database(*far_postgres, None, where=far, answer_within=FOLLOW_UP_WINDOW)

"""Fuzzing through Discord: every registered slash command with generated options, and malformed gateway frames.

Commands come from the emulator's registry (what the bot registered), so new commands are fuzzed without
editing this file. Values respect each option's schema (Discord enforces it) but are otherwise hostile:
edge and out-of-range numbers where the schema allows them, huge (6,000 characters) and odd unicode text,
empty strings, ids and objects of ANOTHER server. Invariants, per case: the interaction is answered; no
reply carries a traceback or the "something went wrong" apology (an unexpected exception); a command the
bot refused (ValidationError, PermissionDenied, a check) changed no row. At the end the bot still answers
/help. Garbage frames (random JSON, known events with random fields, non-JSON) must not stop it either.

Hypothesis generates the cases (seeded, so a failure reproduces); the service-layer fuzz in
test_fuzz_services.py supplies the volume.
"""

from __future__ import annotations

import json
import logging
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loyalteez.emulator import Emulator, GuildHandle, MemberHandle
from loyalteez.emulator.harness import Harness
from loyalteez.services import texts
from loyalteez.services.access.permissions import PermissionDenied
from loyalteez.services.errors import ValidationError
from loyalteez.store import ScopeError
from tests.conftest import REPORT
from tests.reliability.fuzz_values import TEXT, Leaf, Worlds, leaves, slash_case
from tests.reliability.helpers import connect, snapshot

SLASH_CASES = 300
FRAMES = 300
REFUSALS = (ValidationError, PermissionDenied, ScopeError)


def draw_cases(strategy: st.SearchStrategy, count: int) -> list[Any]:
    """`count` examples from a strategy, deterministically (hypothesis explores edges; no I/O inside)."""
    found: list[Any] = []

    @settings(
        max_examples=count, database=None, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck)
    )
    @given(strategy)
    def collect(case: Any) -> None:
        found.append(case)

    collect()
    return found[:count]


class RefusalProbe:
    """Which interactions ended in a refusal (the bot's error handler saw a refusal exception)."""

    def __init__(self, bot: Any) -> None:
        self.refused: set[int] = set()
        self.unexpected: list[str] = []
        bot.add_listener(self.on_error, "on_application_command_error")

    async def on_error(self, ctx: Any, error: Exception) -> None:
        cause = getattr(error, "original", error)
        if isinstance(cause, REFUSALS) or type(error).__name__ in ("CheckFailure", "NoPrivateMessage"):
            self.refused.add(ctx.interaction.id)
        else:
            self.unexpected.append(f"{type(cause).__name__}: {cause}")


async def relink(harness: Harness, brand) -> None:
    """A fuzzed /setup disconnect unlinks the server; link it again so the next cases reach the commands."""
    setup = harness.app.services.setup
    if await setup.scope_for(str(harness.guild.id)) is None:
        # Fuzzed wrong keys may have locked /setup connect for a while: link as the database's owner.
        result = await setup.connect_trusted(
            server_id=str(harness.guild.id), server_name="Test Server", brand_id=brand.brand_id, actor_id="1"
        )
        assert result.ok, result.message


async def test_every_slash_command_with_generated_options(
    harness: Harness,
    emu: Emulator,
    guild: GuildHandle,
    admin: MemberHandle,
    alice: MemberHandle,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="loyalteez")
    brand = await connect(harness, admin)
    other = emu.create_guild("Elsewhere")
    other.member("stranger")
    other.create_text_channel("their-channel")
    guild.create_role("Helpers")
    guild.create_text_channel("shop")
    for n in range(3):
        guild.member(f"member{n}")
    await emu.settle()  # the joins above write analytics rows: let them land before the first snapshot
    leaf_list: list[Leaf] = leaves(emu.world.commands_for(guild.id))
    cases = draw_cases(slash_case(leaf_list, Worlds(guild, other)), SLASH_CASES)
    probe = RefusalProbe(harness.bot)
    rng = random.Random(5)
    failures: list[str] = []
    refused = 0
    for path, options in cases:
        who = admin if rng.random() < 0.8 else alice
        before = snapshot(harness.db_path)
        label = f"/{path} { ({k: (v if not isinstance(v, str) else v[:40]) for k, v in options.items()}) }"[:200]
        try:
            reply = await who.slash(path, options, force=True)
        except AssertionError as exc:
            failures.append(f"{label}: {exc}")
            continue
        await emu.settle()
        text = reply.text
        if "Traceback" in text or texts.UNEXPECTED in text:
            failures.append(f"{label}: reply {text[:120]!r}")
        if reply.record.id in probe.refused:
            refused += 1
            changed = [t for t, rows in snapshot(harness.db_path).items() if rows != before.get(t)]
            if changed:
                failures.append(f"{label}: refused but changed {changed}")
        await relink(harness, brand)
    emu.rejected_requests.clear()  # e.g. an over-long embed the bot tried is the bot's bug, reported above
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith("loyalteez")]
    help_reply = await alice.slash("help")
    covered = len({path for path, _ in cases})
    REPORT["fuzz: slash commands via the emulator"] = (
        f"{len(cases)} cases over {covered} of {len(leaf_list)} command paths, {refused} refused with no row "
        f"changed, {len(failures)} failures"
    )
    assert help_reply.embeds, "the bot keeps serving"
    assert not probe.unexpected, "unexpected exceptions:\n" + "\n".join(probe.unexpected[:20])
    assert not errors, "errors logged:\n" + "\n".join(errors[:20])
    assert not failures, "\n".join(failures[:30])
    assert covered >= len(leaf_list) * 0.8, "most command paths were exercised"


KNOWN_EVENTS = [
    "MESSAGE_CREATE",
    "MESSAGE_UPDATE",
    "MESSAGE_DELETE",
    "MESSAGE_REACTION_ADD",
    "MESSAGE_REACTION_REMOVE",
    "VOICE_STATE_UPDATE",
    "GUILD_MEMBER_UPDATE",
    "GUILD_MEMBER_ADD",
    "INTERACTION_CREATE",
    "CHANNEL_UPDATE",
    "GUILD_ROLE_UPDATE",
    "TYPING_START",
    "SOMETHING_NEW",
]
KEYS = [
    "id",
    "channel_id",
    "guild_id",
    "author",
    "member",
    "user_id",
    "message_id",
    "emoji",
    "content",
    "type",
    "data",
    "token",
    "roles",
    "user",
    "flags",
    "timestamp",
    "session_id",
]
JSON_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False),
    TEXT,
    st.sampled_from(["1", "0", "-1", "abc", "12345678901234567890123"]),
)
JSON_VALUE = st.recursive(
    JSON_LEAF,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)),
    max_leaves=12,
)


@st.composite
def frame(draw: st.DrawFn) -> tuple[str, Any]:
    """('dispatch', (event, data)) or ('raw', text): what a broken or hostile gateway could send."""
    kind = draw(st.sampled_from(["dispatch", "dispatch", "raw-json", "raw-text"]))
    if kind == "dispatch":
        data = draw(st.dictionaries(st.sampled_from(KEYS), JSON_VALUE, max_size=8))
        return "dispatch", (draw(st.sampled_from(KNOWN_EVENTS)), data)
    if kind == "raw-json":
        body = {"op": draw(st.sampled_from([0, 1, 11, 42, -1, None, "0"])), "d": draw(JSON_VALUE)}
        if draw(st.booleans()):  # no "s": py-cord takes any frame's sequence, and settle() reads it
            body["t"] = draw(st.sampled_from([*KNOWN_EVENTS, None, 5]))
        return "raw", json.dumps(body)
    return "raw", draw(st.one_of(TEXT, st.sampled_from(["", "{", "[1,2", "null", "42", '"x"', '{"op":'])))


async def test_malformed_gateway_frames_never_stop_the_bot(
    harness: Harness,
    emu: Emulator,
    alice: MemberHandle,
    general,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="loyalteez")
    await connect(harness)
    frames = draw_cases(frame(), FRAMES)
    for n, (kind, payload) in enumerate(frames):
        if kind == "dispatch":
            emu.dispatch_raw(*payload)
        else:
            emu.send_raw(payload)
        if n % 25 == 24:
            await emu.settle()
            assert (await alice.slash("help")).embeds, f"the bot stopped answering after frame {n}: {payload!r}"
    await emu.settle()
    await alice.say(general, "gm")
    await emu.settle()
    reply = await alice.slash("balance")
    assert reply.embeds, "still serving and still earning"
    noisy = [
        r
        for r in caplog.records
        if r.name.startswith("loyalteez") and (r.exc_info is not None or "\n" in r.getMessage())
    ]
    assert not noisy, "a malformed frame costs one log line, never a traceback"
    emu.rejected_requests.clear()  # answers to interactions with garbage ids are refused, as Discord would
    REPORT["fuzz: malformed gateway frames"] = f"{len(frames)} frames, bot kept serving"

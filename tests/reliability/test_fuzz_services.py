"""Fuzzing the service and validation layer directly: the volume (thousands of cases in seconds).

Contract under test, for every input of the type the adapter can hand in: a check returns a normalised value
or raises ValidationError with one short line naming the problem (never another exception, never a
traceback); an admin operation on a real database either succeeds or is refused and then changed no row;
a member's command or an admin's manual reward with junk is refused the same way. Hypothesis shrinks any
counter-example to the smallest input that breaks it.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loyalteez.clock import ManualClock
from loyalteez.services.access.permissions import PermissionDenied
from loyalteez.services.common import input as common
from loyalteez.services.container import build_services
from loyalteez.services.drops import input as drop_input
from loyalteez.services.errors import ValidationError
from loyalteez.services.goals import input as goal_input
from loyalteez.services.perks import input as perk_input
from loyalteez.services.rewards import admin_events, admin_members, admin_server, triggers, validation
from loyalteez.services.rewards.events import ClaimRequest, ManualReward, Member
from loyalteez.services.rewards.outcomes import Paid
from loyalteez.services.rewards.triggers.activity import check_min_reactions
from loyalteez.services.rewards.triggers.message import check_keywords, check_min_length
from loyalteez.store import Scope, ScopeError, Store
from tests.conftest import REPORT
from tests.reliability.fuzz_values import ANYTHING, SPECIAL_STRINGS, TEXT, strings
from tests.reliability.helpers import snapshot

CASES: Counter[str] = Counter()  # calls per checked function or operation
OUTCOMES: Counter[str] = Counter()  # ok / refused
FAST = settings(
    max_examples=600,
    database=None,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
STORE = settings(FAST, max_examples=400)
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
SCOPE = Scope("fuzz_brand", "555000000000000001")
IDS = st.one_of(
    st.sampled_from(["555000000000000001", "0", "-1", "1" * 21, "1" * 22, " 42 ", "4.2", ""]),
    TEXT,
    st.integers(-(2**70), 2**70),
)
INTS = st.one_of(st.integers(), st.sampled_from([-1, 0, 1, 10_000, 10_001, 2**63, -(2**63)]), st.booleans())


def refused_cleanly(call: Callable[[], Any], label: str) -> str:
    """Run a check: 'ok', or 'refused' after asserting the refusal is one short, plain sentence."""
    CASES[label] += 1
    try:
        call()
    except ValidationError as exc:
        assert_sentence(exc.message)
        OUTCOMES["refused"] += 1
        return "refused"
    OUTCOMES["ok"] += 1
    return "ok"


def assert_sentence(message: str) -> None:
    assert message and "\n" not in message and "Traceback" not in message and len(message) <= 300, message


# -- pure checks (rewards and engagement) -------------------------------------------------------------------


@FAST
@given(value=ANYTHING)
def test_rewards_number_checks(value: Any) -> None:
    for name, check in [
        ("reward", validation.reward),
        ("cooldown", validation.cooldown_hours),
        ("min_length", check_min_length),
        ("min_reactions", check_min_reactions),
        ("priority", validation.priority),
        ("limit", lambda v: validation.limit("max", v)),
    ]:
        if refused_cleanly(lambda c=check: c(value), "validation." + name) == "ok":
            assert isinstance(check(value), int | type(None))


@FAST
@given(value=ANYTHING, effect=st.one_of(st.sampled_from(["multiplier", "flat_bonus", "cooldown_reduction"]), TEXT))
def test_rewards_text_and_effect_checks(value: Any, effect: str) -> None:
    refused_cleanly(lambda: validation.event_name(value), "validation.event_name")
    refused_cleanly(lambda: validation.snowflake("channel", value), "validation.snowflake")
    refused_cleanly(lambda: triggers.admin_trigger(value), "validation.trigger")
    refused_cleanly(lambda: validation.text("reason", value, validation.REASON_LENGTH), "validation.text")
    refused_cleanly(lambda: validation.effect(effect, value), "validation.effect")


@FAST
@given(values=st.lists(st.one_of(TEXT, st.integers(), st.sampled_from(SPECIAL_STRINGS)), max_size=60))
def test_rewards_list_checks(values: list[Any]) -> None:
    refused_cleanly(lambda: check_keywords(values), "validation.keywords")
    refused_cleanly(lambda: validation.channels(values), "validation.channels")


@FAST
@given(text=st.one_of(st.none(), strings()), value=ANYTHING, when=st.datetimes(timezones=st.just(UTC)))
def test_engagement_checks(text: str | None, value: Any, when: datetime) -> None:
    refused_cleanly(lambda: common.lifespan(text), "engagement.lifespan")
    refused_cleanly(lambda: common.emoji(text), "engagement.emoji")
    refused_cleanly(lambda: drop_input.message_ref(text or ""), "engagement.message_ref")
    refused_cleanly(lambda: goal_input.deadline(text, when), "engagement.deadline")
    refused_cleanly(lambda: common.text("name", value, common.NAME_MAX), "engagement.text")
    refused_cleanly(lambda: common.integer("cost", value, perk_input.PERK_COST_RANGE), "engagement.integer")
    refused_cleanly(lambda: common.choice("kind", value, ("a", "b")), "engagement.choice")
    refused_cleanly(lambda: common.snowflake("role", value), "engagement.snowflake")


# -- admin operations and commands on a real database -------------------------------------------------------


class Live:
    """One SQLite database and the services, on a private event loop shared by every example."""

    def __init__(self, path: Path) -> None:
        self.runner = asyncio.Runner()
        self.path = path
        self.clock = ManualClock(NOW)
        self.store: Store = self.runner.run(Store.open(str(path), self.clock))
        self.services = build_services(self.store, self.clock)
        self.runner.run(self._link())
        self.data = self.store.scoped(SCOPE)
        self._watcher = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        self._last: tuple[int, dict[str, list[str]]] | None = None

    async def _link(self) -> None:
        await self.store.insert_brand({"brand_id": SCOPE.brand_id, "name": "Fuzz", "key_salt": "00", "key_hash": "x"})
        data = self.store.scoped(SCOPE)
        await data.server.link("Fuzz server")
        for hook in self.services.setup.on_connect:
            await hook(data)

    def snapshot(self) -> dict[str, list[str]]:
        """Every row but the wrong-key throttle's: recording a refused key is what the throttle is for.

        Read again only when some connection committed since the last read (SQLite's data_version says so
        exactly), so thousands of refused examples do not each re-read every table twice."""
        version = self._watcher.execute("PRAGMA data_version").fetchone()[0]
        if self._last is None or self._last[0] != version:
            rows = snapshot(self.path)
            rows.pop("loyalteez_connect_attempts", None)
            self._last = (version, rows)
        return self._last[1]

    def attempt(self, label: str, operation: Callable[[], Any]) -> str:
        """Run an operation; a refusal must leave every row as it was."""
        CASES[label] += 1
        before = self.snapshot()
        try:
            result = self.runner.run(operation())
        except (ValidationError, PermissionDenied, ScopeError) as exc:
            assert_sentence(getattr(exc, "message", None) or str(exc))
            changed = [t for t, rows in self.snapshot().items() if rows != before[t]]
            assert not changed, f"{label} was refused but changed {changed}"
            OUTCOMES["refused"] += 1
            return "refused"
        if (
            getattr(result, "message", None) is not None
            and not isinstance(result, Paid)
            and not getattr(result, "ok", False)
        ):  # a refused outcome, not an exception
            assert_sentence(result.message)
            assert self.snapshot() == before, f"{label} refused ({result.message}) but changed rows"
            OUTCOMES["refused"] += 1
            return "refused"
        OUTCOMES["ok"] += 1
        return "ok"

    def close(self) -> None:
        self.runner.run(self.services.close())
        self._watcher.close()
        self.runner.run(self.store.close())
        self.runner.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    made = Live(tmp_path_factory.mktemp("fuzz") / "fuzz.db")
    yield made
    made.close()


EVENT_OPTIONS = st.builds(
    admin_events.EventOptions,
    reward=st.one_of(st.none(), INTS),
    cooldown_hours=st.one_of(st.none(), INTS),
    max_claims_per_user=st.one_of(st.none(), INTS),
    max_total_claims=st.one_of(st.none(), INTS),
    max_per_day=st.one_of(st.none(), INTS),
    channels=st.one_of(st.none(), st.lists(IDS, max_size=60)),
    trigger=st.one_of(st.none(), st.sampled_from(["keyword", "min_length", "reaction_count", "none", "drop", "x"])),
    keywords=st.one_of(st.none(), st.lists(st.one_of(TEXT, st.sampled_from(SPECIAL_STRINGS)), max_size=25)),
    min_length=st.one_of(st.none(), INTS),
    min_reactions=st.one_of(st.none(), INTS),
    description=st.one_of(st.none(), strings(max_size=400)),
)
EVENT_NAMES = st.one_of(st.sampled_from(["gm_checkin", "welcome", "bonus_event", "quality_message", "x", ""]), TEXT)


@STORE
@given(name=EVENT_NAMES, options=EVENT_OPTIONS, edit=st.booleans())
def test_event_admin_with_junk_changes_nothing_when_refused(live: Live, name: str, options, edit: bool) -> None:
    if edit:
        live.attempt("admin.edit_event", lambda: admin_events.edit_event(live.data, "1", name, options))
    else:
        live.attempt("admin.create_event", lambda: admin_events.create_event(live.data, "1", name, options))
    live.attempt("admin.set_reward", lambda: admin_events.set_reward_amount(live.data, "1", name, options.reward))


@STORE
@given(
    role=IDS,
    effect=st.one_of(st.sampled_from(["multiplier", "flat_bonus", "cooldown_reduction"]), TEXT),
    value=ANYTHING,
    priority=INTS,
    member=IDS,
    reason=st.one_of(st.none(), strings(max_size=900)),
)
def test_server_admin_with_junk_changes_nothing_when_refused(
    live: Live, role: Any, effect: str, value: Any, priority: Any, member: Any, reason: Any
) -> None:
    live.attempt("admin.role_bonus", lambda: admin_server.set_role_bonus(live.data, "1", role, effect, value, priority))
    live.attempt("admin.exclude_channel", lambda: admin_server.exclude_channel(live.data, "1", role))
    live.attempt("admin.disable_member", lambda: admin_members.disable_member(live.data, "1", member, reason))


@STORE
@given(
    event=EVENT_NAMES,
    amount=st.one_of(st.none(), INTS),
    reason=st.one_of(st.none(), strings(max_size=900)),
    interaction=st.integers(1, 2**63 - 1),
    brand=st.one_of(TEXT, st.sampled_from([SCOPE.brand_id, ""])),
    key=strings(max_size=300),
)
def test_member_and_manual_rewards_with_junk(
    live: Live, event: str, amount: Any, reason: Any, interaction: int, brand: str, key: str
) -> None:
    member = Member("777000000000000001")
    rewards = live.services.rewards
    live.attempt(
        "rewards.manual",
        lambda: rewards.reward(SCOPE, ManualReward(str(interaction), "1", member, event, amount, reason)),
    )
    live.attempt("rewards.claim", lambda: rewards.claim(SCOPE, ClaimRequest(str(interaction + 1), member, event)))
    live.attempt(
        "setup.connect",
        lambda: live.services.setup.connect(
            server_id="555000000000000009",
            server_name=key[:100] or None,
            brand_id=brand,
            security_key=key,
            actor_id="1",
        ),
    )


def test_zz_report_the_volume() -> None:
    """Runs last in this module (name order): the counts of every case above."""
    total = sum(CASES.values())
    pure = sum(n for label, n in CASES.items() if label.startswith(("validation.", "engagement.")))
    REPORT["fuzz: service and validation layer"] = (
        f"{total:,} generated cases over {len(CASES)} functions ({pure:,} checks, {total - pure:,} operations on a "
        f"real database); {OUTCOMES['refused']:,} refused in one sentence with no row changed, "
        f"{OUTCOMES['ok']:,} accepted; 0 unexpected exceptions"
    )
    assert total >= 10_000 or not CASES, f"only {total} generated cases"

"""Points from other bots: MEE6, CSV and JSON files, bad rows by line, idempotency, all or nothing, audit."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from loyalteez.services.errors import ValidationError
from loyalteez.services.importers import ImportFileError, parse_import, run_import
from loyalteez.services.rewards import ClaimRequest, RewardsEngine, check_ledger
from loyalteez.services.rewards import admin_server as server
from loyalteez.services.rewards.outcomes import RefusalReason, Refused
from loyalteez.store import ScopedData, Store
from loyalteez.store.repos.ledger import LedgerRepository
from tests.services.rewards.helpers import ADMIN, ALICE, BOB, CAROL, TESTER, connected, member, snapshot, stats
from tests.store.raw import tables

MEE6 = json.dumps(
    {
        "page": 0,
        "xp_rate": 1.0,
        "players": [
            {"id": ALICE, "username": "alice", "xp": 1234, "level": 7, "message_count": 120, "avatar": "x"},
            {"id": BOB, "username": "bob", "xp": 5, "level": 0, "message_count": 3},
        ],
    },
    indent=2,
).encode()


@pytest.fixture
async def data(store: Store) -> ScopedData:
    return await connected(store)


@pytest.fixture
def engine(store: Store) -> RewardsEngine:
    return RewardsEngine(store, store.clock)


async def imported(data: ScopedData, event: str = "imported_balance") -> dict[str, int]:
    rows = await tables(data).select("loyalteez_reward_ledger", {"event_type": event})
    totals: dict[str, int] = {}
    for row in rows:
        totals[row["discord_user_id"]] = totals.get(row["discord_user_id"], 0) + int(row["amount"])
    return totals


# -- parsing ----------------------------------------------------------------------------------------------


def test_mee6_points_are_xp_times_the_rate_rounded_half_up() -> None:
    rows = parse_import(MEE6, "mee6", "lb.json").rows
    assert [(r.line, r.member_id, r.points, r.messages) for r in rows] == [(5, ALICE, 1234, 120), (13, BOB, 5, 3)]
    assert rows[0].extra == {"xp": 1234, "level": 7}, "xp and level are kept; usernames are not"
    halved = parse_import(MEE6, "mee6", "lb.json", rate="0.5").rows
    assert [r.points for r in halved] == [617, 3], "5 × 0.5 = 2.5 rounds half up to 3"
    assert parse_import(MEE6, "mee6", rate="0.1").rate == Decimal("0.1")
    pages = json.dumps([{"players": [{"id": ALICE, "xp": 10}]}, {"players": [{"id": BOB, "xp": 20}]}]).encode()
    assert [(r.member_id, r.points, r.messages) for r in parse_import(pages, "mee6").rows] == [
        (ALICE, 10, None),
        (BOB, 20, None),
    ]


@pytest.mark.parametrize("rate", ["0", "-1", "abc", "1001", "nan"])
def test_a_bad_rate_is_refused(rate: str) -> None:
    with pytest.raises(ValidationError, match="rate must be a number above 0 and at most 1,000"):
        parse_import(MEE6, "mee6", rate=rate)


def test_rate_is_for_mee6_only() -> None:
    with pytest.raises(ValidationError, match="mee6 only"):
        parse_import(b"1,2\n", "csv", rate="2")


def test_csv_with_or_without_a_header() -> None:
    plain = parse_import(f"{ALICE},50\n\n{BOB},7,30\n".encode(), "csv").rows
    assert [(r.line, r.member_id, r.points, r.messages) for r in plain] == [(1, ALICE, 50, None), (3, BOB, 7, 30)]
    headed = parse_import(f"\ufeffmessages,points,discord_user_id\n12,50,{ALICE}\n".encode(), "csv").rows
    assert [(r.member_id, r.points, r.messages) for r in headed] == [(ALICE, 50, 12)]


def test_json_list() -> None:
    text = json.dumps(
        [{"id": ALICE, "points": 5}, {"id": int(BOB), "points": 6, "messages": 2, "username": "b"}], indent=1
    ).encode()
    assert [(r.line, r.member_id, r.points, r.messages) for r in parse_import(text, "json").rows] == [
        (2, ALICE, 5, None),
        (6, BOB, 6, 2),
    ]


@pytest.mark.parametrize(
    ("fmt", "content", "problems"),
    [
        (
            "csv",
            f"discord_user_id,points\n{ALICE},10\nbob,5\n{BOB},-3\n{CAROL},1.5\n{ALICE},2\n{CAROL},4,4\n",
            [
                "line 3: discord_user_id must be a Discord id",
                "line 4: points must be a whole number from 0 to 1,000,000,000",
                "line 5: points must be a whole number",
                "line 6: member 800000000000000001 is already on line 2.",
                "line 7: expected 2 values like the header, got 3.",
            ],
        ),
        ("csv", f"{ALICE}\n", ["line 1: expected 2 or 3 values (discord_user_id,points[,messages]), got 1."]),
        ("csv", "user,score\n1,2\n", ["line 1: unknown column 'user'"]),
        ("csv", "", ["line 1: the file holds no members."]),
        (
            "json",
            '[\n{"id": "1", "points": 3},\n{"id": "2", "point": 3},\n 5,\n{"points": 1},\n'
            '{"id": "3", "points": 1, "messages": -1}\n]',
            [
                "line 3: unknown field(s) 'point'",
                "line 4: expected an object",
                "line 5: id is missing.",
                "line 6: messages must be a whole number from 0 to 100,000,000 (got -1).",
            ],
        ),
        ("json", '{"id": "1"}', ["line 1: expected a JSON list"]),
        ("json", '[{"id": "1", "points": 3},\n {"id": 2 "points": 3}]', ["line 2: not valid JSON: Expecting ','"]),
        (
            "mee6",
            '{"players": [\n{"id": "1", "xp": 3},\n{"id": "x", "xp": -4},\n{"xp": 5},\n{"id": "4"}\n]}',
            [
                "line 3: xp must be a whole number, 0 or more (got -4).",
                "line 3: discord_user_id must be a Discord id",
                "line 4: expected a player object",
                "line 5: xp is missing.",
            ],
        ),
        ("mee6", '[{"players": [{"id": "1", "xp": 3}]},\n {"members": []}]', ["line 2: expected MEE6's leaderboard"]),
        ("mee6", b"\xff\xfe", ["line 1: the file is not UTF-8 text."]),
    ],
)
def test_bad_rows_are_reported_by_line(fmt: str, content: str | bytes, problems: list[str]) -> None:
    raw = content if isinstance(content, bytes) else content.encode()
    with pytest.raises(ImportFileError) as bad:
        parse_import(raw, fmt, f"file.{fmt}")
    assert len(bad.value.problems) == len(problems), bad.value.problems
    for found, expected in zip(bad.value.problems, problems, strict=True):
        assert found.startswith(expected), (found, expected)


# -- applying ---------------------------------------------------------------------------------------------------


async def test_dry_run_writes_nothing(store: Store, data: ScopedData, engine: RewardsEngine) -> None:
    before = await snapshot(store)
    result = await run_import(engine, data, parse_import(MEE6, "mee6", "lb.json"), apply=False)
    assert await snapshot(store) == before
    plan = result.plan
    assert (plan.create_event, plan.new, plan.points, plan.messages) == (True, 2, 1239, 123)


async def test_apply_writes_ledger_stats_and_one_audit_row(
    store: Store, data: ScopedData, engine: RewardsEngine
) -> None:
    audit_before = len(await tables(data).select("discord_audit_log"))
    result = await run_import(engine, data, parse_import(MEE6, "mee6", "lb.json"), apply=True)
    assert result.applied and await imported(data) == {ALICE: 1234, BOB: 5}
    assert (await stats(data, ALICE))["messages_count"] == 120 and (await stats(data, ALICE))["ltz_earned"] == 1234
    row = (await tables(data).select("loyalteez_reward_ledger", {"discord_user_id": ALICE}))[0]
    assert row["is_test"] is False and row["idempotency_key"].startswith(f"import:imported_balance:{ALICE}:")
    assert row["details"]["xp"] == 1234 and row["details"]["messages_total"] == 120
    audits = await tables(data).select("discord_audit_log")
    assert len(audits) == audit_before + 1, "one audit row for the whole import, event creation included"
    audit = next(a for a in audits if a["id"] == result.audit_id)
    assert (audit["action"], audit["actor_type"]) == ("rewards.import", "system")
    assert audit["details"]["new"] == 2 and audit["details"]["ltz_added"] == 1239
    assert audit["details"]["event_created"] is True
    assert (await check_ledger(store)).ok, "ledger and stats agree after an import"


async def test_the_import_event_never_pays_by_itself(data: ScopedData, engine: RewardsEngine) -> None:
    await run_import(engine, data, parse_import(MEE6, "mee6"), apply=True)
    outcome = await engine.claim(data.scope, ClaimRequest("950000000000000001", member(CAROL), "imported_balance"))
    assert isinstance(outcome, Refused) and outcome.reason is RefusalReason.EVENT_DISABLED


async def test_the_same_file_twice_adds_nothing(store: Store, data: ScopedData, engine: RewardsEngine) -> None:
    parsed = parse_import(MEE6, "mee6", "lb.json")
    await run_import(engine, data, parsed, apply=True)
    before = await snapshot(store)
    again = await run_import(engine, data, parse_import(MEE6, "mee6", "lb.json"), apply=True)
    assert not again.applied and again.plan.unchanged == 2 and not again.plan.writes
    assert await snapshot(store) == before, "no ledger row, no stats, no audit row"


async def test_a_corrected_file_adds_only_the_corrections(data: ScopedData, engine: RewardsEngine) -> None:
    await run_import(engine, data, parse_import(f"{ALICE},100,10\n{BOB},50,5\n".encode(), "csv"), apply=True)
    fixed = parse_import(f"{ALICE},130,12\n{BOB},40,5\n{CAROL},7\n".encode(), "csv", "fixed.csv")
    result = await run_import(engine, data, fixed, apply=True)
    plan = result.plan
    assert (plan.new, plan.corrected, plan.points, plan.messages) == (1, 1, 37, 2)
    assert len(plan.kept) == 1 and "member 800000000000000002 already holds 50 imported points" in plan.kept[0]
    assert await imported(data) == {ALICE: 130, BOB: 50, CAROL: 7}, "Bob keeps his 50: nothing is taken back"
    assert (await stats(data, ALICE))["messages_count"] == 12
    again = await run_import(engine, data, parse_import(f"{ALICE},130,12\n".encode(), "csv"), apply=True)
    assert not again.plan.writes, "another file with the same totals adds nothing either"


async def test_all_or_nothing(
    store: Store, data: ScopedData, engine: RewardsEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = await snapshot(store)

    async def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(LedgerRepository, "write", broken)
    with pytest.raises(RuntimeError):
        await run_import(engine, data, parse_import(MEE6, "mee6"), apply=True)
    assert await snapshot(store) == before, "the event, the rows and the audit row all roll back"


async def test_imports_are_real_even_in_test_mode(data: ScopedData, engine: RewardsEngine) -> None:
    await server.enable_test_mode(data, ADMIN, TESTER)
    await run_import(engine, data, parse_import(f"{ALICE},40\n".encode(), "csv"), apply=True)
    rows = await tables(data).select("loyalteez_reward_ledger", {"discord_user_id": ALICE})
    assert [(r["amount"], r["is_test"]) for r in rows] == [(40, False)]
    assert (await stats(data, ALICE))["ltz_earned"] == 40


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ("gm_checkin", "is an event members earn"),
        ("Imported Points", "--as-event: event names are"),
    ],
)
async def test_the_import_event_must_be_one_of_its_own(
    data: ScopedData, engine: RewardsEngine, event: str, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        await run_import(engine, data, parse_import(MEE6, "mee6"), event, apply=False)


async def test_a_named_event_per_source(data: ScopedData, engine: RewardsEngine) -> None:
    await run_import(engine, data, parse_import(MEE6, "mee6"), "mee6_import", apply=True)
    await run_import(engine, data, parse_import(f"{ALICE},10\n".encode(), "csv"), "tatsu_import", apply=True)
    assert await imported(data, "mee6_import") == {ALICE: 1234, BOB: 5}
    assert await imported(data, "tatsu_import") == {ALICE: 10}
    assert (await stats(data, ALICE))["ltz_earned"] == 1244

"""Data exports on both engines: every row exactly once across pages, CSV and JSON alike, the size limit."""

from __future__ import annotations

import csv
import io
import json

import pytest

from loyalteez.services.config_io import tables
from loyalteez.services.errors import ValidationError
from loyalteez.services.rewards import RewardsEngine
from loyalteez.services.rewards import admin_server as server
from loyalteez.store import ScopedData, Store
from tests.services.rewards.helpers import (
    ADMIN,
    ALICE,
    BOB,
    BRAND,
    CAROL,
    OTHER_SERVER,
    TESTER,
    Messages,
    apply,
    connected,
)
from tests.store.raw import tables as raw_tables


@pytest.fixture
async def data(store: Store) -> ScopedData:
    """Ten payouts written in batches (rows sharing one timestamp), one of them a test payout; another
    server of the brand has rows of its own, which no export of this one may show."""
    data = await connected(store)
    engine = RewardsEngine(store, store.clock)
    say = Messages(store)
    neighbour = await connected(store, BRAND, OTHER_SERVER)
    await apply(engine, neighbour, say("gm", ALICE), say("gm", BOB))
    for _ in range(3):
        await apply(engine, data, say("gm", ALICE), say("gm", BOB), say("gm", CAROL))
        store.clock.advance(days=1)
    await server.enable_test_mode(data, ADMIN, TESTER)
    await apply(engine, data, say("gm", ALICE, roles=[TESTER]))
    await raw_tables(data).update("discord_user_stats", {"discord_user_id": BOB}, {"ltz_spent": 30})
    return data


async def export(data: ScopedData, kind: str, fmt: str | None = None) -> bytes:
    out = io.BytesIO()
    await tables.write_export(data, kind, fmt, data.clock.now(), out)
    return out.getvalue()


async def test_every_row_once_across_pages(data: ScopedData, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tables, "PAGE", 4)  # pages end between rows that share a timestamp
    rows = list(csv.DictReader(io.StringIO((await export(data, "rewards")).decode())))
    ledger = await raw_tables(data).select("loyalteez_reward_ledger")
    assert sorted(r["id"] for r in rows) == sorted(r["id"] for r in ledger) and len(rows) == 10
    keys = [(r["created_at"], r["id"]) for r in rows]
    assert keys == sorted(keys), "oldest first"
    assert [r["is_test"] for r in rows].count("true") == 1

    exported = json.loads(await export(data, "rewards", "json"))
    assert exported["count"] == 10 and [r["id"] for r in exported["rows"]] == [r["id"] for r in rows]
    assert all(isinstance(r["details"], dict) and isinstance(r["amount"], int) for r in exported["rows"])

    audit = json.loads(await export(data, "audit", "json"))
    assert audit["count"] == len(await raw_tables(data).select("discord_audit_log")) >= 2


async def test_member_stats_carry_the_balance(data: ScopedData) -> None:
    rows = {r["discord_user_id"]: r for r in csv.DictReader(io.StringIO((await export(data, "users")).decode()))}
    assert len(rows) == 3
    assert (rows[BOB]["ltz_earned"], rows[BOB]["ltz_spent"], rows[BOB]["balance"]) == ("75", "30", "45")
    assert rows[ALICE]["balance"] == "75", "the test payout is not in the balance"


async def test_the_size_limit(data: ScopedData) -> None:
    with pytest.raises(tables.ExportTooLarge, match="larger than 300 bytes, Discord's attachment limit"):
        await tables.build_export(data, "rewards", "csv", data.clock.now(), limit=300)
    made = await tables.build_export(data, "config", None, data.clock.now())
    assert made.fmt == "json" and made.filename.endswith(".json") and json.loads(made.content)["version"] == 1


@pytest.mark.parametrize(
    ("kind", "fmt", "message"),
    [
        ("ledger", None, "type must be one of rewards, audit, users, config."),
        ("users", "xml", "format must be one of csv, json."),
        ("config", "csv", "config backups are JSON only"),
    ],
)
def test_bad_choices(kind: str, fmt: str | None, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        tables.choose(kind, fmt)

"""Config sections `achievements` and `perks`: round trip, idempotent, dry run, paths, and deletion that keeps
what members earned and bought."""

from __future__ import annotations

from typing import Any

import pytest

from loyalteez.services.access.permissions import Caller
from loyalteez.services.achievements import Achievements
from loyalteez.services.config_io import ConfigDocument, ConfigFieldError, export_config, import_config
from loyalteez.services.perks import Perks
from loyalteez.services.perks.roles import RoleFacts
from loyalteez.services.rewards import Rewards
from loyalteez.store import ScopedData, Store
from tests.services.config_io.test_exchange import as_document, audit_rows
from tests.services.rewards.helpers import ADMIN, ALICE, SERVER, VIP, connected, snapshot
from tests.store.raw import tables

SECTIONS = ("achievements", "perks")
OWNER = Caller(ADMIN, SERVER, is_owner=True)


def services(store: Store) -> tuple[Achievements, Perks]:
    return Achievements(store, store.clock, Rewards(store, store.clock)), Perks(store, store.clock)


async def configured(store: Store) -> ScopedData:
    """Server 1001 with achievements (one off) and perks (one with a role, one sold out), set as admins would;
    Alice has completed Chatterbox and bought a Golden mug and the last Sticker."""
    data = await connected(store)
    achievements, perks = services(store)
    await tables(data).insert("discord_user_stats", {"discord_user_id": ALICE, "messages_count": 12, "ltz_earned": 500})
    await achievements.create(
        data.scope,
        OWNER,
        name="Chatterbox",
        description="Say 10 things",
        kind="message_count",
        threshold=10,
        reward=100,
    )
    await achievements.create(
        data.scope, OWNER, name="Night owl", description=None, kind="voice_hours", threshold=50, reward=0
    )
    await achievements.toggle(data.scope, OWNER, "Night owl")
    await perks.create(
        data.scope,
        OWNER,
        name="Golden mug",
        cost=100,
        category="Merch",
        quantity=7,
        role=RoleFacts(VIP, f"<@&{VIP}>"),
        description="A mug",
    )
    await perks.create(data.scope, OWNER, name="Shout-out", cost=30)
    await perks.create(data.scope, OWNER, name="Sticker", cost=5, quantity=1)
    await perks.buy(data.scope, ALICE, "Golden mug")
    await perks.buy(data.scope, ALICE, "Sticker")
    return data


def only(document: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {"version": 1, **{k: document[k] for k in keys}}


async def test_export_is_configuration_only(store: Store) -> None:
    exported = await export_config(await configured(store), store.clock.now())
    assert exported["achievements"] == [
        {
            "name": "Chatterbox",
            "type": "message_count",
            "threshold": 10,
            "reward_amount": 100,
            "description": "Say 10 things",
            "is_active": True,
        },
        {
            "name": "Night owl",
            "type": "voice_hours",
            "threshold": 50,
            "reward_amount": 0,
            "description": None,
            "is_active": False,
        },
    ]
    assert exported["perks"] == [
        {"name": "Golden mug", "category": "merch", "cost": 100, "quantity": 6, "role_id": VIP, "description": "A mug"},
        {
            "name": "Shout-out",
            "category": "general",
            "cost": 30,
            "quantity": None,
            "role_id": None,
            "description": None,
        },
        {"name": "Sticker", "category": "general", "cost": 5, "quantity": 0, "role_id": None, "description": None},
    ]


async def test_round_trip_into_a_fresh_server(store: Store) -> None:
    source = await configured(store)
    target = await connected(store, "brand_b", "2002")
    exported = only(await export_config(source, store.clock.now()), *SECTIONS)
    result = await import_config(target, as_document(exported), apply=True)
    assert result.applied and any(line.startswith("perks: + Sticker") for line in result.changes)
    again = only(await export_config(target, store.clock.now()), *SECTIONS)
    assert again == exported, "export -> import -> export gives the same achievements and perks"
    assert await tables(target).select("loyalteez_perk_purchases") == [], "purchases are never copied"
    assert await tables(target).select("discord_user_achievements") == [], "nor progress"
    actions = {a["action"] for a in result.actions}
    assert {"achievements.created", "achievements.toggled", "perks.created"} <= actions


async def test_reimporting_a_servers_own_export_changes_nothing(store: Store) -> None:
    data = await configured(store)
    document = as_document(only(await export_config(data, store.clock.now()), *SECTIONS))
    before = await snapshot(store)
    dry = await import_config(data, document, apply=False)
    applied = await import_config(data, document, apply=True)
    assert dry.changes == applied.changes == [] and applied.audit_id is None
    assert await snapshot(store) == before, "nothing written, not even an audit row"
    assert await audit_rows(data, "config.imported") == []


async def test_a_dry_run_lists_the_changes_and_writes_nothing(store: Store) -> None:
    source = await configured(store)
    target = await connected(store, "brand_b", "2002")
    document = as_document(only(await export_config(source, store.clock.now()), *SECTIONS))
    before = await snapshot(store)
    dry = await import_config(target, document, apply=False)
    assert await snapshot(store) == before, "a dry run writes nothing"
    for expected in (
        "achievements: + Chatterbox",
        "achievements: + Night owl",
        "perks: + Golden mug",
        "perks: + Shout-out",
        "perks: + Sticker",
    ):
        assert any(line.startswith(expected) for line in dry.changes), (expected, dry.changes)
    applied = await import_config(target, document, apply=True)
    assert applied.changes == dry.changes, "the dry run showed exactly what --apply does"
    assert len(await audit_rows(target, "config.imported")) == 1
    assert await audit_rows(target, "perks.created") == [], "the services' rows are folded into the import's"


async def test_an_item_changes_only_the_fields_it_gives(store: Store) -> None:
    data = await configured(store)
    result = await import_config(
        data,
        as_document(
            {
                "version": 1,
                "achievements": [
                    {"name": "chatterbox", "reward_amount": 50, "description": None},
                    {"name": "Night owl", "is_active": True},
                ],
                "perks": [
                    {"name": "Golden mug", "role_id": None, "quantity": None},
                    {"name": "Shout-out", "cost": 40},
                    {"name": "Sticker", "quantity": 3},
                ],
            }
        ),
        apply=True,
    )
    assert sorted(result.changes) == sorted(
        [
            'achievements: Chatterbox: reward_amount 100 → 50, description "Say 10 things" → null',
            "achievements: Night owl: is_active false → true",
            'perks: Golden mug: quantity 6 → null, role_id "900000000000000002" → null',
            "perks: Shout-out: cost 30 → 40",
            "perks: Sticker: quantity 0 → 3",
        ]
    )


async def test_a_sold_out_stock_is_set_without_a_buyer(store: Store) -> None:
    """/perk can't set a stock of 0: the import sets 1 through the service, then takes it as a sale would."""
    data = await configured(store)
    purchases = await tables(data).select("loyalteez_perk_purchases")
    result = await import_config(
        data,
        as_document(
            {
                "version": 1,
                "perks": [
                    {"name": "Golden mug", "quantity": 0},
                    {"name": "Shout-out", "quantity": 0},
                    {"name": "Sticker"},
                ],
            }
        ),
        apply=True,
    )
    assert sorted(result.changes) == ["perks: Golden mug: quantity 6 → 0", "perks: Shout-out: quantity null → 0"]
    assert await tables(data).select("loyalteez_perk_purchases") == purchases, "no purchase, no buyer"
    assert {p.name: p.quantity for p in await services(store)[1].catalog(data.scope)} == {
        "Golden mug": 0,
        "Shout-out": 0,
        "Sticker": 0,
    }


async def test_missing_achievements_are_turned_off_and_keep_what_members_earned(store: Store) -> None:
    data = await configured(store)
    earned = await tables(data).select("discord_user_achievements")
    assert len(earned) == 1 and earned[0]["completed_at"] is not None
    result = await import_config(data, as_document({"version": 1, "achievements": []}), apply=True)
    assert result.changes == ["achievements: Chatterbox: is_active true → false"], "Night owl was off already"
    assert len(await tables(data).select("discord_achievements")) == 2, "never deleted"
    assert await tables(data).select("discord_user_achievements") == earned, "progress and completions are kept"
    back = await import_config(
        data, as_document({"version": 1, "achievements": [{"name": "Chatterbox", "is_active": True}]}), apply=True
    )
    assert back.changes == ["achievements: Chatterbox: is_active false → true"]


async def test_missing_perks_are_retired_and_keep_their_purchases(store: Store) -> None:
    data = await configured(store)
    purchases = await tables(data).select("loyalteez_perk_purchases")
    result = await import_config(data, as_document({"version": 1, "perks": [{"name": "Shout-out"}]}), apply=True)
    assert sorted(result.changes) == ["perks: - Golden mug", "perks: - Sticker"]
    assert [a["action"] for a in result.actions] == ["perks.removed", "perks.removed"]
    assert await tables(data).select("loyalteez_perk_purchases") == purchases, "purchases are kept"
    rows = {r["name"]: r["is_active"] for r in await tables(data).select("loyalteez_perks")}
    assert rows == {"Golden mug": False, "Shout-out": True, "Sticker": False}, "retired, not deleted"
    again = await import_config(
        data,
        as_document({"version": 1, "perks": [{"name": "Shout-out"}, {"name": "Golden mug", "cost": 120}]}),
        apply=True,
    )
    assert again.changes == ['perks: + Golden mug {"category": "general", "cost": 120}'], "a new perk"


@pytest.mark.parametrize(
    ("document", "path", "message"),
    [
        ({"achievements": [{"name": "Chatterbox", "type": "voice_hours"}]}, "achievements[0].type", "can't change"),
        (
            {"achievements": [{"name": "Chatterbox"}, {"name": "CHATTERBOX"}]},
            "achievements[1].name",
            "already listed at achievements[0]",
        ),
        (
            {"achievements": [{"name": "Talker", "type": "message_count", "threshold": 5}]},
            "achievements[0].reward_amount",
            "must be from 0 to 10,000 LTZ (0: a badge).",
        ),
        (
            {"achievements": [{"name": "Night owl", "threshold": 0}]},
            "achievements[0].threshold",
            "must be from 1 to 1,000,000.",
        ),
        (
            {"achievements": [{"name": "Night owl", "is_active": "yes"}]},
            "achievements[0].is_active",
            "must be true or false.",
        ),
        ({"perks": [{"name": "Golden mug"}, {"name": "Poster"}]}, "perks[1].cost", "must be from 1 to 1,000,000 LTZ."),
        (
            {"perks": [{"name": "Golden mug", "quantity": -2}]},
            "perks[0].quantity",
            "must be from 1 to 1,000,000 (-1 for unlimited).",
        ),
        (
            {"perks": [{"name": "Golden mug", "role_id": "vip"}]},
            "perks[0].role_id",
            "must be a Discord id (digits only).",
        ),
        (
            {"perks": [{"name": "Shout-out"}, {"name": "x" * 51, "cost": 5}]},
            "perks[1].name",
            "must be 1 to 50 characters.",
        ),
    ],
)
async def test_a_refused_value_names_its_path_and_changes_nothing(
    store: Store, document: dict[str, Any], path: str, message: str
) -> None:
    data = await configured(store)
    before = await snapshot(store)
    with pytest.raises(ConfigFieldError) as refused:
        await import_config(data, ConfigDocument(1, document), apply=True)  # the schema skipped: the services
    assert refused.value.path == path and message in refused.value.message, str(refused.value)
    assert await snapshot(store) == before, "nothing is written when any value is refused"

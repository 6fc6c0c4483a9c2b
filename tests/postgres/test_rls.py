"""supabase/policies.sql, proven table by table on the local PostgreSQL standing in for Supabase.

One fresh database for this module (stub roles and auth.jwt(), schema.sql, policies.sql, bot_role.sql, two
brands with rows in every table); every test runs in its own transaction, rolled back at the end, acting
as Supabase does: `set local role authenticated` plus request.jwt.claims. Statements expected to fail run
in a savepoint. The matrix of tables x checks is printed at the end of the run.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest

from loyalteez.store.policies import AUDIT_TABLE, CONFIGS_TABLE, SCHEDULES_TABLE, relations
from tests.conftest import REPORT
from tests.postgres.helpers import (
    ADMIN_CHANNEL,
    ALL_TABLES,
    EMPTY,
    HISTORY_TABLES,
    PRIVATE_TABLES,
    SEEDED,
    SERVERS,
    TENANT_TABLES,
    UNLINKED,
    A,
    B,
    connect,
    insert_row,
    module_database,
    prepare_supabase_like,
    required_columns,
    server_row,
    tenant_rows,
)
from tests.store.sample_rows import uid

CHECKS = (
    "read",
    "servers",
    "insert",
    "update",
    "delete",
    "move",
    "anon",
    "member",
    "history",
    "admin",
    "catalog",
    "refs",
    "forge",
    "channel",
)
MATRIX: dict[str, dict[str, str]] = {t: {} for t in ALL_TABLES}
POLICY_LIST: dict[str, list[str]] = {}
DENIED = asyncpg.InsufficientPrivilegeError  # 42501: both "permission denied" and "violates row-level security"


@pytest.fixture(scope="module")
def rls_url() -> Iterator[str]:
    with module_database(prepare_supabase_like) as url:
        yield url
    _report()


def _report() -> None:
    done = [(t, c) for t in ALL_TABLES for c in CHECKS if MATRIX[t].get(c)]
    if not done:
        return
    width = max(len(t) for t in ALL_TABLES)
    lines = [f"{'':{width}}  " + " ".join(f"{c[:7]:>7}" for c in CHECKS) + "  policies (users+bot); - = failed/not run"]
    for table in ALL_TABLES:
        policies = POLICY_LIST.get(table, [])
        users = sum(1 for p in policies if p.endswith(":authenticated"))
        lines.append(
            f"{table:{width}}  "
            + " ".join(f"{MATRIX[table].get(c, '-'):>7}" for c in CHECKS)
            + f"  {users}+{len(policies) - users}"
        )
    proven = sum(1 for t, c in done if MATRIX[t][c] == "ok")
    denied = sum(1 for t, c in done if MATRIX[t][c] == "denied")
    na = sum(1 for t, c in done if MATRIX[t][c] == "n/a")
    REPORT["RLS matrix"] = (
        f"{len(ALL_TABLES)} tables x {len(CHECKS)} checks = {len(ALL_TABLES) * len(CHECKS)} cells: "
        f"{proven} ok, {denied} denied outright (no grant), {na} n/a, "
        f"{len(ALL_TABLES) * len(CHECKS) - len(done)} failed or not run\n" + "\n".join(lines)
    )


class Session:
    """One test's transaction on one connection; switches between the owner and Supabase-like sessions."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def owner(self) -> None:
        await self.conn.execute("RESET ROLE")
        await self.conn.execute("SELECT set_config('request.jwt.claims', '', true)")

    async def as_role(
        self, role: str, brand: str | None = A, servers: tuple[str, ...] | None = None, admin: bool = False
    ) -> None:
        metadata: dict[str, Any] = {}
        if brand is not None:
            metadata = {"brand_id": brand, "server_ids": list(SERVERS[brand] if servers is None else servers)}
        if admin:
            metadata["role"] = "admin"
        claims = {"sub": "00000000-0000-0000-0000-000000000001", "role": role, "app_metadata": metadata}
        await self.conn.execute(f"SET LOCAL ROLE {role}")
        await self.conn.execute("SELECT set_config('request.jwt.claims', $1, true)", json.dumps(claims))

    async def attempt(self, sql: str, *args: Any) -> tuple[str | None, asyncpg.PostgresError | None]:
        """Run a statement in a savepoint: (command status, None) or (None, the error), never aborting the test."""
        await self.conn.execute("SAVEPOINT attempt")
        try:
            status = await self.conn.execute(sql, *args)
        except asyncpg.PostgresError as exc:
            await self.conn.execute("ROLLBACK TO SAVEPOINT attempt")
            return None, exc
        await self.conn.execute("RELEASE SAVEPOINT attempt")
        return status, None

    async def count(self, table: str, where: str = "true") -> int:
        return await self.conn.fetchval(f"SELECT count(*) FROM {table} WHERE {where}")

    async def owner_count(self, table: str, where: str = "true") -> int:
        await self.owner()
        return await self.count(table, where)


@pytest.fixture
async def s(rls_url: str) -> AsyncIterator[Session]:
    conn = await connect(rls_url)
    tx = conn.transaction()
    await tx.start()
    try:
        yield Session(conn)
    finally:
        await tx.rollback()
        await conn.close()


def brand_rows(brand: str, servers: tuple[str, ...], table: str) -> str:
    listed = ", ".join(f"'{s}'" for s in servers)
    where = f"brand_id = '{brand}' AND (server_id IN ({listed})"
    return where + (" OR server_id IS NULL)" if table == "monitoring_rules" else ")")


async def fresh_row(s: Session, table: str, brand: str) -> dict[str, Any]:
    """A new row of `table` for `brand` on its empty server; its parents are inserted first (as the owner)."""
    if table == "discord_server_configs":
        return server_row(brand, UNLINKED[brand])
    await s.owner()
    rows = tenant_rows(brand, EMPTY[brand], 0, await required_columns(s.conn))
    for other, row in rows:
        if other == table:
            return row
        await insert_row(s.conn, other, row)
    raise AssertionError(f"no sample row for {table}")


def denied(error: BaseException | None, why: str = "") -> bool:
    return isinstance(error, DENIED) and why in str(error)


async def expect_no_access(s: Session, table: str) -> None:
    """Private tables: an authenticated session may not even try (no grant), whatever its claims."""
    _, error = await s.attempt(f"SELECT * FROM {table}")
    assert denied(error, "permission denied"), f"{table} is readable: {error}"


# -- the checks ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("table", ALL_TABLES)
async def test_a_brand_reads_only_its_own_rows(s: Session, table: str) -> None:
    if table in PRIVATE_TABLES:
        await s.as_role("authenticated", A, admin=True)
        await expect_no_access(s, table)
        MATRIX[table]["read"] = "denied"
        return
    expected = await s.owner_count(table, brand_rows(A, SERVERS[A], table))
    assert expected > 0 and await s.owner_count(table, f"brand_id = '{B}'") > 0, "seed both brands"
    await s.as_role("authenticated", A)
    rows = await s.conn.fetch(f"SELECT brand_id, server_id FROM {table}")
    assert len(rows) == expected, f"brand A sees {len(rows)} rows of {table}, owns {expected}"
    assert {r["brand_id"] for r in rows} == {A}
    MATRIX[table]["read"] = "ok"


@pytest.mark.parametrize("table", ALL_TABLES)
async def test_server_data_is_isolated_within_a_brand(s: Session, table: str) -> None:
    one = SEEDED[A][0]
    if table in PRIVATE_TABLES:
        await s.as_role("authenticated", A, servers=(one,), admin=True)
        await expect_no_access(s, table)
        MATRIX[table]["servers"] = "denied"
        return
    expected = await s.owner_count(table, brand_rows(A, (one,), table))
    await s.as_role("authenticated", A, servers=(one,))
    rows = await s.conn.fetch(f"SELECT server_id FROM {table}")
    assert expected > 0 and len(rows) == expected
    assert {r["server_id"] for r in rows} <= {one, None}, f"{table} leaks another server of the same brand"
    await s.as_role("authenticated", A, servers=())
    assert await s.count(table, "server_id IS NOT NULL") == 0, "no server claim, no server rows"
    MATRIX[table]["servers"] = "ok"


@pytest.mark.parametrize("table", ALL_TABLES)
async def test_a_brand_cannot_insert_rows_of_another_brand_or_server(s: Session, table: str) -> None:
    if table in PRIVATE_TABLES:
        await s.as_role("authenticated", A, admin=True)
        values = {
            "loyalteez_brands": "('x', 'x', 's', 'h')",
            "loyalteez_schema_version": "(99)",
            "loyalteez_connect_attempts": "('server', '1', 1, now(), NULL)",
            "loyalteez_api_tokens": "('t', 'x', 'l', 's', 'h', now(), NULL)",
            "loyalteez_leases": "('scheduler', 'x', now(), now())",
        }[table]
        _, error = await s.attempt(f"INSERT INTO {table} VALUES {values}")
        assert denied(error, "permission denied")
        MATRIX[table]["insert"] = "denied"
        return
    theirs = await fresh_row(s, table, B)
    await s.as_role("authenticated", A, admin=True)
    _, error = await s.attempt(*_insert_sql(table, theirs))
    assert denied(error, "row-level security"), f"brand A inserted a brand B row into {table}: {error}"
    onto_their_server = {**theirs, "brand_id": A}
    _, error = await s.attempt(*_insert_sql(table, onto_their_server))
    assert denied(error, "row-level security"), f"brand A inserted into brand B's server in {table}: {error}"
    await s.as_role("authenticated", B, admin=True)  # control: the same row is fine for its own brand
    status, error = await s.attempt(*_insert_sql(table, theirs))
    assert error is None and status == "INSERT 0 1", error
    MATRIX[table]["insert"] = "ok"


def _insert_sql(table: str, row: dict[str, Any]) -> tuple[Any, ...]:
    names = list(row)
    marks = ", ".join(f"${i}" for i in range(1, len(names) + 1))
    return (f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})", *row.values())


@pytest.mark.parametrize("table", ALL_TABLES)
async def test_a_brand_cannot_update_another_brands_rows(s: Session, table: str) -> None:
    await s.as_role("authenticated", A, admin=True)
    if table in PRIVATE_TABLES or table in HISTORY_TABLES:
        status, error = await s.attempt(f"UPDATE {table} SET {_noop(table)}")
        assert denied(error, "permission denied"), status
        MATRIX[table]["update"] = "denied"
        return
    before = await s.owner_count(table, f"brand_id = '{B}'")
    await s.as_role("authenticated", A, admin=True)
    status, error = await s.attempt(f"UPDATE {table} SET brand_id = '{A}' WHERE brand_id = '{B}'")
    assert (status, error) == ("UPDATE 0", None), "brand A must not even see brand B's rows to update"
    assert await s.owner_count(table, f"brand_id = '{B}'") == before > 0
    MATRIX[table]["update"] = "ok"


def _noop(table: str) -> str:
    noops = {
        "loyalteez_schema_version": "version = version",
        "loyalteez_connect_attempts": "failures = failures",
        "loyalteez_leases": "holder = holder",
    }
    return noops.get(table, "brand_id = brand_id")


@pytest.mark.parametrize("table", ALL_TABLES)
async def test_a_brand_cannot_delete_another_brands_rows(s: Session, table: str) -> None:
    await s.as_role("authenticated", A, admin=True)
    if table in PRIVATE_TABLES or table in HISTORY_TABLES:
        _, error = await s.attempt(f"DELETE FROM {table}")
        assert denied(error, "permission denied")
        MATRIX[table]["delete"] = "denied"
        return
    before = await s.owner_count(table, f"brand_id = '{B}'")
    await s.as_role("authenticated", A, admin=True)
    status, error = await s.attempt(f"DELETE FROM {table} WHERE brand_id = '{B}'")
    assert (status, error) == ("DELETE 0", None)
    assert await s.owner_count(table, f"brand_id = '{B}'") == before > 0
    MATRIX[table]["delete"] = "ok"


@pytest.mark.parametrize("table", ALL_TABLES)
async def test_an_update_cannot_move_a_row_to_another_brand_or_server(s: Session, table: str) -> None:
    if table in PRIVATE_TABLES or table in HISTORY_TABLES:
        MATRIX[table]["move"] = "denied"  # no UPDATE privilege at all (proven by the update check)
        return
    mine = f"brand_id = '{A}' AND server_id = '{SEEDED[A][0]}'"
    owned = await s.owner_count(table, mine)
    await s.as_role("authenticated", A, admin=True)
    status, error = await s.attempt(f"UPDATE {table} SET brand_id = brand_id WHERE {mine}")
    assert (status, error) == (f"UPDATE {owned}", None) and owned > 0, "control: the admin may update own rows"
    # To brand B, to B's server, and to a server of A's own that this session's claim does not list. With a
    # WHERE clause PostgreSQL also checks the new row against the SELECT policy; without one, only the
    # UPDATE policy's WITH CHECK stands in the way, so both forms are tried.
    for change in (f"brand_id = '{B}'", f"server_id = '{SEEDED[B][0]}'", f"server_id = '{EMPTY[A]}'"):
        for where in (f" WHERE {mine}", ""):
            await s.as_role("authenticated", A, servers=SEEDED[A], admin=True)
            _, error = await s.attempt(f"UPDATE {table} SET {change}{where}")
            assert denied(error, "row-level security"), f"{table}: {change}{where} was allowed ({error})"
    assert await s.owner_count(table, mine) == owned
    MATRIX[table]["move"] = "ok"


@pytest.mark.parametrize("table", ALL_TABLES)
async def test_an_anonymous_session_reads_nothing(s: Session, table: str) -> None:
    total = await s.owner_count(table)
    await s.as_role("anon", A, admin=True)  # claims do not matter for anon: it has no policy at all
    _, error = await s.attempt(f"SELECT * FROM {table}")
    assert denied(error, "permission denied"), "anon must have no grant"
    await s.owner()
    await s.conn.execute(f"GRANT SELECT ON {table} TO anon")  # a grant added by mistake later ...
    await s.as_role("anon", A, admin=True)
    assert await s.count(table) == 0 < total, "... still shows nothing: RLS has no policy for anon"
    MATRIX[table]["anon"] = "ok"


@pytest.mark.parametrize("table", ALL_TABLES)
async def test_a_non_admin_session_cannot_change_anything(s: Session, table: str) -> None:
    if table in PRIVATE_TABLES:
        await s.as_role("authenticated", A)
        await expect_no_access(s, table)
        MATRIX[table]["member"] = "denied"
        return
    row = await fresh_row(s, table, A)
    mine = brand_rows(A, SERVERS[A], table)
    owned = await s.owner_count(table, mine)
    await s.as_role("authenticated", A, admin=False)
    assert await s.count(table) == owned > 0, "the member can read its brand's rows ..."
    _, error = await s.attempt(*_insert_sql(table, row))
    assert denied(error, "row-level security"), f"... but a member inserted into {table}"
    status, error = await s.attempt(f"UPDATE {table} SET brand_id = brand_id")
    assert status == "UPDATE 0" or denied(error, "permission denied"), f"a member updated {table}"
    status, error = await s.attempt(f"DELETE FROM {table}")
    assert status == "DELETE 0" or denied(error, "permission denied"), f"a member deleted from {table}"
    assert await s.owner_count(table, mine) == owned
    MATRIX[table]["member"] = "ok"


@pytest.mark.parametrize("table", ALL_TABLES)
async def test_nobody_updates_or_deletes_history(s: Session, table: str) -> None:
    if table not in HISTORY_TABLES:
        MATRIX[table]["history"] = "n/a"
        return
    mine = f"brand_id = '{A}'"
    owned = await s.owner_count(table, mine)
    for role in ("authenticated", "loyalteez_bot"):
        await s.as_role(role, A, admin=True)
        for sql in (f"UPDATE {table} SET brand_id = brand_id", f"DELETE FROM {table}", f"TRUNCATE {table}"):
            _, error = await s.attempt(sql)
            assert denied(error, "permission denied"), f"{role}: {sql}"
    await s.owner()
    await s.conn.execute(f"GRANT UPDATE, DELETE ON {table} TO authenticated")  # even with a stray grant ...
    await s.as_role("authenticated", A, admin=True)
    assert await s.attempt(f"UPDATE {table} SET is_test = NOT is_test") == ("UPDATE 0", None)
    assert await s.attempt(f"DELETE FROM {table}") == ("DELETE 0", None), "... no policy lets a row change"
    assert await s.owner_count(table, mine) == owned > 0
    MATRIX[table]["history"] = "ok"


@pytest.mark.parametrize("table", ALL_TABLES)
async def test_an_admin_may_change_its_own_rows(s: Session, table: str) -> None:
    """The control for every refusal above: the same session succeeds where the policies allow it."""
    if table in PRIVATE_TABLES:
        MATRIX[table]["admin"] = "n/a"
        return
    row = await fresh_row(s, table, A)
    await s.as_role("authenticated", A, admin=True)
    status, error = await s.attempt(*_insert_sql(table, row))
    assert (status, error) == ("INSERT 0 1", None)
    if table not in HISTORY_TABLES:
        key = f"brand_id = '{A}' AND server_id = '{row['server_id']}'"
        assert await s.attempt(f"UPDATE {table} SET brand_id = brand_id WHERE {key}") == ("UPDATE 1", None)
        if table != "discord_server_configs":  # other rows of the new server would point at it
            assert await s.attempt(f"DELETE FROM {table} WHERE {key}") == ("DELETE 1", None)
    MATRIX[table]["admin"] = "ok"


@pytest.mark.parametrize("table", ALL_TABLES)
async def test_catalog_rls_enabled_forced_and_policies(s: Session, table: str) -> None:
    flags = await s.conn.fetchrow(
        "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = $1::regclass", table
    )
    assert flags["relrowsecurity"] and flags["relforcerowsecurity"], f"{table}: RLS not enabled and forced"
    policies = await s.conn.fetch(
        "SELECT policyname, roles::text[] AS roles, cmd, qual, with_check FROM pg_policies "
        "WHERE schemaname = current_schema() AND tablename = $1",
        table,
    )
    users = [p for p in policies if p["roles"] == ["authenticated"]]
    assert all(p["roles"] in (["authenticated"], ["loyalteez_bot"]) for p in policies), "no policy for anon/public"
    for p in policies:
        if p["cmd"] in ("UPDATE", "ALL"):
            assert p["qual"] and p["with_check"], f"{p['policyname']}: UPDATE needs USING and WITH CHECK"
    for p in users:
        text = (p["qual"] or "") + (p["with_check"] or "")
        assert "brand_id" in text and "server_id" in text and "auth.jwt()" in text, p["policyname"]
        if p["cmd"] != "SELECT":
            assert "'admin'" in text, f"{p['policyname']}: writes need the admin claim"
    commands = sorted(p["cmd"] for p in users)
    if table in PRIVATE_TABLES:
        assert commands == []
    elif table in HISTORY_TABLES:
        assert commands == ["INSERT", "SELECT"]
        assert not any(p["cmd"] in ("UPDATE", "DELETE", "ALL") for p in policies), "history is insert-only"
    else:
        assert commands == ["DELETE", "INSERT", "SELECT", "UPDATE"]
    for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE"):
        assert not await s.conn.fetchval("SELECT has_table_privilege('anon', $1, $2)", table, privilege)
    assert not await s.conn.fetchval("SELECT has_table_privilege('authenticated', $1, 'TRUNCATE')", table)
    POLICY_LIST[table] = sorted(f"{p['cmd'].lower()}:{p['roles'][0]}" for p in policies)
    MATRIX[table]["catalog"] = "ok"


@pytest.mark.parametrize("table", ALL_TABLES)
async def test_a_row_references_parents_of_its_own_brand_and_server_only(s: Session, table: str) -> None:
    """Every relation schema.sql declares: an admin of brand A cannot point a row at brand B's parent row
    (B's drop, perk, achievement, goal), nor write into a server linked to B even with a claim naming it."""
    links = [r for r in relations() if r.table == table]
    if not links:
        MATRIX[table]["refs"] = "n/a"
        return
    mine = await fresh_row(s, table, A)
    theirs_server = SEEDED[B][0]
    wide_claim = (*SERVERS[A], theirs_server)  # a stale or careless claim that lists B's server
    forged: list[tuple[str, Any]] = []
    for link in links:
        if link.parent == "discord_server_configs":
            forged.append((link.column, theirs_server))
            continue
        their_parent = await s.owner_count(link.parent, f"brand_id = '{B}'")
        assert their_parent > 0, f"seed brand B's {link.parent}"
        value = await s.conn.fetchval(f"SELECT {link.parent_column} FROM {link.parent} WHERE brand_id = $1 LIMIT 1", B)
        forged.append((link.column, value))
    for column, value in forged:
        await s.as_role("authenticated", A, servers=wide_claim, admin=True)
        _, error = await s.attempt(*_insert_sql(table, {**mine, column: value}))
        assert denied(error, "row-level security"), f"{table}.{column} -> brand B's row was accepted ({error})"
    await s.as_role("authenticated", A, servers=wide_claim, admin=True)
    assert await s.attempt(*_insert_sql(table, mine)) == ("INSERT 0 1", None), "control: its own parents are fine"
    if table not in HISTORY_TABLES:
        key = " AND ".join(f"{c} = ${i}" for i, c in enumerate(("brand_id", "server_id"), start=1))
        for column, value in forged:
            _, error = await s.attempt(
                f"UPDATE {table} SET {column} = $3 WHERE {key}", mine["brand_id"], mine["server_id"], value
            )
            assert denied(error, "row-level security"), f"{table}.{column} was re-pointed at brand B ({error})"
    MATRIX[table]["refs"] = "ok"


def test_every_relation_of_the_schema_is_checked() -> None:
    """The relations come from schema.sql itself: a new foreign key is covered (and tested) without a list."""
    found = {(r.table, r.column, r.parent) for r in relations() if r.parent != "discord_server_configs"}
    assert {
        ("discord_drop_claims", "drop_id", "discord_drops"),
        ("discord_user_achievements", "achievement_id", "discord_achievements"),
        ("loyalteez_goal_state", "goal_id", "discord_community_goals"),
        ("loyalteez_perk_purchases", "perk_id", "loyalteez_perks"),
    } <= found
    servers = {r.table for r in relations() if r.parent == "discord_server_configs"}
    assert servers == set(TENANT_TABLES) - {"discord_server_configs"}, "every tenant row names its server"


@pytest.mark.parametrize("table", ALL_TABLES)
async def test_audit_rows_from_the_api_carry_the_session_and_server_time(s: Session, table: str) -> None:
    """An admin session cannot write an audit row in someone else's name or in the past."""
    if table != AUDIT_TABLE:
        MATRIX[table]["forge"] = "n/a"
        return
    row = {
        **await fresh_row(s, table, A),
        "actor_type": "bot",
        "actor_id": "424242424242424242",
        "action": "forged",
        "created_at": datetime(2020, 1, 1, tzinfo=UTC),
    }
    await s.as_role("authenticated", A, admin=True)
    assert await s.attempt(*_insert_sql(table, row)) == ("INSERT 0 1", None)
    now = await s.conn.fetchval("SELECT statement_timestamp()")
    await s.owner()
    stored = await s.conn.fetchrow(f"SELECT actor_type, actor_id, created_at FROM {table} WHERE id = $1", row["id"])
    assert stored["actor_id"] == "api:00000000-0000-0000-0000-000000000001", stored
    assert stored["actor_type"] == "admin"
    assert abs(stored["created_at"] - now) < timedelta(minutes=1), "server time, not the row's"
    bot_row = {**row, "id": uid("bot-audit")}
    await s.as_role("loyalteez_bot", A)
    assert await s.attempt(*_insert_sql(table, bot_row)) == ("INSERT 0 1", None)
    await s.owner()
    kept = await s.conn.fetchrow(f"SELECT actor_id, created_at FROM {table} WHERE id = $1", bot_row["id"])
    assert kept["actor_id"] == "424242424242424242", "the bot's own rows keep the actor it names"
    MATRIX[table]["forge"] = "ok"


FOREIGN_CHANNEL = "900000000000000001"  # a channel of another guild: the bot never chose it for this server


@pytest.mark.parametrize("table", ALL_TABLES)
async def test_an_api_session_cannot_point_the_bot_at_another_channel(s: Session, table: str) -> None:
    """The channels the bot posts into are chosen in Discord, where the bot checks the guild."""
    mine = SEEDED[A][0]
    if table == CONFIGS_TABLE:
        await s.as_role("authenticated", A, admin=True)
        for value in (FOREIGN_CHANNEL, None):
            metadata = {"admin_channel_id": value, "test_mode": {"enabled": False}}
            status, error = await s.attempt(
                f"UPDATE {table} SET config_metadata = $1 WHERE server_id = $2", metadata, mine
            )
            if value is None:
                assert (status, error) == ("UPDATE 1", None), "clearing the admin channel is fine"
            else:
                assert denied(error, "chosen in Discord"), f"the admin channel moved to {value} ({error})"
        _, error = await s.attempt(
            *_insert_sql(
                table, {**server_row(A, UNLINKED[A]), "config_metadata": {"admin_channel_id": FOREIGN_CHANNEL}}
            )
        )
        assert denied(error, "chosen in Discord"), "a new link row cannot name a channel either"
    elif table == SCHEDULES_TABLE:
        await s.as_role("authenticated", A, admin=True)
        _, error = await s.attempt(f"UPDATE {table} SET channel_id = $1 WHERE server_id = $2", FOREIGN_CHANNEL, mine)
        assert denied(error, "chosen in Discord"), f"a report was pointed at another channel ({error})"
        status, error = await s.attempt(f"UPDATE {table} SET is_active = NOT is_active WHERE server_id = $1", mine)
        assert (status, error) == ("UPDATE 1", None), "other changes keep working"
        await s.owner()
        await s.conn.execute(f"DELETE FROM {table} WHERE server_id = $1", mine)
        await s.as_role("authenticated", A, admin=True)
        row = {"brand_id": A, "server_id": mine, "frequency": "weekly", "day_of_week": 0}
        _, error = await s.attempt(*_insert_sql(table, {**row, "channel_id": FOREIGN_CHANNEL}))
        assert denied(error, "chosen in Discord"), "a new schedule cannot name another channel"
        status, error = await s.attempt(*_insert_sql(table, {**row, "channel_id": ADMIN_CHANNEL}))
        assert (status, error) == ("INSERT 0 1", None), "the server's admin channel is fine"
    else:
        MATRIX[table]["channel"] = "n/a"
        return
    await s.owner()
    stored = "config_metadata ->> 'admin_channel_id'" if table == CONFIGS_TABLE else "channel_id"
    assert await s.count(table, f"{stored} = '{FOREIGN_CHANNEL}'") == 0, "no row names the foreign channel"
    MATRIX[table]["channel"] = "ok"

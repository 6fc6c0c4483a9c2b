"""Row-level security for PostgreSQL / Supabase, written once for the policies file and for upgrades.

supabase/policies.sql is rendered from here (`python -m loyalteez.store.policies --write`; a test fails
while the file is stale), and a schema upgrade on PostgreSQL runs the same statements for each table it
creates, so a new table is never open to `anon` or `authenticated` until someone re-runs the file.

Kinds of table, read from schema.sql:
  * private: no tenant columns (schema version, brands, the migrate progress table) - no grant, no policy;
  * history: append-only (store/_tables.py APPEND_ONLY_TABLES) - select and insert only;
  * tenant: every other table - select for the brand's sessions, insert/update/delete for its admins.
Every FOREIGN KEY of a tenant table is a relation: a row may reference a parent row only of its own
brand and server (the parent must exist with the same brand_id and server_id), so an admin of one brand
cannot point a claim, purchase or progress row at another brand's drop, perk or achievement.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import lru_cache

from loyalteez.store._tables import APPEND_ONLY_TABLES, SCOPE_COLUMNS
from loyalteez.store.database import Database, DatabaseError
from loyalteez.store.schema import SCHEMA_FILE, schema_sql

POLICIES_FILE = SCHEMA_FILE.parent / "supabase" / "policies.sql"
API_ROLES = ("anon", "authenticated")
AUDIT_TABLE = "discord_audit_log"
# A database "has the policies" when the first tenant table carries its select policy.
MARKER_TABLE, MARKER_POLICY = "discord_server_configs", "discord_server_configs_select"

_TABLE = re.compile(r"CREATE TABLE IF NOT EXISTS (\w+) \((.*?)\n\);", re.DOTALL)
_COLUMN = re.compile(r"^\s+(\w+)\s+[A-Z]", re.MULTILINE)
_INLINE_FK = re.compile(r"^\s+(\w+)\s+[^\n]*?REFERENCES (\w+) \((\w+)\)", re.MULTILINE)
_TABLE_FK = re.compile(r"FOREIGN KEY \((\w+)\) REFERENCES (\w+) \((\w+)\)")
_NOT_COLUMNS = frozenset({"PRIMARY", "UNIQUE", "CHECK", "FOREIGN", "CONSTRAINT"})

_BRAND = "brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')"
_SERVERS = "server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))"
_ADMIN = "((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'"


@dataclass(frozen=True)
class Relation:
    """`table.column` references `parent.parent_column`: both rows must belong to one brand and server."""

    table: str
    column: str
    parent: str
    parent_column: str

    def check(self) -> str:
        same = f"p.{self.parent_column} = {self.table}.{self.column} and p.brand_id = {self.table}.brand_id"
        if self.parent_column != "server_id":
            same += f" and p.server_id = {self.table}.server_id"
        return f"exists (select 1 from {self.parent} p where {same})"


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    relations: tuple[Relation, ...]

    @property
    def kind(self) -> str:
        if not all(c in self.columns for c in SCOPE_COLUMNS):
            return "private"
        return "history" if self.name in APPEND_ONLY_TABLES else "tenant"


@lru_cache(maxsize=1)
def schema_tables() -> dict[str, Table]:
    """Every table of schema.sql, in file order, with its columns and foreign keys."""
    found: dict[str, Table] = {}
    for name, body in _TABLE.findall(schema_sql()):
        columns = tuple(c for c in _COLUMN.findall(body) if c.upper() not in _NOT_COLUMNS)
        links = _INLINE_FK.findall(body) + _TABLE_FK.findall(body)
        found[name] = Table(name, columns, tuple(Relation(name, col, parent, pcol) for col, parent, pcol in links))
    return found


def relations() -> list[Relation]:
    """Every reference from one tenant table to another, as schema.sql declares it."""
    tables = schema_tables()
    return [
        r for t in tables.values() if t.kind != "private" for r in t.relations if tables[r.parent].kind != "private"
    ]


# -- rendering ---------------------------------------------------------------------------------------------


def _all(*parts: str) -> str:
    return "\n        and ".join(parts)


def _policy(table: str, command: str, *, using: str | None = None, check: str | None = None) -> str:
    sql = f"create policy {table}_{command} on {table} for {command} to authenticated"
    if using is not None:
        sql += f"\n    using (\n        {using}\n    )"
    if check is not None:
        sql += f"\n    with check (\n        {check}\n    )"
    return sql + ";"


def privileges(table: Table) -> list[str]:
    """Take back Supabase's default grants, then give `authenticated` what some policy can use."""
    lines = [f"revoke all on table {table.name} from {', '.join(API_ROLES)};"]
    if table.kind == "tenant":
        lines.append(f"grant select, insert, update, delete on table {table.name} to authenticated;")
    elif table.kind == "history":
        lines.append(f"grant select, insert on table {table.name} to authenticated;  -- history: no update, no delete")
    return lines


def row_security(name: str) -> list[str]:
    return [f"alter table {name} enable row level security;", f"alter table {name} force row level security;"]


def policies(table: Table) -> list[str]:
    """The table's policies, dropped first so the statements can run again after an upgrade."""
    name = table.name
    if table.kind == "private":
        return []
    commands = ("select", "insert", "update", "delete")
    out = [f"-- {name} ({table.kind})"]
    out += [f"drop policy if exists {name}_{command} on {name};" for command in commands]
    servers = f"(server_id is null or {_SERVERS})" if name == "monitoring_rules" else _SERVERS
    links = [r.check() for r in table.relations]
    writer = _all(_ADMIN, _BRAND, _SERVERS)
    new_row = _all(_ADMIN, _BRAND, _SERVERS, *links)
    out.append(_policy(name, "select", using=_all(_BRAND, servers)))
    out.append(_policy(name, "insert", check=new_row))
    if table.kind == "tenant":
        out.append(_policy(name, "update", using=writer, check=new_row))
        out.append(_policy(name, "delete", using=writer))
    if name == AUDIT_TABLE:
        out += _AUDIT_IDENTITY
    if name in CHANNEL_GUARDS:
        out += _channel_guard(name)
    return out


# Channels the bot posts into on a server's behalf. Only the bot validates that a channel belongs to the
# server's guild (/config admin-channel, /report schedule), so an API session may keep or clear these
# columns but never point them at a channel the bot has not chosen for that server: the admin channel
# may not change to another channel, and a report schedule may name only the stored one or the server's
# (bot-validated) admin channel. A trigger, because a check must compare with the row as it was.
CONFIGS_TABLE, SCHEDULES_TABLE = "discord_server_configs", "discord_report_schedules"
CHANNEL_GUARDS = {
    CONFIGS_TABLE: (
        "    if (new.config_metadata ->> 'admin_channel_id') is not null\n"
        "       and (tg_op = 'INSERT'\n"
        "            or (new.config_metadata ->> 'admin_channel_id')\n"
        "               is distinct from (old.config_metadata ->> 'admin_channel_id')) then\n"
        "        raise exception 'the admin channel can only be chosen in Discord (/config admin-channel)'\n"
        "            using errcode = '42501';\n"
        "    end if;"
    ),
    SCHEDULES_TABLE: (
        "    -- A server this session cannot see is refused by the policies; only its own server is judged here.\n"
        "    if (tg_op = 'INSERT' or new.channel_id is distinct from old.channel_id)\n"
        "       and exists (select 1 from discord_server_configs c\n"
        "                   where c.server_id = new.server_id and c.brand_id = new.brand_id)\n"
        "       and new.channel_id is distinct from (\n"
        "           select c.config_metadata ->> 'admin_channel_id' from discord_server_configs c\n"
        "           where c.server_id = new.server_id and c.brand_id = new.brand_id) then\n"
        "        raise exception 'a report can only be posted in a channel chosen in Discord (/report schedule)'\n"
        "            using errcode = '42501';\n"
        "    end if;"
    ),
}


def _channel_guard(table: str) -> list[str]:
    function = f"loyalteez_{table}_api_channels"
    return [
        f"create or replace function {function}() returns trigger\n"
        "    language plpgsql\n"
        "    as $fn$\n"
        "begin\n"
        "    if current_user not in ('anon', 'authenticated') then\n"
        "        return new;\n"
        "    end if;\n"
        f"{CHANNEL_GUARDS[table]}\n"
        "    return new;\n"
        "end\n"
        "$fn$;",
        f"drop trigger if exists {table}_api_channels on {table};",
        f"create trigger {table}_api_channels before insert or update on {table}\n"
        f"    for each row execute function {function}();",
    ]


# Audit rows written through the API cannot claim another actor or another time: whatever the row says,
# it is stored as the session's own identity ('api:' + the JWT subject) at the server's time.
_AUDIT_IDENTITY = [
    "create or replace function loyalteez_audit_from_api() returns trigger\n"
    "    language plpgsql\n"
    "    as $fn$\n"
    "    begin\n"
    "        if current_user in ('anon', 'authenticated') then\n"
    "            new.actor_type := 'admin';\n"
    "            new.actor_id := 'api:' || coalesce((select auth.jwt()) ->> 'sub', 'unknown');\n"
    "            new.created_at := statement_timestamp();\n"
    "        end if;\n"
    "        return new;\n"
    "    end\n"
    "    $fn$;",
    f"drop trigger if exists {AUDIT_TABLE}_api_identity on {AUDIT_TABLE};",
    f"create trigger {AUDIT_TABLE}_api_identity before insert on {AUDIT_TABLE}\n"
    "    for each row execute function loyalteez_audit_from_api();",
]


def table_sql(table: Table) -> str:
    """Everything one table needs: privileges, forced row-level security, its policies."""
    return "\n".join([*privileges(table), *row_security(table.name), *policies(table)]) + "\n"


_HEADER = """\
-- Loyalteez community bot: row-level security for PostgreSQL / Supabase (dialect file: PostgreSQL only).
-- GENERATED from loyalteez/store/policies.py: edit that, then `python -m loyalteez.store.policies --write`.
--
-- Run after schema.sql, in the Supabase SQL editor or with
--   psql "$OWNER_URL" -v ON_ERROR_STOP=1 -f supabase/policies.sql
-- It is idempotent. Schema upgrades run by the bot secure every table they create the same way (forced
-- RLS, and these policies once this file has been run), and the bot refuses to start while a table of a
-- database that has these policies lacks forced RLS. tests/postgres proves it table by table.
--
-- Who is held by it: sessions of the Supabase roles `anon` and `authenticated` (dashboards, the Supabase
-- API, a Partner Portal). The bot itself connects as `loyalteez_bot` (supabase/bot_role.sql), which
-- bypasses RLS and relies on the store's own scoping; `service_role` bypasses RLS on Supabase anyway.
--
-- The seed's three promises, and the JWT claims they read. Tenant claims live in `app_metadata`, which
-- only the server (service role) can set; never `user_metadata`, which the user can edit:
--   app_metadata.brand_id    text   the one brand this session acts for
--   app_metadata.server_ids  array  the Discord servers (of that brand) this session may see
--   app_metadata.role        text   'admin' for sessions allowed to change anything
--
--   1. Brands see only their own data: every policy requires brand_id = the brand_id claim.
--      Tables without tenant columns (loyalteez_schema_version, loyalteez_brands) have no policy and no
--      grant: anon and authenticated can never read them.
--   2. Server data is isolated: every policy also requires server_id in the server_ids claim (brand-wide
--      monitoring_rules, server_id NULL, are readable by the brand's sessions, never writable here).
--   3. Admin actions are authenticated: every write needs app_metadata.role = 'admin' as well.
--      Non-admin authenticated sessions are read-only. `anon` gets no grant and no policy anywhere.
--
-- References stay inside the tenant: a new or changed row must name its server as linked to its own brand,
-- and every other parent row it references (a claim's drop, a purchase's perk, a member's achievement, a
-- goal's state) must be of the same brand and server.
-- The audit log and the rewards ledger are insert-only for everyone: they have no UPDATE or DELETE policy
-- and authenticated is not even granted those privileges, so not even an admin can rewrite history.
-- Audit rows inserted through the API are stamped by a trigger with the session's own identity
-- (actor 'api:<JWT sub>') and the server's time, whatever the row said.
-- Channels the bot posts into (config_metadata.admin_channel_id, discord_report_schedules.channel_id) are
-- chosen in Discord, where the bot checks they belong to the server's guild: through the API they can be
-- kept or cleared, a report can be pointed at the server's admin channel, nothing else (a trigger).
-- Every UPDATE policy has USING (which rows may be touched) and WITH CHECK (what they may become), so a
-- row can never be moved to another brand or to a server outside the claim.
-- Claims are read as `(select auth.jwt())` so PostgreSQL evaluates them once per statement, not per row.
"""


def render() -> str:
    """The whole of supabase/policies.sql."""
    tables = list(schema_tables().values())
    parts = [_HEADER, "begin;", ""]
    for table in tables:
        parts.append(f"-- {table.name} " + "-" * max(3, 100 - len(table.name) - 4))
        parts.append(table_sql(table))
    parts.append("commit;")
    return "\n".join(parts) + "\n"


# -- applying them on a live database ------------------------------------------------------------------------


async def installed(db: Database) -> bool:
    """Whether supabase/policies.sql has been run on this database (then every table must obey it)."""
    found = await db.fetch_value(
        "SELECT count(*) FROM pg_policies WHERE schemaname = current_schema() AND tablename = ? AND policyname = ?",
        [MARKER_TABLE, MARKER_POLICY],
    )
    return bool(found)


async def _api_roles_exist(db: Database) -> bool:
    found = await db.fetch_value("SELECT count(*) FROM pg_roles WHERE rolname IN (?, ?)", list(API_ROLES))
    return int(found) == len(API_ROLES)


async def secure_new_table(db: Database, name: str, *, with_policies: bool) -> None:
    """A table an upgrade just created: RLS on at once; forced, with grants and policies, when installed.

    Without installed policies RLS is only enabled (not forced): the owner keeps working, every other role
    sees nothing. The migrate progress table and other tables unknown to schema.sql count as private.
    """
    table = schema_tables().get(name) or Table(name, (), ())
    if not with_policies:
        statements = [f"alter table {name} enable row level security;"]
        if await _api_roles_exist(db):
            statements.append(f"revoke all on table {name} from {', '.join(API_ROLES)};")
        await db.executescript("\n".join(statements))
        return
    await db.executescript(table_sql(table))


async def unprotected_tables(db: Database) -> list[str]:
    """Tables of a database with installed policies whose row-level security is off or not forced."""
    if not await installed(db):
        return []
    rows = await db.fetch_all(
        "SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') "
        "AND NOT (c.relrowsecurity AND c.relforcerowsecurity) ORDER BY c.relname"
    )
    return [r["name"] for r in rows]


class UnprotectedTables(DatabaseError):
    """A database that has the Supabase policies holds a table without forced row-level security."""


async def refuse_unprotected(db: Database) -> None:
    names = await unprotected_tables(db)
    if names:
        raise UnprotectedTables(
            f"table {', '.join(names)} has no forced row-level security although this database has the "
            "Supabase policies installed, so the API could read it: run supabase/policies.sql again as the "
            "database owner, then start the bot"
        )


def main(argv: list[str]) -> int:
    if argv == ["--write"]:
        POLICIES_FILE.write_text(render(), encoding="utf-8")
        return 0
    sys.stdout.write(render())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""The small things an operator meets at the shell: brand names, the audit of brand changes, CSV cells,
a repeated replay, the --help settings, the README's settings and example rules file."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from loyalteez.clock import SystemClock
from loyalteez.replay.synthetic import write_exports
from loyalteez.services.access import brands
from loyalteez.services.container import build_services
from loyalteez.services.rewards.admin_events import EventOptions, create_event
from loyalteez.store import Store
from tests.conftest import PG_DSN, PROJECT_ROOT, pg_skip_unless_up, pg_url
from tests.test_cli import run

SERVER = "123456789012345678"
OWNER = "223456789012345678"


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(PG_DSN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """(where, the environment naming it) on either engine: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        path = str(tmp_path / "bot.db")
        yield path, {"LOYALTEEZ_DB": path}
        return
    asyncio.run(pg_skip_unless_up())
    name = f"lt_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(f'CREATE SCHEMA "{name}"'))
    try:
        url = pg_url(search_path=name)
        yield url, {"LOYALTEEZ_DATABASE_URL": url}
    finally:
        asyncio.run(_admin(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))


def connected_server(db: Path | str, *, custom_event: str | None = None) -> str:
    """A database with one brand linked to SERVER, as `brand create` and /setup connect leave it."""

    async def make() -> str:
        clock = SystemClock()
        store = await Store.open(str(db), clock)
        try:
            services = build_services(store, clock)
            brand = await brands.create_brand(store, "Acme Coffee")
            result = await services.setup.connect(
                server_id=SERVER,
                server_name="Acme HQ",
                brand_id=brand.brand_id,
                security_key=brand.security_key,
                actor_id=OWNER,
            )
            assert result.ok and result.scope is not None, result.message
            if custom_event:
                await create_event(store.scoped(result.scope), OWNER, custom_event, EventOptions(reward=5))
            await services.close()
            return brand.brand_id
        finally:
            await store.close()

    return asyncio.run(make())


# -- brands ---------------------------------------------------------------------------------------------------


def test_brand_names_match_whatever_the_case_and_near_duplicates_are_refused(
    database: tuple[str, dict[str, str]],
) -> None:
    env = database[1]
    assert run("brand", "create", "My Community", env=env).returncode == 0
    for near in ("my community", "MY-COMMUNITY", "My  Community."):
        refused = run("brand", "create", near, env=env)
        assert refused.returncode == 2, near
        assert refused.stderr.strip() == (
            f"Error: name: a brand named 'My Community' already exists, too close to {near!r}: "
            "pick a more distinct name"
        )
    rotated = run("brand", "rotate-key", "MY COMMUNITY", env=env)
    assert rotated.returncode == 0 and rotated.stdout.startswith("New key for brand My Community")
    budget = run("brand", "budget", "my community", "500", env=env)
    assert budget.stdout.splitlines()[0].endswith("500 LTZ")
    assert run("brand", "list", env=env).stdout.count("My Community") == 1


def test_brand_budget_and_rotate_key_are_in_the_servers_audit_log(database: tuple[str, dict[str, str]]) -> None:
    db, env = database
    brand_id = connected_server(db)
    assert run("brand", "budget", "acme coffee", "25000", env=env).returncode == 0
    assert run("brand", "rotate-key", brand_id, env=env).returncode == 0
    audit = run("export", "audit", "--server", SERVER, "--format", "json", env=env)
    assert audit.returncode == 0, audit.stderr
    rows = [r for r in json.loads(audit.stdout)["rows"] if r["actor_id"] == "operator"]
    assert [(r["actor_type"], r["action"]) for r in sorted(rows, key=lambda r: r["created_at"])] == [
        ("system", "brand_budget_set"),
        ("system", "brand_key_rotated"),
    ]
    budget = next(r for r in rows if r["action"] == "brand_budget_set")
    assert budget["before_state"] == {"ltz_budget": None} and budget["after_state"] == {"ltz_budget": 25000}
    assert "key" not in str(next(r for r in rows if r["action"] == "brand_key_rotated")["after_state"])


# -- CSV import -----------------------------------------------------------------------------------------------


def test_an_empty_messages_cell_means_no_count(database: tuple[str, dict[str, str]], tmp_path: Path) -> None:
    db, env = database
    connected_server(db)
    csv = tmp_path / "points.csv"
    csv.write_text("discord_user_id,points,messages\n111111111111111111,50,\n222222222222222222,20,7\n")
    result = run("import", str(csv), "--server", SERVER, "--format", "csv", env=env)
    assert result.returncode == 0, result.stderr
    assert "got ''" not in result.stdout + result.stderr
    assert "(CSV, 2 member(s)" in result.stdout.splitlines()[0]
    assert "  messages to add:   7" in result.stdout.splitlines()  # the member with an empty cell adds none


# -- replay ---------------------------------------------------------------------------------------------------


def test_a_second_identical_replay_says_nothing_new_was_written(tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    exports.mkdir()
    write_exports(exports, messages=150, seed=3, channels=1, members=8, bots=0, days=3)
    db = tmp_path / "replay.db"
    first = run("replay", str(exports), "--db", str(db), "--quiet")
    assert first.returncode == 0, first.stderr
    assert "Nothing new was written" not in first.stdout
    second = run("replay", str(exports), "--db", str(db), "--quiet")
    assert second.returncode == 0, second.stderr
    assert second.stdout.splitlines()[1] == (
        f"Nothing new was written: {db} already held all of this history (replaying the same export again "
        "changes nothing). The totals below are what it holds."
    )


# -- --help and README ----------------------------------------------------------------------------------------


def test_help_lists_every_setting_the_bot_reads() -> None:
    read = set(re.findall(r'merged\.get\("([A-Z_]+)"', (PROJECT_ROOT / "loyalteez" / "settings.py").read_text()))
    assert {"LOYALTEEZ_CATCHUP_HOURS", "LOYALTEEZ_BACKUP_KEEP", "LOYALTEEZ_BACKUP_DIR"} <= read
    test_only = {"LOYALTEEZ_EMULATOR_TIMINGS", "LOYALTEEZ_DISCORD_API"}
    help_text = " ".join(run("--help").stdout.split())
    missing = sorted(name for name in read - test_only if name not in help_text)
    assert not missing, f"--help does not mention {missing}"


def test_readme_settings_say_make_run_without_a_token_plays_the_demo() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text()
    row = next(line for line in readme.splitlines() if line.startswith("| `DISCORD_TOKEN` |"))
    assert "plays the offline demo" in row and "`make run` explains and exits 2" not in row
    rows = {line.split("|")[1].strip(" `") for line in readme.splitlines() if line.startswith("| `")}
    read = set(re.findall(r'merged\.get\("([A-Z_]+)"', (PROJECT_ROOT / "loyalteez" / "settings.py").read_text()))
    missing = sorted(read - {"LOYALTEEZ_EMULATOR_TIMINGS", "LOYALTEEZ_DISCORD_API"} - rows)
    assert not missing, f"the README's Settings table lacks {missing}"


@pytest.mark.parametrize("apply", [False, True])
def test_the_example_rules_file_says_first_what_it_would_remove(
    database: tuple[str, dict[str, str]], apply: bool
) -> None:
    db, env = database
    brand_id = connected_server(db, custom_event="coffee_hour")
    example = PROJECT_ROOT / "docs" / "examples" / "rules.json"
    args = ["import-config", str(example), "--server", SERVER] + (["--apply"] if apply else [])
    result = run(*args, env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    where = f"rules.json -> server {SERVER} (brand {brand_id}): each section in the file "
    if apply:
        assert (
            lines[0] == where + "replaced the server's, so 1 entry the file does not list was removed (the '-' lines):"
        )
    else:
        assert lines[0] == (
            where + "replaces the server's, so 1 entry the file does not list would be removed (the '-' lines); "
            "add them to the file to keep them:"
        )
    assert "  events: - coffee_hour" in lines

"""Tables created by an upgrade are never open to `anon`, and the bot will not serve a database where one is."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from loyalteez.clock import ManualClock
from loyalteez.store import Store
from tests.conftest import PROJECT_ROOT
from tests.postgres.helpers import connect, module_database, prepare_supabase_like
from tests.postgres.upgrade_helpers import fill_every_table, old_database_with_policies, what_anon_reaches


@pytest.fixture
def v3_url() -> Iterator[str]:
    async def prepare(url: str) -> None:
        await old_database_with_policies(url, 3)

    with module_database(prepare) as url:
        yield url


async def test_the_bot_upgrading_a_policed_v3_database_leaves_anon_nothing(v3_url: str) -> None:
    await (await Store.open(v3_url, ManualClock())).close()  # what starting the new bot does
    conn = await connect(v3_url)
    try:
        await fill_every_table(conn)
    finally:
        await conn.close()
    assert await what_anon_reaches(v3_url) == {}


@pytest.fixture
def policed_url() -> Iterator[str]:
    with module_database(prepare_supabase_like) as url:
        yield url


def test_the_bot_refuses_to_start_on_a_table_without_rls(policed_url: str) -> None:
    async def add_open_table() -> None:
        conn = await connect(policed_url)
        try:
            await conn.execute("CREATE TABLE loyalteez_added_by_hand (id TEXT PRIMARY KEY)")
        finally:
            await conn.close()

    asyncio.run(add_open_table())
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN" and not k.startswith("LOYALTEEZ_")}
    env.update(
        DISCORD_TOKEN="not-a-real-token",
        LOYALTEEZ_DATABASE_URL=policed_url,
        LOYALTEEZ_DISCORD_API="http://127.0.0.1:9/api/v10",  # never reached: the check comes first
    )
    done = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "bot.py"), "run"],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert "loyalteez_added_by_hand has no forced row-level security" in done.stderr
    assert "run supabase/policies.sql again" in done.stderr
    assert done.stderr.strip().count("\n") == 0, f"one sentence, not a traceback: {done.stderr}"

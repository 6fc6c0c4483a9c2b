"""An admin session cannot write audit rows in another actor's name or backdate them through the API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from tests.postgres.helpers import SERVERS, A, connect, module_database, prepare_supabase_like
from tests.store.sample_rows import uid

SUB = "00000000-0000-0000-0000-0000000000aa"


@pytest.fixture
def url() -> Iterator[str]:
    with module_database(prepare_supabase_like) as made:
        yield made


async def test_an_api_audit_row_names_the_session_at_server_time(url: str) -> None:
    conn = await connect(url)
    row_id = uid("forged-audit")
    try:
        async with conn.transaction():
            claims = {"sub": SUB, "role": "authenticated"}
            claims["app_metadata"] = {"brand_id": A, "server_ids": list(SERVERS[A]), "role": "admin"}
            await conn.execute("SET LOCAL ROLE authenticated")
            await conn.execute("SELECT set_config('request.jwt.claims', $1, true)", json.dumps(claims))
            await conn.execute(
                "INSERT INTO discord_audit_log (id, server_id, brand_id, actor_type, actor_id, action, created_at) "
                "VALUES ($1, $2, $3, 'bot', '999999999999999999', 'ltz_adjusted', $4)",
                row_id,
                SERVERS[A][0],
                A,
                datetime(2020, 1, 1, tzinfo=UTC),
            )
        stored = await conn.fetchrow(
            "SELECT actor_type, actor_id, created_at FROM discord_audit_log WHERE id = $1", row_id
        )
        now = await conn.fetchval("SELECT now()")
    finally:
        await conn.close()
    assert (stored["actor_type"], stored["actor_id"]) == ("admin", f"api:{SUB}")
    assert now - stored["created_at"] < timedelta(minutes=1)

"""An admin session of one brand cannot point its rows at another brand's rows through the Supabase API."""

from __future__ import annotations

import json
from collections.abc import Iterator

import asyncpg
import pytest

from tests.postgres.helpers import EMPTY, SERVERS, A, B, connect, module_database, prepare_supabase_like
from tests.store.sample_rows import uid


@pytest.fixture
def url() -> Iterator[str]:
    with module_database(prepare_supabase_like) as made:
        yield made


async def test_brand_a_cannot_claim_brand_b_drop(url: str) -> None:
    conn = await connect(url)
    try:
        their_drop = await conn.fetchval("SELECT drop_id FROM discord_drops WHERE brand_id = $1 LIMIT 1", B)
        claims_before = await conn.fetchval("SELECT count(*) FROM discord_drop_claims WHERE drop_id = $1", their_drop)
        async with conn.transaction():
            claims = {"sub": "00000000-0000-0000-0000-00000000000a", "role": "authenticated"}
            claims["app_metadata"] = {"brand_id": A, "server_ids": list(SERVERS[A]), "role": "admin"}
            await conn.execute("SET LOCAL ROLE authenticated")
            await conn.execute("SELECT set_config('request.jwt.claims', $1, true)", json.dumps(claims))
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match="row-level security"):
                await conn.execute(
                    "INSERT INTO discord_drop_claims (claim_id, drop_id, brand_id, server_id, discord_user_id) "
                    "VALUES ($1, $2, $3, $4, $5)",
                    uid("forged-claim"),
                    their_drop,
                    A,
                    EMPTY[A],
                    "555",
                )
        assert await conn.fetchval("SELECT count(*) FROM discord_drop_claims WHERE drop_id = $1", their_drop) == (
            claims_before
        ), "brand B's drop has no claim it did not make"
    finally:
        await conn.close()

"""Through the Supabase API an admin cannot point the bot's posts at a channel of another guild."""

from __future__ import annotations

import json
from collections.abc import Iterator

import asyncpg
import pytest

from tests.postgres.helpers import ADMIN_CHANNEL, SEEDED, SERVERS, A, connect, module_database, prepare_supabase_like

FOREIGN_CHANNEL = "900000000000000002"  # a channel in someone else's guild


@pytest.fixture
def url() -> Iterator[str]:
    with module_database(prepare_supabase_like) as made:
        yield made


async def test_the_admin_channel_and_report_channel_cannot_be_repointed(url: str) -> None:
    server = SEEDED[A][0]
    conn = await connect(url)
    try:
        for sql, args in [
            (
                "UPDATE discord_server_configs SET config_metadata = $1 WHERE server_id = $2",
                {"admin_channel_id": FOREIGN_CHANNEL},
            ),
            ("UPDATE discord_report_schedules SET channel_id = $1 WHERE server_id = $2", FOREIGN_CHANNEL),
        ]:
            async with conn.transaction():
                claims = {"sub": "00000000-0000-0000-0000-0000000000bb", "role": "authenticated"}
                claims["app_metadata"] = {"brand_id": A, "server_ids": list(SERVERS[A]), "role": "admin"}
                await conn.execute("SET LOCAL ROLE authenticated")
                await conn.execute("SELECT set_config('request.jwt.claims', $1, true)", json.dumps(claims))
                with pytest.raises(asyncpg.InsufficientPrivilegeError, match="chosen in Discord"):
                    await conn.execute(sql, args, server)
        admin_channel = await conn.fetchval(
            "SELECT config_metadata ->> 'admin_channel_id' FROM discord_server_configs WHERE server_id = $1", server
        )
        report_channel = await conn.fetchval(
            "SELECT channel_id FROM discord_report_schedules WHERE server_id = $1", server
        )
        assert admin_channel == report_channel == ADMIN_CHANNEL, "the bot still posts where it was told in Discord"
    finally:
        await conn.close()

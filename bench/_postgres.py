"""A PostgreSQL schema of its own for one benchmark run, so runs never see each other's rows."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

DEFAULT_PG = os.environ.get("LOYALTEEZ_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


@asynccontextmanager
async def postgres_schema(url: str) -> AsyncIterator[str]:
    """A fresh schema on `url`, yielded as a URL whose search_path is that schema; dropped after."""
    import asyncpg

    schema = f"lt_bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(url)
    try:
        await admin.execute(f'CREATE SCHEMA "{schema}"')
        parts = urlsplit(url)
        yield urlunsplit(parts._replace(query=urlencode([*parse_qsl(parts.query), ("search_path", schema)])))
    finally:
        await admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await admin.close()

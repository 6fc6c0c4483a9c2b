"""No brand key, key hash or key salt in any log line, at DEBUG, whichever library logs it.

/setup connect runs through the real bot and the loopback Discord with every logger at DEBUG (py-cord's
gateway payloads, aiosqlite's statements with their parameters, asyncpg); `python bot.py brand create`
and `rotate-key` run as the self-hoster runs them, with --log-level DEBUG, and their whole log is searched.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from loyalteez.emulator import MemberHandle
from loyalteez.emulator.harness import Harness
from loyalteez.services.access import brands
from loyalteez.store import Store
from tests.conftest import PROJECT_ROOT, pg_store_schema

LIBRARY_LOGGERS = ("aiosqlite", "asyncpg", "discord", "discord.gateway", "discord.client", "discord.http")


@pytest.fixture
def debug_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """The root logger and every library logger at DEBUG, as an operator chasing a problem would set them."""
    caplog.set_level(logging.DEBUG)
    before = {name: logging.getLogger(name).level for name in LIBRARY_LOGGERS}
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield caplog
    for name, level in before.items():
        logging.getLogger(name).setLevel(level)


def secrets_in(text: str, key: str, salt: str, digest: str) -> list[str]:
    return [name for name, value in (("key", key), ("salt", salt), ("hash", digest)) if value in text]


async def test_setup_connect_at_debug_logs_no_key_hash_or_salt(
    harness: Harness, admin: MemberHandle, debug_log: pytest.LogCaptureFixture
) -> None:
    brand = await brands.create_brand(harness.app.store, "Acme Coffee")
    wrong = await admin.slash("setup connect", brand_id=brand.brand_id, security_key=brand.security_key + "x")
    pasted = await admin.slash("setup connect", brand_id=brand.security_key, security_key="oops")
    right = await admin.slash("setup connect", brand_id=brand.brand_id, security_key=brand.security_key)
    await harness.settle()
    assert "don't match" in wrong.content and "don't match" in pasted.content and "Connected" in right.content
    row = await harness.app.store.get_brand(brand.brand_id)
    log = debug_log.text
    assert "DEBUG" in log and "setup connect" in log, "the log was captured at DEBUG"
    assert not secrets_in(log, brand.security_key, row["key_salt"], row["key_hash"])
    assert brand.security_key[4:] not in log, "not even the key without its prefix"


def bot(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN" and not k.startswith("LOYALTEEZ_")}
    return subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "bot.py"), "--log-level", "DEBUG", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**base, **env},
        cwd=PROJECT_ROOT,
    )


def printed_key(result: subprocess.CompletedProcess[str]) -> tuple[str, str]:
    assert result.returncode == 0, result.stderr
    key = re.search(r"security key: (\S+)", result.stdout)
    brand_id = re.search(r"brand id: +(\S+)", result.stdout)
    assert key and brand_id, result.stdout
    return brand_id.group(1), key.group(1)


async def test_brand_create_and_rotate_at_debug_log_no_key_hash_or_salt(tmp_path: Path, engine: str) -> None:
    if engine == "postgres":
        async with pg_store_schema() as url:
            await _brand_commands({"LOYALTEEZ_DATABASE_URL": url}, url)
        return
    await _brand_commands({"LOYALTEEZ_DB": str(tmp_path / "bot.db")}, str(tmp_path / "bot.db"))


async def stored_brand(target: str, brand_id: str) -> dict[str, str]:
    store = await Store.open(target)
    try:
        row = await store.get_brand(brand_id)
    finally:
        await store.close()
    assert row is not None
    return row


async def _brand_commands(env: dict[str, str], target: str) -> None:
    made = bot("brand", "create", "Acme Coffee", env=env)
    brand_id, key = printed_key(made)
    first = await stored_brand(target, brand_id)
    rotated = bot("brand", "rotate-key", brand_id, env=env)
    _, new_key = printed_key(rotated)
    second = await stored_brand(target, brand_id)
    log = made.stderr + rotated.stderr
    assert "DEBUG" in log, "the commands logged at DEBUG"
    if "LOYALTEEZ_DB" in env:
        assert "loyalteez_brands" in log, "aiosqlite logged the brand statements (their SQL, not their values)"
    assert not secrets_in(log, key, first["key_salt"], first["key_hash"])
    assert not secrets_in(log, new_key, second["key_salt"], second["key_hash"])

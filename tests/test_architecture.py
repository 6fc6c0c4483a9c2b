"""The layering rules, checked: SQL only in the store, py-cord only in the adapter, time only from a clock."""

from __future__ import annotations

import re

from tests.conftest import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "loyalteez"
SQL = re.compile(r"\b(SELECT .* FROM|INSERT INTO|UPDATE \w+ SET|DELETE FROM)\b")
DISCORD_IMPORT = re.compile(r"^\s*(import discord|from discord)", re.M)
WALL_CLOCK = re.compile(r"datetime\.(now|utcnow|today)\(|time\.time\(\)|date\.today\(\)")


def modules(folder: str) -> list:
    return sorted((PACKAGE / folder).rglob("*.py"))


def test_services_never_import_pycord_or_hold_sql() -> None:
    for path in modules("services"):
        text = path.read_text()
        assert not DISCORD_IMPORT.search(text), f"{path} imports py-cord: services must stay Discord-free"
        assert not SQL.search(text), f"{path} holds SQL: that belongs in loyalteez/store"


def test_store_never_imports_pycord() -> None:
    for path in modules("store"):
        assert not DISCORD_IMPORT.search(path.read_text()), f"{path} imports py-cord"


def test_adapter_holds_no_sql() -> None:
    for path in modules("discord"):
        assert not SQL.search(path.read_text()), f"{path} holds SQL: go through a service"


def test_only_the_clock_reads_the_wall_clock() -> None:
    allowed = {"clock.py"}
    for path in PACKAGE.rglob("*.py"):
        if path.name in allowed or "emulator" in path.parts:
            continue
        assert not WALL_CLOCK.search(path.read_text()), f"{path} reads the wall clock: use the injected Clock"

"""The layering rules, checked: SQL and table names only in the store, py-cord only in the adapter, time only
from a clock, and the adapter reaching the store through nothing but the `Scope` value."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.conftest import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "loyalteez"
SQL = re.compile(r"\b(SELECT .* FROM|INSERT INTO|UPDATE \w+ SET|DELETE FROM)\b")
DISCORD_IMPORT = re.compile(r"^\s*(import discord|from discord)", re.M)
WALL_CLOCK = re.compile(r"datetime\.(now|utcnow|today)\(|time\.time\(\)|date\.today\(\)|time\.monotonic\(")
TABLES = frozenset(re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", (PROJECT_ROOT / "schema.sql").read_text()))
TABLE_NAME = re.compile(r"\b(" + "|".join(sorted(TABLES)) + r")\b")
ADAPTERS = ("discord", "web")


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


def _strings_outside_docstrings(tree: ast.AST) -> list[tuple[int, str]]:
    """Every string constant in the code, docstrings left out (they may describe a table in words)."""
    docstrings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def _outside_store() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if "store" not in p.relative_to(PACKAGE).parts[:1]]


def test_schema_knows_its_tables() -> None:
    assert len(TABLES) > 20, "schema.sql was not parsed: the table-name rule below would check nothing"


def test_no_table_name_outside_the_store() -> None:
    """Which table holds a feature's rows is the store's business: everyone else calls a named method."""
    found = []
    for path in _outside_store():
        for line, text in _strings_outside_docstrings(ast.parse(path.read_text(), str(path))):
            match = TABLE_NAME.search(text)
            if match:
                found.append(f"{path.relative_to(PROJECT_ROOT)}:{line}: {match.group(1)}")
    assert not found, "table names outside loyalteez/store:\n" + "\n".join(found)


def test_adapters_take_nothing_from_the_store_but_scope() -> None:
    """Cogs and pages pass a Scope to a service; they never hold a store, a repository or a row type."""
    found = []
    for folder in ADAPTERS:
        for path in modules(folder):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("loyalteez.store"):
                    names = {alias.name for alias in node.names}
                    if node.module != "loyalteez.store" or names - {"Scope"}:
                        found.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}: {node.module} {sorted(names)}")
                elif isinstance(node, ast.Import) and any(a.name.startswith("loyalteez.store") for a in node.names):
                    found.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}: import loyalteez.store")
    assert not found, "adapter modules importing from loyalteez.store:\n" + "\n".join(found)


def test_generic_table_access_stays_in_the_store() -> None:
    """The by-table-name API (select/insert/... in store/_tables.py) is private: features use repositories."""
    for path in _outside_store():
        text = path.read_text()
        assert "_tables" not in text, f"{path} reaches the store's private table access"
        assert "ScopedTables" not in text, f"{path} reaches the store's private table access"


PER_HANDLER_PLUMBING = re.compile(
    r"Cog\.listener\(|\.add_listener\(|\.listen\(|\.defer\(|response\.(send_message|edit_message|defer)\("
)


def test_cogs_leave_acknowledging_and_event_routing_to_the_bot() -> None:
    """Every command and button is acknowledged before it runs, and each gateway event has one dispatcher
    (discord/acknowledge.py, discord/dispatch.py): a cog that deferred itself would fail on the second
    acknowledgement, and a listener of its own would cost a task per event again."""
    for path in modules("discord/cogs"):
        found = PER_HANDLER_PLUMBING.search(path.read_text())
        assert found is None, f"{path}: {found.group(0) if found else ''} (use send(), @on(...), @clicks(...))"


def test_commands_that_do_not_talk_to_discord_start_without_pycord() -> None:
    """Every `python bot.py ...` pays for what it imports: py-cord doubled the start-up of a backup or a brand
    command (0.3 s -> 0.7 s of CPU), so only the commands that reach Discord import it."""
    import subprocess
    import sys

    probe = "import sys, loyalteez.cli; print(sorted(m for m in sys.modules if m.split('.')[0] == 'discord'))"
    result = subprocess.run([sys.executable, "-c", probe], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]", result.stdout

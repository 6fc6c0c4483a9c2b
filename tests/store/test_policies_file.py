"""supabase/policies.sql is exactly what loyalteez/store/policies.py renders, so the two cannot drift."""

from __future__ import annotations

from loyalteez.store.policies import POLICIES_FILE, render, schema_tables


def test_the_policies_file_is_current() -> None:
    assert POLICIES_FILE.read_text(encoding="utf-8") == render(), (
        "supabase/policies.sql is stale: run python -m loyalteez.store.policies --write"
    )


def test_every_table_of_the_schema_gets_forced_rls() -> None:
    text = render()
    for name in schema_tables():
        assert f"alter table {name} force row level security;" in text

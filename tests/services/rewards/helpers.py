"""Shared helpers for the rewards tests (this module holds no tests of its own)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from loyalteez.clock import Clock
from loyalteez.services.rewards import (
    EventOutcome,
    Member,
    MessageEvent,
    RewardsEngine,
    install_default_rules,
)
from loyalteez.services.rewards.events import PassiveEvent
from loyalteez.store import ScopedData, Store
from tests.conftest import linked, pg_store_schema, with_query
from tests.store.raw import tables

BRAND, SERVER, OTHER_SERVER = "brand_a", "1001", "1002"
GENERAL, RANDOM, MEMES, THREAD = "700000000000000001", "700000000000000002", "700000000000000003", "700000000000000009"
ALICE, BOB, CAROL, ADMIN = "800000000000000001", "800000000000000002", "800000000000000003", "800000000000000099"
BOOSTER, VIP, SUPPORTER, MOD, TESTER = (f"90000000000000000{n}" for n in range(1, 6))


async def connected(store: Store, brand: str = BRAND, server: str = SERVER) -> ScopedData:
    """A linked server with the default events, as after /setup connect."""
    scope = await linked(store, brand, server)
    data = store.scoped(scope)
    await install_default_rules(data, store.clock)
    return data


class Messages:
    """Builds MessageEvents with fresh ids, stamped with the test clock."""

    def __init__(self, store: Store) -> None:
        self.clock = store.clock
        self.next_id = 950000000000000000

    def __call__(
        self,
        content: str,
        author: str = ALICE,
        channel: str = GENERAL,
        roles: Sequence[str] = (),
        *,
        message_id: str | None = None,
        **flags: Any,
    ) -> MessageEvent:
        self.next_id += 1
        values: dict[str, Any] = {"is_bot": False, "is_webhook": False, "is_system": False, **flags}
        return MessageEvent(
            message_id=message_id or str(self.next_id),
            channel_id=channel,
            author_id=author,
            author_roles=tuple(roles),
            content=content,
            created_at=self.clock.now(),
            **values,
        )


async def apply(engine: RewardsEngine, data: ScopedData, *events: PassiveEvent) -> list[EventOutcome]:
    return await engine.apply([(data.scope, e) for e in events])


async def stats(data: ScopedData, member: str) -> dict[str, Any]:
    row = await tables(data).get("discord_user_stats", {"discord_user_id": member})
    keys = ("messages_count", "reactions_count", "voice_minutes", "ltz_earned")
    return {k: row[k] for k in keys} if row else dict.fromkeys(keys, 0)


async def ledger(data: ScopedData, member: str | None = None) -> list[dict[str, Any]]:
    where = {"discord_user_id": member} if member else {}
    return await tables(data).select("loyalteez_reward_ledger", where, order_by=("created_at",))


async def snapshot(store: Store) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, for "a refused command changed nothing" checks."""
    tables = await store.db.table_names()
    return {t: sorted(await store.db.fetch_all(f"SELECT * FROM {t}"), key=repr) for t in tables}


def member(member_id: str = ALICE, *roles: str, **flags: Any) -> Member:
    return Member(member_id, tuple(roles), **flags)


@asynccontextmanager
async def two_processes(clock: Clock, optimistic_writes: str) -> AsyncIterator[tuple[Store, Store]]:
    """Two stores on one fresh PostgreSQL schema, as two bot processes on one database would open it."""
    async with pg_store_schema() as url:
        url = with_query(url, optimistic_writes=optimistic_writes)
        first, second = await Store.open(url, clock), await Store.open(url, clock)
        try:
            yield first, second
        finally:
            await first.close()
            await second.close()

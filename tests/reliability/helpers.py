"""Shared pieces of the reliability tests: reading the database behind the bot's back, linking a server."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

from loyalteez.emulator import Emulator, MemberHandle
from loyalteez.emulator.harness import Harness
from loyalteez.services.access import brands


def query(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Read-only SQL on the bot's SQLite file (WAL: safe while the bot writes)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def payouts(db: Path, event: str | None = None) -> Counter[str]:
    """Ledger rows per member (of one event, or all)."""
    sql = "SELECT discord_user_id FROM loyalteez_reward_ledger"
    rows = query(db, sql + " WHERE event_type = ?", (event,)) if event else query(db, sql)
    return Counter(r[0] for r in rows)


def messages_counted(db: Path) -> dict[str, int]:
    return dict(query(db, "SELECT discord_user_id, messages_count FROM discord_user_stats"))


def duplicate_keys(db: Path) -> list[tuple[str, int]]:
    return query(
        db,
        "SELECT idempotency_key, COUNT(*) FROM loyalteez_reward_ledger "
        "GROUP BY server_id, idempotency_key HAVING COUNT(*) > 1",
    )


def cursors(db: Path) -> dict[str, int]:
    return {c: int(m) for c, m in query(db, "SELECT channel_id, last_message_id FROM loyalteez_channel_cursors")}


def snapshot(db: Path) -> dict[str, list[str]]:
    """Every row of every table, to prove nothing changed."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: sorted(map(repr, conn.execute(f"SELECT * FROM {t}").fetchall())) for t in tables}
    finally:
        conn.close()


async def connect(h: Harness, admin: MemberHandle | None = None, name: str = "Acme Coffee") -> brands.NewKey:
    """Link the harness's server to a new brand through /setup connect, as an admin would."""
    admin = admin or h.guild.member("boss", permissions=["manage_guild"])
    brand = await brands.create_brand(h.app.store, name)
    reply = await admin.slash("setup connect", brand_id=brand.brand_id, security_key=brand.security_key)
    assert "Connected" in reply.content, reply.content
    return brand


def posted_by(emu: Emulator, channel_id: int | None = None) -> Counter[str]:
    """Messages members (not the bot) posted, per author, as the emulator holds them."""
    bot = emu.world.bot.id
    return Counter(
        str(m.author.id)
        for m in emu.world.messages.values()
        if m.author.id != bot
        and not m.deleted
        and not m.ephemeral
        and m.guild_id is not None
        and (channel_id is None or m.channel_id == channel_id)
    )


CLAIMABLE = "bonus"  # an event with trigger none, no cooldown and no caps: every /claim pays


async def claimable_event(h: Harness, admin: MemberHandle | None = None) -> None:
    admin = admin or h.guild.member("boss", permissions=["manage_guild"])
    reply = await admin.slash("config events", action="create", name=CLAIMABLE, reward=5)
    assert "bonus" in reply.content, reply.content


def paid_replies(emu: Emulator) -> list[tuple[str, str]]:
    """(interaction id, member id) of every /claim whose paying reply reached the member."""
    found = []
    for record in emu.interactions:
        message = record.original if record.original is not None and not record.original.loading else None
        if message is not None and record.label.startswith("/claim") and "You earned" in message.content:
            found.append((str(record.id), str(record.user.id)))
    return found


def check_consistent(db: Path, emu: Emulator) -> dict[str, int]:
    """Nothing lost, nothing doubled: the invariants every fault test ends with; returns the numbers."""
    posted = posted_by(emu)
    counted = messages_counted(db)
    lost = {m: n - counted.get(m, 0) for m, n in posted.items() if counted.get(m, 0) < n}
    doubled = {m: n - posted.get(m, 0) for m, n in counted.items() if n > posted.get(m, 0)}
    assert not lost, f"messages never counted (lost) per member: {lost}"
    assert not doubled, f"messages counted twice per member: {doubled}"
    assert not duplicate_keys(db), "a reward exists twice"
    greetings = query(
        db,
        "SELECT discord_user_id, substr(created_at, 1, 10), COUNT(*) FROM loyalteez_reward_ledger "
        "WHERE event_type = 'gm_checkin' GROUP BY 1, 2 HAVING COUNT(*) > 1",
    )
    assert not greetings, f"gm_checkin paid more than once a day: {greetings}"
    keys = {k for (k,) in query(db, "SELECT idempotency_key FROM loyalteez_reward_ledger")}
    replied = paid_replies(emu)
    missing = [i for i, _ in replied if f"{i}:{CLAIMABLE}" not in keys]
    assert not missing, f"replies said 'You earned' but no ledger row: {missing}"
    drift = query(
        db,
        "SELECT s.discord_user_id, s.ltz_earned, COALESCE(SUM(l.amount), 0) FROM discord_user_stats s "
        "LEFT JOIN loyalteez_reward_ledger l ON l.server_id = s.server_id "
        "AND l.discord_user_id = s.discord_user_id AND l.is_test = 0 "
        "GROUP BY s.server_id, s.discord_user_id HAVING s.ltz_earned != COALESCE(SUM(l.amount), 0)",
    )
    assert not drift, f"stats differ from the ledger: {drift}"
    return {"messages": sum(posted.values()), "claims paid": len(replied), "ledger rows": len(keys)}

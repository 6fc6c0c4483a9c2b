"""`replay`: a generated export through the real bot, checked against counts the test computes itself.

The expectations come from reading the export files with plain `json` and a few lines of arithmetic here,
never from the replay's own code.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from loyalteez.replay import feeder, runner
from loyalteez.replay.runner import ReplayError, ReplayRequest, ReplayResult, replay_history
from loyalteez.replay.synthetic import snowflake_at, write_export_file, write_exports
from loyalteez.services.config_io.rules import load_rules_file
from loyalteez.store import Scope, Store
from tests.store.raw import tables as raw_tables

GUILD = "849074769100800000"
CHAT = ("Default", "Reply")
LEDGER = "loyalteez_reward_ledger"


def history(folder: Path) -> list[dict[str, Any]]:
    """Every message of every export file, oldest first (the test's own reading)."""
    messages = []
    for path in sorted(folder.glob("*.json")):
        messages += json.loads(path.read_text(encoding="utf-8"))["messages"]
    return sorted(messages, key=lambda m: (at(m), int(m["id"])))


def at(message: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(message["timestamp"]).astimezone(UTC)


def members_chat(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m for m in messages if m["type"] in CHAT and not m["author"]["isBot"]]


def greets(content: str, words: tuple[str, ...]) -> bool:
    text = content.lower()
    return any(text == w or text.startswith(w + " ") for w in words)


def daily_firsts(messages: list[dict[str, Any]], words: tuple[str, ...]) -> dict[tuple[str, date], datetime]:
    """(member, UTC day) -> the moment of that member's first greeting that day."""
    firsts: dict[tuple[str, date], datetime] = {}
    for m in members_chat(messages):
        if greets(m["content"], words):
            firsts.setdefault((m["author"]["id"], at(m).date()), at(m))
    return firsts


async def tables(db: Path) -> dict[str, list[tuple]]:
    store = await Store.open(str(db))
    try:
        names = [
            r["name"]
            for r in await store.db.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        ]
        return {
            n: sorted(tuple(map(str, r.values())) for r in await store.db.fetch_all(f"SELECT * FROM {n}"))
            for n in names
        }
    finally:
        await store.close()


async def server_rows(db: Path, table: str) -> list[dict[str, Any]]:
    store = await Store.open(str(db))
    try:
        link = await store.server_link(GUILD)
        return await raw_tables(store.scoped(Scope(link["brand_id"], GUILD))).select(table)
    finally:
        await store.close()


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("exports")
    write_exports(folder, messages=900, seed=7, channels=3, members=30, bots=2, days=10)
    return folder


@pytest.fixture(scope="module")
def replayed(exports: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ReplayResult]:
    import asyncio

    db = tmp_path_factory.mktemp("replay") / "out.db"
    result = asyncio.run(replay_history(ReplayRequest((str(exports),), db)))
    return db, result


async def test_every_members_message_is_counted_once_and_bots_never(exports: Path, replayed) -> None:
    db, result = replayed
    messages = history(exports)
    expected = Counter(m["author"]["id"] for m in members_chat(messages))
    stats = {r["discord_user_id"]: r["messages_count"] for r in await server_rows(db, "discord_user_stats")}
    assert {k: v for k, v in stats.items() if v} == dict(expected)
    bots = {m["author"]["id"] for m in messages if m["author"]["isBot"]}
    assert bots and not bots & set(stats)
    assert result.counts.messages == len(messages)
    assert result.counts.from_bots == sum(1 for m in messages if m["author"]["isBot"] and m["type"] in CHAT)


async def test_greetings_pay_once_per_member_per_day_at_the_messages_own_time(exports: Path, replayed) -> None:
    db, _ = replayed
    messages = history(exports)
    ledger = await server_rows(db, LEDGER)
    for event, words, amount in (("gm_checkin", ("gm", "good morning"), 25), ("gn_checkin", ("gn",), 15)):
        expected = daily_firsts(messages, words)
        paid = {
            (r["discord_user_id"], as_utc(r["created_at"]).date()): as_utc(r["created_at"])
            for r in ledger
            if r["event_type"] == event
        }
        assert len([r for r in ledger if r["event_type"] == event]) == len(expected), event
        assert paid == expected, event
        assert {r["amount"] for r in ledger if r["event_type"] == event} == {amount}


def as_utc(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


async def test_a_daily_snapshot_exists_for_every_day_of_the_history_even_quiet_ones(exports: Path, replayed) -> None:
    db, result = replayed
    days = sorted({at(m).date() for m in history(exports)})
    snapshots = await server_rows(db, "discord_kpi_snapshots")
    daily = sorted(str(r["snapshot_date"])[:10] for r in snapshots if r["snapshot_type"] == "daily")
    every_day = [str(days[0] + timedelta(days=n)) for n in range((days[-1] - days[0]).days + 1)]
    assert daily == every_day
    assert result.recorded.snapshot_days == len(every_day)
    assert len(every_day) > len(days), "the generator leaves a quiet day: it must still get a snapshot"


async def test_joins_are_first_seen_at_their_own_moment(exports: Path, replayed) -> None:
    db, result = replayed
    joins = {m["author"]["id"]: at(m) for m in history(exports) if m["type"] == "GuildMemberJoin"}
    assert joins and result.counts.joins == len(joins)
    rows = {r["discord_user_id"]: r for r in await server_rows(db, "loyalteez_member_analytics")}
    for member, moment in joins.items():
        assert as_utc(rows[member]["entered_at"]) == moment


async def test_summary_totals_match_the_ledger(replayed) -> None:
    db, result = replayed
    ledger = await server_rows(db, LEDGER)
    by_event = Counter()
    for row in ledger:
        by_event[row["event_type"]] += row["amount"]
    assert {e.event: e.ltz for e in result.recorded.by_event} == dict(by_event)
    assert result.recorded.ltz == sum(by_event.values())
    earned = defaultdict(int)
    for row in ledger:
        earned[row["discord_user_id"]] += row["amount"]
    best = sorted(earned.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    assert [ltz for _, ltz in result.recorded.top10] == [ltz for _, ltz in best]


async def test_replaying_the_same_export_twice_changes_nothing(exports: Path, replayed, tmp_path: Path) -> None:
    db, _ = replayed
    copy = tmp_path / "again.db"
    store = await Store.open(str(db))
    await store.close()
    copy.write_bytes(db.read_bytes())
    before = await tables(copy)
    again = await replay_history(ReplayRequest((str(exports),), copy))
    assert await tables(copy) == before
    assert again.recorded.ltz > 0


async def test_a_replay_fed_in_small_parts_records_exactly_what_one_fed_in_large_parts_does(
    exports: Path, replayed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between parts the feeder waits only until the bot has read what it was sent, so the bot's writes of
    one part run while the next is posted; it records what waiting for every write after each part does."""
    db, result = replayed
    pending: list[int] = []

    class Watching(runner.HistoryFeeder):
        def __init__(self, emu: Any, *args: Any, **kwargs: Any) -> None:
            super().__init__(emu, *args, **kwargs)
            keep_up = self.keep_up

            async def watched() -> None:
                await keep_up()
                pending.append(emu.client.services.rewards.writer.pending)

            self.keep_up = watched

    monkeypatch.setattr(runner, "HistoryFeeder", Watching)
    overlapping = await replay_history(ReplayRequest((str(exports),), tmp_path / "overlapping.db"), batch=7)
    assert any(pending), "some part left the bot's writes pending"
    monkeypatch.setattr(feeder, "DRAIN_EVERY_PARTS", 1)  # every part waits for every write, as before
    waiting = await replay_history(ReplayRequest((str(exports),), tmp_path / "waiting.db"), batch=7)

    def payouts(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        columns = ("idempotency_key", "discord_user_id", "event_type", "amount", "created_at")
        return sorted(tuple(row[c] for c in columns) for row in rows)

    expected = payouts(await server_rows(db, LEDGER))
    assert payouts(await server_rows(tmp_path / "overlapping.db", LEDGER)) == expected
    assert payouts(await server_rows(tmp_path / "waiting.db", LEDGER)) == expected
    # totals, ranking, LTZ per day and every day's KPI snapshot
    assert overlapping.recorded == waiting.recorded == result.recorded
    assert result.recorded.snapshot_days == 10


async def test_rules_file_applies_like_config_and_cooldowns_follow_history_time(exports: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text(
        json.dumps(
            {
                "version": 1,
                "events": [
                    {"name": "gm_checkin", "reward_amount": 40},
                    {
                        "name": "quality_message",
                        "is_enabled": True,
                        "min_length": 60,
                        "cooldown_hours": 1,
                        "max_per_day": 50,
                    },
                ],
            }
        )
    )
    db = tmp_path / "rules.db"
    result = await replay_history(ReplayRequest((str(exports),), db, await load_rules_file(rules)))
    ledger = await server_rows(db, LEDGER)
    assert {r["amount"] for r in ledger if r["event_type"] == "gm_checkin"} == {40}
    expected: list[tuple[str, datetime]] = []  # >= 60 characters, >= 20 words (the default), no command
    last: dict[str, datetime] = {}
    for m in members_chat(history(exports)):
        text = m["content"].strip()
        if len(text) >= 60 and len(text.split()) >= 20 and not text.startswith(("!", "/", "?", ".")):
            member, moment = m["author"]["id"], at(m)
            if member not in last or moment - last[member] >= timedelta(hours=1):
                expected.append((member, moment))
                last[member] = moment
    paid = sorted(
        (r["discord_user_id"], as_utc(r["created_at"])) for r in ledger if r["event_type"] == "quality_message"
    )
    assert expected and paid == sorted(expected)
    audit = await server_rows(db, "discord_audit_log")
    assert [a["action"] for a in audit].count("config.imported") == 1
    assert result.recorded.ltz == sum(r["amount"] for r in ledger)


async def test_until_stops_after_that_day(exports: Path, tmp_path: Path) -> None:
    days = sorted({at(m).date() for m in history(exports)})
    cut = days[2]
    result = await replay_history(ReplayRequest((str(exports),), tmp_path / "cut.db", until=cut))
    assert result.counts.last_day == cut
    assert result.counts.messages == sum(1 for m in history(exports) if at(m).date() <= cut)


async def test_reactions_count_at_their_messages_time(tmp_path: Path) -> None:
    """popular_message pays the author when others' reactions reach the threshold: at the message's time.

    The message is 2 s before midnight and the next one the morning after: paid on the message's day.
    (Real exports' ids are snowflakes of their timestamps, as snowflake_at makes them.)
    """
    folder = tmp_path / "ex"
    folder.mkdir()
    author = {"id": "100000000000000001", "name": "alice", "isBot": False, "roles": []}
    fans = [{"id": str(100000000000000010 + n), "name": f"fan{n}", "isBot": False} for n in range(5)]
    posted = datetime(2024, 5, 1, 23, 59, 58, tzinfo=UTC)
    later = datetime(2024, 5, 2, 8, 0, tzinfo=UTC)
    messages = [
        {
            "id": snowflake_at(posted),
            "type": "Default",
            "timestamp": posted.isoformat(),
            "content": "look at this",
            "author": author,
            "reactions": [{"emoji": {"id": None, "name": "🔥"}, "count": 5, "users": fans}],
        },
        {
            "id": snowflake_at(later),
            "type": "Default",
            "timestamp": later.isoformat(),
            "content": "morning all",
            "author": fans[0] | {"roles": []},
            "reactions": [],
        },
    ]
    write_export_file(
        folder / "c.json",
        {"id": GUILD, "name": "Tiny"},
        {"id": "700", "name": "general", "type": "GuildTextChat"},
        messages,
    )
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"version": 1, "events": [{"name": "popular_message", "is_enabled": True}]}))
    db = tmp_path / "out.db"
    result = await replay_history(ReplayRequest((str(folder),), db, await load_rules_file(rules)))
    paid = [r for r in await server_rows(db, LEDGER) if r["event_type"] == "popular_message"]
    assert [(r["discord_user_id"], as_utc(r["created_at"])) for r in paid] == [(author["id"], posted)]
    assert result.counts.reactions == 5


async def test_a_server_replayed_under_one_brand_refuses_another(exports: Path, replayed, tmp_path: Path) -> None:
    db, _ = replayed
    copy = tmp_path / "copy.db"
    copy.write_bytes(db.read_bytes())
    with pytest.raises(ReplayError, match="already replayed into brand"):
        await replay_history(ReplayRequest((str(exports),), copy, brand="Another Brand"))


async def test_no_messages_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    write_export_file(
        folder / "c.json", {"id": GUILD, "name": "Tiny"}, {"id": "700", "name": "general", "type": "GuildTextChat"}, []
    )
    with pytest.raises(ReplayError, match="no messages"):
        await replay_history(ReplayRequest((str(folder),), tmp_path / "out.db"))
    assert not (tmp_path / "out.db").exists()


async def test_a_replay_stopped_part_way_continues_to_the_same_result(exports: Path, replayed, tmp_path: Path) -> None:
    """Stop after day 3 (as if interrupted), replay the whole export again: the same as one full replay."""
    full_db, _ = replayed
    db = tmp_path / "resumed.db"
    days = sorted({at(m).date() for m in history(exports)})
    await replay_history(ReplayRequest((str(exports),), db, until=days[2]))
    await replay_history(ReplayRequest((str(exports),), db))

    async def outcome(path: Path) -> tuple:
        ledger = sorted(
            (r["idempotency_key"], r["discord_user_id"], r["event_type"], r["amount"], str(as_utc(r["created_at"])))
            for r in await server_rows(path, LEDGER)
        )
        stats = sorted(
            (r["discord_user_id"], r["messages_count"], r["reactions_count"], r["ltz_earned"])
            for r in await server_rows(path, "discord_user_stats")
        )
        snapshots = sorted(
            (str(r["snapshot_date"]), r["snapshot_type"], json.dumps(r["metrics"], sort_keys=True))
            for r in await server_rows(path, "discord_kpi_snapshots")
        )
        return ledger, stats, snapshots

    assert await outcome(db) == await outcome(full_db)


async def test_an_existing_brand_is_used_without_touching_its_key(exports: Path, tmp_path: Path) -> None:
    from loyalteez.services.access import brands

    db = tmp_path / "branded.db"
    store = await Store.open(str(db))
    made = await brands.create_brand(store, "Acme Coffee")
    before = await store.get_brand(made.brand_id)
    await store.close()
    result = await replay_history(ReplayRequest((str(exports),), db, brand="Acme Coffee", until=date(2024, 3, 5)))
    store = await Store.open(str(db))
    try:
        assert (await store.server_link(GUILD))["brand_id"] == made.brand_id
        assert await store.get_brand(made.brand_id) == before, "the brand's key is not rotated"
    finally:
        await store.close()
    assert result.brand_name == "Acme Coffee"


async def test_direct_message_exports_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "dms"
    folder.mkdir()
    message = {
        "id": snowflake_at(datetime(2024, 1, 1, tzinfo=UTC)),
        "type": "Default",
        "timestamp": "2024-01-01T00:00:00+00:00",
        "content": "hi",
        "author": {"id": "100000000000000001", "name": "alice", "isBot": False},
    }
    write_export_file(
        folder / "dm.json",
        {"id": "0", "name": "Direct Messages"},
        {"id": "800", "name": "alice", "type": "DirectTextChat"},
        [message],
    )
    with pytest.raises(ReplayError, match="direct messages"):
        await replay_history(ReplayRequest((str(folder),), tmp_path / "out.db"))


async def test_boost_notices_in_the_history_pay_the_boost_event_at_their_time(tmp_path: Path) -> None:
    folder = tmp_path / "ex"
    folder.mkdir()
    alice = {"id": "100000000000000001", "name": "alice", "isBot": False, "roles": []}
    boosted = datetime(2024, 6, 1, 18, 30, tzinfo=UTC)
    messages = [
        {
            "id": snowflake_at(boosted),
            "type": "8",
            "timestamp": boosted.isoformat(),
            "content": "",
            "author": alice,
            "reactions": [],
        }
    ]
    write_export_file(
        folder / "c.json",
        {"id": GUILD, "name": "Tiny"},
        {"id": "700", "name": "general", "type": "GuildTextChat"},
        messages,
    )
    db = tmp_path / "out.db"
    result = await replay_history(ReplayRequest((str(folder),), db))
    paid = [r for r in await server_rows(db, LEDGER) if r["event_type"] == "server_boost"]
    assert [(r["discord_user_id"], r["amount"], as_utc(r["created_at"])) for r in paid] == [(alice["id"], 500, boosted)]
    assert result.counts.boosts == 1 and not result.counts.skipped
    stats = {r["discord_user_id"]: r["messages_count"] for r in await server_rows(db, "discord_user_stats")}
    assert stats.get(alice["id"], 0) == 0, "a boost notice is not a chat message"


async def test_leveling_bot_announcements_in_the_history_pay_level_up_when_it_is_on(tmp_path: Path) -> None:
    folder = tmp_path / "ex"
    folder.mkdir()
    bob = {"id": "100000000000000002", "name": "bob", "isBot": False, "roles": []}
    mee6 = {"id": "159985870458322944", "name": "MEE6", "isBot": True, "roles": []}
    said, levelled = datetime(2024, 6, 1, 9, 0, tzinfo=UTC), datetime(2024, 6, 1, 9, 0, 1, tzinfo=UTC)
    messages = [
        {
            "id": snowflake_at(said),
            "type": "Default",
            "timestamp": said.isoformat(),
            "content": "hello all",
            "author": bob,
        },
        {
            "id": snowflake_at(levelled),
            "type": "Default",
            "timestamp": levelled.isoformat(),
            "content": "GG @Bobby, you just advanced to level 5!",
            "author": mee6,
            "mentions": [{"id": bob["id"], "name": "bob", "nickname": "Bobby", "isBot": False}],
        },
    ]
    write_export_file(
        folder / "c.json",
        {"id": GUILD, "name": "Tiny"},
        {"id": "700", "name": "general", "type": "GuildTextChat"},
        messages,
    )
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"version": 1, "events": [{"name": "level_up", "is_enabled": True}]}))
    db = tmp_path / "out.db"
    await replay_history(ReplayRequest((str(folder),), db, await load_rules_file(rules)))
    paid = [(r["discord_user_id"], r["event_type"]) for r in await server_rows(db, LEDGER)]
    assert paid == [(bob["id"], "level_up")]

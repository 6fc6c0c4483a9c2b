"""The synthetic export generator: deterministic, exact counts, valid DCE JSON with the shapes replay must handle."""

from __future__ import annotations

import json
import tracemalloc
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from loyalteez.replay.records import ExportChannel, ExportGuild
from loyalteez.replay.synthetic import DISCORD_EPOCH, snowflake_at, write_export_file, write_exports

START = datetime(2024, 3, 4, tzinfo=UTC)
TOTAL = 6_000


def load(paths: list[Path]) -> list[dict[str, Any]]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in paths]


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    return load(write_exports(tmp_path_factory.mktemp("synthetic"), messages=TOTAL))


@pytest.fixture(scope="module")
def messages(exports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    every = [dict(m, channel=e["channel"]["id"]) for e in exports for m in e["messages"]]
    return sorted(every, key=lambda m: int(m["id"]))


def moment(message: dict[str, Any], field: str = "timestamp") -> datetime:
    return datetime.fromisoformat(message[field])


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    first = write_exports(tmp_path / "a", messages=2_000, seed=3)
    second = write_exports(tmp_path / "b", messages=2_000, seed=3)
    other = write_exports(tmp_path / "c", messages=2_000, seed=4)
    assert [p.name for p in first] == [p.name for p in second]
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    assert [p.read_bytes() for p in first] != [p.read_bytes() for p in other]


def test_one_file_per_channel_named_like_dce(tmp_path: Path, exports: list[dict[str, Any]]) -> None:
    paths = write_exports(tmp_path, messages=10, channels=4, guild_name="Synthetic Club")
    assert [p.name for p in paths] == [
        f"Synthetic Club - {name} [{e['channel']['id']}].json"
        for name, e in zip(("general", "gm", "off-topic", "feedback"), load(paths), strict=True)
    ]
    assert len(exports) == 3 and len({e["channel"]["id"] for e in exports}) == 3
    assert {e["guild"]["id"] for e in exports} == {exports[0]["guild"]["id"]}


@pytest.mark.parametrize("total", [0, 1, 7, 999])
def test_the_requested_number_of_messages_is_written(tmp_path: Path, total: int) -> None:
    files = load(write_exports(tmp_path, messages=total, days=10))
    assert sum(len(f["messages"]) for f in files) == total
    assert all(f["messageCount"] == len(f["messages"]) for f in files)


def test_ids_are_unique_snowflakes_increasing_with_time(
    messages: list[dict[str, Any]], exports: list[dict[str, Any]]
) -> None:
    assert len(messages) == TOTAL and len({m["id"] for m in messages}) == TOTAL
    times = [moment(m) for m in messages]
    assert times == sorted(times) and len(set(times)) == TOTAL
    for message in messages:
        ms = (moment(message) - DISCORD_EPOCH) // timedelta(milliseconds=1)
        assert int(message["id"]) >> 22 == ms
    for export in exports:
        ids = [int(m["id"]) for m in export["messages"]]
        assert ids == sorted(ids), "ascending within each file, as DCE exports by default"


def test_timestamps_stay_in_range_with_an_empty_and_some_quiet_days(messages: list[dict[str, Any]]) -> None:
    assert moment(messages[0]) >= START and moment(messages[-1]) < START + timedelta(days=14)
    per_day = Counter((moment(m) - START).days for m in messages)
    assert per_day[7] == 0, "a gap mid-range"
    busy = [per_day[d] for d in range(14) if per_day[d]]
    assert len(busy) == 13 and min(busy) < 0.6 * max(busy)
    assert len({moment(m).hour for m in messages}) == 24, "spread across the day"


def test_content_mix(messages: list[dict[str, Any]]) -> None:
    texts = [m["content"] for m in messages if m["type"] in ("Default", "Reply")]
    assert {"gm", "gm fam", "good morning"} <= set(texts) and "gn" in texts
    assert any(len(t.split()) >= 12 and len(t) >= 60 for t in texts)
    assert any(t.startswith("!") for t in texts) and any(t.startswith("/") for t in texts)
    assert any("giveaway" in t for t in texts) and any("feedback" in t for t in texts)
    assert Counter(texts).most_common(1)[0][1] < len(texts) / 4, "short chatter does not swamp the rest"
    greetings = Counter(
        (m["author"]["id"], moment(m).date()) for m in messages if m["content"] in ("gm", "gm fam", "good morning")
    )
    assert max(greetings.values()) >= 2, "some members greet several times a day"


def test_members_roles_and_bots(messages: list[dict[str, Any]]) -> None:
    authors = {m["author"]["id"]: m["author"] for m in messages}
    bots = [a for a in authors.values() if a["isBot"]]
    members = [a for a in authors.values() if not a["isBot"]]
    assert len(bots) == 2 and 30 <= len(members) <= 40
    assert all(a["name"].startswith("member") and a["id"].isdigit() for a in members)
    role_names = {r["name"] for a in members for r in a["roles"]}
    assert {"Supporter", "Moderator"} <= role_names
    assert any(len(a["roles"]) >= 2 for a in members) and any(not a["roles"] for a in members)


def test_message_types_replies_joins_pins_and_one_thread(messages: list[dict[str, Any]]) -> None:
    types = Counter(m["type"] for m in messages)
    assert types["Default"] > TOTAL * 0.7 and types["Reply"] > TOTAL * 0.05
    assert 3 <= types["GuildMemberJoin"] <= 20 and types["ChannelPinnedMessage"] >= 1 and types["ThreadCreated"] == 1
    by_id = {m["id"]: m for m in messages}
    for message in messages:
        if message["type"] in ("Reply", "ChannelPinnedMessage"):
            target = by_id[message["reference"]["messageId"]]
            assert target["channel"] == message["channel"] == message["reference"]["channelId"]
            assert int(target["id"]) < int(message["id"])
        else:
            assert "reference" not in message
    first_seen: dict[str, str] = {}
    for message in messages:
        first_seen.setdefault(message["author"]["id"], message["type"])
    joins = [m for m in messages if m["type"] == "GuildMemberJoin"]
    assert all(m["content"] == "" and first_seen[m["author"]["id"]] == "GuildMemberJoin" for m in joins)
    assert len({m["author"]["id"] for m in joins}) == len(joins), "each member joins once"


def test_edits_and_reactions(messages: list[dict[str, Any]]) -> None:
    edited = [m for m in messages if m["timestampEdited"]]
    assert 0.02 * TOTAL < len(edited) < 0.1 * TOTAL
    assert all(moment(m, "timestampEdited") > moment(m) for m in edited)
    reacted = [m for m in messages if m["reactions"]]
    assert 0.12 * TOTAL < len(reacted) < 0.25 * TOTAL
    emoji = [r["emoji"] for m in reacted for r in m["reactions"]]
    assert all(1 <= len(m["reactions"]) <= 4 for m in reacted)
    assert all(r["count"] == len(r["users"]) >= 1 for m in reacted for r in m["reactions"])
    assert {e["name"] for e in emoji if e["id"] is None} >= {"👍", "🔥"}
    assert {(e["id"], e["name"]) for e in emoji if e["id"]} == {(next(e["id"] for e in emoji if e["id"]), "party")}
    assert any(u["isBot"] for m in reacted for r in m["reactions"] for u in r["users"])
    assert any(u["id"] == m["author"]["id"] for m in reacted for r in m["reactions"] for u in r["users"])
    mentions = [u for m in messages for u in m["mentions"]]
    assert mentions and all(u["id"].isdigit() for u in mentions)


def test_generating_keeps_memory_small(tmp_path: Path) -> None:
    tracemalloc.start()
    try:
        write_exports(tmp_path, messages=10_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 3 * 2**20, f"peak {peak / 2**20:.1f} MB: messages must go to disk one by one"


def test_write_export_file_from_records_or_dicts(tmp_path: Path) -> None:
    rows = ({"id": str(i), "timestamp": "2024-01-01T00:00:00+00:00"} for i in range(1, 4))
    count = write_export_file(
        tmp_path / "x.json", ExportGuild("1", "G"), ExportChannel("2", "c", "GuildTextChat"), rows, exported_at=START
    )
    data = json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))
    assert count == 3 == data["messageCount"] and [m["id"] for m in data["messages"]] == ["1", "2", "3"]
    assert (data["guild"]["id"], data["channel"]["name"], data["exportedAt"]) == ("1", "c", START.isoformat())
    assert write_export_file(tmp_path / "y.json", {"id": "1", "name": "G"}, {"id": "2", "name": "c"}, []) == 0
    assert json.loads((tmp_path / "y.json").read_text())["messages"] == []


def test_snowflake_at() -> None:
    assert snowflake_at(DISCORD_EPOCH) == "0"
    assert snowflake_at(DISCORD_EPOCH + timedelta(milliseconds=1), seq=5) == str((1 << 22) | 5)
    assert snowflake_at(datetime(2015, 1, 1, 0, 0, 0, 1000), seq=(1 << 22) + 1) == str((1 << 22) | 1)
    with pytest.raises(ValueError, match="before the Discord epoch"):
        snowflake_at(datetime(2014, 12, 31, tzinfo=UTC))


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_exports(tmp_path, messages=-1)
    with pytest.raises(ValueError):
        write_exports(tmp_path, messages=10, channels=0)

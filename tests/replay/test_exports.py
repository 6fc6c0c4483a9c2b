"""The DCE reader: every field parsed, files merged by time, clear errors, and flat memory on big exports."""

from __future__ import annotations

import json
import tracemalloc
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from loyalteez.replay.exports import ExportError, expand_paths, iter_messages, merge_exports, open_export
from loyalteez.replay.records import ExportRole, ExportUser
from loyalteez.replay.synthetic import write_export_file, write_exports

GUILD = {"id": "123", "name": "Club", "iconUrl": "https://example.invalid/icon.png"}


def channel(channel_id: str = "456", name: str = "general") -> dict[str, Any]:
    return {
        "id": channel_id,
        "type": "GuildTextChat",
        "categoryId": "789",
        "category": "Text",
        "name": name,
        "topic": None,
    }


def user(user_id: str, name: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": user_id,
        "name": name,
        "discriminator": "0000",
        "nickname": name.title(),
        "isBot": False,
        "avatarUrl": "https://example.invalid/a.png",
        **extra,
    }


def msg(
    msg_id: str, timestamp: str, content: str = "hi", author: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "id": msg_id,
        "type": "Default",
        "timestamp": timestamp,
        "timestampEdited": None,
        "callEndedTimestamp": None,
        "isPinned": False,
        "content": content,
        "author": author or user("42", "alice"),
        "attachments": [],
        "embeds": [],
        "stickers": [],
        "reactions": [],
        "mentions": [],
        "inlineEmojis": [],
        **extra,
    }


def export(
    path: Path, messages: list[dict[str, Any]], *, guild: dict[str, Any] = GUILD, chan: dict[str, Any] | None = None
) -> Path:
    write_export_file(path, guild, chan or channel(), messages)
    return path


def test_a_hand_written_export_round_trips_every_field(tmp_path: Path) -> None:
    alice = user("42", "alice", roles=[{"id": "7", "name": "Mod", "color": "#FF0000", "position": 3}])
    first = msg(
        "1100000000000000000",
        "2023-05-01T10:11:12.345+02:00",
        "gm all",
        alice,
        timestampEdited="2023-05-01T10:20:00+02:00",
        reactions=[
            {
                "emoji": {"id": None, "name": "👍", "code": "thumbsup", "isAnimated": False},
                "count": 2,
                "users": [user("43", "bob")],
            },
            {
                "emoji": {"id": "999", "name": "party", "code": "party", "isAnimated": False},
                "count": 1,
                "users": [user("42", "alice")],
            },
            {"emoji": {"id": None, "name": "🔥"}, "count": 5},
        ],
        mentions=[user("43", "bob")],
    )
    reply = msg(
        1100000000000000001,
        "2023-05-01T08:12:00Z",
        "welcome",
        {"id": 43, "name": "bob", "isBot": True},
        type="Reply",
        reference={"messageId": "1100000000000000000", "channelId": "456", "guildId": "123"},
    )
    head = open_export(export(tmp_path / "general.json", [first, reply]))

    assert (head.guild.id, head.guild.name) == ("123", "Club")
    assert (head.channel.id, head.channel.name, head.channel.type, head.channel.category_id) == (
        "456",
        "general",
        "GuildTextChat",
        "789",
    )
    one, two = iter_messages(head)
    assert (one.id, one.guild_id, one.channel_id, one.type, one.content) == (
        "1100000000000000000",
        "123",
        "456",
        "Default",
        "gm all",
    )
    assert one.timestamp == datetime(2023, 5, 1, 8, 11, 12, 345000, tzinfo=UTC)
    assert one.timestamp.utcoffset() is not None and one.timestamp.tzinfo == UTC
    assert one.edited_at == datetime(2023, 5, 1, 8, 20, tzinfo=UTC)
    assert one.author == ExportUser("42", "alice", False, (ExportRole("7", "Mod", 3),))
    assert [(r.emoji, r.count, [u.id for u in r.users]) for r in one.reactions] == [
        ("👍", 2, ["43"]),
        ("party:999", 1, ["42"]),
        ("🔥", 5, []),
    ]
    assert one.mentions == ("43",) and one.reference_id is None and one.is_chat
    assert (two.id, two.type, two.reference_id, two.author) == (
        "1100000000000000001",
        "Reply",
        "1100000000000000000",
        ExportUser("43", "bob", True, ()),
    )
    assert two.edited_at is None and two.reactions == () and two.is_chat


def test_system_messages_keep_their_type_and_are_not_chat(tmp_path: Path) -> None:
    path = export(
        tmp_path / "a.json",
        [
            msg("1", "2024-01-01T00:00:00+00:00", "", type="GuildMemberJoin"),
            msg("2", "2024-01-01T00:00:01+00:00", "", type="SomethingNew"),
        ],
    )
    kinds = [(m.type, m.is_chat) for m in iter_messages(open_export(path))]
    assert kinds == [("GuildMemberJoin", False), ("SomethingNew", False)]


def test_head_after_messages_is_still_found(tmp_path: Path) -> None:
    path = tmp_path / "late.json"
    path.write_text(
        json.dumps({"messages": [msg("5", "2024-01-01T00:00:00Z")], "guild": GUILD, "channel": channel()}),
        encoding="utf-8",
    )
    head = open_export(path)
    assert head.guild.id == "123" and [m.id for m in iter_messages(head)] == ["5"]


def test_a_byte_order_mark_is_tolerated(tmp_path: Path) -> None:
    path = export(tmp_path / "bom.json", [msg("5", "2024-01-01T00:00:00Z")])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert [m.id for m in iter_messages(open_export(path))] == ["5"]


def test_a_folder_expands_to_its_json_files_sorted(tmp_path: Path) -> None:
    for name in ("b.json", "a.json"):
        export(tmp_path / name, [])
    (tmp_path / "notes.txt").write_text("not an export")
    (tmp_path / "nested").mkdir()
    export(tmp_path / "nested" / "c.json", [])
    assert expand_paths([tmp_path]) == [tmp_path / "a.json", tmp_path / "b.json"]
    assert expand_paths([str(tmp_path / "b.json"), tmp_path]) == [tmp_path / "b.json", tmp_path / "a.json"]


def test_missing_paths_and_empty_folders_are_errors(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"nope\.json: no such file or folder"):
        expand_paths([tmp_path / "nope.json"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(ExportError, match=r"no \.json files"):
        expand_paths([tmp_path / "empty"])
    with pytest.raises(ExportError, match="no export files"):
        expand_paths([])


def two_channels(tmp_path: Path) -> list[Path]:
    general = export(
        tmp_path / "general.json",
        [msg("10", "2024-01-01T10:00:00Z"), msg("30", "2024-01-02T09:00:00Z"), msg("50", "2024-01-03T00:00:00Z")],
    )
    # Same instants in another offset: 11:00+02:00 is 09:00 UTC, before general's message 30 (id order breaks ties).
    other = export(
        tmp_path / "other.json",
        [
            msg("20", "2024-01-01T12:00:00+02:00"),
            msg("29", "2024-01-02T11:00:00+02:00"),
            msg("40", "2024-01-02T23:59:59.999+00:00"),
        ],
        chan=channel("457", "other"),
    )
    return [general, other]


def test_merge_orders_channels_by_time(tmp_path: Path) -> None:
    files = [open_export(p) for p in two_channels(tmp_path)]
    merged = list(merge_exports(files))
    assert [m.id for m in merged] == ["10", "20", "29", "30", "40", "50"]
    assert [m.channel_id for m in merged] == ["456", "457", "457", "456", "457", "456"]


def test_the_same_channel_twice_yields_each_message_once(tmp_path: Path) -> None:
    general, other = two_channels(tmp_path)
    copy = tmp_path / "copy" / "general.json"
    copy.parent.mkdir()
    copy.write_bytes(general.read_bytes())
    files = [open_export(p) for p in (general, other, copy, general)]
    assert [m.id for m in merge_exports(files)] == ["10", "20", "29", "30", "40", "50"]


def test_until_a_date_keeps_that_whole_day_and_a_datetime_is_inclusive(tmp_path: Path) -> None:
    files = [open_export(p) for p in two_channels(tmp_path)]
    assert [m.id for m in merge_exports(files, until=date(2024, 1, 2))] == ["10", "20", "29", "30", "40"]
    assert [m.id for m in merge_exports(files, until=date(2023, 12, 31))] == []
    assert [m.id for m in merge_exports(files, until=datetime(2024, 1, 2, 9, tzinfo=UTC))] == ["10", "20", "29", "30"]
    assert [m.id for m in merge_exports(files, until=datetime(2024, 1, 2, 10, 59, 59, tzinfo=UTC))] == [
        "10",
        "20",
        "29",
        "30",
    ]


def test_not_json_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("<html>not json</html>")
    with pytest.raises(ExportError, match=r"broken\.json is not a DiscordChatExporter JSON export: not valid JSON"):
        open_export(path)
    path.write_text("[1, 2]")
    with pytest.raises(ExportError, match="top level is not a JSON object"):
        open_export(path)
    path.write_text("")
    with pytest.raises(ExportError, match="not valid JSON"):
        open_export(path)


def test_missing_messages_or_head_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "head.json"
    path.write_text(json.dumps({"guild": GUILD, "channel": channel()}))
    with pytest.raises(ExportError, match=r'head\.json is not a DiscordChatExporter JSON export: no "messages" list'):
        open_export(path)
    path.write_text(json.dumps({"guild": GUILD, "channel": channel(), "messages": {}}))
    with pytest.raises(ExportError, match='"messages" is not a list'):
        open_export(path)
    path.write_text(json.dumps({"channel": channel(), "messages": []}))
    with pytest.raises(ExportError, match='no "guild" object'):
        open_export(path)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"timestamp": "x"}, 'general.json: message 2: "timestamp" is not a date ("x")'),
        ({"timestamp": "2024-01-01T00:00:00"}, 'message 2: "timestamp" has no UTC offset'),
        ({"timestamp": None}, 'message 2: "timestamp" is missing'),
        ({"timestampEdited": "soon"}, 'message 2: "timestampEdited" is not a date ("soon")'),
        ({"id": "12a"}, 'message 2: "id" is not a Discord id ("12a")'),
        ({"author": {"name": "ghost"}}, 'message 2: "author.id" is missing'),
        ({"author": None}, 'message 2: "author" is missing or not an object'),
        (
            {"reactions": [{"emoji": {"name": "x"}, "count": "many"}]},
            'message 2: "reactions.count" is not a whole number',
        ),
    ],
)
def test_a_bad_message_names_the_file_index_and_field(tmp_path: Path, change: dict[str, Any], expected: str) -> None:
    path = export(
        tmp_path / "general.json", [msg("1", "2024-01-01T00:00:00Z"), {**msg("2", "2024-01-01T00:00:01Z"), **change}]
    )
    with pytest.raises(ExportError) as caught:
        list(iter_messages(open_export(path)))
    assert expected in str(caught.value)


def test_an_unsorted_file_is_an_error(tmp_path: Path) -> None:
    path = export(
        tmp_path / "general.json",
        [msg("1", "2024-01-02T00:00:00Z"), msg("2", "2024-01-02T00:00:00Z"), msg("3", "2024-01-01T23:59:59+00:00")],
    )
    with pytest.raises(
        ExportError,
        match=r"general\.json: message 3 is older than message 2; export in ascending "
        r"order \(DCE's default\)",
    ):
        list(iter_messages(open_export(path)))


def test_truncated_json_mid_stream_is_an_error(tmp_path: Path) -> None:
    path = export(tmp_path / "cut.json", [msg(str(i), "2024-01-01T00:00:00Z") for i in range(1, 4)])
    path.write_bytes(path.read_bytes()[:-60])
    with pytest.raises(ExportError, match=r"cut\.json: not valid JSON after message 2"):
        list(iter_messages(open_export(path)))


def test_two_guilds_are_refused(tmp_path: Path) -> None:
    one = export(tmp_path / "one.json", [])
    two = export(tmp_path / "two.json", [], guild={"id": "999", "name": "Other"})
    with pytest.raises(ExportError, match=r"2 servers: 123 \(Club\), 999 \(Other\); replay one server at a time"):
        merge_exports([open_export(one), open_export(two)])


@pytest.mark.parametrize("messages", [20_000, pytest.param(200_000, marks=pytest.mark.slow)])
def test_merging_a_big_export_keeps_memory_flat(tmp_path: Path, messages: int) -> None:
    """tracemalloc slows every allocation ~8x, so the default run uses 20k; --runslow runs the full 200k."""
    files = [open_export(p) for p in write_exports(tmp_path, messages=messages, channels=3)]
    seen = 0
    early_peak = 0
    tracemalloc.start()
    try:
        for seen, _message in enumerate(merge_exports(files), start=1):
            if seen == 2_000:
                early_peak = tracemalloc.get_traced_memory()[1]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert seen == messages
    assert peak < 20 * 2**20, f"peak {peak / 2**20:.1f} MB while merging {messages} messages"
    # Flat, not just small: a reader that kept every message (~1 KB each) would grow by tens of MB here.
    assert peak - early_peak < 2 * 2**20, f"grew {(peak - early_peak) / 2**20:.1f} MB after the first 2,000"


def test_synthetic_exports_read_back_cleanly(tmp_path: Path) -> None:
    paths = write_exports(tmp_path, messages=3_000, seed=5)
    files = [open_export(p) for p in expand_paths([tmp_path])]
    assert sorted(f.path for f in files) == sorted(paths)
    merged = list(merge_exports(files))
    assert len(merged) == 3_000
    assert [m.id for m in merged] == sorted((m.id for m in merged), key=int)
    assert {m.type for m in merged} >= {"Default", "Reply", "GuildMemberJoin"}
    assert any(r.emoji.startswith("party:") and r.emoji[6:].isdigit() for m in merged for r in m.reactions)


def test_the_merged_stream_tells_how_much_of_the_files_it_has_read(tmp_path: Path) -> None:
    files = [open_export(p) for p in write_exports(tmp_path, messages=3_000, seed=5, days=3)]
    merged = merge_exports(files)
    next(merged)
    early = merged.fraction_read()
    for _ in range(1_500):
        next(merged)
    middle = merged.fraction_read()
    list(merged)
    assert 0 < early < middle < 1 == merged.fraction_read()


def test_mentions_come_back_as_discord_wrote_them(tmp_path: Path) -> None:
    """DiscordChatExporter writes `@Name`; the bot reads `<@id>`, and only for users really mentioned."""
    said = msg(
        "1100000000000000000", "2023-05-01T10:00:00Z", "GG @Bob and @bob, not @carol", mentions=[user("43", "bob")]
    )
    [message] = iter_messages(open_export(export(tmp_path / "general.json", [said])))
    assert message.content == "GG <@43> and <@43>, not @carol"

"""Hypothesis strategies for what people can type: adversarial strings, numbers, ids of other servers,
and slash-command option values built from the option schema the bot registered with the emulator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from loyalteez.emulator import GuildHandle, Upload
from loyalteez.emulator.commands import (
    ATTACHMENT,
    BOOLEAN,
    CHANNEL,
    INTEGER,
    MENTIONABLE,
    NUMBER,
    ROLE,
    STRING,
    SUB_COMMAND,
    SUB_COMMAND_GROUP,
    USER,
)
from loyalteez.emulator.state import Command

DISCORD_TEXT_CAP = 6000  # the longest string option Discord accepts
INT_BOUND = 2**53  # Discord integer options are JSON-safe integers

SPECIAL_STRINGS = [
    "",
    " ",
    "\n",
    "\t  \t",
    "-1",
    "0",
    "1",
    "-0",
    "1e309",
    "NaN",
    "inf",
    "99999999999999999999999",
    "'; DROP TABLE discord_user_stats; --",
    "%s %d {0} {name}",
    "${jndi:x}",
    "<script>x</script>",
    "\u0000",
    "\u202e\u200b\ufeff",
    "Z̷̧̛a̵l̸g̷o̶",
    "🎉🔥💀" * 20,
    "ｇｍ",
    "gm",
    "none",
    "any",
    "all",
    "permanent",
    "1h30m",
    "999999h",
    "-5m",
    "<#1>",
    "<@1>",
    "<@&1>",
    "@everyone",
    "https://x/y",
    "https://discord.com/channels/1/2/3",
    "x" * 50,
    "x" * 51,
    "y" * 2000,
    "y" * 2001,
    "z" * DISCORD_TEXT_CAP,
    ",,,,",
    "a, b, c",
    "GM_CHECKIN",
    "gm_checkin",
    "welcome",
    "bonus",
]
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=120)
# What the adapter can hand a service: JSON values from Discord (no Decimal, bytes or other objects).
ANYTHING = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.sampled_from(SPECIAL_STRINGS),
    TEXT,
    st.lists(st.one_of(st.integers(), TEXT), max_size=30),
)


def strings(min_size: int = 0, max_size: int = DISCORD_TEXT_CAP, ids: list[str] | None = None) -> st.SearchStrategy:
    """Strings a member can type into an option of that length range, biased towards the nasty ones."""
    special = [s for s in SPECIAL_STRINGS + (ids or []) if min_size <= len(s) <= max_size]
    pieces = [
        st.text(
            st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=min_size, max_size=min(max_size, 200)
        )
    ]
    if special:
        pieces.insert(0, st.sampled_from(special))
    if max_size >= 1000:
        pieces.append(st.integers(max(min_size, 1000), max_size).map(lambda n: "é" * n))
    return st.one_of(*pieces)


@dataclass(frozen=True)
class Leaf:
    """One runnable slash command: its path ('config events') and its options' schema."""

    path: str
    options: list[dict[str, Any]]


def leaves(commands: list[Command]) -> list[Leaf]:
    found: list[Leaf] = []

    def walk(path: str, options: list[dict[str, Any]]) -> None:
        subs = [o for o in options if o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)]
        if not subs:
            found.append(Leaf(path, options))
        for sub in subs:
            walk(f"{path} {sub['name']}", sub.get("options") or [])

    for command in sorted(commands, key=lambda c: c.name):
        walk(command.name, command.options)
    return found


class Worlds:
    """Targets in this server and in another one: members, roles, channels (other servers' ids)."""

    def __init__(self, home: GuildHandle, other: GuildHandle) -> None:
        self.users = [m.member for m in home.members] + [m.member for m in other.members]
        self.roles = list(home.guild.roles.values()) + list(other.guild.roles.values())
        self.channels = list(home.guild.channels.values()) + list(other.guild.channels.values())
        self.ids = [str(x.id) for x in self.roles + self.channels] + [str(u.id) for u in self.users]


def option_value(option: dict[str, Any], worlds: Worlds) -> st.SearchStrategy:
    kind = option["type"]
    if option.get("choices"):
        return st.sampled_from([c["value"] for c in option["choices"]])
    if kind == STRING:
        return strings(option.get("min_length", 0), option.get("max_length", DISCORD_TEXT_CAP), worlds.ids)
    if kind in (INTEGER, NUMBER):
        low = option.get("min_value", -INT_BOUND)
        high = option.get("max_value", INT_BOUND)
        if kind == INTEGER:
            edges = [v for v in (-1, 0, 1, 5, 10_000, 10_001, low, high) if low <= v <= high]
            return st.one_of(st.sampled_from(edges), st.integers(int(low), int(high)))
        return st.floats(low, high, allow_nan=False, allow_infinity=False)
    if kind == BOOLEAN:
        return st.booleans()
    if kind == USER:
        return st.sampled_from(worlds.users)
    if kind == ROLE:
        return st.sampled_from(worlds.roles)
    if kind == MENTIONABLE:
        return st.sampled_from(worlds.users + worlds.roles)
    if kind == CHANNEL:
        allowed = option.get("channel_types")
        channels = [c for c in worlds.channels if not allowed or c.type in allowed]
        return st.sampled_from(channels) if channels else st.nothing()
    if kind == ATTACHMENT:
        return st.builds(
            Upload,
            st.sampled_from(["data.json", "export.csv", "x.bin", "ü.txt"]),
            st.one_of(st.binary(max_size=2000), st.sampled_from([b"{}", b"[]", b"a,b\n1,2", b"\xff"])),
        )
    return st.nothing()


@st.composite
def slash_case(draw: st.DrawFn, leaf_list: list[Leaf], worlds: Worlds) -> tuple[str, dict[str, Any]]:
    """A command path and option values a member could send."""
    leaf = draw(st.sampled_from(leaf_list))
    values: dict[str, Any] = {}
    for option in leaf.options:
        if option.get("required") or draw(st.booleans()):
            value = draw(option_value(option, worlds))
            values[option["name"]] = value
    return leaf.path, values

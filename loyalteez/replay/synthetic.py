"""Synthetic DiscordChatExporter exports: realistic-looking server history with no real user data.

Tests and bench/ need exports of any size with the shapes real ones have (greetings, replies, joins,
reactions, edits, bots, quiet days). Everything follows from the seed, and messages go to disk one by one,
so a million-message history costs no more memory than a hundred.
"""

from __future__ import annotations

import json
import random
import re
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from loyalteez.replay.records import ExportChannel, ExportGuild
from loyalteez.replay.synthetic_words import (
    BOT_LINES,
    CHANNEL_NAMES,
    CHATTER,
    COMMANDS,
    FRAGMENTS,
    GOODNIGHTS,
    GREETINGS,
    HOURS,
    KEYWORDS,
    ROLES,
    UNICODE_EMOJI,
)

DISCORD_EPOCH = datetime(2015, 1, 1, tzinfo=UTC)
SEQ_MASK = (1 << 22) - 1
HOUR_MS = 3_600_000
AVATAR = "https://cdn.discordapp.com/embed/avatars/0.png"
DEFAULT_GUILD_ID = "849074769100800000"


def snowflake_at(moment: datetime, seq: int = 0) -> str:
    """A Discord id for `moment` (naive means UTC); `seq` fills the low 22 bits so ids in one ms stay unique."""
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    ms = (moment - DISCORD_EPOCH) // timedelta(milliseconds=1)
    if ms < 0:
        raise ValueError(f"{moment} is before the Discord epoch (2015-01-01)")
    return str((ms << 22) | (seq & SEQ_MASK))


def write_export_file(
    path: Path,
    guild: ExportGuild | Mapping[str, Any],
    channel: ExportChannel | Mapping[str, Any],
    messages: Iterable[dict[str, Any]],
    *,
    exported_at: datetime | None = None,
) -> int:
    """Write one DCE file from message dicts (streamed as they come); returns how many were written."""
    writer = _ExportWriter(Path(path), guild, channel, exported_at)
    try:
        for message in messages:
            writer.write(message)
    finally:
        writer.close()
    return writer.count


def write_exports(
    folder: Path,
    *,
    messages: int,
    seed: int = 1,
    channels: int = 3,
    members: int = 40,
    bots: int = 2,
    start: datetime = datetime(2024, 3, 4, tzinfo=UTC),
    days: int = 14,
    guild_id: str = DEFAULT_GUILD_ID,
    guild_name: str = "Synthetic Club",
) -> list[Path]:
    """One DCE file per channel with `messages` messages in all, spread over `days` days from `start`."""
    if messages < 0 or channels < 1 or members < 1 or bots < 0 or days < 1:
        raise ValueError("messages and bots must be >= 0; channels, members and days >= 1")
    rng = random.Random(seed)
    start = (start if start.tzinfo else start.replace(tzinfo=UTC)).astimezone(UTC)
    start = start.replace(microsecond=start.microsecond // 1000 * 1000)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    guild = ExportGuild(id=guild_id, name=guild_name)
    category = snowflake_at(_ago(start, days=800), 1)
    chans = [
        ExportChannel(
            id=snowflake_at(_ago(start, days=800 - i), 100 + i),
            type="GuildTextChat",
            name=CHANNEL_NAMES[i] if i < len(CHANNEL_NAMES) else f"chat-{i + 1}",
            category_id=category,
        )
        for i in range(channels)
    ]
    safe_guild = re.sub(r'[\\/:*?"<>|]', "_", guild_name)
    paths = [folder / f"{safe_guild} - {chan.name} [{chan.id}].json" for chan in chans]
    writers = [
        _ExportWriter(path, guild, chan, start + timedelta(days=days)) for path, chan in zip(paths, chans, strict=True)
    ]
    try:
        story = _Story(rng, _cast(rng, members, bots, start), guild_id, [c.id for c in chans], messages)
        for seq, moment in enumerate(_moments(rng, messages, start, days)):
            index, message = story.message(seq, moment)
            writers[index].write(message)
    finally:
        for writer in writers:
            writer.close()
    return paths


class _ExportWriter:
    """One DCE file written message by message: the head first, "messageCount" last (as DCE does)."""

    def __init__(
        self,
        path: Path,
        guild: ExportGuild | Mapping[str, Any],
        channel: ExportChannel | Mapping[str, Any],
        exported_at: datetime | None,
    ) -> None:
        if isinstance(guild, ExportGuild):
            guild = {"id": guild.id, "name": guild.name, "iconUrl": AVATAR}
        if isinstance(channel, ExportChannel):
            channel = {
                "id": channel.id,
                "type": channel.type,
                "categoryId": channel.category_id,
                "category": "Text",
                "name": channel.name,
                "topic": None,
            }
        head = {
            "guild": dict(guild),
            "channel": dict(channel),
            "dateRange": {"after": None, "before": None},
            "exportedAt": exported_at.isoformat() if exported_at else None,
        }
        self.count = 0
        self.stream: TextIO = path.open("w", encoding="utf-8", newline="\n")
        self.stream.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "messages": [')

    def write(self, message: dict[str, Any]) -> None:
        self.stream.write(("\n" if self.count == 0 else ",\n") + json.dumps(message, ensure_ascii=False))
        self.count += 1

    def close(self) -> None:
        if not self.stream.closed:
            self.stream.write(f'\n], "messageCount": {self.count}}}\n')
            self.stream.close()


@dataclass(slots=True)
class _Member:
    author: dict[str, Any]  # as in "author" (with roles)
    user: dict[str, Any]  # as in reaction "users" and "mentions"
    weight: float
    gm_habit: float = 0.05
    joins: bool = False  # first appears through a GuildMemberJoin
    joined: bool = False
    moderator: bool = False


@dataclass(slots=True)
class _Cast:
    members: list[_Member]
    bots: list[_Member]
    cum_weights: list[float] = field(default_factory=list)


def _cast(rng: random.Random, members: int, bots: int, start: datetime) -> _Cast:
    roles = [
        {"id": snowflake_at(_ago(start, days=900), 10 + i), "name": name, "color": color, "position": pos}
        for i, (name, pos, color) in enumerate(ROLES)
    ]
    role_sets: tuple[list[dict[str, Any]], ...] = (
        [],
        [],
        [],
        [],
        [roles[0]],
        [roles[2]],
        [roles[0], roles[2]],
        [roles[1], roles[0]],
    )

    def person(seq: int, name: str, is_bot: bool, held: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
        created = _ago(start, days=rng.randint(30, 2000), milliseconds=rng.randrange(86_400_000))
        user = {
            "id": snowflake_at(created, seq),
            "name": name,
            "discriminator": "0000",
            "nickname": name.capitalize(),
            "isBot": is_bot,
            "avatarUrl": AVATAR,
        }
        author = {**user, "color": held[0]["color"] if held else None, "roles": held}
        author["avatarUrl"] = author.pop("avatarUrl")  # keep DCE's key order: roles before avatarUrl
        return author, user

    cast = _Cast(members=[], bots=[])
    for i in range(members):
        held = list(rng.choice(role_sets))
        author, user = person(i, f"member{i + 1:03d}", False, held)
        cast.members.append(
            _Member(
                author,
                user,
                weight=rng.lognormvariate(0, 1),
                gm_habit=0.45 if rng.random() < 0.3 else 0.05,
                joins=rng.random() < 0.25,
                moderator=roles[1] in held,
            )
        )
    for j in range(bots):
        author, user = person(members + j, f"synthbot{j + 1}", True, [])
        cast.bots.append(_Member(author, user, weight=1.0))
    total = 0.0
    for member in cast.members:
        total += member.weight
        cast.cum_weights.append(total)
    return cast


def _split(total: int, weights: list[float]) -> list[int]:
    """`total` shared in proportion to `weights`, exactly (largest remainders get the leftovers)."""
    scale = sum(weights)
    raw = [total * w / scale for w in weights]
    counts = [int(r) for r in raw]
    leftovers = sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)
    for i in leftovers[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _moments(rng: random.Random, total: int, start: datetime, days: int) -> Iterator[datetime]:
    """`total` strictly increasing ms timestamps; weekends and some days quieter, one empty mid-range day."""
    day_weights = [
        rng.uniform(0.6, 1.4) * (0.5 if (start + timedelta(days=d)).weekday() >= 5 else 1.0) for d in range(days)
    ]
    if days >= 7:
        day_weights[days // 2] = 0.0  # a gap: replay must cope with a day with no messages at all
    for day, day_total in enumerate(_split(total, day_weights)):
        for hour, count in enumerate(_split(day_total, [w * rng.uniform(0.7, 1.3) for w in HOURS])):
            if count > HOUR_MS:
                raise ValueError("more than one message per millisecond: spread them over more days")
            base = start + timedelta(days=day, hours=hour)
            for offset in sorted(rng.sample(range(HOUR_MS), count)):
                yield base + timedelta(milliseconds=offset)


class _Story:
    """Chooses each message's channel, author, kind and extras; remembers only a little recent context."""

    def __init__(self, rng: random.Random, cast: _Cast, guild_id: str, channel_ids: list[str], total: int) -> None:
        self.rng, self.cast, self.guild_id, self.channel_ids = rng, cast, guild_id, channel_ids
        self.channels = range(len(channel_ids))
        self.channel_cum = [sum(1.0 / (i + 1) for i in range(n + 1)) for n in self.channels]  # general busiest
        self.present = [m for m in cast.members if not m.joins]  # who can react or be mentioned
        self.recent: list[deque[tuple[str, _Member]]] = [deque(maxlen=30) for _ in self.channels]
        self.emoji = [
            *(
                {"id": None, "name": name, "code": code, "isAnimated": False, "imageUrl": ""}
                for name, code in UNICODE_EMOJI
            ),
            {
                "id": snowflake_at(DISCORD_EPOCH + timedelta(days=2000), 7),
                "name": "party",
                "code": "party",
                "isAnimated": False,
                "imageUrl": "",
            },
        ]
        specials = rng.sample(range(total), min(total, 3 + total // 50_000)) if total >= 20 else []
        self.specials = {index: "ChannelPinnedMessage" for index in specials[1:]}
        self.specials.update({index: "ThreadCreated" for index in specials[:1]})
        self.pending: list[str] = []  # a special that met a join (or a pin with nothing to pin) waits its turn

    def message(self, seq: int, moment: datetime) -> tuple[int, dict[str, Any]]:
        rng = self.rng
        msg_id = snowflake_at(moment, seq)
        channel = rng.choices(self.channels, cum_weights=self.channel_cum)[0]
        use_bot = bool(self.cast.bots) and rng.random() < 0.04
        author = (
            rng.choice(self.cast.bots)
            if use_bot
            else rng.choices(self.cast.members, cum_weights=self.cast.cum_weights)[0]
        )
        message: dict[str, Any] = {
            "id": msg_id,
            "type": "Default",
            "timestamp": _stamp(moment),
            "timestampEdited": None,
            "callEndedTimestamp": None,
            "isPinned": False,
            "content": "",
            "author": author.author,
            "attachments": [],
            "embeds": [],
            "stickers": [],
            "reactions": [],
            "mentions": [],
            "inlineEmojis": [],
        }
        if seq in self.specials:
            self.pending.append(self.specials[seq])
        if author.joins and not author.joined:
            message["type"] = "GuildMemberJoin"  # shown in the first channel, before the member's first message
            author.joined = True
            self.present.append(author)
            return 0, message
        special = self.pending[0] if self.pending else None
        if special == "ChannelPinnedMessage" and self.recent[channel]:
            self.pending.pop(0)
            mods = [m for m in self.present if m.moderator]
            message.update(
                type=special,
                author=(rng.choice(mods) if mods else author).author,
                reference=self._reference(self.recent[channel][-1][0], channel),
            )
            return channel, message
        if special == "ThreadCreated":
            self.pending.pop(0)
            message.update(type=special, content="giveaway ideas")
            return channel, message
        message["content"] = rng.choice(BOT_LINES) if use_bot else self._text(author, moment)
        if not use_bot and self.recent[channel] and rng.random() < 0.12:
            ref_id, ref_author = rng.choice(self.recent[channel])
            message.update(type="Reply", reference=self._reference(ref_id, channel))
            if rng.random() < 0.5:
                message["mentions"] = [ref_author.user]
        elif self.present and rng.random() < 0.05:
            other = rng.choice(self.present)
            message.update(content=f"<@{other.user['id']}> {message['content']}", mentions=[other.user])
        if rng.random() < 0.05:
            message["timestampEdited"] = _stamp(moment + timedelta(milliseconds=rng.randint(5_000, 600_000)))
        if rng.random() < 0.15:  # about 0.4 reactions per message in all, as in a lively real server
            message["reactions"] = self._reactions(author)
        self.recent[channel].append((msg_id, author))
        return channel, message

    def _text(self, author: _Member, moment: datetime) -> str:
        rng = self.rng
        if 5 <= moment.hour < 12 and rng.random() < author.gm_habit:
            return rng.choice(GREETINGS)
        if moment.hour >= 21 and rng.random() < 0.1:
            return rng.choice(GOODNIGHTS)
        kind = rng.random()
        if kind < 0.2:
            return ", and ".join(rng.sample(FRAGMENTS, rng.randint(2, 3))).capitalize() + "."
        if kind < 0.28:
            return rng.choice(COMMANDS)
        if kind < 0.33:
            return rng.choice(KEYWORDS)
        return rng.choice(CHATTER)

    def _reference(self, message_id: str, channel: int) -> dict[str, str]:
        return {"messageId": message_id, "channelId": self.channel_ids[channel], "guildId": self.guild_id}

    def _reactions(self, author: _Member) -> list[dict[str, Any]]:
        rng = self.rng
        reactions = []
        for emoji in rng.sample(self.emoji, 1 if rng.random() < 0.7 else rng.randint(2, 3)):
            people = self.present or [author]
            users = [m.user for m in rng.sample(people, min(len(people), 1 + int(rng.expovariate(1.2))))]
            if self.cast.bots and rng.random() < 0.1:
                users.append(rng.choice(self.cast.bots).user)
            if rng.random() < 0.08 and author.user not in users:
                users.append(author.user)
            reactions.append({"emoji": emoji, "count": len(users), "users": users})
        return reactions


def _ago(start: datetime, **delta: int) -> datetime:
    """Creation times before `start`, never before Discord's epoch (a snowflake cannot express those)."""
    return max(start - timedelta(**delta), DISCORD_EPOCH)


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")

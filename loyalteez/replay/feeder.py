"""Feed an export's messages to the real bot through the loopback Discord, on the history's own clock.

Each message is posted (MESSAGE_CREATE) by its author with its own id, and its reactions follow at the
same moment (MESSAGE_REACTION_ADD, one per listed user), exactly as the bot would have received them live.
The clock is set to each message's timestamp before it is posted, so commands, joins and scheduled jobs see
the history's time; the engine decides every replayed message at its own timestamp (history mode), so
cooldowns, once-a-day greetings and caps fall as they would have.

The feeder waits for the bot in two ways:
  - `keep_up`: until the bot has read and handled everything posted so far, while its reward writes may
    still be running: after every `batch` events. The bot's database work then overlaps the next posts.
  - `drain`: until everything is also committed and the jobs that are due have run (hourly ledger filing,
    announcements): after every `DRAIN_EVERY_PARTS`-th part (back-pressure: the writer never holds more than
    that many parts, so memory stays flat however long the export), and before the clock crosses UTC midnight
    and once more just after, so the day is written at its own time (achievements and goals stamp their
    completion then) and the midnight jobs (the daily KPI snapshot above all) run on a complete day, as they
    would at 00:00 live.

Message types: Default and Reply are chat. GuildMemberJoin adds its member at that moment (first seen) and
is posted as the system message it is (which never earns). Boost notices (types 8-11) are posted as such,
so the boost events pay as they would have live. Pins, calls, thread notices, name changes and any other
system type are skipped and counted: they carry no activity the bot rewards.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from loyalteez.clock import ManualClock
from loyalteez.emulator import Emulator
from loyalteez.emulator.state import Message, User
from loyalteez.replay.guild import ReplayGuild
from loyalteez.replay.records import ExportMessage

CHAT_TYPES = {"Default": 0, "Reply": 19}
JOIN_TYPE, JOIN_CODE = "GuildMemberJoin", 7
# Boost notices: DiscordChatExporter has no names for Discord's types 8-11, so it writes their numbers;
# Discord's own names are accepted too.
BOOST_TYPES = {
    **{str(code): code for code in (8, 9, 10, 11)},
    "UserPremiumGuildSubscription": 8,
    "UserPremiumGuildSubscriptionTier1": 9,
    "UserPremiumGuildSubscriptionTier2": 10,
    "UserPremiumGuildSubscriptionTier3": 11,
}
DEFAULT_BATCH = 2_000
# Every this many parts the feeder drains fully, so the jobs that come due run (see the module docstring).
DRAIN_EVERY_PARTS = 5
KEEP_MESSAGES = 5_000  # the emulator's memory of recent messages (reactions and replies need them)
RESUME_BUFFER = 10_000  # gateway events kept for a RESUME: more than one batch, far fewer than a history

Drain = Callable[[], Awaitable[None]]
Tick = Callable[["FeedCounts", ExportMessage], None]


@dataclass
class FeedCounts:
    """What was fed: the replay summary's input side."""

    messages: int = 0
    chat: int = 0
    from_bots: int = 0
    joins: int = 0
    boosts: int = 0
    reactions: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    days: int = 0
    first_day: date | None = None
    last_day: date | None = None


def bound_emulator_memory(emu: Emulator) -> None:
    """Keep the loopback Discord's memory flat for a long history; call before the bot connects."""
    emu.world.keep_messages = KEEP_MESSAGES
    emu.gateway.replay_limit = RESUME_BUFFER


class HistoryFeeder:
    def __init__(
        self,
        emu: Emulator,
        guild: ReplayGuild,
        clock: ManualClock,
        drain: Drain,
        keep_up: Drain | None = None,
        *,
        batch: int = DEFAULT_BATCH,
    ) -> None:
        self.emu = emu
        self.keep_up = keep_up or drain
        self.guild = guild
        self.clock = clock
        self.drain = drain
        self.batch = batch
        self.counts = FeedCounts()
        self._since_drain = 0
        self._parts = 0

    async def feed(self, messages: Iterable[ExportMessage], tick: Tick | None = None) -> FeedCounts:
        for message in messages:
            await self._advance_clock(message)
            self._post(message)
            if tick is not None:
                tick(self.counts, message)
            if self._since_drain >= self.batch:
                await self._part_done()
        await self._drain()
        return self.counts

    async def _advance_clock(self, message: ExportMessage) -> None:
        day = message.timestamp.date()
        counts = self.counts
        if counts.last_day is not None and day != counts.last_day:
            await self._drain()  # the day that ends is written at its own time, before midnight's jobs run
            self._set_clock(message)
            await self._drain()  # midnight's jobs (snapshots of every day that ended) run now
        else:
            self._set_clock(message)
        if counts.last_day != day:
            counts.days += 1
            counts.first_day = counts.first_day or day
            counts.last_day = day

    def _set_clock(self, message: ExportMessage) -> None:
        # Never backwards: the scheduler treats a clock that went back as a restart. Merged exports are
        # in time order, so this only holds the clock on messages that share a millisecond.
        if message.timestamp > self.clock.now():
            self.clock.set(message.timestamp)

    async def _part_done(self) -> None:
        self._since_drain = 0
        self._parts += 1
        if self._parts % DRAIN_EVERY_PARTS == 0:
            await self.drain()  # the due jobs run (hourly ledger filing keeps the unfiled index small)
        else:
            await self.keep_up()

    async def _drain(self) -> None:
        self._since_drain = 0
        await self.drain()

    def _post(self, message: ExportMessage) -> None:
        counts = self.counts
        counts.messages += 1
        at = message.timestamp
        if message.type == JOIN_TYPE:
            counts.joins += 1
            author = self.guild.join(message.author, at)
            self._send(message, author, JOIN_CODE)
            return
        if message.type in BOOST_TYPES:
            counts.boosts += 1
            self._send(message, self.guild.user(message.author, at), BOOST_TYPES[message.type])
            return
        code = CHAT_TYPES.get(message.type)
        if code is None:
            counts.skipped[message.type] += 1
            return
        author = self.guild.user(message.author, at)
        counts.chat += 1
        counts.from_bots += int(message.author.is_bot)
        posted = self._send(message, author, code)
        for reaction in message.reactions:
            for person in reaction.users:
                reactor = self.guild.user(person, at)
                if self.emu.events.add_reaction(posted, reactor, reaction.emoji):
                    counts.reactions += 1
                    self._since_drain += 1

    def _send(self, message: ExportMessage, author: User, code: int) -> Message:
        reference = int(message.reference_id) if code == 19 and message.reference_id else None
        posted = Message(
            id=int(message.id),
            channel_id=int(message.channel_id),
            guild_id=self.guild.id,
            author=author,
            content=message.content,
            type=code,
            reference_id=reference,
        )
        self._since_drain += 1
        return self.emu.events.post_message(posted)

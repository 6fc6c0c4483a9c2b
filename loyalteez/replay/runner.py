"""`python bot.py replay`: a server's exported history through the real bot, into a database of its own.

    result = await replay_history(ReplayRequest(("exports/",), Path("out.db")))

The pieces: exports.py streams and merges the files, guild.py rebuilds the server in the loopback Discord
with the export's ids, feeder.py posts the messages on the history's clock, and the real App (the same
cogs, engine and scheduler as live, in history mode) records them in `db_path`. The server is connected
to a brand first (created when new, like `python bot.py brand create`) and the rules file, when given, is
imported exactly as `python bot.py import-config --apply` would.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dt_time
from itertools import chain
from pathlib import Path

from loyalteez import private_files
from loyalteez.clock import ManualClock
from loyalteez.emulator import Emulator
from loyalteez.emulator.harness import TOKEN, Harness, app_factory, running_bot
from loyalteez.replay.exports import ExportError, expand_paths, merge_exports, open_export
from loyalteez.replay.feeder import DEFAULT_BATCH, FeedCounts, HistoryFeeder, bound_emulator_memory
from loyalteez.replay.guild import ReplayGuild
from loyalteez.replay.progress import Progress
from loyalteez.replay.summary import Recorded, read_recorded
from loyalteez.services.access import audit, brands
from loyalteez.services.config_io.document import ConfigDocument
from loyalteez.services.config_io.exchange import import_config
from loyalteez.services.errors import ValidationError
from loyalteez.store import Scope, ScopedData, Store

REPLAY_ACTOR = "replay"
REPLAYED = "history_replayed"  # the audit action marking a server whose data a replay wrote
DM_GUILD_ID = "0"  # DiscordChatExporter's "guild" of direct messages
DRAIN_TIMEOUT = 600.0  # seconds; a drain waits for at most a few batches' writes, so this is only a hang guard
# After the last message the clock moves past the next midnight, so that day gets its snapshot too.
AFTER_LAST_DAY = timedelta(days=1, minutes=1)


class ReplayError(ValidationError):
    """A replay that cannot start (no messages, server replayed under another brand): one clear line."""

    def __init__(self, message: str) -> None:
        super().__init__("replay", message)

    def __str__(self) -> str:
        return self.message  # the sentence already names the file or the field

    def __reduce__(self) -> tuple[type[ReplayError], tuple[str]]:
        return ReplayError, (self.message,)  # what-if workers send it back to the parent intact


@dataclass(frozen=True)
class ReplayRequest:
    paths: Sequence[str | Path]
    db_path: Path
    rules: ConfigDocument | None = None
    brand: str | None = None
    until: date | None = None
    force: bool = False  # replay into a server the bot also recorded live


@dataclass(frozen=True)
class ReplayResult:
    server_id: str
    server_name: str
    brand_name: str
    counts: FeedCounts
    recorded: Recorded
    names: dict[str, str]
    seconds: float
    peak_rss_mb: float
    refused_requests: int
    # What the database held for this server before this run (an earlier replay of the same export).
    previous: Recorded | None = None


async def replay_history(
    request: ReplayRequest, *, progress: Progress | None = None, batch: int = DEFAULT_BATCH
) -> ReplayResult:
    try:
        files = [open_export(path) for path in expand_paths(request.paths)]
        messages = merge_exports(files, request.until)
        first = next(messages, None)
    except ExportError as exc:
        raise ReplayError(str(exc)) from exc
    if files[0].guild.id == DM_GUILD_ID:
        raise ReplayError("these are direct messages, not a server's channels: only server exports can be replayed.")
    if first is None:
        cut = f" on or before {request.until}" if request.until else ""
        raise ReplayError(f"the exports hold no messages{cut}: nothing to replay.")
    if progress is not None:
        progress.fraction = messages.fraction_read
    began = time.perf_counter()
    clock = ManualClock(first.timestamp)
    emu = Emulator(token=TOKEN, clock=clock, in_process_gateway=True)
    bound_emulator_memory(emu)
    guild = ReplayGuild(emu, files[0].guild, [f.channel for f in files])
    private_files.make_dirs(request.db_path.parent)
    async with running_bot(
        request.db_path.parent,
        app_factory=app_factory(db_path=str(request.db_path), history_replay=True, catchup_hours=0),
        emulator=emu,
        guild_name=guild.guild.name,
        clock=clock,
        strict=False,
    ) as h:
        scope, brand_name = await _connect(h, guild, request)
        previous = await read_recorded(h.app.store.scoped(scope))
        if request.rules is not None:
            await import_config(h.app.store.scoped(scope), request.rules, apply=True, actor_id=REPLAY_ACTOR)
        feeder = HistoryFeeder(
            emu,
            guild,
            clock,
            lambda: h.settle(timeout=DRAIN_TIMEOUT),
            lambda: emu.settle(DRAIN_TIMEOUT, flush=False),
            batch=batch,
        )
        try:
            counts = await feeder.feed(chain([first], messages), progress.tick if progress else None)
        except ExportError as exc:  # a bad message deep in a file: what was fed so far is kept, consistently
            raise ReplayError(
                f"{exc} (the {feeder.counts.messages:,} messages before it are recorded; "
                "fix the file and replay again: nothing is counted twice)"
            ) from exc
        if progress is not None:
            progress.done(counts)
        _end_of_history(clock, counts)
        await h.settle(timeout=DRAIN_TIMEOUT)
        recorded = await read_recorded(h.app.store.scoped(scope))
        refused = len(emu.rejected_requests)
    names = {str(user_id): user.username for user_id, user in guild.users.items()}
    return ReplayResult(
        str(guild.id),
        guild.guild.name,
        brand_name,
        counts,
        recorded,
        names,
        time.perf_counter() - began,
        peak_rss_mb(),
        refused,
        previous if previous.members or previous.payouts or previous.snapshot_days else None,
    )


def peak_rss_mb() -> float:
    """The process's peak resident memory so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _end_of_history(clock: ManualClock, counts: FeedCounts) -> None:
    if counts.last_day is not None:
        clock.set(max(clock.now(), datetime.combine(counts.last_day, dt_time(), tzinfo=UTC) + AFTER_LAST_DAY))


async def _connect(h: Harness, guild: ReplayGuild, request: ReplayRequest) -> tuple[Scope, str]:
    """The server's scope: its existing link (a second replay), else a new link to the chosen brand."""
    store, server_id = h.app.store, str(guild.id)
    link = await store.server_link(server_id)
    if link is not None and not request.force and not await _replayed(store.scoped(Scope(link["brand_id"], server_id))):
        raise ReplayError(
            f"server {server_id} in {request.db_path} holds data the bot recorded live, not by a replay: "
            "replaying into it would mix history into that data; replay into a new --db, "
            "or add --force to mix them anyway."
        )
    if link is not None and link["is_active"]:
        brand = await store.get_brand(link["brand_id"])
        name = brand["name"] if brand else link["brand_id"]
        if request.brand and request.brand not in (name, link["brand_id"]):
            raise ReplayError(
                f"server {server_id} is already replayed into brand {name!r} in {request.db_path}; "
                f"replay into another --db, or use --brand {name!r}."
            )
        return await _marked(store, Scope(link["brand_id"], server_id)), name
    name = request.brand or guild.guild.name
    try:
        brand = await brands.find_brand(store, name)
    except ValidationError:
        created = await brands.create_brand(store, name)
        # A new brand: the owner connects with /setup connect, exactly as on Discord.
        await h.guild.owner.slash("setup connect", brand_id=created.brand_id, security_key=created.security_key)
        await h.settle()
        brand_id = created.brand_id
    else:
        brand_id = brand["brand_id"]
        result = await h.app.services.setup.connect_trusted(
            server_id=server_id, server_name=guild.guild.name, brand_id=brand_id, actor_id=REPLAY_ACTOR
        )
        if not result.ok:
            raise ReplayError(result.message)
    link = await store.server_link(server_id)
    if link is None or not link["is_active"] or link["brand_id"] != brand_id:
        raise ReplayError(f"could not connect server {server_id} to brand {name!r}.")
    return await _marked(store, Scope(brand_id, server_id)), name


async def _replayed(data: ScopedData) -> bool:
    """Whether a replay put this server's data there (the audit row `_marked` leaves)."""
    return bool(await data.audit.newest_snapshot(actions_in=[REPLAYED], limit=1))


async def _marked(store: Store, scope: Scope) -> Scope:
    """Record once that the server's data comes from a replay, so a later replay may add to it."""
    data = store.scoped(scope)
    if not await _replayed(data):
        await audit.record(data, actor_type="system", actor_id=REPLAY_ACTOR, action=REPLAYED)
    return scope

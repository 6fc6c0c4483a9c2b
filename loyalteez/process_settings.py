"""Which part of the bot's work this process does: its Discord shards, and how long a scheduler lease lasts.

Several processes may share one PostgreSQL database (a brand with many servers, or two machines for
failover). Each runs py-cord's sharded client for the shards it names, and Discord sends a guild's events
to the shard `(guild_id >> 22) % shard_count`. The in-process cron runs in one process only: the holder of
a lease row that it renews every third of the lease (services/leadership.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

SHARD_COUNT_MAX = 1024  # far past Discord's largest bots; a typo like 10000 is refused instead of tried
LEASE_DEFAULT = 20.0
LEASE_MIN = 2.0
LEASE_MAX = 600.0


class ProcessSettingsError(ValueError):
    """A sharding or lease setting is present but unusable; the message names it."""


@dataclass(frozen=True)
class ProcessSettings:
    # None: py-cord's plain client, one connection for every guild (shard 0 of 1).
    shard_count: int | None = None
    # The shards this process runs (sorted); None with a count: all of them.
    shard_ids: tuple[int, ...] | None = None
    # How long a scheduler leader's lease lasts unrenewed: another process takes over after at most this.
    leader_lease_seconds: float = LEASE_DEFAULT

    @property
    def sharded(self) -> bool:
        return self.shard_count is not None

    @property
    def shards(self) -> tuple[int, ...]:
        """The shards this process serves (shard 0 when unsharded)."""
        if self.shard_count is None:
            return (0,)
        return self.shard_ids if self.shard_ids is not None else tuple(range(self.shard_count))

    def describe(self) -> str:
        """'shards 0, 2 of 4' for logs and lock holders; '' when unsharded."""
        if self.shard_count is None:
            return ""
        return f"shard{'s' if len(self.shards) > 1 else ''} {', '.join(map(str, self.shards))} of {self.shard_count}"


def read_process_settings(values: Mapping[str, str]) -> ProcessSettings:
    """From merged environment values; a bad value raises ProcessSettingsError with one sentence naming it."""
    raw_count = (values.get("LOYALTEEZ_SHARD_COUNT") or "").strip()
    raw_ids = (values.get("LOYALTEEZ_SHARD_IDS") or "").strip()
    count: int | None = None
    if raw_count:
        if not raw_count.isdigit() or not 1 <= int(raw_count) <= SHARD_COUNT_MAX:
            raise ProcessSettingsError(
                f"LOYALTEEZ_SHARD_COUNT must be a whole number from 1 to {SHARD_COUNT_MAX}, not {raw_count!r}"
            )
        count = int(raw_count)
    ids: tuple[int, ...] | None = None
    if raw_ids:
        if count is None:
            raise ProcessSettingsError(
                "LOYALTEEZ_SHARD_IDS needs LOYALTEEZ_SHARD_COUNT: set the total number of shards as well"
            )
        ids = _shard_ids(raw_ids, count)
    return ProcessSettings(shard_count=count, shard_ids=ids, leader_lease_seconds=_lease(values))


def _shard_ids(raw: str, count: int) -> tuple[int, ...]:
    """'0,2' or '0-3' or '0-1,5': each shard once, every one below the count."""
    found: list[int] = []
    for part in raw.split(","):
        low, dash, high = part.strip().partition("-")
        if not low.strip().isdigit() or (dash and not high.strip().isdigit()):
            raise ProcessSettingsError(
                f"LOYALTEEZ_SHARD_IDS must be shard numbers separated by commas, like 0,1 or 0-3, not {raw!r}"
            )
        first, last = int(low), int(high) if dash else int(low)
        if first > last:
            raise ProcessSettingsError(f"LOYALTEEZ_SHARD_IDS: the range {part.strip()!r} runs backwards")
        found.extend(range(first, last + 1))
    outside = [i for i in found if i >= count]
    if outside:
        raise ProcessSettingsError(
            f"LOYALTEEZ_SHARD_IDS: shard {outside[0]} does not exist with LOYALTEEZ_SHARD_COUNT={count} "
            f"(shards are numbered 0 to {count - 1})"
        )
    twice = sorted({i for i in found if found.count(i) > 1})
    if twice:
        raise ProcessSettingsError(f"LOYALTEEZ_SHARD_IDS names shard {twice[0]} twice")
    return tuple(sorted(found))


def _lease(values: Mapping[str, str]) -> float:
    raw = (values.get("LOYALTEEZ_LEADER_LEASE_SECONDS") or "").strip()
    if not raw:
        return LEASE_DEFAULT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not LEASE_MIN <= seconds <= LEASE_MAX:
        raise ProcessSettingsError(
            f"LOYALTEEZ_LEADER_LEASE_SECONDS must be a number of seconds from {LEASE_MIN:g} to {LEASE_MAX:g}, "
            f"not {raw!r}"
        )
    return seconds

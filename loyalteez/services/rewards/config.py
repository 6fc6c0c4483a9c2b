"""A server's reward configuration as one immutable snapshot, cached between events.

The message listener needs the rules, role bonuses, excluded channels, test mode and disabled members
for every message; reading five tables each time would dominate the cost. A snapshot is reused until the
server's config generation changes (every config write through this process's store bumps it) or its
config_version on the database is no longer the one it was read at (a change by another process or the
web: see store/repos/rewards.py). `get`, called holding the rewards lock, checks the version on the way
(queued with the statements the caller sends next on PostgreSQL; a read on SQLite, which is local); a
write decided with `current` has its guard check it. The brand's budget, which the operator CLI sets from
another process, is checked the same ways, so `python bot.py brand budget` applies to the next payout.
Reads outside a transaction (what a status command shows) compare a one-row stamp of the brand and the
version every BRAND_CHECK_SECONDS instead. The TTL is only a backstop.

config_metadata keys owned by the rewards engine:
  excluded_channels  list of channel ids where nothing earns or counts (threads follow their parent);
  test_mode          {"enabled": bool, "tester_role_id": str | null}.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from loyalteez.services.rewards import triggers
from loyalteez.services.rewards.bonuses import RoleBonuses
from loyalteez.services.rewards.rules import Rule, resolve
from loyalteez.services.rewards.triggers import Detector
from loyalteez.services.rewards.triggers.activity import BOOST, REACTION_COUNT, VOICE
from loyalteez.store import ScopedData

BRAND_CHECK_SECONDS = 2.0  # the operator CLI says a budget change applies within this
EXCLUDED_CHANNELS = "excluded_channels"
TEST_MODE = "test_mode"


@dataclass(frozen=True, slots=True)
class TestMode:
    __test__ = False  # not a pytest test class

    enabled: bool = False
    tester_role_id: str | None = None

    @classmethod
    def from_metadata(cls, metadata: dict[str, Any]) -> TestMode:
        raw = metadata.get(TEST_MODE)
        if not isinstance(raw, dict):
            return cls()
        role = raw.get("tester_role_id")
        return cls(bool(raw.get("enabled")), str(role) if role else None)

    def as_json(self) -> dict[str, Any]:
        return {"enabled": self.enabled, "tester_role_id": self.tester_role_id}


@dataclass(slots=True)
class ServerRewards:
    """Everything the engine decides with, for one server, at one moment."""

    rules: dict[str, Rule]
    bonuses: RoleBonuses
    excluded: frozenset[str]
    test_mode: TestMode
    disabled: frozenset[str]
    budget: int | None
    generation: int = 0
    loaded_at: float = 0.0
    brand_version: tuple[Any, ...] = ()
    checked_at: float = 0.0  # when brand_version was last compared with the database
    version: int = 0  # the server's config_version these rules were read at
    metadata: dict[str, Any] = field(default_factory=dict)  # the server's config_metadata (do not change it)
    # Enabled rules by the input that can earn them, with the text test for message rules.
    message_rules: tuple[tuple[Rule, Detector], ...] = field(default=())
    reaction_rules: tuple[Rule, ...] = ()
    voice_rules: tuple[Rule, ...] = ()
    boost_rules: tuple[Rule, ...] = ()

    def __post_init__(self) -> None:
        enabled = [r for r in self.rules.values() if r.is_enabled]
        self.message_rules = tuple((r, test) for r in enabled if (test := triggers.detector(r)) is not None)
        self.reaction_rules = tuple(r for r in enabled if r.trigger == REACTION_COUNT.name)
        self.voice_rules = tuple(r for r in enabled if r.trigger == VOICE.name)
        self.boost_rules = tuple(r for r in enabled if r.trigger == BOOST.name)

    def is_excluded(self, channel_id: str | None, parent_id: str | None = None) -> bool:
        return channel_id in self.excluded or (parent_id is not None and parent_id in self.excluded)


class ConfigCache:
    """Snapshots per (brand, server), refreshed on a config change or after `ttl` seconds."""

    def __init__(self, monotonic: Callable[[], float], ttl: float = 60.0) -> None:
        self.ttl = ttl
        self._monotonic = monotonic  # the injected clock's, so tests that move time also age the cache
        self._entries: dict[tuple[str, str], ServerRewards] = {}
        self.loads = 0  # how many times a snapshot was read from the database (tests check the cache)

    async def get(self, data: ScopedData) -> ServerRewards:
        """The snapshot for `data`'s scope; call inside the engine's transaction, holding the rewards lock
        (the version check then holds until it commits), or outside one for a read (checked every few seconds)."""
        key = (data.scope.brand_id, data.scope.server_id)
        generation = data.rewards.generation()
        now = self._monotonic()
        entry = self._entries.get(key)
        if entry is not None and entry.generation == generation and now - entry.loaded_at < self.ttl:
            if now - entry.checked_at < BRAND_CHECK_SECONDS:
                if await data.rewards.check_version(entry.version, entry.budget) is not False:
                    return entry
            elif await data.rewards.brand_version() == entry.brand_version:
                entry.checked_at = now
                return entry
            data.rewards.config_changed()  # changed elsewhere: this process's other caches reload it too
            generation = data.rewards.generation()
        version = await data.rewards.brand_version()
        rows = await data.rewards.config_rows()
        excluded = rows.metadata.get(EXCLUDED_CHANNELS) or []
        entry = ServerRewards(
            rules=resolve(rows.rules),
            bonuses=RoleBonuses(rows.roles),
            excluded=frozenset(str(c) for c in excluded) if isinstance(excluded, list) else frozenset(),
            test_mode=TestMode.from_metadata(rows.metadata),
            disabled=rows.disabled,
            budget=rows.budget,
            generation=generation,
            loaded_at=now,
            brand_version=version,
            checked_at=now,
            version=rows.version,
            metadata=rows.metadata,
        )
        self.loads += 1
        self._entries[key] = entry
        return entry

    def current(self, data: ScopedData) -> ServerRewards | None:
        """The snapshot for a decision made outside the rewards lock, which must not read the config (see
        RewardsRepository.transaction), else None. Its write's guard checks the server's config version and
        that the brand still has no budget, so no brand check is due for it (see store/repos/ledger_guard.py)."""
        entry = self._entries.get((data.scope.brand_id, data.scope.server_id))
        now = self._monotonic()
        if entry is None or entry.generation != data.rewards.generation() or now - entry.loaded_at >= self.ttl:
            return None
        return entry

    def peek(self, brand_id: str, server_id: str) -> ServerRewards | None:
        """The snapshot held for a server, without checking it is current (the engine's `get` does)."""
        return self._entries.get((brand_id, server_id))

    def invalidate(self, brand_id: str | None = None, server_id: str | None = None) -> None:
        """Drop snapshots: one server's, a whole brand's, or all (after an out-of-band change)."""
        for key in list(self._entries):
            if (brand_id is None or key[0] == brand_id) and (server_id is None or key[1] == server_id):
                del self._entries[key]


class BrandSpend:
    """Real LTZ each brand has paid, for budgets: read once, then kept up to date by the engine.

    Only while this process is the database's one writer (SQLite). On a shared database (PostgreSQL, where
    other bot processes pay from the same brand budget) a remembered total misses their payouts and let
    a brand be paid far past its budget: there it is read afresh each time, under the brand's row lock
    the engine holds, so the check and the write see every committed payout of every process.
    """

    def __init__(self, monotonic: Callable[[], float], ttl: float = 60.0, *, shared: bool = False) -> None:
        self.ttl = ttl
        self.shared = shared
        self._monotonic = monotonic
        self._spent: dict[str, tuple[int, float]] = {}

    async def get(self, data: ScopedData) -> int:
        brand = data.scope.brand_id
        now = self._monotonic()
        cached = self._spent.get(brand)
        if cached is not None and now - cached[1] < self.ttl and not self.shared:
            return cached[0]
        spent = await data.ledger.brand_spent()
        self._spent[brand] = (spent, now)
        return spent

    def add(self, brand_id: str, amount: int) -> None:
        if brand_id in self._spent:
            spent, at = self._spent[brand_id]
            self._spent[brand_id] = (spent + amount, at)

    def forget(self, brand_id: str | None = None) -> None:
        if brand_id is None:
            self._spent.clear()
        else:
            self._spent.pop(brand_id, None)

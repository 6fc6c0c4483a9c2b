"""A server's streak rules: grace period, multiplier tiers and milestones (`/config streaks`).

Kept in the server config's metadata under "streaks" (server config, like test mode), changed
through server_settings.set_metadata, which audits it and bumps the rewards config generation (so the
multiplier cache notices at once). Missing or junk keys fall back to the defaults below.

  grace_hours  1-72: a streak goes on when the next check-in comes at most this long after the end of the
               UTC day of the previous one (24: check in every calendar day; 48: one day may be skipped).
  multipliers  {"<from day>": factor}: the factor of the highest tier reached applies to every reward.
  milestones   {"<day>": LTZ}: paid once per member with /streak claim once the streak has reached the day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from loyalteez.clock import start_of_day, utc_day
from loyalteez.services import server_settings
from loyalteez.services.errors import ValidationError
from loyalteez.services.streaks import texts
from loyalteez.services.streaks.input import GRACE_RANGE, parse_grace, parse_milestones, parse_multipliers
from loyalteez.store import ScopedData

METADATA_KEY = "streaks"
DEFAULT_GRACE = 24
DEFAULT_MULTIPLIERS: tuple[tuple[int, Decimal], ...] = (
    (3, Decimal("1.1")),
    (7, Decimal("1.25")),
    (14, Decimal("1.5")),
    (30, Decimal("2.0")),
)
DEFAULT_MILESTONES: tuple[tuple[int, int], ...] = ((7, 50), (30, 200), (100, 1000), (365, 5000))


@dataclass(frozen=True, slots=True)
class StreakSettings:
    grace_hours: int = DEFAULT_GRACE
    multipliers: tuple[tuple[int, Decimal], ...] = DEFAULT_MULTIPLIERS
    milestones: tuple[tuple[int, int], ...] = DEFAULT_MILESTONES

    # -- reading and writing config_metadata -----------------------------------------------------------

    @classmethod
    def from_metadata(cls, metadata: Mapping[str, Any]) -> StreakSettings:
        raw = metadata.get(METADATA_KEY)
        if not isinstance(raw, dict):
            return cls()
        grace = raw.get("grace_hours")
        if isinstance(grace, bool) or not isinstance(grace, int) or not GRACE_RANGE[0] <= grace <= GRACE_RANGE[1]:
            grace = DEFAULT_GRACE
        return cls(
            grace_hours=grace,
            multipliers=_table(raw.get("multipliers"), Decimal, DEFAULT_MULTIPLIERS),
            milestones=_table(raw.get("milestones"), int, DEFAULT_MILESTONES),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "grace_hours": self.grace_hours,
            "multipliers": {str(day): str(factor) for day, factor in self.multipliers},
            "milestones": {str(day): amount for day, amount in self.milestones},
        }

    # -- the rules ------------------------------------------------------------------------------------------

    def multiplier(self, streak: int) -> Decimal:
        """The factor for a live streak of `streak` days: the highest tier reached, else 1."""
        reached = [factor for day, factor in self.multipliers if day <= streak]
        return reached[-1] if reached else Decimal(1)

    def next_tier(self, streak: int) -> tuple[int, Decimal] | None:
        return next(((day, f) for day, f in self.multipliers if day > streak and f > self.multiplier(streak)), None)

    def min_bonus_streak(self) -> int | None:
        """The shortest streak with a factor above 1 (None: no tier pays anything)."""
        return next((day for day, factor in self.multipliers if factor > 1), None)

    def next_milestone(self, streak: int) -> tuple[int, int] | None:
        return next(((day, amount) for day, amount in self.milestones if day > streak), None)

    def milestone_amount(self, day: int) -> int | None:
        return dict(self.milestones).get(day)

    def alive_until(self, last_checkin: datetime) -> datetime:
        """The last moment the streak of a check-in made at `last_checkin` can go on."""
        return start_of_day(utc_day(last_checkin)) + timedelta(days=1, hours=self.grace_hours)

    def is_alive(self, last_checkin: datetime | None, now: datetime) -> bool:
        return last_checkin is not None and now <= self.alive_until(last_checkin)

    def alive_since(self, now: datetime) -> datetime:
        """Check-ins at or after this moment still have a live streak (is_alive, for a whole table at once)."""
        earliest = now - timedelta(days=1, hours=self.grace_hours)
        midnight = start_of_day(utc_day(earliest))
        return midnight if midnight == earliest else midnight + timedelta(days=1)


def _table(raw: Any, kind: type, default: tuple[tuple[int, Any], ...]) -> tuple[tuple[int, Any], ...]:
    if not isinstance(raw, dict):
        return default
    try:
        entries = sorted((int(day), kind(str(value))) for day, value in raw.items())
    except (TypeError, ValueError, InvalidOperation):
        return default
    return tuple(entries)


async def load(data: ScopedData) -> StreakSettings:
    return StreakSettings.from_metadata(await data.rewards.metadata())


async def configure(
    data: ScopedData,
    actor_id: str,
    *,
    grace_hours: int | None = None,
    multipliers: str | None = None,
    milestones: str | None = None,
    reset: bool = False,
) -> StreakSettings:
    """Change the streak rules (every option checked before anything is written); returns them as now."""
    new = StreakSettings() if reset else await load(data)
    changes: dict[str, Any] = {}
    if grace_hours is not None:
        changes["grace_hours"] = parse_grace(grace_hours)
    if multipliers is not None:
        changes["multipliers"] = parse_multipliers(multipliers)
    if milestones is not None:
        changes["milestones"] = parse_milestones(milestones)
    if not changes and not reset:
        raise ValidationError("options", texts.NOTHING_TO_CHANGE)
    new = StreakSettings(**{**{k: getattr(new, k) for k in ("grace_hours", "multipliers", "milestones")}, **changes})
    await server_settings.set_metadata(data, actor_id, "config.streaks", {METADATA_KEY: new.as_json()})
    return new

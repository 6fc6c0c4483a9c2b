"""Role bonuses and the streak hook: how a base reward becomes the amount paid.

Roles (role bonuses) carry one of three effects:
  multiplier          1.0–5.0, scales the base reward;
  flat_bonus          0–1000 LTZ added after scaling;
  cooldown_reduction  0–90 (% of the event's cooldown removed).
For each effect type separately, among the member's roles that carry it, the role with the highest
priority wins; on equal priority the larger value wins. Effects of different types stack.

    amount = round_half_up((round_half_up(base × multiplier) + flat_bonus) × streak_multiplier)

Rounding is half-up (x.5 goes up) on purpose: Python's round() rounds halves to even, so 22.5 would
pay 22 but 23.5 would pay 24, which members read as a bug.

The streak multiplier comes from a `StreakMultiplierSource` (the engagement work provides one; until
then every member's is 1.0) and is applied on top of the role bonuses.

Worked example: `gn_checkin` pays 15 LTZ. A member holds
  Booster    multiplier 1.5, priority 10
  VIP        multiplier 2.0, priority 5
  Supporter  flat_bonus 10,  priority 0
  and has a 1.2 streak multiplier.
The multiplier is Booster's 1.5 (priority 10 beats VIP's 5 even though 2.0 is larger):
15 × 1.5 = 22.5 → 23 (half-up; round() would say 22); + 10 flat = 33; × 1.2 streak = 39.6 → 40 LTZ.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, Protocol

from loyalteez.services.rewards.outcomes import Breakdown

if TYPE_CHECKING:
    from loyalteez.store import ScopedData

EFFECT_TYPES = ("multiplier", "flat_bonus", "cooldown_reduction")


class StreakMultiplierSource(Protocol):
    """Where a member's streak multiplier comes from (the engagement service implements it)."""

    async def multiplier(self, data: ScopedData, member_id: str, event_type: str, at: datetime | None = None) -> float:
        """The factor for this payout (1.0 = none) at `at`, the moment the event counts as having happened
        (a late message's own time; default now); `data` is the server's data, in the engine's transaction,
        so reads see the payouts made just before."""
        ...


class NoStreaks:
    """The default source: no streak bonus for anyone."""

    async def multiplier(self, data: ScopedData, member_id: str, event_type: str, at: datetime | None = None) -> float:
        return 1.0


def round_half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _dec(value: Any) -> Decimal:
    # str() first: Decimal(1.1) would carry the float's binary error into the rounding.
    return Decimal(str(value))


@dataclass(frozen=True, slots=True)
class RoleEffect:
    role_id: str
    effect_type: str
    value: Decimal
    priority: int


@dataclass(frozen=True, slots=True)
class MemberBonus:
    """The winning effect of each type for one set of roles."""

    multiplier: Decimal = Decimal(1)
    multiplier_role: str | None = None
    flat_bonus: int = 0
    flat_bonus_role: str | None = None
    cooldown_reduction: int = 0
    cooldown_reduction_role: str | None = None

    def cooldown_hours(self, hours: int) -> Decimal:
        """The member's cooldown after their reduction, in (possibly fractional) hours."""
        return Decimal(hours) * (100 - self.cooldown_reduction) / 100

    def amount(self, base: int, streak: float = 1.0) -> tuple[int, Breakdown]:
        scaled = round_half_up(Decimal(base) * self.multiplier) + self.flat_bonus
        total = round_half_up(Decimal(scaled) * _dec(streak)) if streak != 1.0 else scaled
        return total, Breakdown(
            base=base,
            multiplier=float(self.multiplier),
            multiplier_role=self.multiplier_role,
            flat_bonus=self.flat_bonus,
            flat_bonus_role=self.flat_bonus_role,
            streak_multiplier=float(streak),
            cooldown_reduction=self.cooldown_reduction,
            cooldown_reduction_role=self.cooldown_reduction_role,
        )


NO_BONUS = MemberBonus()
_MEMO_LIMIT = 4096  # distinct role sets remembered per server; members mostly share a few


class RoleBonuses:
    """A server's role effects, answering "what does this member get" (memoised per role set)."""

    def __init__(self, rows: Iterable[Mapping[str, Any]]) -> None:
        self._by_role: dict[str, list[RoleEffect]] = {}
        for row in rows:
            effect = RoleEffect(
                str(row["discord_role_id"]), row["effect_type"], _dec(row["effect_value"]), int(row["priority"] or 0)
            )
            self._by_role.setdefault(effect.role_id, []).append(effect)
        self._memo: dict[tuple[str, ...], MemberBonus] = {}

    def __bool__(self) -> bool:
        return bool(self._by_role)

    def for_roles(self, role_ids: tuple[str, ...]) -> MemberBonus:
        if not self._by_role:
            return NO_BONUS
        found = self._memo.get(role_ids)
        if found is None:
            if len(self._memo) >= _MEMO_LIMIT:
                self._memo.clear()
            found = self._memo[role_ids] = self._resolve(role_ids)
        return found

    def _resolve(self, role_ids: tuple[str, ...]) -> MemberBonus:
        best: dict[str, RoleEffect] = {}
        for role_id in role_ids:
            for effect in self._by_role.get(role_id, ()):
                current = best.get(effect.effect_type)
                if current is None or (effect.priority, effect.value) > (current.priority, current.value):
                    best[effect.effect_type] = effect
        mult, flat, cut = best.get("multiplier"), best.get("flat_bonus"), best.get("cooldown_reduction")
        return MemberBonus(
            multiplier=mult.value if mult else Decimal(1),
            multiplier_role=mult.role_id if mult else None,
            flat_bonus=int(flat.value) if flat else 0,
            flat_bonus_role=flat.role_id if flat else None,
            cooldown_reduction=int(cut.value) if cut else 0,
            cooldown_reduction_role=cut.role_id if cut else None,
        )

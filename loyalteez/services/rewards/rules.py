"""Reward events: the `monitoring_rules` row as a typed value, and which row applies on a server.

monitoring_rules is the source of truth for every event (it is shared with the Partner Portal). A rule
belongs to a brand and optionally one server: `server_id` NULL means every server of the brand, and a
server's own rule with the same event_type overrides the brand's.

Columns as the engine reads them:
  reward_amount        base LTZ before role and streak bonuses.
  cooldown_hours       hours between two payouts to one member; 0 or NULL = none.
  max_claims_per_user  lifetime payouts per member; NULL or <= 0 = unlimited (welcome uses 1).
  is_enabled           a disabled event pays nobody (commands say so; passive events stay silent).
  detection_method     which Discord input feeds the event (message, reaction, voice, command, join, boost);
                       informational for the Partner Portal, derived from the trigger (its `source`).
  channel_constraints  JSON list of channel ids where the event can be earned; empty or NULL = anywhere.

rule_metadata keys (a JSON object; every key optional):
  trigger           how the event is earned (gm_greeting, keyword, voice, none, ...): one of the triggers
                    in services/rewards/triggers, which also document the keys each of them reads.
                    Missing = none.
  builtin           true on the default events: they keep their trigger and are disabled, never deleted.
  max_total_claims  payouts of the event on the server, all members together; absent = unlimited.
  max_per_day       payouts per member per UTC day (gm/gn: 1, quality_message: 5); absent = unlimited.
  description       free text shown in the events list.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

EVENT_NAME = re.compile(r"^[a-z][a-z0-9_]{1,31}$")


@dataclass(frozen=True, slots=True)
class Rule:
    """One event as it applies to one server (already resolved against the brand-wide rule)."""

    id: str
    event_type: str
    reward_amount: int
    cooldown_hours: int
    max_claims_per_user: int | None
    is_enabled: bool
    trigger: str
    channels: frozenset[str]
    metadata: Mapping[str, Any]
    server_id: str | None
    # The caps the ladder reads for every candidate, parsed from metadata once per rule, not per message.
    _max_total_claims: int | None = field(init=False, repr=False, compare=False)
    _max_per_day: int | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_max_total_claims", self._positive("max_total_claims"))
        object.__setattr__(self, "_max_per_day", self._positive("max_per_day"))

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Rule:
        meta = row.get("rule_metadata") or {}
        meta = meta if isinstance(meta, dict) else {}
        per_user = row.get("max_claims_per_user")
        return cls(
            id=str(row["id"]),
            event_type=row["event_type"],
            reward_amount=int(row.get("reward_amount") or 0),
            cooldown_hours=max(int(row.get("cooldown_hours") or 0), 0),
            max_claims_per_user=int(per_user) if per_user is not None and int(per_user) > 0 else None,
            is_enabled=row.get("is_enabled") is None or bool(row["is_enabled"]),  # NULL: the default, on
            trigger=str(meta.get("trigger") or "none"),
            channels=frozenset(str(c) for c in (row.get("channel_constraints") or []) if c is not None),
            metadata=meta,
            server_id=row.get("server_id"),
        )

    # rule_metadata accessors: one place that knows the keys and treats junk as "not set".

    def _positive(self, key: str) -> int | None:
        value = self.metadata.get(key)
        try:
            number = int(value) if value is not None else None
        except (TypeError, ValueError):
            return None
        return number if number is not None and number > 0 else None

    @property
    def max_total_claims(self) -> int | None:
        return self._max_total_claims

    @property
    def max_per_day(self) -> int | None:
        return self._max_per_day

    @property
    def min_characters(self) -> int:
        return self._positive("min_characters") or 0

    @property
    def min_words(self) -> int:
        return self._positive("min_words") or 0

    @property
    def min_reactions(self) -> int:
        return self._positive("min_reactions") or 5

    @property
    def min_minutes(self) -> int:
        return self._positive("min_minutes") or 0

    @property
    def minutes_per_payout(self) -> int:
        return self._positive("minutes_per_payout") or self._positive("min_minutes") or 30

    @property
    def keywords(self) -> tuple[str, ...]:
        words = self.metadata.get("keywords") or []
        return tuple(str(w) for w in words if str(w).strip()) if isinstance(words, list) else ()

    @property
    def command_prefixes(self) -> tuple[str, ...]:
        prefixes = self.metadata.get("command_prefixes")
        if isinstance(prefixes, list) and prefixes:
            return tuple(str(p) for p in prefixes if p)
        return ("/", "!", "?", ".")

    @property
    def is_builtin(self) -> bool:
        return bool(self.metadata.get("builtin"))

    @property
    def is_brand_wide(self) -> bool:
        return self.server_id is None


def resolve(rows: Iterable[Mapping[str, Any]]) -> dict[str, Rule]:
    """Rules by event type for one server: its own row wins over the brand-wide one."""
    rules: dict[str, Rule] = {}
    for row in sorted(rows, key=lambda r: r.get("server_id") is not None):
        rules[row["event_type"]] = Rule.from_row(row)
    return rules


def suggest(name: str, known: Iterable[str]) -> list[str]:
    """Existing event names close to a mistyped one (for "did you mean")."""
    return difflib.get_close_matches(name.lower(), sorted(known), n=3, cutoff=0.5)

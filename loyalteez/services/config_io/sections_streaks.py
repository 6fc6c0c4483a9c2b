"""The `streaks` section: the server's streak rules, applied through the same service as /config streaks.

    "streaks": {"grace_hours": 24,
                "multipliers": [{"day": 3, "factor": 1.1}, {"day": 7, "factor": 1.25}, ...],
                "milestones": [{"day": 7, "reward_amount": 50}, {"day": 30, "reward_amount": 200}, ...]}

Lists are ordered by day. A key left out is left as it is (a rules file may give only `grace_hours`); an
empty list means none (`/config streaks multipliers:none`). The value is the server's rules as a whole,
so nothing is deleted: milestones already claimed stay in the members' ledger even when a milestone
leaves the table.

The service reads typed `day:value` text and words its refusals `multipliers: …`, so each entry is
checked on its own first (the refusal names `streaks.multipliers[2].factor`), then the whole table
(a smaller factor for a longer streak). The helpers for such colon-worded services are shared with
sections_analytics.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, NamedTuple

from loyalteez.services.config_io import schema_parts as parts
from loyalteez.services.config_io.errors import ConfigFieldError, sentence, service_errors
from loyalteez.services.config_io.registry import Section, register
from loyalteez.services.config_io.schema_parts import number_text
from loyalteez.services.rewards import texts as reward_texts
from loyalteez.services.streaks import input as rules
from loyalteez.services.streaks import settings as streak_settings
from loyalteez.services.streaks.settings import StreakSettings
from loyalteez.store import ScopedData

KEY = "streaks"


def _whole(value: Any) -> str:
    """A day or reward as text; anything else as 0, which the service refuses with its range sentence (both
    ranges start at 1)."""
    text = number_text(value)
    return str(int(value)) if text is not None and value >= 0 and value == int(value) else "0"


def _factor(value: Any) -> str:
    """A factor as text; a negative or non-number as 0, refused with the range sentence (factors are 1.0+)."""
    text = number_text(value)
    return text if text is not None and not text.startswith("-") else "0"


class Table(NamedTuple):
    field: str  # the entry's value, beside `day`
    parse: Callable[[str], tuple[tuple[int, Any], ...]]  # the service's parser of typed pairs
    as_text: Callable[[Any], str]  # the file's value as typed text
    as_json: Callable[[Any], Any]  # the service's value as the file's
    accepted: str  # a value the service takes (to check a day alone)


TABLES = {
    "multipliers": Table("factor", rules.parse_multipliers, _factor, float, str(rules.MULTIPLIER_RANGE[0])),
    "milestones": Table("reward_amount", rules.parse_milestones, _whole, int, str(rules.AMOUNT_RANGE[0])),
}


# -- export and apply ----------------------------------------------------------------------------------------


def streaks_json(settings: StreakSettings) -> dict[str, Any]:
    return {
        "grace_hours": settings.grace_hours,
        **{
            name: [{"day": day, table.field: table.as_json(value)} for day, value in getattr(settings, name)]
            for name, table in TABLES.items()
        },
    }


async def export_streaks(data: ScopedData) -> dict[str, Any]:
    return streaks_json(await streak_settings.load(data))


def _table(table: str, items: Any) -> tuple[str, tuple[tuple[int, Any], ...]]:
    """The file's entries as the service's text and its parsed table, each entry checked by the service."""
    field, parse, as_text, _, accepted = TABLES[table]
    path = f"{KEY}.{table}"
    if not isinstance(items, list) or len(items) > rules.MAX_ENTRIES:
        raise ConfigFieldError(path, reward_texts.too_many(table, rules.MAX_ENTRIES))
    texts: list[str] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(items):
        at = f"{path}[{index}]"
        entry = entry if isinstance(entry, dict) else {}
        day, amount = _whole(entry.get("day")), as_text(entry.get(field))
        with service_errors(f"{at}.day", {table: ""}):
            parse(f"{day}:{accepted}")
        with service_errors(f"{at}.{field}", {table: ""}):
            parse(f"{rules.DAY_RANGE[0]}:{amount}")
        if day in seen:
            raise ConfigFieldError(f"{at}.day", f"already listed at {path}[{seen[day]}].")
        seen[day] = index
        texts.append(f"{day}:{amount}")
    text = ", ".join(texts) or rules.NONE_WORDS[0]
    with service_errors(KEY):
        return text, parse(text)


async def apply_streaks(data: ScopedData, value: dict[str, Any], actor_id: str) -> None:
    current = await streak_settings.load(data)
    options: dict[str, Any] = {}
    parsed: dict[str, Any] = {}
    if "grace_hours" in value:
        with service_errors(KEY, {"grace-period": "grace_hours"}):
            options["grace_hours"] = parsed["grace_hours"] = rules.parse_grace(value["grace_hours"])
    for table in TABLES:
        if table in value:
            options[table], parsed[table] = _table(table, value[table])
    if streaks_json(replace(current, **parsed)) != streaks_json(current):
        with service_errors(KEY, {"grace-period": "grace_hours"}):
            await streak_settings.configure(data, actor_id, **options)


# -- schema --------------------------------------------------------------------------------------------------


def _entries(table: str, value: dict[str, Any]) -> dict[str, Any]:
    field, parse = TABLES[table].field, TABLES[table].parse
    day = parts.integer(*rules.DAY_RANGE, sentence(lambda: parse("0:1")))
    return {
        "type": "array",
        "maxItems": rules.MAX_ENTRIES,
        "x-message": reward_texts.too_many(table, rules.MAX_ENTRIES),
        "items": parts.obj({"day": day, field: value}, required=("day", field)),
    }


def streaks_schema() -> dict[str, Any]:
    low, high = rules.MULTIPLIER_RANGE
    return parts.obj(
        {
            "grace_hours": {
                **parts.integer(*rules.GRACE_RANGE, sentence(lambda: rules.parse_grace(0))),
                "description": "hours after the end of a check-in's UTC day that the streak survives",
            },
            "multipliers": {
                **_entries(
                    "multipliers",
                    {
                        "type": "number",
                        "minimum": float(low),
                        "maximum": float(high),
                        "x-message": sentence(lambda: rules.parse_multipliers(f"1:{high + 1}")),
                    },
                ),
                "description": "from `day` of a streak on, rewards are multiplied by `factor` (never smaller later)",
            },
            "milestones": {
                **_entries(
                    "milestones", parts.integer(*rules.AMOUNT_RANGE, sentence(lambda: rules.parse_milestones("1:0")))
                ),
                "description": "LTZ a member claims once with /streak claim on reaching `day`",
            },
        }
    )


SECTION = register(
    Section(
        key=KEY,
        order=80,
        description="Streak rules (/config streaks): grace period, multiplier tiers and milestones; keys left out "
        "are left as they are, an empty list means none",
        schema=streaks_schema(),
        export=export_streaks,
        apply=apply_streaks,
    )
)

"""What changed in a section, as short lines for a dry run (`events: gm_checkin reward_amount 25 → 40`)."""

from __future__ import annotations

import json
from typing import Any

from loyalteez.services.config_io.registry import Section

REMOVED = ": - "  # how a line says an entry goes (`events: - coffee_hour`); imports count them up front


def removals(lines: list[str]) -> int:
    return sum(1 for line in lines if REMOVED in line)


def show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def changes(section: Section, before: Any, after: Any) -> list[str]:
    if before == after:
        return []
    key = section.key
    if isinstance(before, list) and isinstance(after, list):
        if section.item_key and all(isinstance(i, dict) for i in [*before, *after]):
            return _items(section, before, after)
        added = [v for v in after if v not in before]
        removed = [v for v in before if v not in after]
        return [f"{key}: + {show(v)}" for v in added] + [f"{key}{REMOVED}{show(v)}" for v in removed]
    if isinstance(before, dict) and isinstance(after, dict):
        return [
            f"{key}: {name} {show(before.get(name))} → {show(after.get(name))}"
            for name in dict.fromkeys([*before, *after])
            if before.get(name) != after.get(name)
        ]
    return [f"{key}: {show(before)} → {show(after)}"]


def _items(section: Section, before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[str]:
    def ident(item: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(item.get(k) for k in section.item_key)

    def label(item: dict[str, Any]) -> str:
        return " ".join(str(v) for v in ident(item))

    old = {ident(i): i for i in before}
    new = {ident(i): i for i in after}
    lines = []
    for ident_, item in new.items():
        was = old.get(ident_)
        if was is None:
            rest = {k: v for k, v in item.items() if k not in section.item_key and v not in (None, [])}
            lines.append(f"{section.key}: + {label(item)} {show(rest)}")
            continue
        fields = [
            f"{name} {show(was.get(name))} → {show(item.get(name))}"
            for name in dict.fromkeys([*was, *item])
            if was.get(name) != item.get(name)
        ]
        if fields:
            lines.append(f"{section.key}: {label(item)}: {', '.join(fields)}")
    lines += [f"{section.key}{REMOVED}{label(item)}" for ident_, item in old.items() if ident_ not in new]
    return lines

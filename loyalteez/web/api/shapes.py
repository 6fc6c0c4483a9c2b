"""Service values as the JSON the OpenAPI document describes (one function per schema there)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from loyalteez.services.api.reads import KpiSeries, MemberFigures, ServerSummary
from loyalteez.services.rewards.rules import Rule
from loyalteez.services.standings import Board
from loyalteez.services.standings.service import PAGE_SIZE


def _when(moment: datetime | date | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def server(found: ServerSummary, name: str | None) -> dict[str, Any]:
    return {"id": found.server_id, "name": name or found.name, "members": found.members}


def leaderboard(server_id: str, board: Board, names: dict[str, str | None]) -> dict[str, Any]:
    return {
        "server_id": server_id,
        "type": board.kind,
        "period": board.period,
        "title": board.title,
        "page": board.page,
        "pages": board.pages,
        "page_size": PAGE_SIZE,
        "rows": [
            {"rank": row.rank, "member_id": row.member_id, "name": names.get(row.member_id), "value": row.value}
            for row in board.rows
        ],
    }


def member(server_id: str, figures: MemberFigures, name: str | None) -> dict[str, Any]:
    balance, streak = figures.balance, figures.streak
    return {
        "server_id": server_id,
        "member_id": figures.member_id,
        "name": name,
        "balance": {
            "available": balance.available,
            "earned": balance.earned,
            "spent": balance.spent,
            "today": balance.today,
        },
        "rank": {"position": balance.rank, "of": balance.ranked},
        "streak": {
            "current": streak.current,
            "longest": streak.longest,
            "multiplier": float(streak.multiplier),
            "checked_in_today": streak.checked_in_today,
            "last_checkin": _when(streak.last_checkin),
        },
        "counts": {
            "messages": figures.messages,
            "reactions": figures.reactions,
            "voice_minutes": figures.voice_minutes,
            "rewards": figures.payouts,
            "checkins": streak.checkins,
        },
    }


def kpis(server_id: str, days: int, series: list[KpiSeries]) -> dict[str, Any]:
    window = series[0].points if series else []
    return {
        "server_id": server_id,
        "days": days,
        "from": _when(window[0][0]) if window else None,
        "to": _when(window[-1][0]) if window else None,
        "kpis": [
            {
                "metric": line.metric,
                "title": line.title,
                "kind": line.kind,
                "lower_is_better": line.lower_is_better,
                "target": None
                if line.target is None
                else {"value": line.target, "period": line.target_period, "alerting": line.alerting},
                "points": [{"date": day.isoformat(), "value": value} for day, value in line.points],
            }
            for line in series
        ],
    }


def event(rule: Rule) -> dict[str, Any]:
    description = rule.metadata.get("description")
    return {
        "name": rule.event_type,
        "reward": rule.reward_amount,
        "enabled": rule.is_enabled,
        "trigger": rule.trigger,
        "cooldown_hours": rule.cooldown_hours,
        "max_claims_per_user": rule.max_claims_per_user,
        "max_total_claims": rule.max_total_claims,
        "max_per_day": rule.max_per_day,
        "channels": sorted(rule.channels),
        "description": description if isinstance(description, str) else None,
        "brand_wide": rule.is_brand_wide,
    }

"""One plausible row for every tenant table, so tests can fill the whole schema for a scope."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from loyalteez.store import Scope

_AT = datetime(2026, 1, 1, 20, 0, tzinfo=UTC)


def uid(text: str) -> str:
    """A stable UUID for a readable test id: UUID columns are real uuid on PostgreSQL."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"loyalteez-test:{text}"))


def sample_rows(scope: Scope, n: int) -> list[tuple[str, dict[str, Any]]]:
    """(table, row) pairs in parent-before-child order; ids are unique per scope and n."""
    tag = f"{scope.brand_id}-{scope.server_id}-{n}"
    drop_id, achievement_id = uid(f"drop-{tag}"), uid(f"ach-{tag}")
    return [
        (
            "discord_role_configs",
            {
                "id": uid(f"role-{tag}"),
                "discord_role_id": f"9{n}",
                "effect_type": "multiplier",
                "effect_value": 1.5,
                "priority": n,
            },
        ),
        ("discord_user_stats", {"discord_user_id": f"7{n}", "messages_count": 3, "ltz_earned": 50}),
        ("discord_user_streaks", {"discord_user_id": f"7{n}", "current_streak": 2, "longest_streak": 4}),
        (
            "discord_audit_log",
            {"id": uid(f"audit-{tag}"), "actor_type": "admin", "actor_id": "1", "action": "test", "details": {"n": n}},
        ),
        (
            "discord_kpi_configs",
            {"id": uid(f"kpi-{tag}"), "metric": ["churn_rate", "daily_active_users"][n % 2], "target_value": 10},
        ),
        (
            "discord_kpi_snapshots",
            {"id": uid(f"snap-{tag}"), "snapshot_date": date(2026, 1, 1 + n), "metrics": {"daily_active_users": n}},
        ),
        (
            "monitoring_rules",
            {
                "id": uid(f"rule-{tag}"),
                "event_type": f"event_{n}",
                "reward_amount": 10,
                "rule_metadata": {"keywords": ["hi"]},
            },
        ),
        ("discord_drops", {"drop_id": drop_id, "event_id": "event_0", "drop_type": "button", "max_claims": 5}),
        (
            "discord_drop_claims",
            {"claim_id": uid(f"claim-{tag}"), "drop_id": drop_id, "discord_user_id": f"7{n}", "reward_amount": 10},
        ),
        (
            "discord_achievements",
            {
                "achievement_id": achievement_id,
                "name": f"Chatty {n}",
                "threshold": 10,
                "achievement_type": "message_count",
            },
        ),
        ("discord_user_achievements", {"discord_user_id": f"7{n}", "achievement_id": achievement_id, "progress": 1}),
        (
            "discord_community_goals",
            {"goal_id": uid(f"goal-{tag}"), "name": f"Goal {n}", "goal_type": "custom", "target_value": 100},
        ),
        ("loyalteez_goal_state", {"goal_id": uid(f"goal-{tag}"), "value_day": date(2026, 1, 1 + n)}),
        (
            "loyalteez_drop_watches",
            {"channel_id": f"5{n}", "event_id": "event_0", "emoji": "🎉", "lifespan_minutes": 60},
        ),
        ("loyalteez_perks", {"perk_id": uid(f"perk-{tag}"), "name": f"Perk {n}", "cost": 100, "quantity": 5}),
        (
            "loyalteez_perk_purchases",
            {
                "purchase_id": uid(f"purchase-{tag}"),
                "perk_id": uid(f"perk-{tag}"),
                "discord_user_id": f"7{n}",
                "cost": 100,
            },
        ),
        (
            "loyalteez_notices",
            {"notice_id": uid(f"notice-{tag}"), "kind": "goal", "subject_id": f"goal-{n}", "details": {"n": n}},
        ),
        (
            "loyalteez_reward_ledger",
            {
                "id": uid(f"led-{tag}"),
                "discord_user_id": f"7{n}",
                "event_type": "gm_checkin",
                "amount": 25,
                "idempotency_key": f"msg-{n}:gm_checkin",
            },
        ),
        ("loyalteez_seen_events", {"event_key": f"m:{n}", "seen_on": date(2026, 1, 1 + n)}),
        ("loyalteez_disabled_members", {"discord_user_id": f"8{n}", "reason": "spam", "disabled_by": "1"}),
        (
            "loyalteez_activity_daily",
            {"day": date(2026, 1, 1 + n), "discord_user_id": f"7{n}", "messages": 3, "rewards": 1, "ltz_earned": 25},
        ),
        (
            "loyalteez_member_analytics",
            {
                "discord_user_id": f"7{n}",
                "first_seen_at": _AT,
                "entered_at": _AT,
                "last_active_on": date(2026, 1, 1 + n),
                "checkin_streak": 2,
            },
        ),
        ("loyalteez_kpi_alerts", {"metric": ["churn_rate", "daily_active_users"][n % 2], "alerting": True}),
        ("loyalteez_daily_checkins", {"discord_user_id": f"7{n}", "checkin_day": date(2026, 1, 1 + n), "streak": 1}),
        (
            "loyalteez_voice_sessions",
            {
                "session_id": uid(f"voice-{tag}"),
                "discord_user_id": f"7{n}",
                "channel_id": "44",
                "started_at": _AT,
                "last_seen_at": _AT,
                "accrued_at": _AT,
            },
        ),
        ("loyalteez_voice_progress", {"discord_user_id": f"7{n}", "counted_seconds": 600}),
        ("loyalteez_boosts", {"event_id": f"5{n}", "discord_user_id": f"7{n}"}),
        ("loyalteez_channel_cursors", {"channel_id": f"6{n}", "last_message_id": 1_000_000 + n}),
    ] + (
        [
            ("discord_report_schedules", {"frequency": "weekly", "channel_id": "55", "day_of_week": 0}),
            ("loyalteez_report_state", {"active_since": _AT}),
        ]
        if n == 0
        else []
    )


# A column each table lets an admin change, and the value the isolation test writes.
MUTABLE = {
    "discord_server_configs": ("server_name", "renamed"),
    "discord_role_configs": ("priority", 99),
    "discord_user_stats": ("messages_count", 999),
    "discord_user_streaks": ("current_streak", 99),
    "discord_kpi_configs": ("target_value", 99),
    "discord_kpi_snapshots": ("metrics", {"changed": True}),
    "monitoring_rules": ("reward_amount", 99),
    "discord_drops": ("claims_count", 1),
    "discord_drop_claims": ("reward_amount", 99),
    "discord_achievements": ("threshold", 99),
    "discord_user_achievements": ("progress", 99),
    "discord_community_goals": ("current_value", 99),
    "loyalteez_goal_state": ("ended_by", "99"),
    "loyalteez_drop_watches": ("emoji", "🎁"),
    "loyalteez_perks": ("cost", 99),
    "loyalteez_perk_purchases": ("status", "refunded"),
    "loyalteez_notices": ("subject_id", "changed"),
    "discord_report_schedules": ("channel_id", "99"),
    "loyalteez_seen_events": ("seen_on", date(2027, 1, 1)),
    "loyalteez_disabled_members": ("reason", "changed"),
    "loyalteez_activity_daily": ("messages", 99),
    "loyalteez_member_analytics": ("checkin_streak", 99),
    "loyalteez_kpi_alerts": ("alerting", False),
    "loyalteez_report_state": ("last_error", "changed"),
    "loyalteez_voice_sessions": ("counted_seconds", 99),
    "loyalteez_voice_progress": ("claimed_minutes", 99),
    "loyalteez_channel_cursors": ("last_message_id", 99),
}

"""The admin pages' shared navigation: one entry per page, shown to callers at or above its level.

A new admin page adds its `NavLink` here (docs/web.md lists every page with its level); `admin_nav.html`
draws the links the signed-in member's level allows.
"""

from __future__ import annotations

from dataclasses import dataclass

from loyalteez.services.access.permissions import Level


@dataclass(frozen=True, slots=True)
class NavLink:
    path: str  # after /s/{server_id}/
    label: str
    level: Level


ADMIN_NAV: list[NavLink] = [
    NavLink("admin", "Admin", Level.VIEWER),
    NavLink("admin/kpis", "KPIs", Level.VIEWER),
    NavLink("admin/segments", "Segments", Level.VIEWER),
    NavLink("admin/stats", "Stats", Level.VIEWER),
    NavLink("admin/audit", "Audit log", Level.VIEWER),
    NavLink("admin/ledger", "Ledger", Level.VIEWER),
    # the manage pages (writes): each at the level of the slash command it stands for
    NavLink("manage/events", "Events", Level.EVENT_MANAGER),
    NavLink("manage/drops", "Drops", Level.EVENT_MANAGER),
    NavLink("manage/achievements", "Achievements", Level.EVENT_MANAGER),
    NavLink("manage/goals", "Goals", Level.EVENT_MANAGER),
    NavLink("manage/perks", "Perks", Level.PERK_MANAGER),
    NavLink("manage/settings", "Settings", Level.FULL_ADMIN),
    NavLink("manage/kpis", "KPI targets", Level.FULL_ADMIN),
]

"""Member segments (/segments, /segments view), from the rollups and the member table, as of now.

  whales          the top 10 % of earners by LTZ (ever)
  power_users     active on 5 or more of the last 7 days (today included)
  new             joined (or first seen) less than 7 days ago
  at_risk         no activity for 7 to 29 days, active before
  dormant         no activity for 30 days or more, or none at all since joining 7 or more days ago
  voice_regulars  5 or more voice sessions in the last 7 days
"Active" here is any counted activity or payout (a day with a rollup row), not only earning. A member who
joined and never did anything is new for their first 7 days, then dormant: they never took part, so they are
not "at risk" of stopping (that is for members who were active).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from loyalteez.clock import utc_day
from loyalteez.services.analytics.input import SEGMENTS, check_segment
from loyalteez.store import ScopedData

PAGE_SIZE = 10


@dataclass(frozen=True, slots=True)
class SegmentPage:
    segment: str
    page: int
    pages: int
    total: int
    rows: list[tuple[str, Any]]  # (member id, value: LTZ, days, sessions, a date or a moment)


async def counts(data: ScopedData, now: datetime) -> dict[str, int]:
    today = utc_day(now)
    return {segment: await data.segments.count(segment, today, now) for segment in SEGMENTS}


async def page(data: ScopedData, segment: str, number: int, now: datetime) -> SegmentPage:
    segment = check_segment(segment)
    today: date = utc_day(now)
    number = max(1, number)
    total, rows = await data.segments.slice(segment, today, now, PAGE_SIZE, (number - 1) * PAGE_SIZE)
    if total is None:  # past the end (or an empty segment): count, then read the last page
        total = await data.segments.count(segment, today, now)
        number = max(1, math.ceil(total / PAGE_SIZE))
        rows = await data.segments.page(segment, today, now, PAGE_SIZE, (number - 1) * PAGE_SIZE) if total else []
    pages = max(1, math.ceil(total / PAGE_SIZE))
    return SegmentPage(segment, number, pages, total, [(r.member_id, r.value) for r in rows])

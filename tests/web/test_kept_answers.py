"""Answers kept a moment while the bot is busy: a web write shows at once, a Discord change within seconds."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime

from loyalteez.clock import ManualClock
from loyalteez.web.kept import KEEP, KeptAnswers
from tests.web.api_client import call, new_token
from tests.web.manage import post
from tests.web.pages import fetch, sign_in


def _counting() -> tuple[list[int], object]:
    made = [0]

    async def compute() -> int:
        made[0] += 1
        return made[0]

    return made, compute


async def test_an_answer_is_kept_only_while_busy_and_only_a_moment() -> None:
    clock = ManualClock(datetime(2026, 1, 5, tzinfo=UTC))
    busy = [True]
    kept = KeptAnswers(clock, lambda: busy[0])
    _, compute = _counting()

    assert await kept.get("page", compute) == 1
    assert await kept.get("page", compute) == 1, "busy: the same answer again"
    assert await kept.get("other page", compute) == 2
    busy[0] = False
    assert await kept.get("page", compute) == 3, "idle: every read is fresh"
    busy[0] = True
    clock.tick(KEEP + 0.1)
    assert await kept.get("page", compute) == 4, "kept no longer than KEEP seconds"


async def test_a_write_forgets_what_was_kept_and_what_was_computed_across_it() -> None:
    clock = ManualClock(datetime(2026, 1, 5, tzinfo=UTC))
    kept = KeptAnswers(clock, lambda: True)
    _, compute = _counting()
    assert await kept.get("page", compute) == 1
    kept.forget()
    assert await kept.get("page", compute) == 2

    started, release = asyncio.Event(), asyncio.Event()

    async def slow() -> str:
        started.set()
        await release.wait()
        return "read before the write"

    reading = asyncio.create_task(kept.get("slow page", slow))
    await started.wait()
    kept.forget()  # a write lands while the page is being computed
    release.set()
    assert await reading == "read before the write"
    assert await kept.get("slow page", compute) == 3, "an answer that overlapped a write is not kept"


def _target(page: str) -> str:
    card = re.search(r'id="kpi-daily_active_users".*?</section>', page, re.S)
    assert card, "the KPI page has no daily active members card"
    found = re.search(r"target <strong>(.*?)</strong>", card.group(0))
    return found.group(1) if found else "none"


async def test_a_kpi_target_set_on_the_web_shows_at_once_while_the_bot_is_busy(web, connected, admin, client) -> None:
    web.app.web.context.kept.busy = lambda: True  # members' events queued all the time
    await sign_in(client, web, admin)
    page_url = f"{web.url}/s/{web.guild.id}/admin/kpis?days=7"
    token = await new_token(web, connected.brand_id)
    api_path = f"/servers/{web.guild.id}/kpis?days=7&metric=daily_active_users"

    async def api_target() -> object:
        [dau] = (await call(client, web, api_path, token)).body["kpis"]
        return dau["target"]["value"] if dau["target"] else None

    assert _target((await fetch(client, page_url))[1]) == "none" and await api_target() is None

    form = {"metric": "daily_active_users", "target": "50", "period": "day"}
    status, _ = await post(
        client, web, f"/s/{web.guild.id}/manage/kpis/set", form, form_page=f"/s/{web.guild.id}/manage/kpis"
    )
    assert status == 303
    assert _target((await fetch(client, page_url))[1]) == "50", "the admin's own change, right after it"
    assert await api_target() == 50.0

    await admin.slash("kpi set", metric="daily_active_users", target="70", period="day")
    assert _target((await fetch(client, page_url))[1]) == "50", "a change in Discord shows within seconds"
    web.harness.clock.tick(KEEP + 0.1)
    assert _target((await fetch(client, page_url))[1]) == "70"
    assert await api_target() == 70.0

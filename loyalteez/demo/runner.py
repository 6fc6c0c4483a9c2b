"""`python bot.py --demo`: the loopback Discord, the real bot and a simulated week, in one process."""

from __future__ import annotations

import asyncio
import logging
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from loyalteez import private_files
from loyalteez.clock import ManualClock
from loyalteez.demo import analytics as demo_analytics
from loyalteez.demo.community import make_community
from loyalteez.demo.dashboard import (
    DashboardUnavailable,
    Serve,
    demo_web_settings,
    open_dashboard,
    serve_forever,
    web_app_factory,
)
from loyalteez.demo.feed import Feed, readable
from loyalteez.demo.simulation import WeekSimulation
from loyalteez.demo.summary import render_summary
from loyalteez.emulator.harness import app_factory, running_bot
from loyalteez.services.access import brands
from loyalteez.web.settings import WebSettings, WebSettingsError

DEMO_DB = Path("data/demo.db")
# A Monday, so the simulated week runs Monday to Sunday.
WEEK_START = datetime(2026, 1, 5, tzinfo=UTC)

log = logging.getLogger("loyalteez.demo")


async def run_demo(
    seed: int = 1,
    db_path: Path = DEMO_DB,
    days: int = 7,
    stream: TextIO | None = None,
    *,
    serve: Serve | None = None,
    web: WebSettings | None = None,
) -> str:
    """Play the simulated week; returns the summary (also printed), which depends only on the seed.

    With `serve`, the bot keeps running after the week with its dashboard on (`web`: where it listens) and
    `serve` is awaited with the dashboard's address and a one-time operator link (`--demo --web`).
    """
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    private_files.make_dirs(db_path.parent)
    rng = random.Random(seed)
    feed = Feed(stream)
    clock = ManualClock(WEEK_START)
    began = time.perf_counter()
    feed.line(f"Loyalteez offline demo (seed {seed}): a local Discord, the real bot, a simulated community.")
    async with running_bot(
        db_path.parent,
        app_factory=app_factory(db_path=str(db_path))
        if serve is None
        else web_app_factory(db_path, web or demo_web_settings()),
        clock=clock,
        guild_name="Demo Coffee Club",
        strict=False,
    ) as h:
        brand = await brands.create_brand(h.app.store, "Demo Coffee Co")
        admin = h.guild.member("club_admin", permissions=["manage_guild"])
        reply = await admin.slash("setup connect", brand_id=brand.brand_id, security_key=brand.security_key)
        feed.line(f"  club_admin: /setup connect -> {readable(h.guild, reply.content)}")
        personas = make_community(rng)
        sim = WeekSimulation(h, personas, rng, feed, WEEK_START, days=days)
        await sim.run()
        await h.app.wait_idle()
        chart = await demo_analytics.finish(sim, db_path.parent)  # Monday 00:06: the weekly report is posted
        summary = await render_summary(h, sim, seed)
        rejected = len(h.emu.rejected_requests)
        if serve is not None:
            feed.line(summary)
            await serve(await open_dashboard(h, admin))
    if serve is None:
        feed.line(summary)
    if chart is not None:
        feed.line(f"The weekly report's chart is saved at {chart}.")
    feed.line(
        f"Database kept at {db_path} for inspection (python bot.py --db {db_path} db info). "
        f"Took {time.perf_counter() - began:.1f}s." + (f" {rejected} request(s) refused!" if rejected else "")
    )
    return summary


def main(seed: int, stream: TextIO | None = None, *, web: bool = False) -> int:
    """The demo; with `web`, then the dashboard until Ctrl+C (exit 2 when it cannot listen)."""
    for noisy in ("discord", "loyalteez", "aiohttp"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    if web:
        logging.getLogger("loyalteez.app").setLevel(logging.WARNING)  # says why the dashboard cannot listen
    try:
        settings = demo_web_settings() if web else None
        asyncio.run(run_demo(seed, stream=stream, serve=serve_forever if web else None, web=settings))
    except WebSettingsError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    except DashboardUnavailable:
        return 2
    except KeyboardInterrupt:
        pass
    return 0

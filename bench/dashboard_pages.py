"""How fast the dashboard's viewer pages answer over HTTP on a big server (SQLite): KPIs, ledger, audit, CSV.

Run: .venv/bin/python bench/dashboard_pages.py [--members 100000] [--days 90] [--ledger 500000] [--audit 20000]

A fresh database holds one server with N members and `days` days of rollups (bench/kpi_snapshot.py's fill),
180 days of daily KPI snapshots, `ledger` payouts spread over the days (and as many on a second server of
the same brand, so a query that ignores the server pays for it), and `audit` audit rows. The real dashboard
(`WebServer`, the real services and templates) serves it on a loopback port; an operator session signs in
through a one-time link, as `web-login` prints it. Each page is fetched 3 times to warm up, then `--runs`
times in a row; the table gives p50 and p95 per page and the ratios that show what a page's cost follows
(90 days vs 7 of KPIs, a deep ledger page vs the first). The whole-ledger CSV is timed once (rows/s).
Goal: the KPI dashboard p95 under 300 ms at 100,000 members with 90 days of snapshots. Exit 1 if missed.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import _results
from bench._args import positive
from bench.kpi_snapshot import SCOPE, TODAY, fill
from loyalteez.clock import ManualClock, start_of_day
from loyalteez.discord.directory import Named, ServerInfo
from loyalteez.ids import new_id
from loyalteez.services.access.permissions import Caller
from loyalteez.services.analytics.metrics import KPIS
from loyalteez.services.container import build_services
from loyalteez.services.perks.roles import RoleFacts
from loyalteez.store import Scope, Store
from loyalteez.web.app import WebServer
from loyalteez.web.settings import WebSettings

OTHER = Scope(SCOPE.brand_id, "900000000000000002")
KPI_GOAL_MS = 300.0
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class BenchDirectory:
    """The bot's guild cache as the dashboard asks it, for a bot that is not connected (operator sessions)."""

    def ready(self) -> bool:
        return True

    def server(self, server_id: str) -> ServerInfo | None:
        return ServerInfo(server_id, "Bench server", "100000000000000000")

    def caller(self, server_id: str, user_id: str) -> Caller | None:
        return None

    def member_name(self, server_id: str, user_id: str) -> str | None:
        return None

    def members_named(self, server_id: str, typed: str) -> list[Named]:
        return []

    def servers_of(self, user_id: str) -> list[ServerInfo]:
        return []

    def text_channels(self, server_id: str) -> list[Named]:
        return []

    def roles(self, server_id: str) -> list[Named]:
        return []

    def role_facts(self, server_id: str, role_id: str) -> RoleFacts | None:
        return None

    def may_post_reports(self, server_id: str, channel_id: str) -> bool:
        return False


async def build(path: Path, clock: ManualClock, members: int, days: int, ledger: int, audit: int) -> dict[str, float]:
    started = time.perf_counter()
    store = await Store.open(str(path), clock)
    await store.insert_brand({"brand_id": SCOPE.brand_id, "name": "Bench", "key_salt": "00", "key_hash": "x"})
    now = clock.now()
    clock.set(now - timedelta(days=30))  # connected a month ago: /stats over 30 days counts a month of payouts
    for scope, name in ((SCOPE, "Bench server"), (OTHER, "Other server")):
        await store.scoped(scope).server.link(name)
    clock.set(now)
    await store.close()
    rollups = fill(path, members, days)
    rng = random.Random(5)
    store = await Store.open(str(path), clock)
    data = store.scoped(SCOPE)
    for back in range(1, 181):  # the nights before wrote their snapshots
        metrics = {k.name: round(rng.uniform(0.1, 0.9), 4) if k.kind == "ratio" else rng.randint(1, 5000) for k in KPIS}
        await data.kpi.write_snapshot(new_id(), TODAY - timedelta(days=back), "daily", metrics)
    ids = [str(100_000_000_000_000_000 + i) for i in range(members)]
    first = start_of_day(TODAY - timedelta(days=days))
    for scope in (SCOPE, OTHER):
        scoped = store.scoped(scope)
        for start in range(0, ledger, 20_000):
            rows = [
                {
                    "id": new_id(),
                    "discord_user_id": rng.choice(ids),
                    "event_type": rng.choice(("message", "daily_checkin", "voice", "reaction")),
                    "amount": rng.choice((5, 10, 25, 45)),
                    "idempotency_key": f"{scope.server_id}:{n}",
                    "created_at": first + timedelta(seconds=rng.randint(0, days * 86400)),
                }
                for n in range(start, min(ledger, start + 20_000))
            ]
            async with scoped.transaction():
                await scoped.ledger.write(rows, {})
    async with data.transaction():
        for n in range(audit):
            clock.advance(seconds=7)
            action = rng.choice(("rewards.manual_reward", "config.events_edit"))
            details = {"event": rng.choice(("bug_report", "welcome")), "amount": n}
            await data.audit.append(
                new_id(), actor_type="admin", actor_id=ids[n % 50], action=action, target_user_id=rng.choice(ids),
                details=details, before_state=None, after_state=None, is_test=False,
            )  # fmt: skip
    await store.close()
    return {"rollups": rollups, "build_s": time.perf_counter() - started}


async def sign_in(http: aiohttp.ClientSession, base: str, token: str) -> None:
    async with http.get(f"{base}/login/link/{token}") as response:
        csrf = CSRF.search(await response.text())
    assert csrf, "the link page has no form"
    async with http.post(f"{base}/login/link/{token}", data={"csrf_token": csrf.group(1)}, allow_redirects=False) as r:
        assert r.status == 303, await r.text()


async def timed(http: aiohttp.ClientSession, url: str, runs: int) -> list[float]:
    times = []
    for n in range(3 + runs):
        started = time.perf_counter()
        async with http.get(url) as response:
            body = await response.read()
            assert response.status == 200, (url, response.status, body[:300])
        if n >= 3:
            times.append((time.perf_counter() - started) * 1000)
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


async def measure(path: Path, clock: ManualClock, runs: int, ledger: int) -> tuple[dict[str, list[float]], float]:
    store = await Store.open(str(path), clock)
    services = build_services(store, clock)
    server = WebServer(WebSettings(enabled=True, port=0), services, BenchDirectory(), clock)
    await server.start()
    try:
        base, sid = server.url, SCOPE.server_id
        link = await services.web.issue_login_link(SCOPE)
        pages = {
            "KPIs, 7 days": f"/s/{sid}/admin/kpis?days=7",
            "KPIs, 90 days": f"/s/{sid}/admin/kpis?days=90",
            "ledger, page 1": f"/s/{sid}/admin/ledger",
            "ledger, page 1000": f"/s/{sid}/admin/ledger?page=1000",
            "audit, page 1": f"/s/{sid}/admin/audit",
            "audit, rewards, page 20": f"/s/{sid}/admin/audit?type=rewards&page=20",
            "audit, event filter": f"/s/{sid}/admin/audit?event=welcome",
            "stats, 30 days by member": f"/s/{sid}/admin/stats?period=month&breakdown=users",
            "segments": f"/s/{sid}/admin/segments",
        }
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            await sign_in(http, base, link.token)
            found = {name: await timed(http, base + path, runs) for name, path in pages.items()}
            started = time.perf_counter()
            async with http.get(f"{base}/s/{sid}/admin/ledger.csv") as response:
                lines = (await response.read()).count(b"\n")
            csv_s = time.perf_counter() - started
            assert lines == ledger + 1, lines
        return found, csv_s
    finally:
        await server.stop()
        await services.close()
        await store.close()


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=positive(int), default=100_000)
    parser.add_argument("--days", type=positive(int), default=90)
    parser.add_argument("--ledger", type=positive(int), default=500_000, help="payouts per server (two servers)")
    parser.add_argument("--audit", type=positive(int), default=20_000)
    parser.add_argument("--runs", type=positive(int), default=30)
    args = parser.parse_args()
    clock = ManualClock(start_of_day(TODAY) + timedelta(hours=9))
    with tempfile.TemporaryDirectory(prefix="ltz-dashboard-bench-") as tmp:
        path = Path(tmp) / "dashboard.db"
        built = await build(path, clock, args.members, args.days, args.ledger, args.audit)
        found, csv_s = await measure(path, clock, args.runs, args.ledger)
    print(
        f"dashboard viewer pages over HTTP, SQLite {sqlite3.sqlite_version}: {args.members:,} members, "
        f"{args.days} days of rollups ({built['rollups']:,} rows), 180 daily snapshots, {args.ledger:,} payouts "
        f"on this server and as many on another, {args.audit:,} audit rows (built in {built['build_s']:.0f} s); "
        f"{args.runs} requests per page after 3 to warm up"
    )
    print(f"{'page':<28}{'p50 ms':>9}{'p95 ms':>9}")
    for name, times in found.items():
        print(f"{name:<28}{statistics.median(times):>9.1f}{p95(times):>9.1f}")
    ratios = (
        ("KPIs 90 days vs 7 days", "KPIs, 90 days", "KPIs, 7 days"),
        ("ledger page 1000 vs page 1", "ledger, page 1000", "ledger, page 1"),
        ("audit event filter vs page 1", "audit, event filter", "audit, page 1"),
    )
    for label, a, b in ratios:
        print(f"{label:<28}{statistics.median(found[a]) / statistics.median(found[b]):>9.2f}x (p50)")
    print(f"{'ledger CSV, whole':<28}{csv_s:>9.2f} s  ({args.ledger / csv_s:,.0f} rows/s, streamed)")
    kpi_p95 = max(p95(found["KPIs, 7 days"]), p95(found["KPIs, 90 days"]))
    ok = args.members < 100_000 or kpi_p95 < KPI_GOAL_MS
    print(f"goal (KPI dashboard p95 < {KPI_GOAL_MS:.0f} ms at 100,000 members):", "met" if ok else "MISSED")
    _results.publish(
        "dashboard_pages",
        [
            ("KPI dashboard p95 (90 days)", f"{p95(found['KPIs, 90 days']):.0f} ms", f"goal < {KPI_GOAL_MS:.0f} ms"),
            ("ledger page 1 p95", f"{p95(found['ledger, page 1']):.0f} ms", f"{args.ledger:,} payouts"),
            ("audit page 1 p95", f"{p95(found['audit, page 1']):.0f} ms", f"{args.audit:,} rows"),
            ("ledger CSV", f"{args.ledger / csv_s:,.0f} rows/s", "streamed"),
        ],
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))

"""Dashboard and JSON API on a 100k-member server: page and API p95, and the bot's message rate under web load.

Run: .venv/bin/python bench/web.py [--members 100000] [--requests 40] [--messages 100000] [--rounds 5] [--profile]

The bot side runs in a child process as `python bot.py` runs it: one event loop with the store (SQLite),
the services and the dashboard's aiohttp server (loyalteez/web), fed messages through `Rewards.submit`
(what the gateway listener calls). This process seeds the database first, then plays the HTTP clients:
  * a server with --members members (stats, 30 days of ledger rows, 14 days of activity rollups) and 90
    days of daily KPI snapshots with targets; public pages on; one API token (its rate limit lifted for
    the bench) and an operator session for the viewer pages;
  * latency: --requests sequential requests per address after a warm-up, random pages and members:
    the public leaderboard page, the API's leaderboard, member and 90-day KPI history, and the viewer's
    KPI dashboard page over 90 days and /stats page (any period and breakdown). Goals: leaderboard page and
    API p95 < 100 ms, KPI dashboard and /stats < 300 ms; the first load of each /stats view (a read of up to
    30 days of payouts, then kept 5 minutes) is shown on a line of its own, without a goal;
  * message rate: the child applies --messages messages as fast as the engine takes them (submit, then wait
    for every commit) with no web traffic, then while 20 clients load pages back to back (closed loop),
    then while 20 clients each load a page a second (people reading the dashboard); --rounds interleaved
    rounds, medians. Goal: the rate drops by less than 10 %. Beside each rate, the bot process's CPU (every
    thread) per 1,000 messages: the web's extra work shows there even when other work on the machine moves
    the rates round to round.
Every figure is printed side by side in one table; nothing here is a pass/fail test (exit 0).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._args import positive  # noqa: E402
from bench._web_seed import BRAND_ID, MEMBER_BASE, OWNER_ID, SERVER_ID, seed  # noqa: E402

CLIENTS = 20


# -- the bot (child process) --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Server:
    server_id: str
    name: str
    owner_id: str | None


class BenchDirectory:
    """The bot's guild cache as the dashboard reads it: one server, every member named."""

    def ready(self) -> bool:
        return True

    def server(self, server_id: str) -> Any:
        return _Server(SERVER_ID, "Bench server", OWNER_ID) if server_id == SERVER_ID else None

    def caller(self, server_id: str, user_id: str) -> Any:
        return None

    def member_name(self, server_id: str, user_id: str) -> str | None:
        return f"member {user_id[-6:]}"

    def servers_of(self, user_id: str) -> list[Any]:
        return []

    def text_channels(self, server_id: str) -> list[Any]:
        return []

    def roles(self, server_id: str) -> list[Any]:
        return []

    def role_facts(self, server_id: str, role_id: str) -> Any:
        return None


async def serve(path: str) -> None:
    """The child: store + services + dashboard on one loop; commands on stdin, answers on stdout."""
    from bench.rewards_engine import realistic_messages
    from loyalteez import collector
    from loyalteez.clock import SystemClock
    from loyalteez.services.api.limits import RateLimiter
    from loyalteez.services.container import build_services
    from loyalteez.store import Scope, Store
    from loyalteez.web.app import WebServer
    from loyalteez.web.settings import WebSettings

    clock = SystemClock()
    store = await Store.open(path, clock)
    services = build_services(store, clock)
    services.api.limits = RateLimiter(clock, per_minute=10**9)  # the bench measures speed, not the limit
    server = WebServer(WebSettings(enabled=True, port=0), services, BenchDirectory(), clock)  # type: ignore[arg-type]
    await server.start()
    collector.settle_for_serving()  # as `python bot.py` does once it is up (loyalteez/runner.py)
    scope = Scope(BRAND_ID, SERVER_ID)
    print(f"ready {server.port}", flush=True)
    loop = asyncio.get_running_loop()
    fed = 0
    profile = cProfile.Profile()
    while True:
        line = (await loop.run_in_executor(None, sys.stdin.readline)).split()
        if not line or line[0] == "quit":
            break
        count, profiled = int(line[1]), line[2:] == ["profiled"]
        events = [
            replace(e, message_id=str(int(e.message_id) + fed))
            for e in realistic_messages(count, 5000, clock.now(), seed=fed)
        ]
        fed += 10 * count
        started, cpu = time.perf_counter(), time.process_time()
        if profiled:
            profile.enable()
        futures = []
        for i, event in enumerate(events):
            futures.append(services.rewards.submit(scope, event))
            if i % 200 == 199:
                await asyncio.sleep(0)  # a gateway delivers in bursts; the loop serves the web in between
        await asyncio.gather(*futures)
        profile.disable()
        print(f"fed {count} {time.perf_counter() - started:.6f} {time.process_time() - cpu:.6f}", flush=True)
    await server.stop()
    await services.close()
    await store.close()
    if profile.getstats():
        print("\nbot event loop, rounds with 20 clients back to back: top 15 functions by own time", file=sys.stderr)
        pstats.Stats(profile, stream=sys.stderr).sort_stats("tottime").print_stats(15)


# -- the clients (this process) -------------------------------------------------------------------------------


class Bot:
    def __init__(self, path: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert self.proc.stdout is not None
        ready = self.proc.stdout.readline().split()
        assert ready and ready[0] == "ready", f"the bot did not start: {ready}"
        self.url = f"http://127.0.0.1:{ready[1]}"
        self.cpu = 0.0  # the bot process's CPU seconds (every thread) in the last feed

    async def feed(self, count: int, profiled: bool = False) -> float:
        """Messages per second from submit to the last commit (`profiled`: the bot's loop under cProfile)."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(f"feed {count}{' profiled' if profiled else ''}\n")
        self.proc.stdin.flush()
        answer = (await asyncio.to_thread(self.proc.stdout.readline)).split()
        self.cpu = float(answer[3])
        return count / float(answer[2])

    def stop(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("quit\n")
        self.proc.stdin.flush()
        self.proc.wait(timeout=60)


class Addresses:
    def __init__(self, bot: Bot, token: str, members: int, seed: int) -> None:
        self.bot, self.members, self.rng = bot, members, random.Random(seed)
        self.api = {"Authorization": f"Bearer {token}"}
        self.pages = max(1, members // 10)

    def member(self) -> int:
        return MEMBER_BASE + self.rng.randrange(self.members)

    def all(self) -> dict[str, tuple[str, dict[str, str]]]:
        """label -> (a fresh random address, headers)"""
        s, page = f"{self.bot.url}/s/{SERVER_ID}", self.rng.randint(1, self.pages)
        api = f"{self.bot.url}/api/v1/servers/{SERVER_ID}"
        return {
            "leaderboard page, LTZ all time": (f"{s}/leaderboard?page={page}", {}),
            "leaderboard page, activity this week": (f"{s}/leaderboard?type=activity&period=week&page={page}", {}),
            "API leaderboard, LTZ all time": (f"{api}/leaderboard?page={page}", self.api),
            "API leaderboard, LTZ this month": (f"{api}/leaderboard?period=month&page={page}", self.api),
            "API member": (f"{api}/members/{self.member()}", self.api),
            "API KPI history, 90 days": (f"{api}/kpis?days=90", self.api),
            "KPI dashboard page, 90 days": (f"{s}/admin/kpis?days=90", {}),
            STATS: (f"{s}/admin/stats?{self.stats_query()}", {}),
        }

    def stats_query(self) -> str:
        period = self.rng.choice(("day", "week", "month"))
        return f"period={period}&breakdown={self.rng.choice(('', 'events', 'users'))}"


STATS = "stats page, any period and breakdown"
STATS_FIRST = "stats page, a view's first load"
# Goals in ms; None: shown, no goal (a /stats view's first read of up to 30 days of payouts, kept 5 min after).
GOALS: dict[str, float | None] = {"KPI dashboard page, 90 days": 300.0, STATS: 300.0, STATS_FIRST: None}


async def operator_session(http: Any, bot: Bot, link: str) -> None:
    """Redeem the one-time operator link as a browser would: the confirm page, then its form."""
    import re

    async with http.get(f"{bot.url}/login/link/{link}") as response:
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', await response.text())
    assert csrf, "the sign-in page has no form"
    async with http.post(f"{bot.url}/login/link/{link}", data={"csrf_token": csrf.group(1)}) as response:
        assert response.status in (200, 303), response.status


async def latencies(http: Any, where: Addresses, requests: int) -> dict[str, tuple[int, list[float]]]:
    found: dict[str, tuple[int, list[float]]] = {}
    for label in where.all():
        times: list[float] = []
        first_loads: list[float] = []
        seen: set[str] = set()
        status = 0
        for n in range(requests + 3):
            url, headers = where.all()[label]
            started = time.perf_counter()
            async with http.get(url, headers=headers, allow_redirects=False) as response:
                await response.read()
                status = response.status
            took = (time.perf_counter() - started) * 1000
            if label == STATS:  # no warm-up: each of its nine views is read once, then kept (shown apart)
                (times if url in seen else first_loads).append(took)
                seen.add(url)
            elif n >= 3:  # warm-up: caches, the scheduler's first catch-up
                times.append(took)
        found[label] = (status, times)
        if first_loads:
            found[STATS_FIRST] = (status, first_loads)
    return found


async def clients(http: Any, where: Addresses, stop: asyncio.Event, pace: float | None) -> int:
    """20 clients loading random pages until told to stop; returns the number of pages loaded."""
    loaded = 0

    async def one() -> None:
        nonlocal loaded
        while not stop.is_set():
            label = where.rng.choice(list(where.all()))
            url, headers = where.all()[label]
            started = time.perf_counter()
            async with http.get(url, headers=headers, allow_redirects=False) as response:
                await response.read()
            loaded += 1
            if pace is not None:
                await asyncio.sleep(max(0.0, pace - (time.perf_counter() - started)))

    await asyncio.gather(*(one() for _ in range(CLIENTS)))
    return loaded


async def rate_under(
    bot: Bot, http: Any, where: Addresses, messages: int, pace: float | None, profiled: bool = False
) -> tuple[float, float]:
    """(messages/s, pages/s) while the clients run."""
    stop = asyncio.Event()
    started = time.perf_counter()
    load = asyncio.create_task(clients(http, where, stop, pace))
    await asyncio.sleep(0.5)  # the clients are up to speed before the messages start
    rate = await bot.feed(messages, profiled)
    stop.set()
    pages = await load
    return rate, pages / (time.perf_counter() - started)


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def main(args: argparse.Namespace) -> int:
    import aiohttp

    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="ltz-bench-web-") as tmp:
        path = Path(tmp) / "web.db"
        started = time.perf_counter()
        token, link = await seed(path, args.members, now)
        seeded = time.perf_counter() - started
        bot = Bot(path)
        try:
            jar = aiohttp.CookieJar(unsafe=True)
            async with aiohttp.ClientSession(cookie_jar=jar, connector=aiohttp.TCPConnector(limit=64)) as http:
                await operator_session(http, bot, link)
                where = Addresses(bot, token, args.members, 5)
                found = await latencies(http, where, args.requests)
                rates: dict[str, list[float]] = {"idle": [], "closed": [], "paced": []}
                cpu: dict[str, list[float]] = {"idle": [], "closed": [], "paced": []}  # bot CPU ms per 1k msgs
                pages: dict[str, list[float]] = {"closed": [], "paced": []}
                await bot.feed(2000)  # warm the engine's caches
                for _ in range(args.rounds):
                    rates["idle"].append(await bot.feed(args.messages))
                    cpu["idle"].append(bot.cpu * 1e6 / args.messages)
                    for key, pace in (("closed", None), ("paced", 1.0)):
                        profiled = args.profile and pace is None
                        rate, per_second = await rate_under(bot, http, where, args.messages, pace, profiled)
                        rates[key].append(rate)
                        pages[key].append(per_second)
                        cpu[key].append(bot.cpu * 1e6 / args.messages)
        finally:
            bot.stop()

    print(
        f"web bench: {args.members:,} members, {args.members * 3:,} ledger rows, 90 days of KPI snapshots "
        f"(seeded in {seeded:.1f} s); SQLite {sqlite3.sqlite_version}; {os.cpu_count()} cores"
    )
    print(f"{'address':<40}{'status':>7}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'goal':>9}  met")
    for label, (status, times) in found.items():
        goal = GOALS.get(label, 100.0)
        p95 = p(times, 0.95)
        met = "-" if goal is None else "yes" if status == 200 and p95 < goal else "NO"
        shown = "-" if goal is None else f"< {goal:.0f}"
        print(f"{label:<40}{status:>7}{len(times):>5}{p(times, 0.5):>9.1f}{p95:>9.1f}{shown:>9}  {met}")
    idle = statistics.median(rates["idle"])
    print(f"\nmessage -> ledger rate, {args.messages:,} messages a round, median of {args.rounds} interleaved rounds")
    print(f"{'while':<44}{'msgs/s':>10}{'pages/s':>9}{'vs idle':>9}{'drop':>8}{'CPU ms/1k':>11}  goal < 10 %")
    idle_cpu = statistics.median(cpu["idle"])
    print(f"{'no web traffic':<44}{idle:>10,.0f}{'-':>9}{'1.00x':>9}{'-':>8}{idle_cpu:>11.0f}")
    for key, label in (("closed", "20 clients, back to back"), ("paced", "20 clients, a page a second each")):
        rate = statistics.median(rates[key])
        drop = 1 - rate / idle
        print(
            f"{label:<44}{rate:>10,.0f}{statistics.median(pages[key]):>9.0f}{rate / idle:>8.2f}x{drop:>7.0%}"
            f"{statistics.median(cpu[key]):>11.0f}  {'met' if drop < 0.10 else 'MISSED'}"
        )
    runs = "; ".join(f"{key} {', '.join(f'{r:,.0f}' for r in values)}" for key, values in rates.items())
    print(f"(each round's msgs/s: {runs})")
    print(
        "(CPU ms/1k: the bot process's CPU, every thread, per 1,000 messages of the round, web work included; "
        "on a machine shared with other work it moves far less than the rates do)"
    )
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=positive(int), default=100_000)
    parser.add_argument("--requests", type=positive(int), default=40, help="timed requests per address")
    parser.add_argument("--messages", type=positive(int), default=100_000, help="messages per rate round")
    parser.add_argument("--rounds", type=positive(int), default=5)
    parser.add_argument(
        "--profile", action="store_true", help="profile the bot's loop in the back-to-back rounds (slows them)"
    )
    parser.add_argument("--serve", metavar="DB", help=argparse.SUPPRESS)
    parsed = parser.parse_args()
    if parsed.serve:
        asyncio.run(serve(parsed.serve))
        raise SystemExit(0)
    raise SystemExit(asyncio.run(main(parsed)))

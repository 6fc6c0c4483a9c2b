"""All domain services, built once at start-up from a store and a clock and handed to the adapter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from loyalteez.clock import Clock
from loyalteez.services.access.setup import SetupService
from loyalteez.services.access.web import WebAccess
from loyalteez.services.achievements import Achievements
from loyalteez.services.analytics.service import Analytics
from loyalteez.services.api.service import ApiService
from loyalteez.services.boosts import BoostService, LevelUpService
from loyalteez.services.catchup import DEFAULT_WINDOW, CatchupService
from loyalteez.services.config_io.exports import ExportService
from loyalteez.services.drops import Drops, DropWatches
from loyalteez.services.goals import Goals
from loyalteez.services.maintenance.leadership import DEFAULT_LEASE, Leadership
from loyalteez.services.maintenance.ledger_filing import FILE_EVERY, LedgerFiling
from loyalteez.services.perks import Perks
from loyalteez.services.rewards.defaults import install_default_rules
from loyalteez.services.rewards.service import Rewards
from loyalteez.services.standings import StandingsService
from loyalteez.services.streaks import StreakMultipliers, StreakService
from loyalteez.services.ticker import Ticker
from loyalteez.services.voice import HEARTBEAT, VoiceService
from loyalteez.store import ScopedData, Store


@dataclass
class Services:
    store: Store
    clock: Clock
    setup: SetupService
    rewards: Rewards
    catchup: CatchupService
    standings: StandingsService
    exports: ExportService
    # Engagement rewards: drops (and watched channels), achievements, community goals, perks, and the
    # clock-driven jobs
    drops: Drops
    watches: DropWatches
    achievements: Achievements
    goals: Goals
    perks: Perks
    ticker: Ticker
    # Engagement activity: daily check-ins and streaks, voice sessions, boosts, level-ups
    streaks: StreakService
    voice: VoiceService
    boosts: BoostService
    levelups: LevelUpService
    # Analytics: rollups (written by the engine), KPI snapshots, targets and alerts, reports
    analytics: Analytics
    # The web dashboard's access rules: public pages, operator links, admin levels (services/access/web.py)
    web: WebAccess
    # The read-only JSON API: bearer tokens per brand, their rate limit, and its reads (services/api/)
    api: ApiService
    # Which of several processes on one database runs the scheduled jobs (maintenance/leadership.py)
    leadership: Leadership
    # A history replay: messages are decided at their own timestamps and an export's reactions
    # at their message's time; live, both happen when they arrive.
    history_replay: bool = False

    async def wait_idle(self) -> None:
        """Write what is queued now (no group-commit delay) and return once it has committed.

        Then run the periodic jobs the clock says are due (services/ticker.py): a ManualClock moved by a
        test or the demo fires them here, at the next settle.
        """
        await self.rewards.writer.flush()
        await self.ticker.run_due()
        await self.analytics.scheduler.run_if_started()  # snapshots at 00:00 UTC, reports at 00:05 (once started)

    async def close(self) -> None:
        await self.analytics.stop()  # lets a scheduler run in progress finish
        await self.ticker.close()
        await self.leadership.stop()  # hands the lease back: another process takes over at once
        await self.voice.close()  # a last heartbeat: the next start resumes voice sessions from now
        await self.catchup.close()  # before the writer: a catch-up still running submits to it
        await self.rewards.close()


def build_services(
    store: Store,
    clock: Clock,
    *,
    catchup_window: timedelta = DEFAULT_WINDOW,
    history_replay: bool = False,
    lease_seconds: float = DEFAULT_LEASE,
) -> Services:
    setup = SetupService(store, clock)
    multipliers = StreakMultipliers(clock)  # the engine asks it for every payout's streak factor
    rewards = Rewards(store, clock, streaks=multipliers)
    if history_replay:
        rewards.engine.late_after = timedelta(0)  # the replay's clock runs ahead of what the writer applies
    catchup = CatchupService(store, clock, rewards, catchup_window)
    rewards.engine.batch_hooks.append(catchup.cursor_hook)  # cursors commit with the messages they cover
    drops, perks, goals = Drops(store, clock, rewards), Perks(store, clock), Goals(store, clock)
    achievements = Achievements(store, clock, rewards)
    # Achievements and goals move with every written batch, inside its transaction (rewards/hooks.py).
    rewards.engine.after_batch += [achievements.after_batch, goals.after_batch]

    voice = VoiceService(store, clock, rewards)

    async def default_events(data: ScopedData) -> None:
        await install_default_rules(data, clock)
        multipliers.forget(data.scope)  # a reconnected server's streaks were deleted on disconnect
        voice.forget(data.scope)  # its open voice sessions resume like after a restart

    setup.on_connect.append(default_events)
    analytics = Analytics(store, clock, flush=rewards.writer.flush, held=rewards.writer.oldest_held)
    # No snapshot while messages of the past may still arrive (catch-up running, gateway down until a RESUME);
    # the scheduler runs what is due as soon as they have all been handled.
    analytics.scheduler.ready = lambda: catchup.caught_up
    catchup.on_caught_up.append(analytics.scheduler.run_if_started)
    analytics.before_snapshots.append(voice.carry_over)  # a stay open at midnight gives the ended day its minutes
    # Several processes on one PostgreSQL: only the lease holder runs the scheduler and the leader-only ticker
    # jobs; taking the lease over starts with a catch-up run.
    leadership = Leadership(store, clock, lease_seconds=lease_seconds)
    analytics.scheduler.leader = leadership.check
    analytics.scheduler.on_start.append(leadership.start)
    leadership.on_gained.append(analytics.scheduler.run_if_started)
    ticker = Ticker(clock)
    ticker.leader = leadership.check
    ticker.every(HEARTBEAT, "voice heartbeat", lambda now: voice.heartbeat())
    ticker.every(FILE_EVERY, "ledger filing", LedgerFiling(store).run, leader_only=True)
    streaks = StreakService(store, clock, rewards, multipliers)
    standings = StandingsService(store, clock)  # one board cache for /leaderboard, the pages and the API
    return Services(
        store=store,
        clock=clock,
        setup=setup,
        rewards=rewards,
        catchup=catchup,
        standings=standings,
        exports=ExportService(store, clock),
        drops=drops,
        watches=DropWatches(store),
        achievements=achievements,
        goals=goals,
        perks=perks,
        ticker=ticker,
        streaks=streaks,
        voice=voice,
        boosts=BoostService(store, rewards),
        levelups=LevelUpService(rewards),
        analytics=analytics,
        web=WebAccess(store, clock),
        api=ApiService(store, clock, streaks, standings),
        leadership=leadership,
        history_replay=history_replay,
    )

-- Version 6: Analytics: daily activity rollups, member firsts, KPI alert state, reports (see schema.sql).

-- Analytics: daily activity rollups, member firsts, KPI alert state, reports (project, version 6) ---
-- Daily rollups: per server, UTC day and member, what the rewards engine counted that day (messages,
-- reactions, voice) and paid for real (payouts, LTZ; check-ins are daily_checkin payouts). Written in the
-- engine's batch transaction, so they never disagree with the ledger; KPIs, segments, reports and the
-- week/month leaderboards read these instead of rescanning history. Test-mode activity and bots are never
-- rolled up. Kept on disconnect (KPI snapshots are computed from them); brand_id is in the key, so a
-- server taken over by another brand starts afresh.
CREATE TABLE IF NOT EXISTS loyalteez_activity_daily (
    brand_id        TEXT NOT NULL,
    server_id       TEXT NOT NULL REFERENCES discord_server_configs (server_id),
    day             DATE NOT NULL,                       -- UTC day
    discord_user_id TEXT NOT NULL,
    messages        INTEGER NOT NULL DEFAULT 0,
    reactions       INTEGER NOT NULL DEFAULT 0,
    voice_minutes   INTEGER NOT NULL DEFAULT 0,
    voice_sessions  INTEGER NOT NULL DEFAULT 0,          -- finished voice sessions with counted minutes
    checkins        INTEGER NOT NULL DEFAULT 0,          -- daily_checkin payouts
    rewards         INTEGER NOT NULL DEFAULT 0,          -- real payouts (any event)
    ltz_earned      BIGINT NOT NULL DEFAULT 0,           -- real LTZ paid
    streak          INTEGER NOT NULL DEFAULT 0,          -- check-in streak after that day's check-in (0: none)
    PRIMARY KEY (server_id, brand_id, day, discord_user_id)
);

-- One row per member and server: when the member became known, first earned and was last active, and
-- their check-in streak as the rollups saw it. Written only when one of those changes (a member's first
-- batch of the day, a first reward, a check-in), so the rewards engine's batches rarely touch it.
-- entered_at is the earlier of joined_at and first_seen_at: what "joined (or first seen)" means.
CREATE TABLE IF NOT EXISTS loyalteez_member_analytics (
    brand_id        TEXT NOT NULL,
    server_id       TEXT NOT NULL REFERENCES discord_server_configs (server_id),
    discord_user_id TEXT NOT NULL,
    joined_at       TIMESTAMPTZ,                         -- first GUILD_MEMBER_ADD the bot saw
    first_seen_at   TIMESTAMPTZ,                         -- first counted activity or payout
    entered_at      TIMESTAMPTZ,                         -- the earlier of the two
    first_reward_at TIMESTAMPTZ,                         -- first real payout
    last_active_on  DATE,                                -- last UTC day with a rollup
    last_checkin_at TIMESTAMPTZ,
    checkin_streak  INTEGER NOT NULL DEFAULT 0,          -- streak as of last_checkin_at
    PRIMARY KEY (server_id, brand_id, discord_user_id)
);
CREATE INDEX IF NOT EXISTS idx_member_analytics_entered ON loyalteez_member_analytics (server_id, entered_at);
CREATE INDEX IF NOT EXISTS idx_member_analytics_active ON loyalteez_member_analytics (server_id, last_active_on);

-- KPI alerts: whether each target's metric is on the wrong side now, so an alert is not repeated and a
-- recovery follows it. Removed with the target.
CREATE TABLE IF NOT EXISTS loyalteez_kpi_alerts (
    brand_id        TEXT NOT NULL,
    server_id       TEXT NOT NULL REFERENCES discord_server_configs (server_id),
    metric          TEXT NOT NULL,
    alerting        BOOLEAN NOT NULL DEFAULT FALSE,
    last_value      NUMERIC,                             -- the value last compared with the target
    checked_on      DATE,                                -- the day it was compared for
    changed_at      TIMESTAMPTZ,                         -- when alerting last flipped
    PRIMARY KEY (server_id, brand_id, metric)
);

-- Report delivery, beside the seed's discord_report_schedules (one row per server): since when the
-- schedule holds (a report is due only for send times after it) and the last attempt, so a report that
-- could not be posted is neither retried every minute nor lost silently.
CREATE TABLE IF NOT EXISTS loyalteez_report_state (
    server_id       TEXT PRIMARY KEY REFERENCES discord_server_configs (server_id),
    brand_id        TEXT NOT NULL,
    active_since    TIMESTAMPTZ NOT NULL,
    last_attempt_at TIMESTAMPTZ,
    last_status     TEXT CHECK (last_status IN ('sent', 'forbidden', 'missing', 'failed')),
    last_error      TEXT
);

INSERT INTO loyalteez_schema_version (version) VALUES (6) ON CONFLICT (version) DO NOTHING;

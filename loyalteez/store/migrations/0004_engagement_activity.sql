-- Version 4: Engagement: daily check-ins, streak settings and voice sessions (see schema.sql).

-- Engagement: daily check-ins, streak settings and voice sessions (project, version 4) ------------
-- Streak settings (grace period, multiplier tiers, milestones) are server config: config_metadata key
-- "streaks". A member's streak is the seed's discord_user_streaks; these tables hold the rest.
-- Daily check-ins (/daily): one row per member and UTC day. The primary key is the once-a-day guarantee
-- (two /daily at once: one row, one payout); the rows are history for achievements and KPIs. Append-only,
-- kept on disconnect like the ledger. brand_id is in the keys: a server taken over by another brand
-- starts afresh instead of colliding with the old brand's rows.
CREATE TABLE IF NOT EXISTS loyalteez_daily_checkins (
    brand_id        TEXT NOT NULL,
    server_id       TEXT NOT NULL REFERENCES discord_server_configs (server_id),
    discord_user_id TEXT NOT NULL,
    checkin_day     DATE NOT NULL,                       -- UTC day of the check-in
    streak          INTEGER NOT NULL,                    -- the streak this check-in made (1 = a new one)
    interaction_id  TEXT,                                -- the /daily interaction (its payout's ledger key)
    is_test         BOOLEAN NOT NULL DEFAULT FALSE,      -- made while test mode was on (kept out of KPIs)
    created_at      TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (server_id, brand_id, discord_user_id, checkin_day)
);
CREATE INDEX IF NOT EXISTS idx_daily_checkins_day ON loyalteez_daily_checkins (server_id, checkin_day);

-- Voice sessions: one row per stay in voice (moving between channels keeps the row). Minutes are
-- computed from timestamps, never from a running timer: counted_seconds is settled up to accrued_at, and
-- `counting` says whether the time since then counts (not AFK, not deafened, another human present).
-- last_seen_at is the heartbeat: a session left open by a crash is closed there. On close, the minutes
-- go to discord_user_stats through the rewards engine (activity key 'v:<session_id>', counted once).
CREATE TABLE IF NOT EXISTS loyalteez_voice_sessions (
    session_id      UUID PRIMARY KEY,
    brand_id        TEXT NOT NULL,
    server_id       TEXT NOT NULL REFERENCES discord_server_configs (server_id),
    discord_user_id TEXT NOT NULL,
    channel_id      TEXT,                                -- where it is (or last counted)
    started_at      TIMESTAMPTZ NOT NULL,
    last_seen_at    TIMESTAMPTZ NOT NULL,                -- last moment the bot knew the session was live
    counting        BOOLEAN NOT NULL DEFAULT FALSE,      -- whether time after accrued_at counts
    accrued_at      TIMESTAMPTZ NOT NULL,                -- counted_seconds is settled up to this moment
    counted_seconds INTEGER NOT NULL DEFAULT 0,
    ended_at        TIMESTAMPTZ,                         -- NULL while open
    minutes         INTEGER,                             -- minutes credited to the member's stats at the end
    created_at      TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX IF NOT EXISTS idx_voice_sessions_member ON loyalteez_voice_sessions (server_id, discord_user_id, started_at);
-- At most one open session per member and server.
CREATE UNIQUE INDEX IF NOT EXISTS uq_voice_sessions_open
    ON loyalteez_voice_sessions (server_id, brand_id, discord_user_id) WHERE ended_at IS NULL;

-- Voice progress per member: every counted second of closed sessions and the minutes /voice claim has
-- paid. Kept on disconnect: claim payouts are keyed 'voice:<member>:<claimed minutes>' in the ledger, which
-- is kept forever, so the counter must only ever grow.
CREATE TABLE IF NOT EXISTS loyalteez_voice_progress (
    brand_id        TEXT NOT NULL,
    server_id       TEXT NOT NULL REFERENCES discord_server_configs (server_id),
    discord_user_id TEXT NOT NULL,
    counted_seconds BIGINT NOT NULL DEFAULT 0,
    claimed_minutes BIGINT NOT NULL DEFAULT 0,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (server_id, brand_id, discord_user_id)
);

-- Boosts seen (Discord's boost system messages): which boost was a member's first. Append-only.
CREATE TABLE IF NOT EXISTS loyalteez_boosts (
    brand_id        TEXT NOT NULL,
    server_id       TEXT NOT NULL REFERENCES discord_server_configs (server_id),
    event_id        TEXT NOT NULL,                       -- the boost message's id
    discord_user_id TEXT NOT NULL,
    boosts          INTEGER NOT NULL DEFAULT 1,          -- boosts announced by the message
    tier            INTEGER NOT NULL DEFAULT 0,          -- premium tier the boost reached (0: none)
    is_test         BOOLEAN NOT NULL DEFAULT FALSE,      -- seen while test mode was on
    created_at      TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (server_id, brand_id, event_id)
);
CREATE INDEX IF NOT EXISTS idx_boosts_member ON loyalteez_boosts (server_id, discord_user_id);

INSERT INTO loyalteez_schema_version (version) VALUES (4) ON CONFLICT (version) DO NOTHING;

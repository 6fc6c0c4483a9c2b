-- Version 5: Engagement: drops, watches, achievements, goals and perks (see schema.sql).

-- Drops (/drop, /watch): discord_drops and discord_drop_claims are the seed's. Claims are kept forever and
-- drops are never deleted (ended_at marks the end). The sweep that ends expired drops reads only live ones.
CREATE INDEX IF NOT EXISTS idx_drops_live ON discord_drops (server_id, expires_at) WHERE ended_at IS NULL;

-- Watched channels: every new message there becomes its own reaction drop of `event_id`.
CREATE TABLE IF NOT EXISTS loyalteez_drop_watches (
    brand_id         TEXT NOT NULL,
    server_id        TEXT NOT NULL REFERENCES discord_server_configs (server_id),
    channel_id       TEXT NOT NULL,
    event_id         TEXT NOT NULL,                      -- the monitoring_rules event_type each drop pays
    emoji            TEXT NOT NULL,
    lifespan_minutes INTEGER CHECK (lifespan_minutes IS NULL OR lifespan_minutes > 0),  -- NULL: permanent
    created_by       TEXT,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (server_id, channel_id)
);

-- Achievements: a member's row in discord_user_achievements is found by (server, member) through its key;
-- this one serves "everyone's progress on one achievement" (its creation credit, its completion count).
CREATE INDEX IF NOT EXISTS idx_user_achievements_achievement ON discord_user_achievements (server_id, achievement_id);

-- Community goals: what discord_community_goals has no column for, one row per goal.
CREATE TABLE IF NOT EXISTS loyalteez_goal_state (
    goal_id         UUID PRIMARY KEY REFERENCES discord_community_goals (goal_id),
    brand_id        TEXT NOT NULL,
    server_id       TEXT NOT NULL REFERENCES discord_server_configs (server_id),
    value_day       DATE,                                -- dau goals: the UTC day current_value counts
    best_value      NUMERIC NOT NULL DEFAULT 0,          -- dau goals: the best day so far
    ended_at        TIMESTAMPTZ,                         -- /goal end: no longer moves or shows in /goals
    ended_by        TEXT
);
CREATE INDEX IF NOT EXISTS idx_goal_state_server ON loyalteez_goal_state (server_id, ended_at);

-- Perks: what members spend LTZ on. Removed perks stay (is_active FALSE) for their purchases' sake.
CREATE TABLE IF NOT EXISTS loyalteez_perks (
    perk_id         UUID PRIMARY KEY,
    brand_id        TEXT NOT NULL,
    server_id       TEXT NOT NULL REFERENCES discord_server_configs (server_id),
    name            TEXT NOT NULL,
    description     TEXT,
    category        TEXT NOT NULL DEFAULT 'general',
    cost            BIGINT NOT NULL CHECK (cost > 0),
    quantity        INTEGER CHECK (quantity IS NULL OR quantity >= 0),  -- left in stock; NULL: unlimited
    role_id         TEXT,                                -- a Discord role granted on purchase
    is_active       BOOLEAN NOT NULL DEFAULT TRUE,
    created_by      TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_perks_name ON loyalteez_perks (server_id, name) WHERE is_active;
CREATE INDEX IF NOT EXISTS idx_perks_server ON loyalteez_perks (server_id, category);

-- Purchases (kept forever). A refunded one (its role could not be granted) keeps its row, marked.
CREATE TABLE IF NOT EXISTS loyalteez_perk_purchases (
    purchase_id     UUID PRIMARY KEY,
    brand_id        TEXT NOT NULL,
    server_id       TEXT NOT NULL REFERENCES discord_server_configs (server_id),
    perk_id         UUID NOT NULL REFERENCES loyalteez_perks (perk_id),
    discord_user_id TEXT NOT NULL,
    cost            BIGINT NOT NULL,
    role_id         TEXT,
    status          TEXT NOT NULL DEFAULT 'completed' CHECK (status IN ('completed', 'refunded')),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    refunded_at     TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS idx_perk_purchases_user ON loyalteez_perk_purchases (server_id, discord_user_id, created_at);
CREATE INDEX IF NOT EXISTS idx_perk_purchases_perk ON loyalteez_perk_purchases (perk_id);

-- Announcements waiting to be sent (an achievement completed, a goal reached), written in the transaction
-- that completed them and sent by a sweep at most once a minute per member: durable, batched, never twice
-- for one completion. Sent rows are pruned after 30 days.
CREATE TABLE IF NOT EXISTS loyalteez_notices (
    notice_id       UUID PRIMARY KEY,
    brand_id        TEXT NOT NULL,
    server_id       TEXT NOT NULL REFERENCES discord_server_configs (server_id),
    kind            TEXT NOT NULL CHECK (kind IN ('achievement', 'goal')),
    discord_user_id TEXT,                                -- who is told; NULL: the admin channel
    subject_id      TEXT NOT NULL,                       -- the achievement or goal
    details         JSONB,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    sent_at         TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS idx_notices_pending ON loyalteez_notices (server_id, sent_at, created_at);

INSERT INTO loyalteez_schema_version (version) VALUES (5) ON CONFLICT (version) DO NOTHING;

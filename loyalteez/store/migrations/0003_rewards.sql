-- Version 3: the rewards engine's bookkeeping (see schema.sql).

-- Rewards engine (project, version 3) -------------------------------------------------------------------
-- Activity already counted: one row per message, reaction or voice session the engine has seen, so a
-- duplicated or replayed gateway event never moves discord_user_stats twice, even when it earned nothing
-- (payouts are deduplicated by the ledger's idempotency_key). Rows of past days may be pruned (seen_on):
-- Discord only redelivers recent events. A day, not a timestamp: pruning needs no more, and it is cheap
-- to write on the message hot path.
CREATE TABLE IF NOT EXISTS loyalteez_seen_events (
    brand_id        TEXT NOT NULL,
    server_id       TEXT NOT NULL REFERENCES discord_server_configs (server_id),
    event_key       TEXT NOT NULL,                       -- 'm:<message id>', 'r:<message>:<user>:<emoji>', 'v:<session>'
    seen_on         DATE NOT NULL,                       -- UTC day it was first counted
    PRIMARY KEY (server_id, event_key)
);

-- Members an admin has stopped from earning (/config users disable); kept across disconnects.
CREATE TABLE IF NOT EXISTS loyalteez_disabled_members (
    brand_id        TEXT NOT NULL,
    server_id       TEXT NOT NULL REFERENCES discord_server_configs (server_id),
    discord_user_id TEXT NOT NULL,
    reason          TEXT,
    disabled_by     TEXT,                                -- Discord id of the admin
    created_at      TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (server_id, discord_user_id)
);

-- The optional brand budget sums a brand's real (non-test) payouts across its servers.
CREATE INDEX IF NOT EXISTS idx_reward_ledger_brand ON loyalteez_reward_ledger (brand_id, is_test, amount);

INSERT INTO loyalteez_schema_version (version) VALUES (3) ON CONFLICT (version) DO NOTHING;

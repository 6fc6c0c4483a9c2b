-- Version 2: the append-only rewards ledger (see schema.sql).

-- One append-only row per payout. idempotency_key is the Discord id of what earned it (message,
-- interaction, reaction, voice session) plus the event, so a replayed or duplicated event never pays twice.

CREATE TABLE IF NOT EXISTS loyalteez_reward_ledger (
    id              UUID PRIMARY KEY,
    brand_id        TEXT NOT NULL,
    server_id       TEXT NOT NULL REFERENCES discord_server_configs (server_id),
    discord_user_id TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    amount          BIGINT NOT NULL,
    idempotency_key TEXT NOT NULL,
    channel_id      TEXT,
    is_test         BOOLEAN NOT NULL DEFAULT FALSE,
    details         JSONB,                               -- base amount, bonuses applied, rule id
    created_at      TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (server_id, idempotency_key)
);
CREATE INDEX IF NOT EXISTS idx_reward_ledger_user ON loyalteez_reward_ledger (server_id, discord_user_id, created_at);
CREATE INDEX IF NOT EXISTS idx_reward_ledger_event ON loyalteez_reward_ledger (server_id, event_type, created_at);
CREATE INDEX IF NOT EXISTS idx_reward_ledger_created ON loyalteez_reward_ledger (created_at);


INSERT INTO loyalteez_schema_version (version) VALUES (2) ON CONFLICT (version) DO NOTHING;

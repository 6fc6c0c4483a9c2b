-- Version 7: Reliability: per-channel catch-up cursors and backups (see schema.sql).

-- Reliability: per-channel catch-up cursors and backups (project, version 7) ----------------------
-- Catch-up cursors: per text channel, the newest message the bot has processed (live or fetched after
-- downtime). Moved forward only (never back), in the same transaction as the batch that processed the
-- message, so after a crash the bot resumes fetching right after what it committed. A BIGINT, not TEXT like
-- other snowflakes: "newer" is a numeric comparison.
CREATE TABLE IF NOT EXISTS loyalteez_channel_cursors (
    brand_id        TEXT NOT NULL,
    server_id       TEXT NOT NULL REFERENCES discord_server_configs (server_id),
    channel_id      TEXT NOT NULL,
    last_message_id BIGINT NOT NULL,                     -- snowflake of the newest processed message
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (server_id, brand_id, channel_id)          -- brand too: a server taken over starts afresh
);

INSERT INTO loyalteez_schema_version (version) VALUES (7) ON CONFLICT (version) DO NOTHING;

-- Version 13: a server's reward config version, for caches in several processes (see schema.sql).

-- config_version: moved by every change to the server's reward config (rules, role bonuses, disabled
-- members, config_metadata) in the same transaction as the change. A process caching the config compares
-- it inside statements it sends anyway (the reward write's guard, the rewards lock), so a change made by
-- another process or the web is seen by the next payout, with no extra round trip and no session state (it
-- works through a transaction pooler, where LISTEN/NOTIFY does not).
ALTER TABLE discord_server_configs ADD COLUMN config_version BIGINT NOT NULL DEFAULT 0;

INSERT INTO loyalteez_schema_version (version) VALUES (13) ON CONFLICT (version) DO NOTHING;

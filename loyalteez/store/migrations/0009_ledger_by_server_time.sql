-- Version 9: the rewards ledger by server and time, for the dashboard's ledger (see schema.sql).

-- Dashboard: the server's ledger newest first (project, version 9) -----------------------------------------
-- The admin ledger page and its streamed CSV read one server's payouts newest first; without this index
-- they would walk every server's rows by time (idx_reward_ledger_created) or sort the server's whole ledger.
CREATE INDEX IF NOT EXISTS idx_reward_ledger_server_time ON loyalteez_reward_ledger (server_id, created_at);

INSERT INTO loyalteez_schema_version (version) VALUES (9) ON CONFLICT (version) DO NOTHING;

-- Version 9: the rewards ledger and the audit log by server and time, for the dashboard (see schema.sql).

-- Dashboard: the server's ledger and audit log newest first (project, version 9) ---------------------------
-- The admin ledger and audit pages and their streamed CSVs read one server's rows newest first, by
-- (created_at, id) so that equal times page in a stable order; with the id in the index that is a backward
-- index range (numbered pages and keyset batches alike), never a sort of the server's whole ledger or log,
-- and with the brand in it the page count is read from the index alone (no lookup of every row's brand).
CREATE INDEX IF NOT EXISTS idx_reward_ledger_server_time
    ON loyalteez_reward_ledger (server_id, brand_id, created_at, id);
CREATE INDEX IF NOT EXISTS idx_audit_log_server_time ON discord_audit_log (server_id, brand_id, created_at, id);

INSERT INTO loyalteez_schema_version (version) VALUES (9) ON CONFLICT (version) DO NOTHING;

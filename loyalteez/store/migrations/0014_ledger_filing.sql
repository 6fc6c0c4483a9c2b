-- Version 14: the rewards ledger's member index in two halves, filed and fresh (see schema.sql).

-- Rewards ledger: a member's payouts by time, in two partial indexes (project, version 14) ------------------
-- Every payout written changes the member index's page of that member, and a batch pays thousands of
-- members: with one index over the whole history those pages are scattered through millions of rows, and
-- SQLite writes and syncs each of them at every commit. New rows go to the small "fresh" index instead,
-- where the batch's members share pages; a periodic job on SQLite files older rows into the big one in
-- bulk (one page per member per run, not per batch). `filed` is bookkeeping of which index holds a row;
-- what the row records never changes. PostgreSQL never changes `filed` (its bot role may not update the
-- ledger): what it writes stays in the fresh index (only a copy from SQLite brings filed rows). Per-member
-- reads read both.
ALTER TABLE loyalteez_reward_ledger ADD COLUMN filed BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX IF NOT EXISTS idx_reward_ledger_member_filed
    ON loyalteez_reward_ledger (server_id, discord_user_id, created_at) WHERE filed = TRUE;
CREATE INDEX IF NOT EXISTS idx_reward_ledger_member_fresh
    ON loyalteez_reward_ledger (server_id, discord_user_id, created_at) WHERE filed = FALSE;
DROP INDEX IF EXISTS idx_reward_ledger_user;

INSERT INTO loyalteez_schema_version (version) VALUES (14) ON CONFLICT (version) DO NOTHING;

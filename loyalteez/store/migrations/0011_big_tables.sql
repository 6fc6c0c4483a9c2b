-- Version 11: Big tables: rankings read from indexes, payouts counted per member (see schema.sql).

-- Big tables: rankings and windows served by indexes (project, version 11) --------------------------
-- A busy community has ~100,000 members and millions of payouts per server; no read a member or admin
-- triggers may scan them. Every ranking over running totals is an index range: the top page in index
-- order, a rank is a count of the entries above the member's value. brand_id closes each index so the
-- scope's filter is answered from the index too (index-only on PostgreSQL).
-- claims: the member's real (non-test) payouts since the server was connected, moved by the ledger write
-- in the same transaction as the rows it counts (the "rewards claimed" ranking read the whole ledger).
ALTER TABLE discord_user_stats ADD COLUMN claims INTEGER NOT NULL DEFAULT 0;
UPDATE discord_user_stats SET claims = (
    SELECT COUNT(*) FROM loyalteez_reward_ledger l
    WHERE l.server_id = discord_user_stats.server_id AND l.brand_id = discord_user_stats.brand_id
      AND l.discord_user_id = discord_user_stats.discord_user_id AND l.is_test = FALSE
      AND l.created_at >= COALESCE(
          (SELECT c.connected_at FROM discord_server_configs c WHERE c.server_id = discord_user_stats.server_id),
          l.created_at)
);
CREATE INDEX IF NOT EXISTS idx_user_stats_ltz_rank
    ON discord_user_stats (server_id, ltz_earned DESC, discord_user_id, brand_id);
CREATE INDEX IF NOT EXISTS idx_user_stats_activity_rank      -- the summed columns too: index-only counts
    ON discord_user_stats (server_id, (messages_count + reactions_count) DESC, discord_user_id, brand_id,
                           messages_count, reactions_count);
CREATE INDEX IF NOT EXISTS idx_user_stats_voice_rank
    ON discord_user_stats (server_id, voice_minutes DESC, discord_user_id, brand_id);
CREATE INDEX IF NOT EXISTS idx_user_stats_claims_rank
    ON discord_user_stats (server_id, claims DESC, discord_user_id, brand_id);
-- Week and month rankings of LTZ and payouts: real payouts since a moment, read from the index alone.
CREATE INDEX IF NOT EXISTS idx_reward_ledger_real_window
    ON loyalteez_reward_ledger (server_id, created_at, discord_user_id, amount, brand_id) WHERE is_test = FALSE;

INSERT INTO loyalteez_schema_version (version) VALUES (11) ON CONFLICT (version) DO NOTHING;

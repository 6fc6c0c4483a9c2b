-- Loyalteez community bot: the PostgreSQL role the bot connects with (dialect file: PostgreSQL only).
--
-- Run as the database owner after schema.sql and supabase/policies.sql, and again after every schema
-- upgrade (it is idempotent; new tables need their grants):
--   psql "$OWNER_URL" -v ON_ERROR_STOP=1 -f supabase/bot_role.sql
-- Then set a password (last lines below) and point the bot at it:
--   LOYALTEEZ_DATABASE_URL=postgresql://loyalteez_bot:<password>@<host>:5432/<database>
--
-- Decision: the bot is NOT held by the tenant policies, on purpose. It serves every brand and server
-- from one process, so no single brand/server claim could describe it; it keeps tenants apart itself,
-- by construction (every tenant statement goes through store.scoped(Scope(brand, server)), tested on
-- SQLite and PostgreSQL in tests/store). RLS protects every *other* client (dashboards, the Supabase API).
-- It is done without BYPASSRLS and without the owner or service_role:
--   * BYPASSRLS (and service_role, which has it) skips RLS on every table, present and future, and on
--     PostgreSQL 15 only a superuser may create such a role ("must be superuser to create bypassrls
--     users"), which a Supabase project's `postgres` role is not;
--   * the owner (`postgres`) could ALTER, DROP or disable RLS on the tables it owns.
-- Instead loyalteez_bot is a plain LOGIN role that owns nothing and gets explicit policies `to
-- loyalteez_bot` for exactly the commands it is granted. A table added later is invisible to it until
-- this file is run again: fail closed.
--
-- Rights, and why each one (the bot's code never needs more; tests/postgres/test_bot_role.py proves it):
--   schema public                      USAGE only: no CREATE, so it cannot add or change tables; schema
--                                      upgrades are run once with the owner's URL (see README)
--   loyalteez_schema_version           SELECT: checks at start-up that the schema is the one it knows
--   loyalteez_brands                   SELECT, INSERT, UPDATE: /setup checks key hashes; `bot.py brand`
--                                      creates brands, rotates keys, sets budgets; no command deletes one
--   loyalteez_connect_attempts         SELECT, INSERT, UPDATE, DELETE: /setup connect's wrong-key throttle
--   loyalteez_api_tokens               SELECT, INSERT, UPDATE: the JSON API checks token hashes; `bot.py
--                                      api-token` creates and revokes tokens; none is ever deleted
--   loyalteez_leases                   SELECT, INSERT, UPDATE, DELETE: which process runs the scheduler
--   config and activity tables         SELECT, INSERT, UPDATE, DELETE: /config, rewards, stats, drops,
--                                      achievements, goals, reports; deletes for disconnect retention,
--                                      removed rules/roles/members and pruned seen events
--   discord_audit_log,                 SELECT, INSERT only: history is append-only for the bot too, at the
--   loyalteez_reward_ledger,           privilege level, not just in its code
--   loyalteez_daily_checkins,
--   loyalteez_boosts
--   never                              TRUNCATE (ignores RLS), REFERENCES, TRIGGER, ownership, CREATEDB,
--                                      CREATEROLE, SUPERUSER, BYPASSRLS, membership of other roles
-- NOINHERIT: should someone grant it a role later, that role's rights are not picked up silently.

begin;

do $role$
begin
    if not exists (select 1 from pg_roles where rolname = 'loyalteez_bot') then
        -- Defaults: NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS; owns nothing.
        create role loyalteez_bot with login noinherit;
    end if;
end
$role$;

-- Schema: use it, never create in it (PostgreSQL 15 no longer lets PUBLIC create in `public`).
grant usage on schema public to loyalteez_bot;
revoke create on schema public from loyalteez_bot;

-- Tables: start from nothing, then exactly what the store's SQL uses.
revoke all on table loyalteez_schema_version from loyalteez_bot;
revoke all on table loyalteez_brands from loyalteez_bot;
revoke all on table loyalteez_connect_attempts from loyalteez_bot;
revoke all on table loyalteez_api_tokens from loyalteez_bot;
revoke all on table loyalteez_leases from loyalteez_bot;
revoke all on table discord_server_configs from loyalteez_bot;
revoke all on table discord_role_configs from loyalteez_bot;
revoke all on table monitoring_rules from loyalteez_bot;
revoke all on table discord_kpi_configs from loyalteez_bot;
revoke all on table discord_report_schedules from loyalteez_bot;
revoke all on table discord_achievements from loyalteez_bot;
revoke all on table discord_community_goals from loyalteez_bot;
revoke all on table loyalteez_disabled_members from loyalteez_bot;
revoke all on table discord_user_stats from loyalteez_bot;
revoke all on table discord_user_streaks from loyalteez_bot;
revoke all on table discord_kpi_snapshots from loyalteez_bot;
revoke all on table discord_drops from loyalteez_bot;
revoke all on table discord_drop_claims from loyalteez_bot;
revoke all on table discord_user_achievements from loyalteez_bot;
revoke all on table loyalteez_seen_events from loyalteez_bot;
revoke all on table loyalteez_activity_daily from loyalteez_bot;
revoke all on table loyalteez_member_analytics from loyalteez_bot;
revoke all on table loyalteez_kpi_alerts from loyalteez_bot;
revoke all on table loyalteez_report_state from loyalteez_bot;
revoke all on table loyalteez_drop_watches from loyalteez_bot;
revoke all on table loyalteez_goal_state from loyalteez_bot;
revoke all on table loyalteez_perks from loyalteez_bot;
revoke all on table loyalteez_perk_purchases from loyalteez_bot;
revoke all on table loyalteez_notices from loyalteez_bot;
revoke all on table loyalteez_channel_cursors from loyalteez_bot;
revoke all on table loyalteez_voice_sessions from loyalteez_bot;
revoke all on table loyalteez_voice_progress from loyalteez_bot;
revoke all on table loyalteez_daily_checkins from loyalteez_bot;
revoke all on table loyalteez_boosts from loyalteez_bot;
revoke all on table discord_audit_log from loyalteez_bot;
revoke all on table loyalteez_reward_ledger from loyalteez_bot;

grant select on table loyalteez_schema_version to loyalteez_bot;
grant select, insert, update on table loyalteez_brands to loyalteez_bot;
grant select, insert, update, delete on table loyalteez_connect_attempts to loyalteez_bot;
grant select, insert, update on table loyalteez_api_tokens to loyalteez_bot;
grant select, insert, update, delete on table loyalteez_leases to loyalteez_bot;
grant select, insert, update, delete on table discord_server_configs to loyalteez_bot;
grant select, insert, update, delete on table discord_role_configs to loyalteez_bot;
grant select, insert, update, delete on table monitoring_rules to loyalteez_bot;
grant select, insert, update, delete on table discord_kpi_configs to loyalteez_bot;
grant select, insert, update, delete on table discord_report_schedules to loyalteez_bot;
grant select, insert, update, delete on table discord_achievements to loyalteez_bot;
grant select, insert, update, delete on table discord_community_goals to loyalteez_bot;
grant select, insert, update, delete on table loyalteez_disabled_members to loyalteez_bot;
grant select, insert, update, delete on table discord_user_stats to loyalteez_bot;
grant select, insert, update, delete on table discord_user_streaks to loyalteez_bot;
grant select, insert, update, delete on table discord_kpi_snapshots to loyalteez_bot;
grant select, insert, update, delete on table discord_drops to loyalteez_bot;
grant select, insert, update, delete on table discord_drop_claims to loyalteez_bot;
grant select, insert, update, delete on table discord_user_achievements to loyalteez_bot;
grant select, insert, update, delete on table loyalteez_seen_events to loyalteez_bot;
grant select, insert, update, delete on table loyalteez_activity_daily to loyalteez_bot;
grant select, insert, update, delete on table loyalteez_member_analytics to loyalteez_bot;
grant select, insert, update, delete on table loyalteez_kpi_alerts to loyalteez_bot;
grant select, insert, update, delete on table loyalteez_report_state to loyalteez_bot;
grant select, insert, update, delete on table loyalteez_drop_watches to loyalteez_bot;
grant select, insert, update, delete on table loyalteez_goal_state to loyalteez_bot;
grant select, insert, update, delete on table loyalteez_perks to loyalteez_bot;
grant select, insert, update, delete on table loyalteez_perk_purchases to loyalteez_bot;
grant select, insert, update, delete on table loyalteez_notices to loyalteez_bot;
grant select, insert, update, delete on table loyalteez_channel_cursors to loyalteez_bot;
grant select, insert, update, delete on table loyalteez_voice_sessions to loyalteez_bot;
grant select, insert, update, delete on table loyalteez_voice_progress to loyalteez_bot;
grant select, insert on table loyalteez_daily_checkins to loyalteez_bot;
grant select, insert on table loyalteez_boosts to loyalteez_bot;
grant select, insert on table discord_audit_log to loyalteez_bot;
grant select, insert on table loyalteez_reward_ledger to loyalteez_bot;

-- Row-level security is forced on every table (policies.sql); these policies let the bot reach every
-- tenant's rows for exactly the commands granted above. There is no UPDATE or DELETE policy on the
-- audit log and the ledger, and no DELETE on brands, for the bot either.

drop policy if exists loyalteez_bot_select on loyalteez_schema_version;
drop policy if exists loyalteez_bot_insert on loyalteez_schema_version;
drop policy if exists loyalteez_bot_update on loyalteez_schema_version;
drop policy if exists loyalteez_bot_delete on loyalteez_schema_version;
create policy loyalteez_bot_select on loyalteez_schema_version for select to loyalteez_bot using (true);

drop policy if exists loyalteez_bot_select on loyalteez_brands;
drop policy if exists loyalteez_bot_insert on loyalteez_brands;
drop policy if exists loyalteez_bot_update on loyalteez_brands;
drop policy if exists loyalteez_bot_delete on loyalteez_brands;
create policy loyalteez_bot_select on loyalteez_brands for select to loyalteez_bot using (true);
create policy loyalteez_bot_insert on loyalteez_brands for insert to loyalteez_bot with check (true);
create policy loyalteez_bot_update on loyalteez_brands for update to loyalteez_bot using (true) with check (true);

drop policy if exists loyalteez_bot_select on loyalteez_connect_attempts;
drop policy if exists loyalteez_bot_insert on loyalteez_connect_attempts;
drop policy if exists loyalteez_bot_update on loyalteez_connect_attempts;
drop policy if exists loyalteez_bot_delete on loyalteez_connect_attempts;
create policy loyalteez_bot_select on loyalteez_connect_attempts for select to loyalteez_bot using (true);
create policy loyalteez_bot_insert on loyalteez_connect_attempts for insert to loyalteez_bot with check (true);
create policy loyalteez_bot_update on loyalteez_connect_attempts for update to loyalteez_bot
    using (true) with check (true);
create policy loyalteez_bot_delete on loyalteez_connect_attempts for delete to loyalteez_bot using (true);

drop policy if exists loyalteez_bot_select on loyalteez_api_tokens;
drop policy if exists loyalteez_bot_insert on loyalteez_api_tokens;
drop policy if exists loyalteez_bot_update on loyalteez_api_tokens;
create policy loyalteez_bot_select on loyalteez_api_tokens for select to loyalteez_bot using (true);
create policy loyalteez_bot_insert on loyalteez_api_tokens for insert to loyalteez_bot with check (true);
create policy loyalteez_bot_update on loyalteez_api_tokens for update to loyalteez_bot using (true) with check (true);
drop policy if exists loyalteez_bot_select on loyalteez_leases;
drop policy if exists loyalteez_bot_insert on loyalteez_leases;
drop policy if exists loyalteez_bot_update on loyalteez_leases;
drop policy if exists loyalteez_bot_delete on loyalteez_leases;
create policy loyalteez_bot_select on loyalteez_leases for select to loyalteez_bot using (true);
create policy loyalteez_bot_insert on loyalteez_leases for insert to loyalteez_bot with check (true);
create policy loyalteez_bot_update on loyalteez_leases for update to loyalteez_bot using (true) with check (true);
create policy loyalteez_bot_delete on loyalteez_leases for delete to loyalteez_bot using (true);

drop policy if exists loyalteez_bot_select on discord_server_configs;
drop policy if exists loyalteez_bot_insert on discord_server_configs;
drop policy if exists loyalteez_bot_update on discord_server_configs;
drop policy if exists loyalteez_bot_delete on discord_server_configs;
create policy loyalteez_bot_select on discord_server_configs for select to loyalteez_bot using (true);
create policy loyalteez_bot_insert on discord_server_configs for insert to loyalteez_bot with check (true);
create policy loyalteez_bot_update on discord_server_configs for update to loyalteez_bot using (true) with check (true);
create policy loyalteez_bot_delete on discord_server_configs for delete to loyalteez_bot using (true);

drop policy if exists loyalteez_bot_select on discord_role_configs;
drop policy if exists loyalteez_bot_insert on discord_role_configs;
drop policy if exists loyalteez_bot_update on discord_role_configs;
drop policy if exists loyalteez_bot_delete on discord_role_configs;
create policy loyalteez_bot_select on discord_role_configs for select to loyalteez_bot using (true);
create policy loyalteez_bot_insert on discord_role_configs for insert to loyalteez_bot with check (true);
create policy loyalteez_bot_update on discord_role_configs for update to loyalteez_bot using (true) with check (true);
create policy loyalteez_bot_delete on discord_role_configs for delete to loyalteez_bot using (true);

drop policy if exists loyalteez_bot_select on monitoring_rules;
drop policy if exists loyalteez_bot_insert on monitoring_rules;
drop policy if exists loyalteez_bot_update on monitoring_rules;
drop policy if exists loyalteez_bot_delete on monitoring_rules;
create policy loyalteez_bot_select on monitoring_rules for select to loyalteez_bot using (true);
create policy loyalteez_bot_insert on monitoring_rules for insert to loyalteez_bot with check (true);
create policy loyalteez_bot_update on monitoring_rules for update to loyalteez_bot using (true) with check (true);
create policy loyalteez_bot_delete on monitoring_rules for delete to loyalteez_bot using (true);

drop policy if exists loyalteez_bot_select on discord_kpi_configs;
drop policy if exists loyalteez_bot_insert on discord_kpi_configs;
drop policy if exists loyalteez_bot_update on discord_kpi_configs;
drop policy if exists loyalteez_bot_delete on discord_kpi_configs;
create policy loyalteez_bot_select on discord_kpi_configs for select to loyalteez_bot using (true);
create policy loyalteez_bot_insert on discord_kpi_configs for insert to loyalteez_bot with check (true);
create policy loyalteez_bot_update on discord_kpi_configs for update to loyalteez_bot using (true) with check (true);
create policy loyalteez_bot_delete on discord_kpi_configs for delete to loyalteez_bot using (true);

drop policy if exists loyalteez_bot_select on discord_report_schedules;
drop policy if exists loyalteez_bot_insert on discord_report_schedules;
drop policy if exists loyalteez_bot_update on discord_report_schedules;
drop policy if exists loyalteez_bot_delete on discord_report_schedules;
create policy loyalteez_bot_select on discord_report_schedules for select to loyalteez_bot using (true);
create policy loyalteez_bot_insert on discord_report_schedules for insert to loyalteez_bot with check (true);
create policy loyalteez_bot_update on discord_report_schedules for update to loyalteez_bot using (true) with check (true);
create policy loyalteez_bot_delete on discord_report_schedules for delete to loyalteez_bot using (true);

drop policy if exists loyalteez_bot_select on discord_achievements;
drop policy if exists loyalteez_bot_insert on discord_achievements;
drop policy if exists loyalteez_bot_update on discord_achievements;
drop policy if exists loyalteez_bot_delete on discord_achievements;
create policy loyalteez_bot_select on discord_achievements for select to loyalteez_bot using (true);
create policy loyalteez_bot_insert on discord_achievements for insert to loyalteez_bot with check (true);
create policy loyalteez_bot_update on discord_achievements for update to loyalteez_bot using (true) with check (true);
create policy loyalteez_bot_delete on discord_achievements for delete to loyalteez_bot using (true);

drop policy if exists loyalteez_bot_select on discord_community_goals;
drop policy if exists loyalteez_bot_insert on discord_community_goals;
drop policy if exists loyalteez_bot_update on discord_community_goals;
drop policy if exists loyalteez_bot_delete on discord_community_goals;
create policy loyalteez_bot_select on discord_community_goals for select to loyalteez_bot using (true);
create policy loyalteez_bot_insert on discord_community_goals for insert to loyalteez_bot with check (true);
create policy loyalteez_bot_update on discord_community_goals for update to loyalteez_bot using (true) with check (true);
create policy loyalteez_bot_delete on discord_community_goals for delete to loyalteez_bot using (true);

drop policy if exists loyalteez_bot_select on loyalteez_disabled_members;
drop policy if exists loyalteez_bot_insert on loyalteez_disabled_members;
drop policy if exists loyalteez_bot_update on loyalteez_disabled_members;
drop policy if exists loyalteez_bot_delete on loyalteez_disabled_members;
create policy loyalteez_bot_select on loyalteez_disabled_members for select to loyalteez_bot using (true);
create policy loyalteez_bot_insert on loyalteez_disabled_members for insert to loyalteez_bot with check (true);
create policy loyalteez_bot_update on loyalteez_disabled_members for update to loyalteez_bot using (true) with check (true);
create policy loyalteez_bot_delete on loyalteez_disabled_members for delete to loyalteez_bot using (true);

drop policy if exists loyalteez_bot_select on discord_user_stats;
drop policy if exists loyalteez_bot_insert on discord_user_stats;
drop policy if exists loyalteez_bot_update on discord_user_stats;
drop policy if exists loyalteez_bot_delete on discord_user_stats;
create policy loyalteez_bot_select on discord_user_stats for select to loyalteez_bot using (true);
create policy loyalteez_bot_insert on discord_user_stats for insert to loyalteez_bot with check (true);
create policy loyalteez_bot_update on discord_user_stats for update to loyalteez_bot using (true) with check (true);
create policy loyalteez_bot_delete on discord_user_stats for delete to loyalteez_bot using (true);

drop policy if exists loyalteez_bot_select on discord_user_streaks;
drop policy if exists loyalteez_bot_insert on discord_user_streaks;
drop policy if exists loyalteez_bot_update on discord_user_streaks;
drop policy if exists loyalteez_bot_delete on discord_user_streaks;
create policy loyalteez_bot_select on discord_user_streaks for select to loyalteez_bot using (true);
create policy loyalteez_bot_insert on discord_user_streaks for insert to loyalteez_bot with check (true);
create policy loyalteez_bot_update on discord_user_streaks for update to loyalteez_bot using (true) with check (true);
create policy loyalteez_bot_delete on discord_user_streaks for delete to loyalteez_bot using (true);

drop policy if exists loyalteez_bot_select on discord_kpi_snapshots;
drop policy if exists loyalteez_bot_insert on discord_kpi_snapshots;
drop policy if exists loyalteez_bot_update on discord_kpi_snapshots;
drop policy if exists loyalteez_bot_delete on discord_kpi_snapshots;
create policy loyalteez_bot_select on discord_kpi_snapshots for select to loyalteez_bot using (true);
create policy loyalteez_bot_insert on discord_kpi_snapshots for insert to loyalteez_bot with check (true);
create policy loyalteez_bot_update on discord_kpi_snapshots for update to loyalteez_bot using (true) with check (true);
create policy loyalteez_bot_delete on discord_kpi_snapshots for delete to loyalteez_bot using (true);

drop policy if exists loyalteez_bot_select on discord_drops;
drop policy if exists loyalteez_bot_insert on discord_drops;
drop policy if exists loyalteez_bot_update on discord_drops;
drop policy if exists loyalteez_bot_delete on discord_drops;
create policy loyalteez_bot_select on discord_drops for select to loyalteez_bot using (true);
create policy loyalteez_bot_insert on discord_drops for insert to loyalteez_bot with check (true);
create policy loyalteez_bot_update on discord_drops for update to loyalteez_bot using (true) with check (true);
create policy loyalteez_bot_delete on discord_drops for delete to loyalteez_bot using (true);

drop policy if exists loyalteez_bot_select on discord_drop_claims;
drop policy if exists loyalteez_bot_insert on discord_drop_claims;
drop policy if exists loyalteez_bot_update on discord_drop_claims;
drop policy if exists loyalteez_bot_delete on discord_drop_claims;
create policy loyalteez_bot_select on discord_drop_claims for select to loyalteez_bot using (true);
create policy loyalteez_bot_insert on discord_drop_claims for insert to loyalteez_bot with check (true);
create policy loyalteez_bot_update on discord_drop_claims for update to loyalteez_bot using (true) with check (true);
create policy loyalteez_bot_delete on discord_drop_claims for delete to loyalteez_bot using (true);

drop policy if exists loyalteez_bot_select on discord_user_achievements;
drop policy if exists loyalteez_bot_insert on discord_user_achievements;
drop policy if exists loyalteez_bot_update on discord_user_achievements;
drop policy if exists loyalteez_bot_delete on discord_user_achievements;
create policy loyalteez_bot_select on discord_user_achievements for select to loyalteez_bot using (true);
create policy loyalteez_bot_insert on discord_user_achievements for insert to loyalteez_bot with check (true);
create policy loyalteez_bot_update on discord_user_achievements for update to loyalteez_bot using (true) with check (true);
create policy loyalteez_bot_delete on discord_user_achievements for delete to loyalteez_bot using (true);

drop policy if exists loyalteez_bot_select on loyalteez_seen_events;
drop policy if exists loyalteez_bot_insert on loyalteez_seen_events;
drop policy if exists loyalteez_bot_update on loyalteez_seen_events;
drop policy if exists loyalteez_bot_delete on loyalteez_seen_events;
create policy loyalteez_bot_select on loyalteez_seen_events for select to loyalteez_bot using (true);
create policy loyalteez_bot_insert on loyalteez_seen_events for insert to loyalteez_bot with check (true);
create policy loyalteez_bot_update on loyalteez_seen_events for update to loyalteez_bot using (true) with check (true);
create policy loyalteez_bot_delete on loyalteez_seen_events for delete to loyalteez_bot using (true);

drop policy if exists loyalteez_bot_select on loyalteez_activity_daily;
drop policy if exists loyalteez_bot_insert on loyalteez_activity_daily;
drop policy if exists loyalteez_bot_update on loyalteez_activity_daily;
drop policy if exists loyalteez_bot_delete on loyalteez_activity_daily;
create policy loyalteez_bot_select on loyalteez_activity_daily for select to loyalteez_bot using (true);
create policy loyalteez_bot_insert on loyalteez_activity_daily for insert to loyalteez_bot with check (true);
create policy loyalteez_bot_update on loyalteez_activity_daily for update to loyalteez_bot using (true) with check (true);
create policy loyalteez_bot_delete on loyalteez_activity_daily for delete to loyalteez_bot using (true);

drop policy if exists loyalteez_bot_select on loyalteez_member_analytics;
drop policy if exists loyalteez_bot_insert on loyalteez_member_analytics;
drop policy if exists loyalteez_bot_update on loyalteez_member_analytics;
drop policy if exists loyalteez_bot_delete on loyalteez_member_analytics;
create policy loyalteez_bot_select on loyalteez_member_analytics for select to loyalteez_bot using (true);
create policy loyalteez_bot_insert on loyalteez_member_analytics for insert to loyalteez_bot with check (true);
create policy loyalteez_bot_update on loyalteez_member_analytics for update to loyalteez_bot using (true) with check (true);
create policy loyalteez_bot_delete on loyalteez_member_analytics for delete to loyalteez_bot using (true);

drop policy if exists loyalteez_bot_select on loyalteez_kpi_alerts;
drop policy if exists loyalteez_bot_insert on loyalteez_kpi_alerts;
drop policy if exists loyalteez_bot_update on loyalteez_kpi_alerts;
drop policy if exists loyalteez_bot_delete on loyalteez_kpi_alerts;
create policy loyalteez_bot_select on loyalteez_kpi_alerts for select to loyalteez_bot using (true);
create policy loyalteez_bot_insert on loyalteez_kpi_alerts for insert to loyalteez_bot with check (true);
create policy loyalteez_bot_update on loyalteez_kpi_alerts for update to loyalteez_bot using (true) with check (true);
create policy loyalteez_bot_delete on loyalteez_kpi_alerts for delete to loyalteez_bot using (true);

drop policy if exists loyalteez_bot_select on loyalteez_report_state;
drop policy if exists loyalteez_bot_insert on loyalteez_report_state;
drop policy if exists loyalteez_bot_update on loyalteez_report_state;
drop policy if exists loyalteez_bot_delete on loyalteez_report_state;
create policy loyalteez_bot_select on loyalteez_report_state for select to loyalteez_bot using (true);
create policy loyalteez_bot_insert on loyalteez_report_state for insert to loyalteez_bot with check (true);
create policy loyalteez_bot_update on loyalteez_report_state for update to loyalteez_bot using (true) with check (true);
create policy loyalteez_bot_delete on loyalteez_report_state for delete to loyalteez_bot using (true);
drop policy if exists loyalteez_bot_select on loyalteez_channel_cursors;
drop policy if exists loyalteez_bot_insert on loyalteez_channel_cursors;
drop policy if exists loyalteez_bot_update on loyalteez_channel_cursors;
drop policy if exists loyalteez_bot_delete on loyalteez_channel_cursors;
create policy loyalteez_bot_select on loyalteez_channel_cursors for select to loyalteez_bot using (true);
create policy loyalteez_bot_insert on loyalteez_channel_cursors for insert to loyalteez_bot with check (true);
create policy loyalteez_bot_update on loyalteez_channel_cursors for update to loyalteez_bot using (true) with check (true);
create policy loyalteez_bot_delete on loyalteez_channel_cursors for delete to loyalteez_bot using (true);

drop policy if exists loyalteez_bot_select on loyalteez_voice_sessions;
drop policy if exists loyalteez_bot_insert on loyalteez_voice_sessions;
drop policy if exists loyalteez_bot_update on loyalteez_voice_sessions;
drop policy if exists loyalteez_bot_delete on loyalteez_voice_sessions;
create policy loyalteez_bot_select on loyalteez_voice_sessions for select to loyalteez_bot using (true);
create policy loyalteez_bot_insert on loyalteez_voice_sessions for insert to loyalteez_bot with check (true);
create policy loyalteez_bot_update on loyalteez_voice_sessions for update to loyalteez_bot using (true) with check (true);
create policy loyalteez_bot_delete on loyalteez_voice_sessions for delete to loyalteez_bot using (true);

drop policy if exists loyalteez_bot_select on loyalteez_voice_progress;
drop policy if exists loyalteez_bot_insert on loyalteez_voice_progress;
drop policy if exists loyalteez_bot_update on loyalteez_voice_progress;
drop policy if exists loyalteez_bot_delete on loyalteez_voice_progress;
create policy loyalteez_bot_select on loyalteez_voice_progress for select to loyalteez_bot using (true);
create policy loyalteez_bot_insert on loyalteez_voice_progress for insert to loyalteez_bot with check (true);
create policy loyalteez_bot_update on loyalteez_voice_progress for update to loyalteez_bot using (true) with check (true);
create policy loyalteez_bot_delete on loyalteez_voice_progress for delete to loyalteez_bot using (true);

drop policy if exists loyalteez_bot_select on loyalteez_daily_checkins;
drop policy if exists loyalteez_bot_insert on loyalteez_daily_checkins;
drop policy if exists loyalteez_bot_update on loyalteez_daily_checkins;
drop policy if exists loyalteez_bot_delete on loyalteez_daily_checkins;
create policy loyalteez_bot_select on loyalteez_daily_checkins for select to loyalteez_bot using (true);
create policy loyalteez_bot_insert on loyalteez_daily_checkins for insert to loyalteez_bot with check (true);

drop policy if exists loyalteez_bot_select on loyalteez_boosts;
drop policy if exists loyalteez_bot_insert on loyalteez_boosts;
drop policy if exists loyalteez_bot_update on loyalteez_boosts;
drop policy if exists loyalteez_bot_delete on loyalteez_boosts;
create policy loyalteez_bot_select on loyalteez_boosts for select to loyalteez_bot using (true);
create policy loyalteez_bot_insert on loyalteez_boosts for insert to loyalteez_bot with check (true);

drop policy if exists loyalteez_bot_select on loyalteez_drop_watches;
drop policy if exists loyalteez_bot_insert on loyalteez_drop_watches;
drop policy if exists loyalteez_bot_update on loyalteez_drop_watches;
drop policy if exists loyalteez_bot_delete on loyalteez_drop_watches;
create policy loyalteez_bot_select on loyalteez_drop_watches for select to loyalteez_bot using (true);
create policy loyalteez_bot_insert on loyalteez_drop_watches for insert to loyalteez_bot with check (true);
create policy loyalteez_bot_update on loyalteez_drop_watches for update to loyalteez_bot using (true) with check (true);
create policy loyalteez_bot_delete on loyalteez_drop_watches for delete to loyalteez_bot using (true);

drop policy if exists loyalteez_bot_select on loyalteez_goal_state;
drop policy if exists loyalteez_bot_insert on loyalteez_goal_state;
drop policy if exists loyalteez_bot_update on loyalteez_goal_state;
drop policy if exists loyalteez_bot_delete on loyalteez_goal_state;
create policy loyalteez_bot_select on loyalteez_goal_state for select to loyalteez_bot using (true);
create policy loyalteez_bot_insert on loyalteez_goal_state for insert to loyalteez_bot with check (true);
create policy loyalteez_bot_update on loyalteez_goal_state for update to loyalteez_bot using (true) with check (true);
create policy loyalteez_bot_delete on loyalteez_goal_state for delete to loyalteez_bot using (true);

drop policy if exists loyalteez_bot_select on loyalteez_perks;
drop policy if exists loyalteez_bot_insert on loyalteez_perks;
drop policy if exists loyalteez_bot_update on loyalteez_perks;
drop policy if exists loyalteez_bot_delete on loyalteez_perks;
create policy loyalteez_bot_select on loyalteez_perks for select to loyalteez_bot using (true);
create policy loyalteez_bot_insert on loyalteez_perks for insert to loyalteez_bot with check (true);
create policy loyalteez_bot_update on loyalteez_perks for update to loyalteez_bot using (true) with check (true);
create policy loyalteez_bot_delete on loyalteez_perks for delete to loyalteez_bot using (true);

drop policy if exists loyalteez_bot_select on loyalteez_perk_purchases;
drop policy if exists loyalteez_bot_insert on loyalteez_perk_purchases;
drop policy if exists loyalteez_bot_update on loyalteez_perk_purchases;
drop policy if exists loyalteez_bot_delete on loyalteez_perk_purchases;
create policy loyalteez_bot_select on loyalteez_perk_purchases for select to loyalteez_bot using (true);
create policy loyalteez_bot_insert on loyalteez_perk_purchases for insert to loyalteez_bot with check (true);
create policy loyalteez_bot_update on loyalteez_perk_purchases for update to loyalteez_bot using (true) with check (true);
create policy loyalteez_bot_delete on loyalteez_perk_purchases for delete to loyalteez_bot using (true);

drop policy if exists loyalteez_bot_select on loyalteez_notices;
drop policy if exists loyalteez_bot_insert on loyalteez_notices;
drop policy if exists loyalteez_bot_update on loyalteez_notices;
drop policy if exists loyalteez_bot_delete on loyalteez_notices;
create policy loyalteez_bot_select on loyalteez_notices for select to loyalteez_bot using (true);
create policy loyalteez_bot_insert on loyalteez_notices for insert to loyalteez_bot with check (true);
create policy loyalteez_bot_update on loyalteez_notices for update to loyalteez_bot using (true) with check (true);
create policy loyalteez_bot_delete on loyalteez_notices for delete to loyalteez_bot using (true);

drop policy if exists loyalteez_bot_select on discord_audit_log;
drop policy if exists loyalteez_bot_insert on discord_audit_log;
drop policy if exists loyalteez_bot_update on discord_audit_log;
drop policy if exists loyalteez_bot_delete on discord_audit_log;
create policy loyalteez_bot_select on discord_audit_log for select to loyalteez_bot using (true);
create policy loyalteez_bot_insert on discord_audit_log for insert to loyalteez_bot with check (true);

drop policy if exists loyalteez_bot_select on loyalteez_reward_ledger;
drop policy if exists loyalteez_bot_insert on loyalteez_reward_ledger;
drop policy if exists loyalteez_bot_update on loyalteez_reward_ledger;
drop policy if exists loyalteez_bot_delete on loyalteez_reward_ledger;
create policy loyalteez_bot_select on loyalteez_reward_ledger for select to loyalteez_bot using (true);
create policy loyalteez_bot_insert on loyalteez_reward_ledger for insert to loyalteez_bot with check (true);

commit;

-- Last step, by hand (never commit a password): give the role one, e.g. in psql `\password loyalteez_bot`
-- or in the Supabase SQL editor: alter role loyalteez_bot with password '<a long random password>';

-- Loyalteez community bot: row-level security for PostgreSQL / Supabase (dialect file: PostgreSQL only).
--
-- Run after schema.sql, in the Supabase SQL editor or with
--   psql "$OWNER_URL" -v ON_ERROR_STOP=1 -f supabase/policies.sql
-- It is idempotent: run it again after every schema upgrade. tests/postgres proves it table by table.
--
-- Who is held by it: sessions of the Supabase roles `anon` and `authenticated` (dashboards, the Supabase
-- API, a Partner Portal). The bot itself connects as `loyalteez_bot` (supabase/bot_role.sql), which
-- bypasses RLS and relies on the store's own scoping; `service_role` bypasses RLS on Supabase anyway.
--
-- The seed's three promises, and the JWT claims they read. Tenant claims live in `app_metadata`, which
-- only the server (service role) can set; never `user_metadata`, which the user can edit:
--   app_metadata.brand_id    text   the one brand this session acts for
--   app_metadata.server_ids  array  the Discord servers (of that brand) this session may see
--   app_metadata.role        text   'admin' for sessions allowed to change anything
--
--   1. Brands see only their own data: every policy requires brand_id = the brand_id claim.
--      loyalteez_brands (key salts and hashes), loyalteez_connect_attempts (the wrong-key throttle) and
--      loyalteez_schema_version have no policy and no grant:
--      anon and authenticated can never read them.
--   2. Server data is isolated: every policy also requires server_id in the server_ids claim (brand-wide
--      monitoring_rules, server_id NULL, are readable by the brand's sessions, never writable here).
--   3. Admin actions are authenticated: every write (config tables such as discord_server_configs,
--      discord_role_configs, monitoring_rules, discord_kpi_configs, discord_report_schedules,
--      discord_achievements, discord_community_goals, loyalteez_disabled_members; corrections to activity
--      tables; inserts into the audit log and the ledger) needs app_metadata.role = 'admin' as well.
--      Non-admin authenticated sessions are read-only. `anon` gets no grant and no policy anywhere.
--
-- The audit log and the rewards ledger are insert-only for everyone: they have no UPDATE or DELETE policy
-- and authenticated is not even granted those privileges, so not even an admin can rewrite history.
-- Every UPDATE policy has USING (which rows may be touched) and WITH CHECK (what they may become), so a
-- row can never be moved to another brand or to a server outside the claim.
-- Claims are read as `(select auth.jwt())` so PostgreSQL evaluates them once per statement, not per row.

begin;

-- 1. Privileges ---------------------------------------------------------------------------------------
-- Start from nothing (Supabase grants ALL on new public tables to anon and authenticated), then give
-- authenticated only what some policy can use. TRUNCATE is never granted: it ignores RLS.

revoke all on table loyalteez_schema_version from anon, authenticated;
revoke all on table loyalteez_brands from anon, authenticated;
revoke all on table loyalteez_connect_attempts from anon, authenticated;
revoke all on table discord_server_configs from anon, authenticated;
revoke all on table discord_role_configs from anon, authenticated;
revoke all on table monitoring_rules from anon, authenticated;
revoke all on table discord_kpi_configs from anon, authenticated;
revoke all on table discord_report_schedules from anon, authenticated;
revoke all on table discord_achievements from anon, authenticated;
revoke all on table discord_community_goals from anon, authenticated;
revoke all on table loyalteez_disabled_members from anon, authenticated;
revoke all on table discord_user_stats from anon, authenticated;
revoke all on table discord_user_streaks from anon, authenticated;
revoke all on table discord_kpi_snapshots from anon, authenticated;
revoke all on table discord_drops from anon, authenticated;
revoke all on table discord_drop_claims from anon, authenticated;
revoke all on table discord_user_achievements from anon, authenticated;
revoke all on table loyalteez_seen_events from anon, authenticated;
revoke all on table loyalteez_activity_daily from anon, authenticated;
revoke all on table loyalteez_member_analytics from anon, authenticated;
revoke all on table loyalteez_kpi_alerts from anon, authenticated;
revoke all on table loyalteez_report_state from anon, authenticated;
revoke all on table loyalteez_drop_watches from anon, authenticated;
revoke all on table loyalteez_goal_state from anon, authenticated;
revoke all on table loyalteez_perks from anon, authenticated;
revoke all on table loyalteez_perk_purchases from anon, authenticated;
revoke all on table loyalteez_notices from anon, authenticated;
revoke all on table loyalteez_channel_cursors from anon, authenticated;
revoke all on table loyalteez_voice_sessions from anon, authenticated;
revoke all on table loyalteez_voice_progress from anon, authenticated;
revoke all on table loyalteez_daily_checkins from anon, authenticated;
revoke all on table loyalteez_boosts from anon, authenticated;
revoke all on table discord_audit_log from anon, authenticated;
revoke all on table loyalteez_reward_ledger from anon, authenticated;

grant select, insert, update, delete on table discord_server_configs to authenticated;
grant select, insert, update, delete on table discord_role_configs to authenticated;
grant select, insert, update, delete on table monitoring_rules to authenticated;
grant select, insert, update, delete on table discord_kpi_configs to authenticated;
grant select, insert, update, delete on table discord_report_schedules to authenticated;
grant select, insert, update, delete on table discord_achievements to authenticated;
grant select, insert, update, delete on table discord_community_goals to authenticated;
grant select, insert, update, delete on table loyalteez_disabled_members to authenticated;
grant select, insert, update, delete on table discord_user_stats to authenticated;
grant select, insert, update, delete on table discord_user_streaks to authenticated;
grant select, insert, update, delete on table discord_kpi_snapshots to authenticated;
grant select, insert, update, delete on table discord_drops to authenticated;
grant select, insert, update, delete on table discord_drop_claims to authenticated;
grant select, insert, update, delete on table discord_user_achievements to authenticated;
grant select, insert, update, delete on table loyalteez_seen_events to authenticated;
grant select, insert, update, delete on table loyalteez_activity_daily to authenticated;
grant select, insert, update, delete on table loyalteez_member_analytics to authenticated;
grant select, insert, update, delete on table loyalteez_kpi_alerts to authenticated;
grant select, insert, update, delete on table loyalteez_report_state to authenticated;
grant select, insert, update, delete on table loyalteez_drop_watches to authenticated;
grant select, insert, update, delete on table loyalteez_goal_state to authenticated;
grant select, insert, update, delete on table loyalteez_perks to authenticated;
grant select, insert, update, delete on table loyalteez_perk_purchases to authenticated;
grant select, insert, update, delete on table loyalteez_notices to authenticated;
grant select, insert, update, delete on table loyalteez_channel_cursors to authenticated;
grant select, insert, update, delete on table loyalteez_voice_sessions to authenticated;
grant select, insert, update, delete on table loyalteez_voice_progress to authenticated;
grant select, insert on table loyalteez_daily_checkins to authenticated;  -- history: no update, no delete
grant select, insert on table loyalteez_boosts to authenticated;  -- history: no update, no delete
grant select, insert on table discord_audit_log to authenticated;  -- history: no update, no delete
grant select, insert on table loyalteez_reward_ledger to authenticated;  -- history: no update, no delete

-- 2. Row-level security on every table, forced so that a table owner without BYPASSRLS obeys it too ---

alter table loyalteez_schema_version enable row level security;
alter table loyalteez_schema_version force row level security;
alter table loyalteez_brands enable row level security;
alter table loyalteez_brands force row level security;
alter table loyalteez_connect_attempts enable row level security;
alter table loyalteez_connect_attempts force row level security;
alter table discord_server_configs enable row level security;
alter table discord_server_configs force row level security;
alter table discord_role_configs enable row level security;
alter table discord_role_configs force row level security;
alter table monitoring_rules enable row level security;
alter table monitoring_rules force row level security;
alter table discord_kpi_configs enable row level security;
alter table discord_kpi_configs force row level security;
alter table discord_report_schedules enable row level security;
alter table discord_report_schedules force row level security;
alter table discord_achievements enable row level security;
alter table discord_achievements force row level security;
alter table discord_community_goals enable row level security;
alter table discord_community_goals force row level security;
alter table loyalteez_disabled_members enable row level security;
alter table loyalteez_disabled_members force row level security;
alter table discord_user_stats enable row level security;
alter table discord_user_stats force row level security;
alter table discord_user_streaks enable row level security;
alter table discord_user_streaks force row level security;
alter table discord_kpi_snapshots enable row level security;
alter table discord_kpi_snapshots force row level security;
alter table discord_drops enable row level security;
alter table discord_drops force row level security;
alter table discord_drop_claims enable row level security;
alter table discord_drop_claims force row level security;
alter table discord_user_achievements enable row level security;
alter table discord_user_achievements force row level security;
alter table loyalteez_seen_events enable row level security;
alter table loyalteez_seen_events force row level security;
alter table loyalteez_activity_daily enable row level security;
alter table loyalteez_activity_daily force row level security;
alter table loyalteez_member_analytics enable row level security;
alter table loyalteez_member_analytics force row level security;
alter table loyalteez_kpi_alerts enable row level security;
alter table loyalteez_kpi_alerts force row level security;
alter table loyalteez_report_state enable row level security;
alter table loyalteez_report_state force row level security;
alter table loyalteez_drop_watches enable row level security;
alter table loyalteez_drop_watches force row level security;
alter table loyalteez_goal_state enable row level security;
alter table loyalteez_goal_state force row level security;
alter table loyalteez_perks enable row level security;
alter table loyalteez_perks force row level security;
alter table loyalteez_perk_purchases enable row level security;
alter table loyalteez_perk_purchases force row level security;
alter table loyalteez_notices enable row level security;
alter table loyalteez_notices force row level security;
alter table loyalteez_channel_cursors enable row level security;
alter table loyalteez_channel_cursors force row level security;
alter table loyalteez_voice_sessions enable row level security;
alter table loyalteez_voice_sessions force row level security;
alter table loyalteez_voice_progress enable row level security;
alter table loyalteez_voice_progress force row level security;
alter table loyalteez_daily_checkins enable row level security;
alter table loyalteez_daily_checkins force row level security;
alter table loyalteez_boosts enable row level security;
alter table loyalteez_boosts force row level security;
alter table discord_audit_log enable row level security;
alter table discord_audit_log force row level security;
alter table loyalteez_reward_ledger enable row level security;
alter table loyalteez_reward_ledger force row level security;

-- 3. Policies (dropped first so this file can be run again after an upgrade) ---------------------------
-- loyalteez_schema_version, loyalteez_brands and loyalteez_connect_attempts have none: nothing is visible
-- to anon or authenticated.

-- Config tables: everyone of the brand reads them, only admins change them.

-- discord_server_configs (config)
drop policy if exists discord_server_configs_select on discord_server_configs;
drop policy if exists discord_server_configs_insert on discord_server_configs;
drop policy if exists discord_server_configs_update on discord_server_configs;
drop policy if exists discord_server_configs_delete on discord_server_configs;
create policy discord_server_configs_select on discord_server_configs for select to authenticated
    using (
        brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_server_configs_insert on discord_server_configs for insert to authenticated
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_server_configs_update on discord_server_configs for update to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    )
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_server_configs_delete on discord_server_configs for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- discord_role_configs (config)
drop policy if exists discord_role_configs_select on discord_role_configs;
drop policy if exists discord_role_configs_insert on discord_role_configs;
drop policy if exists discord_role_configs_update on discord_role_configs;
drop policy if exists discord_role_configs_delete on discord_role_configs;
create policy discord_role_configs_select on discord_role_configs for select to authenticated
    using (
        brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_role_configs_insert on discord_role_configs for insert to authenticated
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_role_configs_update on discord_role_configs for update to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    )
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_role_configs_delete on discord_role_configs for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- monitoring_rules (config)
drop policy if exists monitoring_rules_select on monitoring_rules;
drop policy if exists monitoring_rules_insert on monitoring_rules;
drop policy if exists monitoring_rules_update on monitoring_rules;
drop policy if exists monitoring_rules_delete on monitoring_rules;
create policy monitoring_rules_select on monitoring_rules for select to authenticated
    using (
        brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and (server_id is null or server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids')))
    );
create policy monitoring_rules_insert on monitoring_rules for insert to authenticated
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy monitoring_rules_update on monitoring_rules for update to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    )
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy monitoring_rules_delete on monitoring_rules for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- discord_kpi_configs (config)
drop policy if exists discord_kpi_configs_select on discord_kpi_configs;
drop policy if exists discord_kpi_configs_insert on discord_kpi_configs;
drop policy if exists discord_kpi_configs_update on discord_kpi_configs;
drop policy if exists discord_kpi_configs_delete on discord_kpi_configs;
create policy discord_kpi_configs_select on discord_kpi_configs for select to authenticated
    using (
        brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_kpi_configs_insert on discord_kpi_configs for insert to authenticated
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_kpi_configs_update on discord_kpi_configs for update to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    )
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_kpi_configs_delete on discord_kpi_configs for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- discord_report_schedules (config)
drop policy if exists discord_report_schedules_select on discord_report_schedules;
drop policy if exists discord_report_schedules_insert on discord_report_schedules;
drop policy if exists discord_report_schedules_update on discord_report_schedules;
drop policy if exists discord_report_schedules_delete on discord_report_schedules;
create policy discord_report_schedules_select on discord_report_schedules for select to authenticated
    using (
        brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_report_schedules_insert on discord_report_schedules for insert to authenticated
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_report_schedules_update on discord_report_schedules for update to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    )
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_report_schedules_delete on discord_report_schedules for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- discord_achievements (config)
drop policy if exists discord_achievements_select on discord_achievements;
drop policy if exists discord_achievements_insert on discord_achievements;
drop policy if exists discord_achievements_update on discord_achievements;
drop policy if exists discord_achievements_delete on discord_achievements;
create policy discord_achievements_select on discord_achievements for select to authenticated
    using (
        brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_achievements_insert on discord_achievements for insert to authenticated
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_achievements_update on discord_achievements for update to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    )
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_achievements_delete on discord_achievements for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- discord_community_goals (config)
drop policy if exists discord_community_goals_select on discord_community_goals;
drop policy if exists discord_community_goals_insert on discord_community_goals;
drop policy if exists discord_community_goals_update on discord_community_goals;
drop policy if exists discord_community_goals_delete on discord_community_goals;
create policy discord_community_goals_select on discord_community_goals for select to authenticated
    using (
        brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_community_goals_insert on discord_community_goals for insert to authenticated
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_community_goals_update on discord_community_goals for update to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    )
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_community_goals_delete on discord_community_goals for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- loyalteez_disabled_members (config)
drop policy if exists loyalteez_disabled_members_select on loyalteez_disabled_members;
drop policy if exists loyalteez_disabled_members_insert on loyalteez_disabled_members;
drop policy if exists loyalteez_disabled_members_update on loyalteez_disabled_members;
drop policy if exists loyalteez_disabled_members_delete on loyalteez_disabled_members;
create policy loyalteez_disabled_members_select on loyalteez_disabled_members for select to authenticated
    using (
        brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_disabled_members_insert on loyalteez_disabled_members for insert to authenticated
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_disabled_members_update on loyalteez_disabled_members for update to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    )
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_disabled_members_delete on loyalteez_disabled_members for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- Activity tables: written by the bot (which bypasses RLS, see bot_role.sql); admins may correct them.

-- discord_user_stats (activity)
drop policy if exists discord_user_stats_select on discord_user_stats;
drop policy if exists discord_user_stats_insert on discord_user_stats;
drop policy if exists discord_user_stats_update on discord_user_stats;
drop policy if exists discord_user_stats_delete on discord_user_stats;
create policy discord_user_stats_select on discord_user_stats for select to authenticated
    using (
        brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_user_stats_insert on discord_user_stats for insert to authenticated
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_user_stats_update on discord_user_stats for update to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    )
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_user_stats_delete on discord_user_stats for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- discord_user_streaks (activity)
drop policy if exists discord_user_streaks_select on discord_user_streaks;
drop policy if exists discord_user_streaks_insert on discord_user_streaks;
drop policy if exists discord_user_streaks_update on discord_user_streaks;
drop policy if exists discord_user_streaks_delete on discord_user_streaks;
create policy discord_user_streaks_select on discord_user_streaks for select to authenticated
    using (
        brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_user_streaks_insert on discord_user_streaks for insert to authenticated
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_user_streaks_update on discord_user_streaks for update to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    )
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_user_streaks_delete on discord_user_streaks for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- discord_kpi_snapshots (activity)
drop policy if exists discord_kpi_snapshots_select on discord_kpi_snapshots;
drop policy if exists discord_kpi_snapshots_insert on discord_kpi_snapshots;
drop policy if exists discord_kpi_snapshots_update on discord_kpi_snapshots;
drop policy if exists discord_kpi_snapshots_delete on discord_kpi_snapshots;
create policy discord_kpi_snapshots_select on discord_kpi_snapshots for select to authenticated
    using (
        brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_kpi_snapshots_insert on discord_kpi_snapshots for insert to authenticated
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_kpi_snapshots_update on discord_kpi_snapshots for update to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    )
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_kpi_snapshots_delete on discord_kpi_snapshots for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- discord_drops (activity)
drop policy if exists discord_drops_select on discord_drops;
drop policy if exists discord_drops_insert on discord_drops;
drop policy if exists discord_drops_update on discord_drops;
drop policy if exists discord_drops_delete on discord_drops;
create policy discord_drops_select on discord_drops for select to authenticated
    using (
        brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_drops_insert on discord_drops for insert to authenticated
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_drops_update on discord_drops for update to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    )
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_drops_delete on discord_drops for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- discord_drop_claims (activity)
drop policy if exists discord_drop_claims_select on discord_drop_claims;
drop policy if exists discord_drop_claims_insert on discord_drop_claims;
drop policy if exists discord_drop_claims_update on discord_drop_claims;
drop policy if exists discord_drop_claims_delete on discord_drop_claims;
create policy discord_drop_claims_select on discord_drop_claims for select to authenticated
    using (
        brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_drop_claims_insert on discord_drop_claims for insert to authenticated
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_drop_claims_update on discord_drop_claims for update to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    )
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_drop_claims_delete on discord_drop_claims for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- discord_user_achievements (activity)
drop policy if exists discord_user_achievements_select on discord_user_achievements;
drop policy if exists discord_user_achievements_insert on discord_user_achievements;
drop policy if exists discord_user_achievements_update on discord_user_achievements;
drop policy if exists discord_user_achievements_delete on discord_user_achievements;
create policy discord_user_achievements_select on discord_user_achievements for select to authenticated
    using (
        brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_user_achievements_insert on discord_user_achievements for insert to authenticated
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_user_achievements_update on discord_user_achievements for update to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    )
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_user_achievements_delete on discord_user_achievements for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- loyalteez_drop_watches (config)
drop policy if exists loyalteez_drop_watches_select on loyalteez_drop_watches;
drop policy if exists loyalteez_drop_watches_insert on loyalteez_drop_watches;
drop policy if exists loyalteez_drop_watches_update on loyalteez_drop_watches;
drop policy if exists loyalteez_drop_watches_delete on loyalteez_drop_watches;
create policy loyalteez_drop_watches_select on loyalteez_drop_watches for select to authenticated
    using (
        brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_drop_watches_insert on loyalteez_drop_watches for insert to authenticated
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_drop_watches_update on loyalteez_drop_watches for update to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    )
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_drop_watches_delete on loyalteez_drop_watches for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- loyalteez_goal_state (config)
drop policy if exists loyalteez_goal_state_select on loyalteez_goal_state;
drop policy if exists loyalteez_goal_state_insert on loyalteez_goal_state;
drop policy if exists loyalteez_goal_state_update on loyalteez_goal_state;
drop policy if exists loyalteez_goal_state_delete on loyalteez_goal_state;
create policy loyalteez_goal_state_select on loyalteez_goal_state for select to authenticated
    using (
        brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_goal_state_insert on loyalteez_goal_state for insert to authenticated
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_goal_state_update on loyalteez_goal_state for update to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    )
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_goal_state_delete on loyalteez_goal_state for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- loyalteez_perks (config)
drop policy if exists loyalteez_perks_select on loyalteez_perks;
drop policy if exists loyalteez_perks_insert on loyalteez_perks;
drop policy if exists loyalteez_perks_update on loyalteez_perks;
drop policy if exists loyalteez_perks_delete on loyalteez_perks;
create policy loyalteez_perks_select on loyalteez_perks for select to authenticated
    using (
        brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_perks_insert on loyalteez_perks for insert to authenticated
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_perks_update on loyalteez_perks for update to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    )
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_perks_delete on loyalteez_perks for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- loyalteez_perk_purchases (activity)
drop policy if exists loyalteez_perk_purchases_select on loyalteez_perk_purchases;
drop policy if exists loyalteez_perk_purchases_insert on loyalteez_perk_purchases;
drop policy if exists loyalteez_perk_purchases_update on loyalteez_perk_purchases;
drop policy if exists loyalteez_perk_purchases_delete on loyalteez_perk_purchases;
create policy loyalteez_perk_purchases_select on loyalteez_perk_purchases for select to authenticated
    using (
        brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_perk_purchases_insert on loyalteez_perk_purchases for insert to authenticated
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_perk_purchases_update on loyalteez_perk_purchases for update to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    )
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_perk_purchases_delete on loyalteez_perk_purchases for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- loyalteez_notices (activity)
drop policy if exists loyalteez_notices_select on loyalteez_notices;
drop policy if exists loyalteez_notices_insert on loyalteez_notices;
drop policy if exists loyalteez_notices_update on loyalteez_notices;
drop policy if exists loyalteez_notices_delete on loyalteez_notices;
create policy loyalteez_notices_select on loyalteez_notices for select to authenticated
    using (
        brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_notices_insert on loyalteez_notices for insert to authenticated
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_notices_update on loyalteez_notices for update to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    )
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_notices_delete on loyalteez_notices for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- loyalteez_seen_events (activity)
drop policy if exists loyalteez_seen_events_select on loyalteez_seen_events;
drop policy if exists loyalteez_seen_events_insert on loyalteez_seen_events;
drop policy if exists loyalteez_seen_events_update on loyalteez_seen_events;
drop policy if exists loyalteez_seen_events_delete on loyalteez_seen_events;
create policy loyalteez_seen_events_select on loyalteez_seen_events for select to authenticated
    using (
        brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_seen_events_insert on loyalteez_seen_events for insert to authenticated
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_seen_events_update on loyalteez_seen_events for update to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    )
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_seen_events_delete on loyalteez_seen_events for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- loyalteez_activity_daily (analytics)
drop policy if exists loyalteez_activity_daily_select on loyalteez_activity_daily;
drop policy if exists loyalteez_activity_daily_insert on loyalteez_activity_daily;
drop policy if exists loyalteez_activity_daily_update on loyalteez_activity_daily;
drop policy if exists loyalteez_activity_daily_delete on loyalteez_activity_daily;
create policy loyalteez_activity_daily_select on loyalteez_activity_daily for select to authenticated
    using (
        brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_activity_daily_insert on loyalteez_activity_daily for insert to authenticated
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_activity_daily_update on loyalteez_activity_daily for update to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    )
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_activity_daily_delete on loyalteez_activity_daily for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- loyalteez_member_analytics (analytics)
drop policy if exists loyalteez_member_analytics_select on loyalteez_member_analytics;
drop policy if exists loyalteez_member_analytics_insert on loyalteez_member_analytics;
drop policy if exists loyalteez_member_analytics_update on loyalteez_member_analytics;
drop policy if exists loyalteez_member_analytics_delete on loyalteez_member_analytics;
create policy loyalteez_member_analytics_select on loyalteez_member_analytics for select to authenticated
    using (
        brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_member_analytics_insert on loyalteez_member_analytics for insert to authenticated
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_member_analytics_update on loyalteez_member_analytics for update to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    )
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_member_analytics_delete on loyalteez_member_analytics for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- loyalteez_kpi_alerts (analytics)
drop policy if exists loyalteez_kpi_alerts_select on loyalteez_kpi_alerts;
drop policy if exists loyalteez_kpi_alerts_insert on loyalteez_kpi_alerts;
drop policy if exists loyalteez_kpi_alerts_update on loyalteez_kpi_alerts;
drop policy if exists loyalteez_kpi_alerts_delete on loyalteez_kpi_alerts;
create policy loyalteez_kpi_alerts_select on loyalteez_kpi_alerts for select to authenticated
    using (
        brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_kpi_alerts_insert on loyalteez_kpi_alerts for insert to authenticated
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_kpi_alerts_update on loyalteez_kpi_alerts for update to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    )
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_kpi_alerts_delete on loyalteez_kpi_alerts for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- loyalteez_report_state (analytics)
drop policy if exists loyalteez_report_state_select on loyalteez_report_state;
drop policy if exists loyalteez_report_state_insert on loyalteez_report_state;
drop policy if exists loyalteez_report_state_update on loyalteez_report_state;
drop policy if exists loyalteez_report_state_delete on loyalteez_report_state;
create policy loyalteez_report_state_select on loyalteez_report_state for select to authenticated
    using (
        brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_report_state_insert on loyalteez_report_state for insert to authenticated
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_report_state_update on loyalteez_report_state for update to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    )
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_report_state_delete on loyalteez_report_state for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- loyalteez_channel_cursors (activity)
drop policy if exists loyalteez_channel_cursors_select on loyalteez_channel_cursors;
drop policy if exists loyalteez_channel_cursors_insert on loyalteez_channel_cursors;
drop policy if exists loyalteez_channel_cursors_update on loyalteez_channel_cursors;
drop policy if exists loyalteez_channel_cursors_delete on loyalteez_channel_cursors;
create policy loyalteez_channel_cursors_select on loyalteez_channel_cursors for select to authenticated
    using (
        brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_channel_cursors_insert on loyalteez_channel_cursors for insert to authenticated
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_channel_cursors_update on loyalteez_channel_cursors for update to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    )
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_channel_cursors_delete on loyalteez_channel_cursors for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- History: insert-only for everyone. No update or delete policy exists, and neither is granted.

-- loyalteez_voice_sessions (activity)
drop policy if exists loyalteez_voice_sessions_select on loyalteez_voice_sessions;
drop policy if exists loyalteez_voice_sessions_insert on loyalteez_voice_sessions;
drop policy if exists loyalteez_voice_sessions_update on loyalteez_voice_sessions;
drop policy if exists loyalteez_voice_sessions_delete on loyalteez_voice_sessions;
create policy loyalteez_voice_sessions_select on loyalteez_voice_sessions for select to authenticated
    using (
        brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_voice_sessions_insert on loyalteez_voice_sessions for insert to authenticated
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_voice_sessions_update on loyalteez_voice_sessions for update to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    )
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_voice_sessions_delete on loyalteez_voice_sessions for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- loyalteez_voice_progress (activity)
drop policy if exists loyalteez_voice_progress_select on loyalteez_voice_progress;
drop policy if exists loyalteez_voice_progress_insert on loyalteez_voice_progress;
drop policy if exists loyalteez_voice_progress_update on loyalteez_voice_progress;
drop policy if exists loyalteez_voice_progress_delete on loyalteez_voice_progress;
create policy loyalteez_voice_progress_select on loyalteez_voice_progress for select to authenticated
    using (
        brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_voice_progress_insert on loyalteez_voice_progress for insert to authenticated
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_voice_progress_update on loyalteez_voice_progress for update to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    )
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_voice_progress_delete on loyalteez_voice_progress for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- loyalteez_daily_checkins (history)
drop policy if exists loyalteez_daily_checkins_select on loyalteez_daily_checkins;
drop policy if exists loyalteez_daily_checkins_insert on loyalteez_daily_checkins;
drop policy if exists loyalteez_daily_checkins_update on loyalteez_daily_checkins;
drop policy if exists loyalteez_daily_checkins_delete on loyalteez_daily_checkins;
create policy loyalteez_daily_checkins_select on loyalteez_daily_checkins for select to authenticated
    using (
        brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_daily_checkins_insert on loyalteez_daily_checkins for insert to authenticated
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- loyalteez_boosts (history)
drop policy if exists loyalteez_boosts_select on loyalteez_boosts;
drop policy if exists loyalteez_boosts_insert on loyalteez_boosts;
drop policy if exists loyalteez_boosts_update on loyalteez_boosts;
drop policy if exists loyalteez_boosts_delete on loyalteez_boosts;
create policy loyalteez_boosts_select on loyalteez_boosts for select to authenticated
    using (
        brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_boosts_insert on loyalteez_boosts for insert to authenticated
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- discord_audit_log (history)
drop policy if exists discord_audit_log_select on discord_audit_log;
drop policy if exists discord_audit_log_insert on discord_audit_log;
drop policy if exists discord_audit_log_update on discord_audit_log;
drop policy if exists discord_audit_log_delete on discord_audit_log;
create policy discord_audit_log_select on discord_audit_log for select to authenticated
    using (
        brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy discord_audit_log_insert on discord_audit_log for insert to authenticated
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- loyalteez_reward_ledger (history)
drop policy if exists loyalteez_reward_ledger_select on loyalteez_reward_ledger;
drop policy if exists loyalteez_reward_ledger_insert on loyalteez_reward_ledger;
drop policy if exists loyalteez_reward_ledger_update on loyalteez_reward_ledger;
drop policy if exists loyalteez_reward_ledger_delete on loyalteez_reward_ledger;
create policy loyalteez_reward_ledger_select on loyalteez_reward_ledger for select to authenticated
    using (
        brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create policy loyalteez_reward_ledger_insert on loyalteez_reward_ledger for insert to authenticated
    with check (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

commit;

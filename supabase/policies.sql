-- Loyalteez community bot: row-level security for PostgreSQL / Supabase (dialect file: PostgreSQL only).
-- GENERATED from loyalteez/store/policies.py: edit that, then `python -m loyalteez.store.policies --write`.
--
-- Run after schema.sql, in the Supabase SQL editor or with
--   psql "$OWNER_URL" -v ON_ERROR_STOP=1 -f supabase/policies.sql
-- It is idempotent. Schema upgrades run by the bot secure every table they create the same way (forced
-- RLS, and these policies once this file has been run), and the bot refuses to start while a table of a
-- database that has these policies lacks forced RLS. tests/postgres proves it table by table.
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
--      Tables without tenant columns (loyalteez_schema_version, loyalteez_brands) have no policy and no
--      grant: anon and authenticated can never read them.
--   2. Server data is isolated: every policy also requires server_id in the server_ids claim (brand-wide
--      monitoring_rules, server_id NULL, are readable by the brand's sessions, never writable here).
--   3. Admin actions are authenticated: every write needs app_metadata.role = 'admin' as well.
--      Non-admin authenticated sessions are read-only. `anon` gets no grant and no policy anywhere.
--
-- References stay inside the tenant: a new or changed row must name its server as linked to its own brand,
-- and every other parent row it references (a claim's drop, a purchase's perk, a member's achievement, a
-- goal's state) must be of the same brand and server.
-- The audit log and the rewards ledger are insert-only for everyone: they have no UPDATE or DELETE policy
-- and authenticated is not even granted those privileges, so not even an admin can rewrite history.
-- Audit rows inserted through the API are stamped by a trigger with the session's own identity
-- (actor 'api:<JWT sub>') and the server's time, whatever the row said.
-- Channels the bot posts into (config_metadata.admin_channel_id, discord_report_schedules.channel_id) are
-- chosen in Discord, where the bot checks they belong to the server's guild: through the API they can be
-- kept or cleared, a report can be pointed at the server's admin channel, nothing else (a trigger).
-- Every UPDATE policy has USING (which rows may be touched) and WITH CHECK (what they may become), so a
-- row can never be moved to another brand or to a server outside the claim.
-- Claims are read as `(select auth.jwt())` so PostgreSQL evaluates them once per statement, not per row.

begin;

-- loyalteez_schema_version ------------------------------------------------------------------------
revoke all on table loyalteez_schema_version from anon, authenticated;
alter table loyalteez_schema_version enable row level security;
alter table loyalteez_schema_version force row level security;

-- loyalteez_brands --------------------------------------------------------------------------------
revoke all on table loyalteez_brands from anon, authenticated;
alter table loyalteez_brands enable row level security;
alter table loyalteez_brands force row level security;

-- discord_server_configs --------------------------------------------------------------------------
revoke all on table discord_server_configs from anon, authenticated;
grant select, insert, update, delete on table discord_server_configs to authenticated;
alter table discord_server_configs enable row level security;
alter table discord_server_configs force row level security;
-- discord_server_configs (tenant)
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
create or replace function loyalteez_discord_server_configs_api_channels() returns trigger
    language plpgsql
    as $fn$
begin
    if current_user not in ('anon', 'authenticated') then
        return new;
    end if;
    if (new.config_metadata ->> 'admin_channel_id') is not null
       and (tg_op = 'INSERT'
            or (new.config_metadata ->> 'admin_channel_id')
               is distinct from (old.config_metadata ->> 'admin_channel_id')) then
        raise exception 'the admin channel can only be chosen in Discord (/config admin-channel)'
            using errcode = '42501';
    end if;
    return new;
end
$fn$;
drop trigger if exists discord_server_configs_api_channels on discord_server_configs;
create trigger discord_server_configs_api_channels before insert or update on discord_server_configs
    for each row execute function loyalteez_discord_server_configs_api_channels();

-- discord_role_configs ----------------------------------------------------------------------------
revoke all on table discord_role_configs from anon, authenticated;
grant select, insert, update, delete on table discord_role_configs to authenticated;
alter table discord_role_configs enable row level security;
alter table discord_role_configs force row level security;
-- discord_role_configs (tenant)
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
        and exists (select 1 from discord_server_configs p where p.server_id = discord_role_configs.server_id and p.brand_id = discord_role_configs.brand_id)
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
        and exists (select 1 from discord_server_configs p where p.server_id = discord_role_configs.server_id and p.brand_id = discord_role_configs.brand_id)
    );
create policy discord_role_configs_delete on discord_role_configs for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- discord_user_stats ------------------------------------------------------------------------------
revoke all on table discord_user_stats from anon, authenticated;
grant select, insert, update, delete on table discord_user_stats to authenticated;
alter table discord_user_stats enable row level security;
alter table discord_user_stats force row level security;
-- discord_user_stats (tenant)
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
        and exists (select 1 from discord_server_configs p where p.server_id = discord_user_stats.server_id and p.brand_id = discord_user_stats.brand_id)
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
        and exists (select 1 from discord_server_configs p where p.server_id = discord_user_stats.server_id and p.brand_id = discord_user_stats.brand_id)
    );
create policy discord_user_stats_delete on discord_user_stats for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- discord_user_streaks ----------------------------------------------------------------------------
revoke all on table discord_user_streaks from anon, authenticated;
grant select, insert, update, delete on table discord_user_streaks to authenticated;
alter table discord_user_streaks enable row level security;
alter table discord_user_streaks force row level security;
-- discord_user_streaks (tenant)
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
        and exists (select 1 from discord_server_configs p where p.server_id = discord_user_streaks.server_id and p.brand_id = discord_user_streaks.brand_id)
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
        and exists (select 1 from discord_server_configs p where p.server_id = discord_user_streaks.server_id and p.brand_id = discord_user_streaks.brand_id)
    );
create policy discord_user_streaks_delete on discord_user_streaks for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- discord_audit_log -------------------------------------------------------------------------------
revoke all on table discord_audit_log from anon, authenticated;
grant select, insert on table discord_audit_log to authenticated;  -- history: no update, no delete
alter table discord_audit_log enable row level security;
alter table discord_audit_log force row level security;
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
        and exists (select 1 from discord_server_configs p where p.server_id = discord_audit_log.server_id and p.brand_id = discord_audit_log.brand_id)
    );
create or replace function loyalteez_audit_from_api() returns trigger
    language plpgsql
    as $fn$
    begin
        if current_user in ('anon', 'authenticated') then
            new.actor_type := 'admin';
            new.actor_id := 'api:' || coalesce((select auth.jwt()) ->> 'sub', 'unknown');
            new.created_at := statement_timestamp();
        end if;
        return new;
    end
    $fn$;
drop trigger if exists discord_audit_log_api_identity on discord_audit_log;
create trigger discord_audit_log_api_identity before insert on discord_audit_log
    for each row execute function loyalteez_audit_from_api();

-- discord_kpi_configs -----------------------------------------------------------------------------
revoke all on table discord_kpi_configs from anon, authenticated;
grant select, insert, update, delete on table discord_kpi_configs to authenticated;
alter table discord_kpi_configs enable row level security;
alter table discord_kpi_configs force row level security;
-- discord_kpi_configs (tenant)
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
        and exists (select 1 from discord_server_configs p where p.server_id = discord_kpi_configs.server_id and p.brand_id = discord_kpi_configs.brand_id)
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
        and exists (select 1 from discord_server_configs p where p.server_id = discord_kpi_configs.server_id and p.brand_id = discord_kpi_configs.brand_id)
    );
create policy discord_kpi_configs_delete on discord_kpi_configs for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- discord_kpi_snapshots ---------------------------------------------------------------------------
revoke all on table discord_kpi_snapshots from anon, authenticated;
grant select, insert, update, delete on table discord_kpi_snapshots to authenticated;
alter table discord_kpi_snapshots enable row level security;
alter table discord_kpi_snapshots force row level security;
-- discord_kpi_snapshots (tenant)
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
        and exists (select 1 from discord_server_configs p where p.server_id = discord_kpi_snapshots.server_id and p.brand_id = discord_kpi_snapshots.brand_id)
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
        and exists (select 1 from discord_server_configs p where p.server_id = discord_kpi_snapshots.server_id and p.brand_id = discord_kpi_snapshots.brand_id)
    );
create policy discord_kpi_snapshots_delete on discord_kpi_snapshots for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- monitoring_rules --------------------------------------------------------------------------------
revoke all on table monitoring_rules from anon, authenticated;
grant select, insert, update, delete on table monitoring_rules to authenticated;
alter table monitoring_rules enable row level security;
alter table monitoring_rules force row level security;
-- monitoring_rules (tenant)
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
        and exists (select 1 from discord_server_configs p where p.server_id = monitoring_rules.server_id and p.brand_id = monitoring_rules.brand_id)
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
        and exists (select 1 from discord_server_configs p where p.server_id = monitoring_rules.server_id and p.brand_id = monitoring_rules.brand_id)
    );
create policy monitoring_rules_delete on monitoring_rules for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- discord_drops -----------------------------------------------------------------------------------
revoke all on table discord_drops from anon, authenticated;
grant select, insert, update, delete on table discord_drops to authenticated;
alter table discord_drops enable row level security;
alter table discord_drops force row level security;
-- discord_drops (tenant)
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
        and exists (select 1 from discord_server_configs p where p.server_id = discord_drops.server_id and p.brand_id = discord_drops.brand_id)
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
        and exists (select 1 from discord_server_configs p where p.server_id = discord_drops.server_id and p.brand_id = discord_drops.brand_id)
    );
create policy discord_drops_delete on discord_drops for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- discord_drop_claims -----------------------------------------------------------------------------
revoke all on table discord_drop_claims from anon, authenticated;
grant select, insert, update, delete on table discord_drop_claims to authenticated;
alter table discord_drop_claims enable row level security;
alter table discord_drop_claims force row level security;
-- discord_drop_claims (tenant)
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
        and exists (select 1 from discord_drops p where p.drop_id = discord_drop_claims.drop_id and p.brand_id = discord_drop_claims.brand_id and p.server_id = discord_drop_claims.server_id)
        and exists (select 1 from discord_server_configs p where p.server_id = discord_drop_claims.server_id and p.brand_id = discord_drop_claims.brand_id)
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
        and exists (select 1 from discord_drops p where p.drop_id = discord_drop_claims.drop_id and p.brand_id = discord_drop_claims.brand_id and p.server_id = discord_drop_claims.server_id)
        and exists (select 1 from discord_server_configs p where p.server_id = discord_drop_claims.server_id and p.brand_id = discord_drop_claims.brand_id)
    );
create policy discord_drop_claims_delete on discord_drop_claims for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- discord_achievements ----------------------------------------------------------------------------
revoke all on table discord_achievements from anon, authenticated;
grant select, insert, update, delete on table discord_achievements to authenticated;
alter table discord_achievements enable row level security;
alter table discord_achievements force row level security;
-- discord_achievements (tenant)
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
        and exists (select 1 from discord_server_configs p where p.server_id = discord_achievements.server_id and p.brand_id = discord_achievements.brand_id)
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
        and exists (select 1 from discord_server_configs p where p.server_id = discord_achievements.server_id and p.brand_id = discord_achievements.brand_id)
    );
create policy discord_achievements_delete on discord_achievements for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- discord_user_achievements -----------------------------------------------------------------------
revoke all on table discord_user_achievements from anon, authenticated;
grant select, insert, update, delete on table discord_user_achievements to authenticated;
alter table discord_user_achievements enable row level security;
alter table discord_user_achievements force row level security;
-- discord_user_achievements (tenant)
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
        and exists (select 1 from discord_server_configs p where p.server_id = discord_user_achievements.server_id and p.brand_id = discord_user_achievements.brand_id)
        and exists (select 1 from discord_achievements p where p.achievement_id = discord_user_achievements.achievement_id and p.brand_id = discord_user_achievements.brand_id and p.server_id = discord_user_achievements.server_id)
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
        and exists (select 1 from discord_server_configs p where p.server_id = discord_user_achievements.server_id and p.brand_id = discord_user_achievements.brand_id)
        and exists (select 1 from discord_achievements p where p.achievement_id = discord_user_achievements.achievement_id and p.brand_id = discord_user_achievements.brand_id and p.server_id = discord_user_achievements.server_id)
    );
create policy discord_user_achievements_delete on discord_user_achievements for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- discord_community_goals -------------------------------------------------------------------------
revoke all on table discord_community_goals from anon, authenticated;
grant select, insert, update, delete on table discord_community_goals to authenticated;
alter table discord_community_goals enable row level security;
alter table discord_community_goals force row level security;
-- discord_community_goals (tenant)
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
        and exists (select 1 from discord_server_configs p where p.server_id = discord_community_goals.server_id and p.brand_id = discord_community_goals.brand_id)
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
        and exists (select 1 from discord_server_configs p where p.server_id = discord_community_goals.server_id and p.brand_id = discord_community_goals.brand_id)
    );
create policy discord_community_goals_delete on discord_community_goals for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- discord_report_schedules ------------------------------------------------------------------------
revoke all on table discord_report_schedules from anon, authenticated;
grant select, insert, update, delete on table discord_report_schedules to authenticated;
alter table discord_report_schedules enable row level security;
alter table discord_report_schedules force row level security;
-- discord_report_schedules (tenant)
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
        and exists (select 1 from discord_server_configs p where p.server_id = discord_report_schedules.server_id and p.brand_id = discord_report_schedules.brand_id)
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
        and exists (select 1 from discord_server_configs p where p.server_id = discord_report_schedules.server_id and p.brand_id = discord_report_schedules.brand_id)
    );
create policy discord_report_schedules_delete on discord_report_schedules for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );
create or replace function loyalteez_discord_report_schedules_api_channels() returns trigger
    language plpgsql
    as $fn$
begin
    if current_user not in ('anon', 'authenticated') then
        return new;
    end if;
    -- A server this session cannot see is refused by the policies; only its own server is judged here.
    if (tg_op = 'INSERT' or new.channel_id is distinct from old.channel_id)
       and exists (select 1 from discord_server_configs c
                   where c.server_id = new.server_id and c.brand_id = new.brand_id)
       and new.channel_id is distinct from (
           select c.config_metadata ->> 'admin_channel_id' from discord_server_configs c
           where c.server_id = new.server_id and c.brand_id = new.brand_id) then
        raise exception 'a report can only be posted in a channel chosen in Discord (/report schedule)'
            using errcode = '42501';
    end if;
    return new;
end
$fn$;
drop trigger if exists discord_report_schedules_api_channels on discord_report_schedules;
create trigger discord_report_schedules_api_channels before insert or update on discord_report_schedules
    for each row execute function loyalteez_discord_report_schedules_api_channels();

-- loyalteez_reward_ledger -------------------------------------------------------------------------
revoke all on table loyalteez_reward_ledger from anon, authenticated;
grant select, insert on table loyalteez_reward_ledger to authenticated;  -- history: no update, no delete
alter table loyalteez_reward_ledger enable row level security;
alter table loyalteez_reward_ledger force row level security;
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
        and exists (select 1 from discord_server_configs p where p.server_id = loyalteez_reward_ledger.server_id and p.brand_id = loyalteez_reward_ledger.brand_id)
    );

-- loyalteez_seen_events ---------------------------------------------------------------------------
revoke all on table loyalteez_seen_events from anon, authenticated;
grant select, insert, update, delete on table loyalteez_seen_events to authenticated;
alter table loyalteez_seen_events enable row level security;
alter table loyalteez_seen_events force row level security;
-- loyalteez_seen_events (tenant)
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
        and exists (select 1 from discord_server_configs p where p.server_id = loyalteez_seen_events.server_id and p.brand_id = loyalteez_seen_events.brand_id)
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
        and exists (select 1 from discord_server_configs p where p.server_id = loyalteez_seen_events.server_id and p.brand_id = loyalteez_seen_events.brand_id)
    );
create policy loyalteez_seen_events_delete on loyalteez_seen_events for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- loyalteez_disabled_members ----------------------------------------------------------------------
revoke all on table loyalteez_disabled_members from anon, authenticated;
grant select, insert, update, delete on table loyalteez_disabled_members to authenticated;
alter table loyalteez_disabled_members enable row level security;
alter table loyalteez_disabled_members force row level security;
-- loyalteez_disabled_members (tenant)
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
        and exists (select 1 from discord_server_configs p where p.server_id = loyalteez_disabled_members.server_id and p.brand_id = loyalteez_disabled_members.brand_id)
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
        and exists (select 1 from discord_server_configs p where p.server_id = loyalteez_disabled_members.server_id and p.brand_id = loyalteez_disabled_members.brand_id)
    );
create policy loyalteez_disabled_members_delete on loyalteez_disabled_members for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- loyalteez_daily_checkins ------------------------------------------------------------------------
revoke all on table loyalteez_daily_checkins from anon, authenticated;
grant select, insert on table loyalteez_daily_checkins to authenticated;  -- history: no update, no delete
alter table loyalteez_daily_checkins enable row level security;
alter table loyalteez_daily_checkins force row level security;
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
        and exists (select 1 from discord_server_configs p where p.server_id = loyalteez_daily_checkins.server_id and p.brand_id = loyalteez_daily_checkins.brand_id)
    );

-- loyalteez_voice_sessions ------------------------------------------------------------------------
revoke all on table loyalteez_voice_sessions from anon, authenticated;
grant select, insert, update, delete on table loyalteez_voice_sessions to authenticated;
alter table loyalteez_voice_sessions enable row level security;
alter table loyalteez_voice_sessions force row level security;
-- loyalteez_voice_sessions (tenant)
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
        and exists (select 1 from discord_server_configs p where p.server_id = loyalteez_voice_sessions.server_id and p.brand_id = loyalteez_voice_sessions.brand_id)
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
        and exists (select 1 from discord_server_configs p where p.server_id = loyalteez_voice_sessions.server_id and p.brand_id = loyalteez_voice_sessions.brand_id)
    );
create policy loyalteez_voice_sessions_delete on loyalteez_voice_sessions for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- loyalteez_voice_progress ------------------------------------------------------------------------
revoke all on table loyalteez_voice_progress from anon, authenticated;
grant select, insert, update, delete on table loyalteez_voice_progress to authenticated;
alter table loyalteez_voice_progress enable row level security;
alter table loyalteez_voice_progress force row level security;
-- loyalteez_voice_progress (tenant)
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
        and exists (select 1 from discord_server_configs p where p.server_id = loyalteez_voice_progress.server_id and p.brand_id = loyalteez_voice_progress.brand_id)
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
        and exists (select 1 from discord_server_configs p where p.server_id = loyalteez_voice_progress.server_id and p.brand_id = loyalteez_voice_progress.brand_id)
    );
create policy loyalteez_voice_progress_delete on loyalteez_voice_progress for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- loyalteez_boosts --------------------------------------------------------------------------------
revoke all on table loyalteez_boosts from anon, authenticated;
grant select, insert on table loyalteez_boosts to authenticated;  -- history: no update, no delete
alter table loyalteez_boosts enable row level security;
alter table loyalteez_boosts force row level security;
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
        and exists (select 1 from discord_server_configs p where p.server_id = loyalteez_boosts.server_id and p.brand_id = loyalteez_boosts.brand_id)
    );

-- loyalteez_drop_watches --------------------------------------------------------------------------
revoke all on table loyalteez_drop_watches from anon, authenticated;
grant select, insert, update, delete on table loyalteez_drop_watches to authenticated;
alter table loyalteez_drop_watches enable row level security;
alter table loyalteez_drop_watches force row level security;
-- loyalteez_drop_watches (tenant)
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
        and exists (select 1 from discord_server_configs p where p.server_id = loyalteez_drop_watches.server_id and p.brand_id = loyalteez_drop_watches.brand_id)
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
        and exists (select 1 from discord_server_configs p where p.server_id = loyalteez_drop_watches.server_id and p.brand_id = loyalteez_drop_watches.brand_id)
    );
create policy loyalteez_drop_watches_delete on loyalteez_drop_watches for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- loyalteez_goal_state ----------------------------------------------------------------------------
revoke all on table loyalteez_goal_state from anon, authenticated;
grant select, insert, update, delete on table loyalteez_goal_state to authenticated;
alter table loyalteez_goal_state enable row level security;
alter table loyalteez_goal_state force row level security;
-- loyalteez_goal_state (tenant)
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
        and exists (select 1 from discord_community_goals p where p.goal_id = loyalteez_goal_state.goal_id and p.brand_id = loyalteez_goal_state.brand_id and p.server_id = loyalteez_goal_state.server_id)
        and exists (select 1 from discord_server_configs p where p.server_id = loyalteez_goal_state.server_id and p.brand_id = loyalteez_goal_state.brand_id)
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
        and exists (select 1 from discord_community_goals p where p.goal_id = loyalteez_goal_state.goal_id and p.brand_id = loyalteez_goal_state.brand_id and p.server_id = loyalteez_goal_state.server_id)
        and exists (select 1 from discord_server_configs p where p.server_id = loyalteez_goal_state.server_id and p.brand_id = loyalteez_goal_state.brand_id)
    );
create policy loyalteez_goal_state_delete on loyalteez_goal_state for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- loyalteez_perks ---------------------------------------------------------------------------------
revoke all on table loyalteez_perks from anon, authenticated;
grant select, insert, update, delete on table loyalteez_perks to authenticated;
alter table loyalteez_perks enable row level security;
alter table loyalteez_perks force row level security;
-- loyalteez_perks (tenant)
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
        and exists (select 1 from discord_server_configs p where p.server_id = loyalteez_perks.server_id and p.brand_id = loyalteez_perks.brand_id)
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
        and exists (select 1 from discord_server_configs p where p.server_id = loyalteez_perks.server_id and p.brand_id = loyalteez_perks.brand_id)
    );
create policy loyalteez_perks_delete on loyalteez_perks for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- loyalteez_perk_purchases ------------------------------------------------------------------------
revoke all on table loyalteez_perk_purchases from anon, authenticated;
grant select, insert, update, delete on table loyalteez_perk_purchases to authenticated;
alter table loyalteez_perk_purchases enable row level security;
alter table loyalteez_perk_purchases force row level security;
-- loyalteez_perk_purchases (tenant)
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
        and exists (select 1 from discord_server_configs p where p.server_id = loyalteez_perk_purchases.server_id and p.brand_id = loyalteez_perk_purchases.brand_id)
        and exists (select 1 from loyalteez_perks p where p.perk_id = loyalteez_perk_purchases.perk_id and p.brand_id = loyalteez_perk_purchases.brand_id and p.server_id = loyalteez_perk_purchases.server_id)
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
        and exists (select 1 from discord_server_configs p where p.server_id = loyalteez_perk_purchases.server_id and p.brand_id = loyalteez_perk_purchases.brand_id)
        and exists (select 1 from loyalteez_perks p where p.perk_id = loyalteez_perk_purchases.perk_id and p.brand_id = loyalteez_perk_purchases.brand_id and p.server_id = loyalteez_perk_purchases.server_id)
    );
create policy loyalteez_perk_purchases_delete on loyalteez_perk_purchases for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- loyalteez_notices -------------------------------------------------------------------------------
revoke all on table loyalteez_notices from anon, authenticated;
grant select, insert, update, delete on table loyalteez_notices to authenticated;
alter table loyalteez_notices enable row level security;
alter table loyalteez_notices force row level security;
-- loyalteez_notices (tenant)
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
        and exists (select 1 from discord_server_configs p where p.server_id = loyalteez_notices.server_id and p.brand_id = loyalteez_notices.brand_id)
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
        and exists (select 1 from discord_server_configs p where p.server_id = loyalteez_notices.server_id and p.brand_id = loyalteez_notices.brand_id)
    );
create policy loyalteez_notices_delete on loyalteez_notices for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- loyalteez_activity_daily ------------------------------------------------------------------------
revoke all on table loyalteez_activity_daily from anon, authenticated;
grant select, insert, update, delete on table loyalteez_activity_daily to authenticated;
alter table loyalteez_activity_daily enable row level security;
alter table loyalteez_activity_daily force row level security;
-- loyalteez_activity_daily (tenant)
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
        and exists (select 1 from discord_server_configs p where p.server_id = loyalteez_activity_daily.server_id and p.brand_id = loyalteez_activity_daily.brand_id)
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
        and exists (select 1 from discord_server_configs p where p.server_id = loyalteez_activity_daily.server_id and p.brand_id = loyalteez_activity_daily.brand_id)
    );
create policy loyalteez_activity_daily_delete on loyalteez_activity_daily for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- loyalteez_member_analytics ----------------------------------------------------------------------
revoke all on table loyalteez_member_analytics from anon, authenticated;
grant select, insert, update, delete on table loyalteez_member_analytics to authenticated;
alter table loyalteez_member_analytics enable row level security;
alter table loyalteez_member_analytics force row level security;
-- loyalteez_member_analytics (tenant)
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
        and exists (select 1 from discord_server_configs p where p.server_id = loyalteez_member_analytics.server_id and p.brand_id = loyalteez_member_analytics.brand_id)
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
        and exists (select 1 from discord_server_configs p where p.server_id = loyalteez_member_analytics.server_id and p.brand_id = loyalteez_member_analytics.brand_id)
    );
create policy loyalteez_member_analytics_delete on loyalteez_member_analytics for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- loyalteez_kpi_alerts ----------------------------------------------------------------------------
revoke all on table loyalteez_kpi_alerts from anon, authenticated;
grant select, insert, update, delete on table loyalteez_kpi_alerts to authenticated;
alter table loyalteez_kpi_alerts enable row level security;
alter table loyalteez_kpi_alerts force row level security;
-- loyalteez_kpi_alerts (tenant)
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
        and exists (select 1 from discord_server_configs p where p.server_id = loyalteez_kpi_alerts.server_id and p.brand_id = loyalteez_kpi_alerts.brand_id)
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
        and exists (select 1 from discord_server_configs p where p.server_id = loyalteez_kpi_alerts.server_id and p.brand_id = loyalteez_kpi_alerts.brand_id)
    );
create policy loyalteez_kpi_alerts_delete on loyalteez_kpi_alerts for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- loyalteez_report_state --------------------------------------------------------------------------
revoke all on table loyalteez_report_state from anon, authenticated;
grant select, insert, update, delete on table loyalteez_report_state to authenticated;
alter table loyalteez_report_state enable row level security;
alter table loyalteez_report_state force row level security;
-- loyalteez_report_state (tenant)
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
        and exists (select 1 from discord_server_configs p where p.server_id = loyalteez_report_state.server_id and p.brand_id = loyalteez_report_state.brand_id)
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
        and exists (select 1 from discord_server_configs p where p.server_id = loyalteez_report_state.server_id and p.brand_id = loyalteez_report_state.brand_id)
    );
create policy loyalteez_report_state_delete on loyalteez_report_state for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- loyalteez_channel_cursors -----------------------------------------------------------------------
revoke all on table loyalteez_channel_cursors from anon, authenticated;
grant select, insert, update, delete on table loyalteez_channel_cursors to authenticated;
alter table loyalteez_channel_cursors enable row level security;
alter table loyalteez_channel_cursors force row level security;
-- loyalteez_channel_cursors (tenant)
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
        and exists (select 1 from discord_server_configs p where p.server_id = loyalteez_channel_cursors.server_id and p.brand_id = loyalteez_channel_cursors.brand_id)
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
        and exists (select 1 from discord_server_configs p where p.server_id = loyalteez_channel_cursors.server_id and p.brand_id = loyalteez_channel_cursors.brand_id)
    );
create policy loyalteez_channel_cursors_delete on loyalteez_channel_cursors for delete to authenticated
    using (
        ((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'
        and brand_id = ((select auth.jwt()) -> 'app_metadata' ->> 'brand_id')
        and server_id in (select jsonb_array_elements_text((select auth.jwt()) -> 'app_metadata' -> 'server_ids'))
    );

-- loyalteez_connect_attempts ----------------------------------------------------------------------
revoke all on table loyalteez_connect_attempts from anon, authenticated;
alter table loyalteez_connect_attempts enable row level security;
alter table loyalteez_connect_attempts force row level security;

-- loyalteez_api_tokens ----------------------------------------------------------------------------
revoke all on table loyalteez_api_tokens from anon, authenticated;
alter table loyalteez_api_tokens enable row level security;
alter table loyalteez_api_tokens force row level security;

-- loyalteez_leases --------------------------------------------------------------------------------
revoke all on table loyalteez_leases from anon, authenticated;
alter table loyalteez_leases enable row level security;
alter table loyalteez_leases force row level security;

commit;

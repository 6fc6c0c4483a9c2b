-- TEST ONLY. Never run this on Supabase: it already has these roles and the real `auth` schema.
--
-- Makes a plain PostgreSQL 15 look like a Supabase project to schema.sql, supabase/policies.sql and
-- supabase/bot_role.sql, so tests/postgres can prove the policies on the local server:
--   * the roles anon, authenticated (NOLOGIN) and service_role (NOLOGIN, BYPASSRLS), created if missing;
--   * Supabase's default grants: tables made later in `public` by the current role give ALL to the three
--     roles (policies.sql must take back what it does not want them to have, exactly as on Supabase);
--   * auth.jwt() and auth.uid(), which on Supabase read the request's JWT claims from the
--     `request.jwt.claims` setting (tests set it per transaction with set_config(..., true)).
-- Roles are cluster-wide and tests run in parallel, so a role made by someone else in the meantime is fine.

DO $stub$
DECLARE
    wanted text;
BEGIN
    FOREACH wanted IN ARRAY ARRAY['anon', 'authenticated', 'service_role'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = wanted) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', wanted);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;  -- created concurrently by another test run
            END;
        END IF;
    END LOOP;
    IF NOT (SELECT rolbypassrls FROM pg_roles WHERE rolname = 'service_role') THEN
        BEGIN
            ALTER ROLE service_role BYPASSRLS;
        EXCEPTION WHEN internal_error THEN
            NULL;  -- "tuple concurrently updated": another run set it at the same moment
        END;
    END IF;
END
$stub$;

GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO anon, authenticated, service_role;

CREATE SCHEMA IF NOT EXISTS auth;
GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role;

-- As Supabase defines it: the claims of the current request, or NULL outside a request.
CREATE OR REPLACE FUNCTION auth.jwt() RETURNS jsonb
    LANGUAGE sql STABLE
    AS $fn$
        SELECT coalesce(
            nullif(current_setting('request.jwt.claim', true), ''),
            nullif(current_setting('request.jwt.claims', true), '')
        )::jsonb
    $fn$;

CREATE OR REPLACE FUNCTION auth.uid() RETURNS uuid
    LANGUAGE sql STABLE
    AS $fn$
        SELECT coalesce(
            nullif(current_setting('request.jwt.claim.sub', true), ''),
            (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
        )::uuid
    $fn$;

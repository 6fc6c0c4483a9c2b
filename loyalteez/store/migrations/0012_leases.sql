-- Version 12: the scheduler's leader lease, for several bot processes on one database (see schema.sql).

-- Operations: leader leases (project, version 12) --------------------------------------------------------
-- Several bot processes may share one PostgreSQL database; the in-process cron (snapshots, reports,
-- alerts, backups, goal and achievement announcements, drop expiry) runs in one of them: the holder of
-- the lease row until expires_at, which it renews every third of the lease. Once it has expired, any
-- process may take it. Operator-level like loyalteez_brands (no tenant columns); no client but the bot
-- may read it.
CREATE TABLE IF NOT EXISTS loyalteez_leases (
    name        TEXT PRIMARY KEY,                        -- what it leads: 'scheduler'
    holder      TEXT NOT NULL,                           -- the process: host, PID and a random token
    acquired_at TIMESTAMPTZ NOT NULL,                    -- when this holder took it
    expires_at  TIMESTAMPTZ NOT NULL                     -- unless renewed before
);

INSERT INTO loyalteez_schema_version (version) VALUES (12) ON CONFLICT (version) DO NOTHING;

-- Version 8: /setup connect's wrong-key throttle survives a restart (see schema.sql).

-- Access: /setup connect's wrong-key throttle (project, version 8) -----------------------------------
-- Wrong keys per Discord server and per member, kept in the database so a restart does not wipe a
-- lockout. Operator-level like loyalteez_brands (no brand: the attempts failed to prove one); no client
-- but the bot may read it. A row is forgotten a day after its last wrong key.
CREATE TABLE IF NOT EXISTS loyalteez_connect_attempts (
    kind           TEXT NOT NULL CHECK (kind IN ('server', 'member')),
    subject_id     TEXT NOT NULL,                        -- the server's or the member's Discord id
    failures       INTEGER NOT NULL CHECK (failures > 0),
    last_failed_at TIMESTAMPTZ NOT NULL,
    locked_until   TIMESTAMPTZ,
    PRIMARY KEY (kind, subject_id)
);

INSERT INTO loyalteez_schema_version (version) VALUES (8) ON CONFLICT (version) DO NOTHING;

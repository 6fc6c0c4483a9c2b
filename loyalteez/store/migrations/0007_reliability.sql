-- Version 7: Reliability: per-channel catch-up cursors and backups (see schema.sql).

INSERT INTO loyalteez_schema_version (version) VALUES (7) ON CONFLICT (version) DO NOTHING;

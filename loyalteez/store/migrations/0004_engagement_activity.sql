-- Version 4: Engagement: daily check-ins, streak settings and voice sessions (see schema.sql).

INSERT INTO loyalteez_schema_version (version) VALUES (4) ON CONFLICT (version) DO NOTHING;

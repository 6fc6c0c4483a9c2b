-- Version 5: Engagement: drops, watches, achievements, goals and perks (see schema.sql).

INSERT INTO loyalteez_schema_version (version) VALUES (5) ON CONFLICT (version) DO NOTHING;

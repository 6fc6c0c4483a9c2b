-- Version 6: Analytics: daily activity rollups, member firsts, KPI alert state, reports (see schema.sql).

INSERT INTO loyalteez_schema_version (version) VALUES (6) ON CONFLICT (version) DO NOTHING;

-- Version 10: tokens of the read-only JSON API (see schema.sql).

-- Access: tokens of the read-only JSON API (project, version 10) ----------------------------------------
-- One row per token a brand's operator made with `python bot.py api-token create BRAND`. The token is
-- shown once; only a salted hash of its secret is kept. Operator-level like loyalteez_brands (a token
-- belongs to a brand, not to one server; it reads every server of its brand): no client may read it.
CREATE TABLE IF NOT EXISTS loyalteez_api_tokens (
    token_id     TEXT PRIMARY KEY,                       -- the public part of the token, shown by `api-token list`
    brand_id     TEXT NOT NULL REFERENCES loyalteez_brands (brand_id),
    label        TEXT NOT NULL,                          -- what the operator called it (which bot uses it)
    token_salt   TEXT NOT NULL,
    token_hash   TEXT NOT NULL,                          -- HMAC-SHA256 of the secret under the salt
    created_at   TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    revoked_at   TIMESTAMPTZ                             -- NULL while the token works
);
CREATE INDEX IF NOT EXISTS idx_api_tokens_brand ON loyalteez_api_tokens (brand_id);

INSERT INTO loyalteez_schema_version (version) VALUES (10) ON CONFLICT (version) DO NOTHING;

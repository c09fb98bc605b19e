-- Per-tenant API keys for the internal State Manager and audit routes. Only a SHA-256 of the key is stored: the
-- key is 32 random bytes, so a fast hash is enough (nothing to brute-force), and a lookup costs one index probe.
CREATE TABLE tenant_api_keys (
  key_id      text PRIMARY KEY,
  tenant_id   text NOT NULL REFERENCES tenants (tenant_id),
  key_hash    bytea NOT NULL,
  scopes      text[] NOT NULL,
  label       text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);
CREATE INDEX tenant_api_keys_by_tenant ON tenant_api_keys (tenant_id);

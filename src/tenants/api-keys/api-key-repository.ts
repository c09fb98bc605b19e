import type { Pool } from 'pg';
import type { ApiKeyScope } from './api-key';

/** An API key as listed to an admin: never its hash. */
export interface ApiKeyRecord {
  keyId: string;
  tenantId: string;
  scopes: ApiKeyScope[];
  label: string | null;
  createdAt: string;
  revokedAt: string | null;
}

/** What verifying a key needs: its hash, and whether it (and its tenant) may still be used. */
export interface ApiKeyCredential {
  keyId: string;
  tenantId: string;
  scopes: ApiKeyScope[];
  hash: Buffer;
  isUsable: boolean;
}

interface KeyRow {
  key_id: string;
  tenant_id: string;
  scopes: ApiKeyScope[];
  label: string | null;
  created_at: Date;
  revoked_at: Date | null;
}

const toRecord = (row: KeyRow): ApiKeyRecord => ({
  keyId: row.key_id,
  tenantId: row.tenant_id,
  scopes: row.scopes,
  label: row.label,
  createdAt: row.created_at.toISOString(),
  revokedAt: row.revoked_at?.toISOString() ?? null,
});

/** tenant_api_keys in PostgreSQL (migration 007). */
export class ApiKeyRepository {
  constructor(private readonly pool: Pool) {}

  async insert(key: {
    keyId: string;
    tenantId: string;
    hash: Buffer;
    scopes: ApiKeyScope[];
    label?: string;
  }) {
    await this.pool.query(
      `INSERT INTO tenant_api_keys (key_id, tenant_id, key_hash, scopes, label) VALUES ($1, $2, $3, $4, $5)`,
      [key.keyId, key.tenantId, key.hash, key.scopes, key.label ?? null],
    );
  }

  async list(tenantId: string): Promise<ApiKeyRecord[]> {
    const { rows } = await this.pool.query<KeyRow>(
      `SELECT key_id, tenant_id, scopes, label, created_at, revoked_at
         FROM tenant_api_keys WHERE tenant_id = $1 ORDER BY created_at, key_id`,
      [tenantId],
    );
    return rows.map(toRecord);
  }

  /** Returns false when the tenant has no such key; revoking twice keeps the first time. */
  async revoke(tenantId: string, keyId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE tenant_api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE tenant_id = $1 AND key_id = $2`,
      [tenantId, keyId],
    );
    return (rowCount ?? 0) > 0;
  }

  /** A disabled tenant's keys are unusable too: the join says so in the same round trip. */
  async credential(keyId: string): Promise<ApiKeyCredential | undefined> {
    const { rows } = await this.pool.query<{
      key_id: string;
      tenant_id: string;
      scopes: ApiKeyScope[];
      key_hash: Buffer;
      is_usable: boolean;
    }>(
      `SELECT k.key_id, k.tenant_id, k.scopes, k.key_hash, (k.revoked_at IS NULL AND t.status = 'active') AS is_usable
         FROM tenant_api_keys k JOIN tenants t USING (tenant_id) WHERE k.key_id = $1`,
      [keyId],
    );
    const row = rows[0];
    return row
      ? {
          keyId: row.key_id,
          tenantId: row.tenant_id,
          scopes: row.scopes,
          hash: row.key_hash,
          isUsable: row.is_usable,
        }
      : undefined;
  }
}

import type { Pool, PoolClient } from 'pg';
import { inTransaction } from '../infra/in-transaction';
import type { SealedSecret } from './credentials-cipher';

/** What the bridge knows of a tenant that is not secret. */
export interface TenantRecord {
  tenantId: string;
  genesysIntegrationId: string;
  genesysRegion: string;
  mediaMode: 'link' | 'upload';
  status: 'active' | 'disabled';
}

export type CredentialType = 'genesys_webhook' | 'genesys_oauth' | 'whatsapp';

export interface StoredCredential {
  type: CredentialType;
  sealed: SealedSecret;
  publicConfig: Record<string, string>;
}

interface TenantRow {
  tenant_id: string;
  genesys_integration_id: string;
  genesys_region: string;
  media_mode: 'link' | 'upload';
  status: 'active' | 'disabled';
}

const toRecord = (row: TenantRow): TenantRecord => ({
  tenantId: row.tenant_id,
  genesysIntegrationId: row.genesys_integration_id,
  genesysRegion: row.genesys_region,
  mediaMode: row.media_mode,
  status: row.status,
});

export class TenantAlreadyExists extends Error {
  readonly code = 'TenantAlreadyExists';
  constructor(readonly field: 'tenantId' | 'genesysIntegrationId') {
    super(`A tenant with this ${field} already exists`);
  }
}

/** Reference data in PostgreSQL: tenants and their sealed credentials. Knows nothing of keys or caches. */
export class TenantRepository {
  constructor(private readonly pool: Pool) {}

  async create(tenant: TenantRecord, credentials: StoredCredential[]): Promise<void> {
    await this.inTransaction(async (client) => {
      try {
        await client.query(
          `INSERT INTO tenants (tenant_id, genesys_integration_id, genesys_region, media_mode, status)
           VALUES ($1, $2, $3, $4, $5)`,
          [
            tenant.tenantId,
            tenant.genesysIntegrationId,
            tenant.genesysRegion,
            tenant.mediaMode,
            tenant.status,
          ],
        );
      } catch (error) {
        const { code, constraint } = error as { code?: string; constraint?: string };
        if (code === '23505') {
          throw new TenantAlreadyExists(
            constraint?.includes('integration') ? 'genesysIntegrationId' : 'tenantId',
          );
        }
        throw error;
      }
      for (const credential of credentials) await upsertCredential(client, tenant.tenantId, credential);
    });
  }

  async putCredentials(tenantId: string, credentials: StoredCredential[]): Promise<boolean> {
    return this.inTransaction(async (client) => {
      const { rowCount } = await client.query('SELECT 1 FROM tenants WHERE tenant_id = $1 FOR UPDATE', [
        tenantId,
      ]);
      if (rowCount === 0) return false;
      for (const credential of credentials) await upsertCredential(client, tenantId, credential);
      await client.query('UPDATE tenants SET updated_at = now() WHERE tenant_id = $1', [tenantId]);
      return true;
    });
  }

  async findByIntegrationId(integrationId: string): Promise<TenantRecord | undefined> {
    const { rows } = await this.pool.query<TenantRow>(
      'SELECT * FROM tenants WHERE genesys_integration_id = $1',
      [integrationId],
    );
    return rows[0] && toRecord(rows[0]);
  }

  async findById(tenantId: string): Promise<TenantRecord | undefined> {
    const { rows } = await this.pool.query<TenantRow>('SELECT * FROM tenants WHERE tenant_id = $1', [
      tenantId,
    ]);
    return rows[0] && toRecord(rows[0]);
  }

  async list(): Promise<TenantRecord[]> {
    const { rows } = await this.pool.query<TenantRow>('SELECT * FROM tenants ORDER BY tenant_id');
    return rows.map(toRecord);
  }

  async credential(tenantId: string, type: CredentialType): Promise<StoredCredential | undefined> {
    const { rows } = await this.pool.query<{
      key_id: string;
      ciphertext: Buffer;
      public_config: Record<string, string>;
    }>(
      `SELECT key_id, ciphertext, public_config FROM tenant_credentials
       WHERE tenant_id = $1 AND credential_type = $2 AND is_active`,
      [tenantId, type],
    );
    const row = rows[0];
    return (
      row && {
        type,
        sealed: { keyId: row.key_id, ciphertext: row.ciphertext },
        publicConfig: row.public_config,
      }
    );
  }

  /** Active tenants whose WhatsApp credentials name this business phone number (normally one). */
  async tenantsWithPhoneNumber(phoneNumberId: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ tenant_id: string }>(
      `SELECT c.tenant_id FROM tenant_credentials c JOIN tenants t USING (tenant_id)
        WHERE c.credential_type = 'whatsapp' AND c.is_active AND t.status = 'active'
          AND c.public_config ->> 'phoneNumberId' = $1
        ORDER BY c.tenant_id`,
      [phoneNumberId],
    );
    return rows.map((row) => row.tenant_id);
  }

  private inTransaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }
}

const upsertCredential = (client: PoolClient, tenantId: string, credential: StoredCredential) =>
  client.query(
    `INSERT INTO tenant_credentials (tenant_id, credential_type, key_id, ciphertext, public_config)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (tenant_id, credential_type) DO UPDATE
       SET key_id = EXCLUDED.key_id, ciphertext = EXCLUDED.ciphertext, public_config = EXCLUDED.public_config,
           is_active = true, updated_at = now()`,
    [
      tenantId,
      credential.type,
      credential.sealed.keyId,
      credential.sealed.ciphertext,
      credential.publicConfig,
    ],
  );

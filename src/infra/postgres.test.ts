import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createPool } from './postgres';

/** The TLS options a client of this pool would connect with (pg reads sslmode and sslrootcert from the URL). */
const sslOf = async (url: string) => {
  const pool = createPool(url);
  try {
    // connectionParameters is what the client connects with; @types/pg leaves it out.
    return (new Client(pool.options) as Client & { connectionParameters: { ssl: unknown } })
      .connectionParameters.ssl;
  } finally {
    await pool.end();
  }
};

describe('createPool honours the TLS settings of DATABASE_URL as given', () => {
  it('verifies the server against the CA file named by sslrootcert with sslmode=verify-full', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pg-ca-'));
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n');
    const ssl = await sslOf(`postgres://bridge@db.internal/bridge?sslmode=verify-full&sslrootcert=${ca}`);
    expect(ssl).toEqual({ ca: expect.stringContaining('fake') });
    expect(ssl).not.toHaveProperty('rejectUnauthorized', false);
  });

  it('uses TLS with verification against the system CAs for sslmode=verify-full alone', async () => {
    expect(await sslOf('postgres://bridge@db.internal/bridge?sslmode=verify-full')).toEqual({});
  });

  it('uses no TLS without sslmode or with sslmode=disable', async () => {
    expect(await sslOf('postgres://bridge@127.0.0.1/bridge')).toBe(false);
    expect(await sslOf('postgres://bridge@127.0.0.1/bridge?sslmode=disable')).toBe(false);
  });
});

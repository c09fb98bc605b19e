import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Pool } from 'pg';
import { createPool } from '../../src/infra/postgres';
import { createTestDatabase } from '../support/database';

// Each CLI run compiles through tsx, which takes seconds on this 2-core machine.
jest.setTimeout(90_000);

const cli = path.resolve(__dirname, '../../src/cli/main.ts');
const tsx = path.resolve(__dirname, '../../node_modules/.bin/tsx');

/** `bridge tenants add -` with the body on standard input; resolves with the exit code and both outputs. */
const tenantsAdd = (env: NodeJS.ProcessEnv, body: unknown) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(tsx, [cli, 'tenants', 'add', '-'], { env }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(JSON.stringify(body));
  });

const body = (overrides: Record<string, unknown>) => ({
  tenantId: 'acme',
  genesysIntegrationId: '73cb7fb7-c2db-4996-88f3-0a83a4fea1da',
  genesysWebhookSecret: 'webhook-secret-0123456789',
  genesysRegion: 'mypurecloud.ie',
  whatsapp: { phoneNumberId: '106540352242922', accessToken: 'EAAJ-secret-token' },
  ...overrides,
});

describe('bridge tenants add: tenant ids and Genesys regions', () => {
  let drop: () => Promise<void>;
  let pool: Pool;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    const database = await createTestDatabase('cli-tenants');
    drop = database.drop;
    pool = createPool(database.url, { max: 1 });
    env = {
      ...process.env,
      DATABASE_URL: database.url,
      REDIS_KEY_PREFIX: `cli-tenants-${randomBytes(4).toString('hex')}:`,
      CREDENTIALS_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'error',
      GENESYS_API_URL_TEMPLATE: 'https://api.{region}',
      GENESYS_LOGIN_URL_TEMPLATE: 'https://login.{region}',
    };
  });
  afterAll(async () => {
    await pool.end();
    await drop();
  });

  const tenantIds = async () =>
    (await pool.query<{ tenant_id: string }>('SELECT tenant_id FROM tenants ORDER BY tenant_id')).rows.map(
      (row) => row.tenant_id,
    );

  it('refuses an unknown region and a tenant id outside the charset, naming the fields, storing nothing', async () => {
    const result = await tenantsAdd(env, body({ tenantId: 'acme:eu', genesysRegion: 'evil.example.com' }));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('tenantId:');
    expect(result.stderr).toContain('genesysRegion: must be a Genesys Cloud region');
    expect(result.stderr).not.toContain('EAAJ-secret-token');
    expect(await tenantIds()).toEqual([]);
  });

  it('adds a tenant in a Genesys Cloud region; any region-shaped domain with simulator templates', async () => {
    expect((await tenantsAdd(env, body({}))).code).toBe(0);
    const simulated = await tenantsAdd(
      { ...env, GENESYS_API_URL_TEMPLATE: 'http://127.0.0.1:4010' },
      body({ tenantId: 'sim', genesysIntegrationId: 'int-sim', genesysRegion: 'sim.local.test' }),
    );
    expect(simulated).toMatchObject({ code: 0 });
    expect(await tenantIds()).toEqual(['acme', 'sim']);
  });
});

import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateSandboxSecrets, secretsEnvLines, writeSecretsFile } from './sandbox-secrets';

describe('generateSandboxSecrets', () => {
  it('makes every secret afresh, long and different, at each call', () => {
    const first = generateSandboxSecrets({});
    const second = generateSandboxSecrets({});
    const values = (s: typeof first) => [
      s.webhookSecret,
      s.whatsappToken,
      s.genesysClientSecret,
      s.metaAppSecret,
      s.metaVerifyToken,
      s.adminToken,
    ];
    expect(new Set([...values(first), ...values(second)]).size).toBe(12);
    for (const value of values(first)) expect(value).toMatch(/^[0-9a-f]{48}$/);
    expect(first.generated.map(([name]) => name)).toEqual([
      'SANDBOX_WEBHOOK_SECRET',
      'SANDBOX_WHATSAPP_TOKEN',
      'SANDBOX_GENESYS_CLIENT_SECRET',
      'META_APP_SECRET',
      'META_VERIFY_TOKEN',
      'ADMIN_TOKEN',
    ]);
  });

  it("keeps the operator's configured Meta secrets and admin token, and neither prints nor writes them", () => {
    const secrets = generateSandboxSecrets({
      META_APP_SECRET: 'configured-app-secret',
      META_VERIFY_TOKEN: 'configured-verify-token',
      ADMIN_TOKEN: 'configured-admin-token',
    });
    expect(secrets.metaAppSecret).toBe('configured-app-secret');
    expect(secrets.metaVerifyToken).toBe('configured-verify-token');
    expect(secrets.adminToken).toBe('configured-admin-token');
    expect(secrets.generated.map(([name]) => name)).toEqual([
      'SANDBOX_WEBHOOK_SECRET',
      'SANDBOX_WHATSAPP_TOKEN',
      'SANDBOX_GENESYS_CLIENT_SECRET',
    ]);
    expect(secretsEnvLines(secrets.generated).join('\n')).not.toContain('configured');
  });
});

describe('writeSecretsFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sandbox-secrets-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes NAME=value lines readable by the owner only, replacing a wider-open older file', async () => {
    const file = path.join(dir, 'sandbox', 'secrets.env');
    await writeSecretsFile(file, ['OLD=1']);
    await chmod(file, 0o644);

    await writeSecretsFile(file, secretsEnvLines([['SANDBOX_WEBHOOK_SECRET', 'abc']]));
    expect(await readFile(file, 'utf8')).toBe('SANDBOX_WEBHOOK_SECRET=abc\n');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(file))).mode & 0o777).toBe(0o700);
  });
});

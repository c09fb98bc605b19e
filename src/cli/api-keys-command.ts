import { Option, type Command } from 'commander';
import { API_KEY_SCOPES, type ApiKeyScope } from '../tenants/api-keys/api-key';
import { withCliContext } from './context';

/**
 * `bridge tenants keys create|list|revoke`: the CLI twin of /admin/tenants/:id/api-keys. A new key is printed
 * once, alone on stdout, so `KEY=$(bridge tenants keys create acme)` captures it and nothing else.
 */
export const registerApiKeyCommands = (tenants: Command) => {
  const keys = tenants
    .command('keys')
    .description("a tenant's API keys for the State Manager and audit routes");
  keys
    .command('create <tenantId>')
    .description('create a key; it is shown once (only its hash is stored)')
    .addOption(
      new Option('--scope <scope...>', 'what the key may do (repeatable)')
        .choices([...API_KEY_SCOPES])
        .default(['state:read']),
    )
    .option('--label <label>', 'who the key is for, e.g. the legacy caller')
    .action(async (tenantId: string, options: { scope: ApiKeyScope[]; label?: string }) => {
      await withCliContext(async ({ tenantAdmin, apiKeys }) => {
        if (!(await tenantAdmin.exists(tenantId))) throw new Error(`no tenant ${tenantId}`);
        const created = await apiKeys.create(tenantId, options.scope, options.label);
        process.stderr.write(`created key ${created.keyId} for ${tenantId} (${created.scopes.join(', ')})\n`);
        process.stdout.write(`${created.key}\n`);
      });
    });
  keys
    .command('list <tenantId>')
    .description("list a tenant's keys (ids, scopes, state; never the keys)")
    .option('--json', 'machine-readable output')
    .action(async (tenantId: string, options: { json?: boolean }) => {
      await withCliContext(async ({ apiKeys }) => {
        const list = await apiKeys.list(tenantId);
        if (options.json) return void process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        for (const key of list) {
          const state = key.revokedAt ? `revoked ${key.revokedAt}` : 'active';
          process.stdout.write(
            `${key.keyId}  ${key.scopes.join(',')}  ${state}  created ${key.createdAt}  ${key.label ?? ''}\n`,
          );
        }
      });
    });
  keys
    .command('revoke <tenantId> <keyId>')
    .description('revoke a key: refused everywhere within seconds')
    .action(async (tenantId: string, keyId: string) => {
      await withCliContext(async ({ apiKeys }) => {
        if (!(await apiKeys.revoke(tenantId, keyId)))
          throw new Error(`tenant ${tenantId} has no key ${keyId}`);
        process.stdout.write(`revoked key ${keyId} of ${tenantId}\n`);
      });
    });
};

import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { handleConversationCommand } from '../commands/conversation/handler';
import { conversationLinkInput } from '../http/schemas/conversation-link';
import { registerApiKeyCommands } from './api-keys-command';
import { withCliContext } from './context';

const readJson = async (file: string): Promise<unknown> => {
  const text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${file === '-' ? 'standard input' : file} is not valid JSON`);
  }
};

const readStdin = async () => {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

/** Zod issues as one line each, naming the field, never quoting a value (it may be a secret). */
const issuesOf = (error: { issues: { path: PropertyKey[]; message: string }[] }) =>
  error.issues
    .map((issue) => `  ${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`)
    .join('\n');

export const registerTenantCommands = (program: Command) => {
  const tenants = program.command('tenants').description('tenants and their credentials');
  registerApiKeyCommands(tenants);
  tenants
    .command('add <file>')
    .description('add a tenant from a JSON file (or - for standard input), shaped like POST /admin/tenants')
    .action(async (file: string) => {
      const body = await readJson(file);
      await withCliContext(async ({ tenantAdmin }) => {
        const parsed = tenantAdmin.creationInput.safeParse(body);
        if (!parsed.success) throw new Error(`the tenant is not valid:\n${issuesOf(parsed.error)}`);
        const tenant = await tenantAdmin.createTenant(parsed.data);
        process.stdout.write(
          `added tenant ${tenant.tenantId} (integration ${tenant.genesysIntegrationId})\n`,
        );
      });
    });
  tenants
    .command('list')
    .description('list tenants (never their secrets)')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      await withCliContext(async ({ tenantAdmin }) => {
        const list = await tenantAdmin.list();
        if (options.json) return void process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        const rows = list.map((t) => [
          t.tenantId,
          t.genesysIntegrationId,
          t.genesysRegion,
          t.mediaMode,
          t.status,
        ]);
        const header = ['TENANT', 'INTEGRATION', 'REGION', 'MEDIA', 'STATUS'];
        const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
        for (const row of [header, ...rows]) {
          process.stdout.write(`${row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')}\n`);
        }
      });
    });

  program
    .command('conversations')
    .description('conversation links')
    .command('link')
    .description('link a Genesys conversation to a customer WhatsApp id')
    .requiredOption('--tenant <tenantId>')
    .requiredOption('--conversation <conversationId>')
    .requiredOption('--wa-id <waId>')
    .option('--contact-name <name>')
    .option('--phone-number-id <id>')
    .action(
      async (options: {
        tenant: string;
        conversation: string;
        waId: string;
        contactName?: string;
        phoneNumberId?: string;
      }) => {
        const parsed = conversationLinkInput.safeParse({
          tenantId: options.tenant,
          conversationId: options.conversation,
          waId: options.waId,
          ...(options.contactName ? { contactName: options.contactName } : {}),
          ...(options.phoneNumberId ? { phoneNumberId: options.phoneNumberId } : {}),
        });
        if (!parsed.success) throw new Error(`the link is not valid:\n${issuesOf(parsed.error)}`);
        await withCliContext(async ({ store, tenantAdmin }) => {
          if (!(await tenantAdmin.exists(parsed.data.tenantId)))
            throw new Error(`no tenant ${parsed.data.tenantId}`);
          const { tenantId, ...link } = parsed.data;
          const result = await handleConversationCommand(store, tenantId, {
            type: 'LinkConversation',
            ...link,
          });
          process.stdout.write(
            result.isNoOp
              ? `conversation ${link.conversationId} already linked to ${link.waId}\n`
              : `linked conversation ${link.conversationId} to ${link.waId}\n`,
          );
        });
      },
    );
};

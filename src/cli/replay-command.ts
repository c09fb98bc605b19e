import type { Command } from 'commander';
import { auditConversation } from '../audit/conversation-audit';
import { formatTimeline } from '../audit/timeline-text';
import { withCliContext } from './context';

export const registerReplayCommand = (program: Command) =>
  program
    .command('replay')
    .description('audit replay')
    .command('conversation <conversationId>')
    .description('every event of a conversation in commit order, and the state it implies (now or --at)')
    .requiredOption('--tenant <tenantId>', 'the tenant the conversation belongs to')
    .option('--at <time>', 'the state as it was at this ISO 8601 time')
    .option('--json', 'machine-readable output')
    .action(async (conversationId: string, options: { tenant: string; at?: string; json?: boolean }) => {
      const at = options.at === undefined ? undefined : new Date(options.at);
      if (at && Number.isNaN(at.getTime()))
        throw new Error(`--at must be an ISO 8601 time, got ${options.at}`);
      await withCliContext(async ({ store, directory }) => {
        const audit = await auditConversation(
          store,
          async (integrationId) => (await directory.resolveIntegration(integrationId))?.webhookSecret,
          options.tenant,
          conversationId,
          at,
        );
        if (audit.events.length === 0) {
          throw new Error(`no events for conversation ${conversationId} of tenant ${options.tenant}`);
        }
        process.stdout.write(options.json ? `${JSON.stringify(audit, null, 2)}\n` : formatTimeline(audit));
      });
    });

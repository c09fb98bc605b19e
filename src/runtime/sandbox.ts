import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../infra/config';
import type { Logger } from '../infra/logger';
import { GenesysSimulator } from '../simulators/genesys';
import { startEchoAgent } from '../simulators/genesys/echo-agent';
import { outboundTextWebhook } from '../simulators/genesys/outbound-text-webhook';
import { MetaSimulator, type InboundWebhookInput } from '../simulators/meta';
import { generateSandboxSecrets, secretsEnvLines, writeSecretsFile } from './sandbox-secrets';
import type { Services } from './services';

/** The demo tenant sandbox mode creates; its ids are fixed so that a restart finds the same one. */
export const DEMO = {
  tenantId: 'demo',
  integrationId: 'demo-integration',
  region: 'mypurecloud.com',
  phoneNumberId: '100000000000001',
  conversationId: 'demo-conversation',
  waId: '15550001234',
  contactName: 'Demo Customer',
  clientId: 'demo-genesys-client',
} as const;

export interface Sandbox {
  config: Config;
  meta: MetaSimulator;
  genesys: GenesysSimulator;
  seed: (services: Services, publicUrl: string) => Promise<void>;
  stop: () => Promise<void>;
}

/**
 * Sandbox mode (`serve --sandbox` or BRIDGE_SANDBOX): the Meta and Genesys simulators run in this process on
 * loopback and the configuration points at them, so a newcomer sees a webhook travel the whole pipeline without
 * any account. Its secrets are new at every start (runtime/sandbox-secrets.ts): none is fixed anywhere.
 */
export const startSandbox = async (config: Config, logger: Logger): Promise<Sandbox> => {
  const secrets = generateSandboxSecrets(config);
  const meta = new MetaSimulator({ phoneNumbers: { [DEMO.phoneNumberId]: secrets.whatsappToken } });
  const genesys = new GenesysSimulator({ clients: { [DEMO.clientId]: secrets.genesysClientSecret } });
  await Promise.all([meta.start(), genesys.start()]);
  const log = logger.child({ component: 'sandbox' });
  let stopEcho: () => void = () => undefined;
  let seen = 0;
  const announce = setInterval(() => {
    for (const message of meta.sentMessages.slice(seen)) {
      log.info(
        { to: message.to, type: message.type, wamid: message.wamid, body: message.body[message.type] },
        'Meta simulator received a WhatsApp message',
      );
    }
    seen = meta.sentMessages.length;
  }, 200);

  return {
    config: {
      ...config,
      META_GRAPH_URL: meta.url,
      GENESYS_API_URL_TEMPLATE: genesys.url,
      GENESYS_LOGIN_URL_TEMPLATE: genesys.url,
      GENESYS_DOWNLOAD_ORIGIN_OVERRIDE: genesys.url,
      META_APP_SECRET: secrets.metaAppSecret,
      META_VERIFY_TOKEN: secrets.metaVerifyToken,
      ADMIN_TOKEN: secrets.adminToken,
    },
    meta,
    genesys,
    seed: async (services, publicUrl) => {
      const credentials = {
        genesysWebhookSecret: secrets.webhookSecret,
        genesysClientId: DEMO.clientId,
        genesysClientSecret: secrets.genesysClientSecret,
        whatsapp: { phoneNumberId: DEMO.phoneNumberId, accessToken: secrets.whatsappToken },
      };
      // The demo tenant outlives the process in the database: an earlier start's secrets are replaced, not kept.
      if (!(await services.tenantAdmin.putCredentials(DEMO.tenantId, credentials))) {
        await services.tenantAdmin.createTenant({
          tenantId: DEMO.tenantId,
          genesysIntegrationId: DEMO.integrationId,
          genesysRegion: DEMO.region,
          mediaMode: 'link',
          ...credentials,
        });
      }
      const { handleConversationCommand } = await import('../commands/conversation/handler');
      await handleConversationCommand(services.store, DEMO.tenantId, {
        type: 'LinkConversation',
        conversationId: DEMO.conversationId,
        waId: DEMO.waId,
        contactName: DEMO.contactName,
      });
      const directory = path.resolve(config.BRIDGE_SANDBOX_DIR);
      const secretsFile = path.join(directory, 'secrets.env');
      const webhookUrl = `${publicUrl}/webhook/genesys`;
      const metaWebhookUrl = `${publicUrl}/webhook/meta`;
      stopEcho = startEchoAgent(genesys, {
        webhookUrl,
        webhookSecret: secrets.webhookSecret,
        logger: log,
        linked: (conversationId) => conversationLinked(services, conversationId),
      });
      const lines = secretsEnvLines(secrets.generated);
      const written = await writeSecretsFile(secretsFile, [
        ...lines,
        `SANDBOX_WEBHOOK_URL=${webhookUrl}`,
        `SANDBOX_META_WEBHOOK_URL=${metaWebhookUrl}`,
      ])
        .then(() => writeFile(path.join(directory, 'demo-webhook.json'), demoWebhook()))
        .then(
          () => `also written to ${secretsFile} (mode 600), which ./scripts/send-demo-webhook.sh reads`,
          (error: Error) => `NOT written to ${secretsFile} (${error.message}): this is their only copy`,
        );
      // Printed once, here: the only place besides the file that shows them.
      log.warn(
        `SANDBOX MODE ready: Meta and Genesys are simulated on loopback, nothing reaches WhatsApp.\n\n` +
          `Sandbox-only secrets, generated at this start (an earlier start's no longer work):\n\n` +
          `${lines.map((line) => `  ${line}`).join('\n')}\n\n` +
          `${written}.\n\n` +
          `Send a signed Genesys webhook through the whole pipeline with:\n\n` +
          `  ./scripts/send-demo-webhook.sh "Hello from the sandbox"\n\n` +
          `(it POSTs to ${webhookUrl}; watch for "Meta simulator received a WhatsApp message")\n\n` +
          `Or play the customer; a built-in echo agent answers in Genesys:\n\n` +
          `  ./scripts/send-demo-webhook.sh --inbound "Hi"\n\n` +
          `(a signed Meta webhook to ${metaWebhookUrl}; watch for "echo agent answered")`,
      );
    },
    stop: async () => {
      stopEcho();
      clearInterval(announce);
      await Promise.all([meta.stop(), genesys.stop()]);
    },
  };
};

/**
 * Until the demo tenant's conversation is in the read model (up to 30 s, for a bridge still starting on a loaded
 * machine): the echo agent answers only then.
 */
const conversationLinked = async (services: Services, conversationId: string): Promise<void> => {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const { rowCount } = await services.pool.query(
      'SELECT 1 FROM conversation_mappings WHERE tenant_id = $1 AND conversation_id = $2',
      [DEMO.tenantId, conversationId],
    );
    if (rowCount) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

/** An Open Messaging outbound text webhook, shaped like Genesys' own, for the demo conversation. */
export const demoWebhook = (text = 'Hello from the sandbox', messageId = `demo-${Date.now()}`) =>
  outboundTextWebhook({
    integrationId: DEMO.integrationId,
    conversationId: DEMO.conversationId,
    customerId: DEMO.waId,
    text,
    messageId,
    nickname: 'Demo Agent',
    originatingEntity: 'Human',
  });

/** The demo customer writing to the demo business number: what `send-demo-webhook.sh --inbound` posts. */
export const demoInboundWebhook = (text: string): InboundWebhookInput => ({
  customer: { waId: DEMO.waId, name: DEMO.contactName },
  phoneNumberId: DEMO.phoneNumberId,
  messages: [text],
});

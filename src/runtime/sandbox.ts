import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../infra/config';
import type { Logger } from '../infra/logger';
import { GenesysSimulator } from '../simulators/genesys';
import { MetaSimulator } from '../simulators/meta';
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
 * Sandbox mode (no META_GRAPH_URL): the Meta and Genesys simulators run in this process on loopback and the
 * configuration points at them, so a newcomer sees a webhook travel the whole pipeline without any account.
 */
export const startSandbox = async (config: Config, logger: Logger): Promise<Sandbox> => {
  // Demo credentials, not secrets of anyone's: derived per machine by start.sh and kept in .cache/sandbox.env.
  const whatsappToken = process.env.SANDBOX_WHATSAPP_TOKEN ?? 'sandbox-whatsapp-token';
  const clientSecret = process.env.SANDBOX_GENESYS_CLIENT_SECRET ?? 'sandbox-genesys-client-secret';
  const meta = new MetaSimulator({ phoneNumbers: { [DEMO.phoneNumberId]: whatsappToken } });
  const genesys = new GenesysSimulator({ clients: { [DEMO.clientId]: clientSecret } });
  await Promise.all([meta.start(), genesys.start()]);
  const log = logger.child({ component: 'sandbox' });
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
    },
    meta,
    genesys,
    seed: async (services, publicUrl) => {
      const webhookSecret = process.env.SANDBOX_WEBHOOK_SECRET ?? 'sandbox-webhook-secret-0001';
      if (!(await services.tenantAdmin.exists(DEMO.tenantId))) {
        await services.tenantAdmin.createTenant({
          tenantId: DEMO.tenantId,
          genesysIntegrationId: DEMO.integrationId,
          genesysWebhookSecret: webhookSecret,
          genesysRegion: DEMO.region,
          genesysClientId: DEMO.clientId,
          genesysClientSecret: clientSecret,
          whatsapp: { phoneNumberId: DEMO.phoneNumberId, accessToken: whatsappToken },
          mediaMode: 'link',
        });
      }
      const { handleConversationCommand } = await import('../commands/conversation/handler');
      await handleConversationCommand(services.store, DEMO.tenantId, {
        type: 'LinkConversation',
        conversationId: DEMO.conversationId,
        waId: DEMO.waId,
        contactName: DEMO.contactName,
      });
      const file = path.resolve('.cache/sandbox/demo-webhook.json');
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, demoWebhook());
      log.info(
        `sandbox ready. Send a signed Genesys webhook through the whole pipeline with:\n\n` +
          `  ./scripts/send-demo-webhook.sh "Hello from the sandbox"\n\n` +
          `(it POSTs to ${publicUrl}/webhook/genesys; watch for "Meta simulator received a WhatsApp message")`,
      );
    },
    stop: async () => {
      clearInterval(announce);
      await Promise.all([meta.stop(), genesys.stop()]);
    },
  };
};

/** An Open Messaging outbound text webhook, shaped like Genesys' own, for the demo conversation. */
export const demoWebhook = (text = 'Hello from the sandbox', messageId = `demo-${Date.now()}`) =>
  `${JSON.stringify(
    {
      id: messageId,
      channel: {
        id: DEMO.integrationId,
        platform: 'Open',
        type: 'Private',
        messageId,
        to: { id: DEMO.waId, idType: 'Opaque' },
        from: { nickname: 'Demo Agent', id: DEMO.integrationId, idType: 'Opaque' },
        time: new Date().toISOString(),
      },
      conversationId: DEMO.conversationId,
      direction: 'Outbound',
      originatingEntity: 'Human',
      type: 'Text',
      text,
    },
    null,
    2,
  )}\n`;

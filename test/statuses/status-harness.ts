import type { LightMyRequestResponse } from 'fastify';
import type { KeyedConsumer } from '../../src/processors/runtime/keyed-consumer';
import { handleOutboundMessageCommand } from '../../src/commands/outbound-message/handler';
import { outboundStreamId } from '../../src/events/schemas/stream-ids';
import { Relay } from '../../src/events/relay/relay';
import { relayTopics, topicRouter } from '../../src/events/relay/topic-routing';
import { genesysWebhookSchema } from '../../src/contracts/genesys/outbound-webhook';
import { genesysSignature } from '../../src/http/signatures';
import { toReceiveWebhook } from '../../src/http/webhook-to-command';
import { GenesysTokenCache } from '../../src/processors/outbound/genesys-token-cache';
import type { ReceiptOutcome } from '../../src/processors/receipts/receipt-poster';
import { createReceiptProcessor } from '../../src/processors/receipts/receipt-processor';
import type { StatusOutcome } from '../../src/processors/statuses/status-applier';
import { createStatusProcessor, type StatusProcessor } from '../../src/processors/statuses/status-processor';
import { GenesysSimulator } from '../../src/simulators/genesys';
import { signMetaWebhook } from '../../src/simulators/meta';
import { startTestBridge, type TestBridge } from '../support/bridge';
import { fixtureBytes } from '../support/fixtures';
import { waitFor } from '../support/wait';

export const META_APP_SECRET = 'statuses-meta-app-secret';
export const GENESYS_CLIENT_ID = 'receipts-client';
export const GENESYS_CLIENT_SECRET = 'receipts-client-secret';
/** The integration of genesys/outbound-text.json. */
export const INTEGRATION_ID = '73cb7fb7-c2db-4996-88f3-0a83a4fea1da';
export const CUSTOMER_ID = 'abcdef12345@socialmedia';
/** The tenants' WhatsApp number unless a test names another; statusWebhookBody's default. */
export const PHONE_NUMBER_ID = '106540352242922';

export interface SentMessage {
  tenantId: string;
  genesysMessageId: string;
  streamId: string;
}

export interface StatusHarness {
  bridge: TestBridge;
  genesys: GenesysSimulator;
  statuses: StatusProcessor;
  receipts: KeyedConsumer;
  relay: Relay;
  /** What became of every status and receipt so far, by outcome. */
  statusCounts: Record<StatusOutcome, number>;
  receiptCounts: Record<ReceiptOutcome, number>;
  /** Waits until the status processor has handled `count` statuses in all (any outcome). */
  waitForStatusesHandled: (count: number) => Promise<void>;
  /** POSTs a body to /webhook/meta exactly as given, signed like Meta signs it. */
  postMeta: (body: Buffer | string) => Promise<LightMyRequestResponse>;
  /** Creates a tenant through the admin API, with or without Genesys API credentials. */
  addTenant: (
    tenantId: string,
    options?: { integrationId?: string; withGenesysOAuth?: boolean; phoneNumberId?: string },
  ) => Promise<void>;
  /** Records a Genesys webhook (the outbound-text fixture) and Meta's acceptance of each part, like the driver. */
  sendMessage: (message: {
    tenantId: string;
    genesysMessageId: string;
    wamids: string[];
  }) => Promise<SentMessage>;
  /** Records a Genesys webhook for which no WhatsApp mapping exists. */
  unmappedMessage: (message: { tenantId: string; genesysMessageId: string }) => Promise<SentMessage>;
  stop: () => Promise<void>;
}

const receiveWebhook = (genesysMessageId: string) => {
  const raw = fixtureBytes('genesys/outbound-text.json');
  const webhook = genesysWebhookSchema.parse(JSON.parse(raw.toString('utf8')));
  // The fixture's body, verbatim; each test message gets its own id (the fixture's id would make them one stream).
  return {
    ...toReceiveWebhook(webhook, {
      body: raw.toString('utf8'),
      signature: genesysSignature('fixture-webhook-secret', raw),
      receivedAt: new Date().toISOString(),
    }),
    genesysMessageId,
    conversationId: `conversation-${genesysMessageId}`,
  };
};

/**
 * One test bridge (real PostgreSQL, Redis, Kafka) with the relay and both processors of this feature running in
 * its namespace, and a Genesys simulator for receipts. Meta is played by signed webhook bodies.
 */
export const startStatusHarness = async (
  label: string,
  options: { sweepIntervalMs?: number } = {},
): Promise<StatusHarness> => {
  const genesys = new GenesysSimulator({ clients: { [GENESYS_CLIENT_ID]: GENESYS_CLIENT_SECRET } });
  await genesys.start();
  const bridge = await startTestBridge(label, {
    META_APP_SECRET,
    GENESYS_API_URL_TEMPLATE: genesys.url,
    GENESYS_LOGIN_URL_TEMPLATE: genesys.url,
    KAFKA_TOPIC_PARTITIONS: '3',
  });
  const { config, connections, services } = bridge;
  const logger = bridge.app.log as never;
  const prefix = config.KAFKA_TOPIC_PREFIX;
  const statusCounts: Record<StatusOutcome, number> = {
    applied: 0,
    unchanged: 0,
    parked: 0,
    ignored: 0,
    rejected: 0,
    'wrong-number': 0,
  };
  const receiptCounts: Record<ReceiptOutcome, number> = {
    posted: 0,
    'not-due': 0,
    'no-credentials': 0,
    refused: 0,
  };
  const relay = new Relay({
    pool: connections.pool,
    store: services.store,
    kafka: connections.kafka,
    logger,
    topicFor: topicRouter(prefix),
    topics: relayTopics(prefix, config.KAFKA_TOPIC_PARTITIONS),
    batchSize: 1000,
    pollIntervalMs: 50,
  });
  const statuses = createStatusProcessor({
    kafka: connections.kafka,
    pool: connections.pool,
    store: services.store,
    logger,
    topicPrefix: prefix,
    groupId: `${prefix}processor.statuses`,
    sweepIntervalMs: options.sweepIntervalMs ?? 0,
    observe: (outcome, count) => {
      statusCounts[outcome] += count;
    },
  });
  const receipts = createReceiptProcessor({
    kafka: connections.kafka,
    pool: connections.pool,
    store: services.store,
    directory: services.directory,
    tokens: new GenesysTokenCache(connections.redis, services.cipher, logger, 2000),
    logger,
    topicPrefix: prefix,
    groupId: `${prefix}processor.receipts`,
    apiUrlTemplate: config.GENESYS_API_URL_TEMPLATE,
    loginUrlTemplate: config.GENESYS_LOGIN_URL_TEMPLATE,
    timeoutMs: 2000,
    retryDelayMs: () => 50,
    observe: (outcome) => {
      receiptCounts[outcome] += 1;
    },
  });
  // The relay creates the topics; consumers subscribing earlier would have the broker auto-create them.
  await relay.start();
  await statuses.start();
  await receipts.start();

  const admin = { authorization: `Bearer ${bridge.adminToken}` };
  const run = (
    ref: { tenantId: string; genesysMessageId: string },
    command: Parameters<typeof handleOutboundMessageCommand>[2],
  ) => handleOutboundMessageCommand(services.store, ref, command);

  return {
    bridge,
    genesys,
    statuses,
    receipts,
    relay,
    statusCounts,
    receiptCounts,
    waitForStatusesHandled: (count) =>
      waitFor(`${count} statuses handled`, async () =>
        Object.values(statusCounts).reduce((sum, n) => sum + n, 0) >= count ? true : undefined,
      ).then(() => undefined),
    postMeta: (body) =>
      bridge.app.inject({
        method: 'POST',
        url: '/webhook/meta',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': signMetaWebhook(META_APP_SECRET, body),
        },
        payload: body,
      }),
    addTenant: async (
      tenantId,
      { integrationId = INTEGRATION_ID, withGenesysOAuth = true, phoneNumberId = PHONE_NUMBER_ID } = {},
    ) => {
      const response = await bridge.internal.inject({
        method: 'POST',
        url: '/admin/tenants',
        headers: admin,
        payload: {
          tenantId,
          genesysIntegrationId: integrationId,
          genesysWebhookSecret: 'statuses-webhook-secret-0123456789',
          genesysRegion: 'usw2.pure.cloud',
          ...(withGenesysOAuth
            ? { genesysClientId: GENESYS_CLIENT_ID, genesysClientSecret: GENESYS_CLIENT_SECRET }
            : {}),
          whatsapp: { phoneNumberId, accessToken: 'EAAJ-statuses-token' },
        },
      });
      if (response.statusCode !== 201) throw new Error(`tenant not created: ${response.body}`);
    },
    sendMessage: async ({ tenantId, genesysMessageId, wamids }) => {
      const ref = { tenantId, genesysMessageId };
      await run(ref, receiveWebhook(genesysMessageId));
      await run(ref, { type: 'ResolveMapping', waId: '16505551234', resolvedBy: 'conversationId' });
      await run(ref, { type: 'RequestSend', partCount: wamids.length, metaMessageType: 'text' });
      for (const [partIndex, wamid] of wamids.entries())
        await run(ref, { type: 'RecordSent', wamid, partIndex });
      return { ...ref, streamId: outboundStreamId(tenantId, genesysMessageId) };
    },
    unmappedMessage: async ({ tenantId, genesysMessageId }) => {
      const ref = { tenantId, genesysMessageId };
      await run(ref, receiveWebhook(genesysMessageId));
      await run(ref, { type: 'RecordMappingMissing', reason: 'NoMappingFound' });
      return { ...ref, streamId: outboundStreamId(tenantId, genesysMessageId) };
    },
    stop: async () => {
      await receipts.stop();
      await statuses.stop();
      await relay.stop();
      const kafkaAdmin = connections.kafka.admin();
      await kafkaAdmin.connect();
      try {
        const topics = (await kafkaAdmin.listTopics()).filter((topic) => topic.startsWith(prefix));
        if (topics.length > 0) await kafkaAdmin.deleteTopics({ topics });
      } finally {
        await kafkaAdmin.disconnect();
      }
      await bridge.close();
      await genesys.stop();
    },
  };
};

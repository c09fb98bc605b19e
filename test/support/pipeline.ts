import { buildWorkers, ROLES, type Role, type Worker, type WorkerOptions } from '../../src/runtime/workers';
import { GenesysSimulator } from '../../src/simulators/genesys';
import { MetaSimulator } from '../../src/simulators/meta';
import type { DestinationStream } from 'pino';
import { startTestBridge, type TestBridge } from './bridge';
import { waitFor } from './wait';

export const PHONE_NUMBER_ID = '106540352242922';
export const META_TOKEN = 'EAAJ-test-whatsapp-token';
export const GENESYS_CLIENT_ID = 'genesys-client';
export const GENESYS_CLIENT_SECRET = 'genesys-client-secret';

export interface TestPipeline extends TestBridge {
  meta: MetaSimulator;
  genesys: GenesysSimulator;
  workers: Worker[];
  /** Creates a tenant through the admin API. */
  addTenant: (tenant: {
    tenantId: string;
    integrationId: string;
    region: string;
    webhookSecret: string;
    mediaMode?: 'link' | 'upload';
    /** More WhatsApp settings (e.g. the default template), beside the simulator's number and token. */
    whatsapp?: Record<string, unknown>;
  }) => Promise<void>;
  /**
   * Links a conversation to a wa_id through the admin API and, when the projector runs, waits until the mapping
   * projection applied it: traffic sent earlier would (rightly) be answered 404 / MappingMissing.
   */
  link: (tenantId: string, conversationId: string, waId: string, contactName?: string) => Promise<void>;
  stop: () => Promise<void>;
}

/**
 * The whole outbound path on real services: HTTP → PostgreSQL → relay → Kafka → processors → the Meta and Genesys
 * simulators (real HTTP servers on loopback). Each call gets its own namespace, so files run in parallel.
 */
export const startPipeline = async (
  label: string,
  options: {
    roles?: Role[];
    env?: Record<string, string>;
    workers?: WorkerOptions;
    logTo?: DestinationStream;
  } = {},
): Promise<TestPipeline> => {
  const meta = new MetaSimulator({ phoneNumbers: { [PHONE_NUMBER_ID]: META_TOKEN } });
  const genesys = new GenesysSimulator({ clients: { [GENESYS_CLIENT_ID]: GENESYS_CLIENT_SECRET } });
  await Promise.all([meta.start(), genesys.start()]);
  const bridge = await startTestBridge(
    label,
    {
      META_GRAPH_URL: meta.url,
      GENESYS_API_URL_TEMPLATE: genesys.url,
      GENESYS_LOGIN_URL_TEMPLATE: genesys.url,
      GENESYS_DOWNLOAD_ORIGIN_OVERRIDE: genesys.url,
      KAFKA_TOPIC_PARTITIONS: '3',
      META_REQUEST_TIMEOUT_MS: '1500',
      ...options.env,
    },
    options.logTo ? { logDestination: options.logTo } : {},
  );
  const roles = new Set<Role>(options.roles ?? ROLES);
  const workers = buildWorkers(
    roles,
    bridge.config,
    bridge.connections,
    bridge.services,
    bridge.app.log as never,
    {
      ...options.workers,
      // A conversation links within the second here: a message with no mapping ends after 1 s, not 15.
      driver: {
        reconcileWindowMs: 1000,
        mappingGraceMs: 1000,
        backoffPolicy: fastBackoff,
        ...options.workers?.driver,
      },
    },
  );
  for (const worker of workers) await worker.start();

  const admin = { authorization: `Bearer ${bridge.adminToken}` };
  return {
    ...bridge,
    meta,
    genesys,
    workers,
    addTenant: async ({ tenantId, integrationId, region, webhookSecret, mediaMode, whatsapp }) => {
      const response = await bridge.internal.inject({
        method: 'POST',
        url: '/admin/tenants',
        headers: admin,
        payload: {
          tenantId,
          genesysIntegrationId: integrationId,
          genesysWebhookSecret: webhookSecret,
          genesysRegion: region,
          genesysClientId: GENESYS_CLIENT_ID,
          genesysClientSecret: GENESYS_CLIENT_SECRET,
          whatsapp: { phoneNumberId: PHONE_NUMBER_ID, accessToken: META_TOKEN, ...whatsapp },
          ...(mediaMode ? { mediaMode } : {}),
        },
      });
      if (response.statusCode !== 201) throw new Error(`tenant not created: ${response.body}`);
    },
    link: async (tenantId, conversationId, waId, contactName) => {
      const response = await bridge.internal.inject({
        method: 'POST',
        url: '/admin/conversations',
        headers: admin,
        payload: { tenantId, conversationId, waId, ...(contactName ? { contactName } : {}) },
      });
      if (response.statusCode !== 201) throw new Error(`conversation not linked: ${response.body}`);
      if (!roles.has('projector')) return;
      await waitFor(
        `the mapping of ${conversationId} to reach conversation_mappings`,
        async () => {
          const { rowCount } = await bridge.connections.pool.query(
            'SELECT 1 FROM conversation_mappings WHERE tenant_id = $1 AND conversation_id = $2',
            [tenantId, conversationId],
          );
          return rowCount ? true : undefined;
          // The first link of a pipeline waits for its consumer groups to join: seconds, more when the suite loads
          // the machine.
        },
        45_000,
      );
    },
    stop: async () => {
      // Consumers leave their groups in parallel: each takes seconds, and nothing orders them.
      await Promise.all(workers.map((worker) => worker.stop()));
      const topics = (await bridge.connections.kafkaAdmin.listTopics()).filter((topic) =>
        topic.startsWith(bridge.ns.topicPrefix),
      );
      if (topics.length) await bridge.connections.kafkaAdmin.deleteTopics({ topics }).catch(() => undefined);
      await bridge.close();
      await Promise.all([meta.stop(), genesys.stop()]);
    },
  };
};

/** Retries in milliseconds rather than seconds: the rules are the same, the test is just faster. */
const fastBackoff = {
  retryableBaseMs: 20,
  retryableCapMs: 200,
  rateLimitedBaseMs: 20,
  rateLimitedCapMs: 200,
  pairRateLimitFloorMs: 20,
  maxRetryAfterMs: 500,
};

/**
 * A pipeline with one tenant that customers write to: the public listener on a real port, since the Meta
 * simulator signs and POSTs like Meta. Answers the pipeline and the URL of its Meta webhook.
 */
export const startCustomerPipeline = async (
  label: string,
  tenant: { tenantId: string; integrationId: string; webhookSecret: string },
  options: Parameters<typeof startPipeline>[1] = {},
): Promise<{ pipeline: TestPipeline; metaWebhookUrl: string }> => {
  const pipeline = await startPipeline(label, options);
  await pipeline.addTenant({ ...tenant, region: 'mypurecloud.com' });
  const metaWebhookUrl = `${await pipeline.app.listen({ host: '127.0.0.1', port: 0 })}/webhook/meta`;
  return { pipeline, metaWebhookUrl };
};

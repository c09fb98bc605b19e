import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { HTTP_BODY_LIMIT_BYTES } from '../events/relay/event-size';
import type { RelayHealth } from '../events/relay/relay-health';
import type { EventStore } from '../events/store/types';
import type { Logger } from '../infra/logger';
import { OutageLog } from '../infra/outage-log';
import type { Metrics } from '../infra/metrics';
import type { DependencyCheck } from '../infra/readiness';
import type { MappingResolver } from '../projections/mapping-resolver';
import type { ApiKeys } from '../tenants/api-keys/api-keys';
import type { TenantAdmin } from '../tenants/tenant-admin';
import type { TenantDirectory } from '../tenants/tenant-directory';
import { registerErrorHandler } from './errors';
import { adminPlugin } from './plugins/admin';
import { auditPlugin } from './plugins/audit';
import { storedInboundMessageStreams } from './genesys-inbound-receipt';
import { genesysWebhookPlugin } from './plugins/genesys-webhook';
import { livenessPlugin, readinessPlugin } from './plugins/health';
import { metaWebhookPlugin } from './plugins/meta-webhook';
import { InboundRecorder } from '../commands/customer/inbound-recorder';
import { TenantRepository } from '../tenants/tenant-repository';
import { metricsPlugin, webhookLatencyPlugin } from './plugins/metrics';
import { statePlugin } from './plugins/state';

export interface AppDeps {
  logger: Logger;
  checks: DependencyCheck[];
  store: EventStore;
  directory: TenantDirectory;
  tenantAdmin: TenantAdmin;
  apiKeys: ApiKeys;
  adminToken: string | undefined;
  /** METRICS_TOKEN: when set, /metrics needs it as a bearer token. */
  metricsToken?: string | undefined;
  /** META_APP_SECRET and META_VERIFY_TOKEN (POST signatures and the GET handshake of /webhook/meta). */
  metaAppSecret?: string | undefined;
  metaVerifyToken?: string | undefined;
  metrics: Metrics;
  pool: Pool;
  /** The webhook routes' own store and connections (PG_WEBHOOK_POOL_MAX), apart from the workers' `pool`. */
  webhookStore: EventStore;
  webhookPool: Pool;
  mappings: MappingResolver;
  /** WEBHOOK_STORE_TIMEOUT_MS: a webhook whose store work takes longer answers 503. */
  webhookStoreTimeoutMs?: number;
  /** Refreshes lag gauges before a scrape. */
  refreshMetrics?: () => Promise<void>;
  /** What this process's relay reports (shown by /readyz). */
  relayHealth?: RelayHealth;
}

/**
 * The two listeners of one process. The public one faces Genesys and Meta (and so the internet): it serves the
 * signed webhooks and liveness, and nothing else. The internal one (loopback by default) serves the State Manager
 * API, audit, admin, readiness and metrics, each behind a credential.
 */
export interface BridgeApps {
  public: FastifyInstance;
  internal: FastifyInstance;
}

const createFastify = (logger: Logger): FastifyInstance => {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Kafka's topic limits are derived from this one (src/events/relay/event-size.ts).
    bodyLimit: HTTP_BODY_LIMIT_BYTES,
    // Request lines are logged by our own hooks (with the correlation id), not by Fastify's defaults.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    // The correlation id follows a message from its webhook into every event and log line down to Meta: a caller's
    // own id is kept when it looks like one, otherwise a fresh uuid.
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-correlation-id'];
      return typeof given === 'string' && /^[A-Za-z0-9._:-]{8,64}$/.test(given) ? given : randomUUID();
    },
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-correlation-id', request.id);
  });
  registerErrorHandler(app);
  return app;
};

/** The public listener's app: webhooks and /healthz; every other path is 404. */
export const buildPublicApp = async (deps: AppDeps): Promise<FastifyInstance> => {
  const app = createFastify(deps.logger);
  await app.register(livenessPlugin);
  await app.register(webhookLatencyPlugin, { metrics: deps.metrics });
  const storeTimeout = deps.webhookStoreTimeoutMs ? { storeTimeoutMs: deps.webhookStoreTimeoutMs } : {};
  const storeOutage = new OutageLog({
    dependency: 'postgres',
    logger: deps.logger.child({ component: 'webhooks' }),
  });
  app.addHook('onClose', async () => storeOutage.close());
  await app.register(genesysWebhookPlugin, {
    store: deps.webhookStore,
    directory: deps.directory,
    storeOutage,
    inboundMessages: storedInboundMessageStreams(deps.webhookPool),
    ...storeTimeout,
  });
  await app.register(metaWebhookPlugin, {
    store: deps.webhookStore,
    storeOutage,
    ...storeTimeout,
    onInvalidStatuses: (count: number) => deps.metrics.metaInvalidStatuses.inc(count),
    appSecret: deps.metaAppSecret,
    verifyToken: deps.metaVerifyToken,
    inbound: new InboundRecorder(
      deps.webhookStore,
      new TenantRepository(deps.webhookPool),
      deps.logger.child({ component: 'webhook.meta' }),
    ),
  });
  return app;
};

/** The internal listener's app: every route behind the admin token, a tenant API key or METRICS_TOKEN. */
export const buildInternalApp = async (deps: AppDeps): Promise<FastifyInstance> => {
  const app = createFastify(deps.logger);
  await app.register(readinessPlugin, { checks: deps.checks, relayHealth: deps.relayHealth });
  await app.register(metricsPlugin, {
    metrics: deps.metrics,
    token: deps.metricsToken,
    ...(deps.refreshMetrics ? { refresh: deps.refreshMetrics } : {}),
  });
  await app.register(adminPlugin, {
    adminToken: deps.adminToken,
    tenants: deps.tenantAdmin,
    store: deps.store,
    apiKeys: deps.apiKeys,
  });
  await app.register(statePlugin, {
    store: deps.store,
    pool: deps.pool,
    mappings: deps.mappings,
    apiKeys: deps.apiKeys,
  });
  await app.register(auditPlugin, {
    store: deps.store,
    adminToken: deps.adminToken,
    apiKeys: deps.apiKeys,
    webhookSecret: async (integrationId) =>
      (await deps.directory.resolveIntegration(integrationId))?.webhookSecret,
  });
  return app;
};

/** Builds both apps from already-connected dependencies; `serve` and the tests both call it. */
export const buildApps = async (deps: AppDeps): Promise<BridgeApps> => ({
  public: await buildPublicApp(deps),
  internal: await buildInternalApp(deps),
});

import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { EventStore } from '../events/store/types';
import type { Logger } from '../infra/logger';
import type { Metrics } from '../infra/metrics';
import type { DependencyCheck } from '../infra/readiness';
import type { TenantAdmin } from '../tenants/tenant-admin';
import type { TenantDirectory } from '../tenants/tenant-directory';
import { registerErrorHandler } from './errors';
import { adminPlugin } from './plugins/admin';
import { auditPlugin } from './plugins/audit';
import { statePlugin } from './plugins/state';
import type { Pool } from 'pg';
import type { MappingResolver } from '../processors/outbound/mapping-resolver';
import { genesysWebhookPlugin } from './plugins/genesys-webhook';
import { healthPlugin } from './plugins/health';
import { metaWebhookPlugin } from './plugins/meta-webhook';
import { metricsPlugin } from './plugins/metrics';

export interface AppDeps {
  logger: Logger;
  checks: DependencyCheck[];
  store: EventStore;
  directory: TenantDirectory;
  tenantAdmin: TenantAdmin;
  adminToken: string | undefined;
  /** META_APP_SECRET and META_VERIFY_TOKEN (POST signatures and the GET handshake of /webhook/meta). */
  metaAppSecret?: string | undefined;
  metaVerifyToken?: string | undefined;
  metrics: Metrics;
  pool: Pool;
  mappings: MappingResolver;
  /** Refreshes lag gauges before a scrape. */
  refreshMetrics?: () => Promise<void>;
}

/** Builds the HTTP app from already-connected dependencies; `serve` and the tests both call it. */
export const buildApp = async (deps: AppDeps): Promise<FastifyInstance> => {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
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
  await app.register(healthPlugin, { checks: deps.checks });
  await app.register(metricsPlugin, {
    metrics: deps.metrics,
    ...(deps.refreshMetrics ? { refresh: deps.refreshMetrics } : {}),
  });
  await app.register(genesysWebhookPlugin, { store: deps.store, directory: deps.directory });
  await app.register(metaWebhookPlugin, {
    store: deps.store,
    appSecret: deps.metaAppSecret,
    verifyToken: deps.metaVerifyToken,
  });
  await app.register(adminPlugin, {
    adminToken: deps.adminToken,
    tenants: deps.tenantAdmin,
    store: deps.store,
  });
  await app.register(statePlugin, { store: deps.store, pool: deps.pool, mappings: deps.mappings });
  await app.register(auditPlugin, {
    store: deps.store,
    adminToken: deps.adminToken,
    webhookSecret: async (integrationId) =>
      (await deps.directory.resolveIntegration(integrationId))?.webhookSecret,
  });
  return app;
};

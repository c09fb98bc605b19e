import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { buildApps } from '../../src/http/app';
import type { ApiKeyScope } from '../../src/tenants/api-keys/api-key';
import { loadConfig, type Config } from '../../src/infra/config';
import { openConnections, type Connections } from '../../src/infra/connections';
import { createLogger } from '../../src/infra/logger';
import { ensureBucket } from '../../src/infra/s3';
import { metricsRefresher } from '../../src/runtime/metrics-refresh';
import { buildServices, type Services } from '../../src/runtime/services';
import { createTestDatabase } from './database';
import { createNamespace, namespaceEnv, type TestNamespace } from './namespace';
import { removeNamespace } from './namespace-cleanup';

export interface TestBridge {
  ns: TestNamespace;
  config: Config;
  connections: Connections;
  services: Services;
  /** The public listener's app: webhooks and /healthz. */
  app: FastifyInstance;
  /** The internal listener's app: State Manager API, audit, admin, /readyz, /metrics. */
  internal: FastifyInstance;
  adminToken: string;
  /** Creates a tenant through the admin API (a body shaped like POST /admin/tenants); throws unless 201. */
  createTenant: (body: Record<string, unknown>) => Promise<void>;
  /** Creates an API key for a tenant through the admin API; answers the headers a legacy caller sends. */
  apiKeyHeaders: (tenantId: string, scopes?: ApiKeyScope[]) => Promise<Record<string, string>>;
  close: () => Promise<void>;
}

/**
 * A bridge wired to the real services, in a namespace of its own: its own database (cloned from the migrated
 * template), topic prefix, Redis key prefix, queue and buckets. `env` overrides any setting; `logDestination`
 * receives the app's log lines (set LOG_LEVEL in `env` too, the tests default to silent) for tests that read them.
 */
export const startTestBridge = async (
  label: string,
  env: Record<string, string> = {},
  /** logDestination: where the bridge's log lines go (default stdout), e.g. a collector searched for secrets. */
  /** databaseUrl: rewrites the URL of the bridge's database (e.g. through bench/lib/faults/tcp-proxy.ts). */
  options: { logDestination?: DestinationStream; databaseUrl?: (url: string) => string } = {},
): Promise<TestBridge> => {
  const ns = createNamespace(label);
  const db = await createTestDatabase(label);
  const adminToken = randomBytes(16).toString('hex');
  const config = loadConfig({
    ...namespaceEnv(ns, options.databaseUrl ? options.databaseUrl(db.url) : db.url),
    CREDENTIALS_KEY: randomBytes(32).toString('base64'),
    ADMIN_TOKEN: adminToken,
    META_APP_SECRET: 'test-meta-app-secret',
    META_VERIFY_TOKEN: 'test-verify-token',
    ...env,
  });
  const logger = createLogger(config.LOG_LEVEL, options.logDestination);
  const connections = await openConnections(config, logger);
  for (const bucket of [config.S3_MEDIA_BUCKET, config.S3_ARCHIVE_BUCKET, config.S3_INBOUND_MEDIA_BUCKET]) {
    await ensureBucket(connections.s3, bucket, config.S3_REGION);
  }
  const services = buildServices(config, connections, logger);
  const apps = await buildApps({
    logger,
    checks: connections.checks,
    ...services,
    adminToken,
    metricsToken: config.METRICS_TOKEN,
    metaAppSecret: config.META_APP_SECRET,
    metaVerifyToken: config.META_VERIFY_TOKEN,
    refreshMetrics: metricsRefresher(config, connections, services, logger),
  });
  return {
    ns,
    config,
    connections,
    services,
    app: apps.public,
    internal: apps.internal,
    adminToken,
    createTenant: async (body) => {
      const answer = await apps.internal.inject({
        method: 'POST',
        url: '/admin/tenants',
        headers: { authorization: `Bearer ${adminToken}` },
        payload: body,
      });
      if (answer.statusCode !== 201) throw new Error(`tenant not created: ${answer.body}`);
    },
    apiKeyHeaders: async (tenantId, scopes = ['state:read', 'state:write', 'audit:read']) => {
      const answer = await apps.internal.inject({
        method: 'POST',
        url: `/admin/tenants/${tenantId}/api-keys`,
        headers: { authorization: `Bearer ${adminToken}` },
        payload: { scopes },
      });
      if (answer.statusCode !== 201) throw new Error(`API key not created: ${answer.body}`);
      return { authorization: `Bearer ${(answer.json() as { key: string }).key}` };
    },
    close: async () => {
      await Promise.all([apps.public.close(), apps.internal.close()]);
      await connections.close();
      // Topics, the legacy queue (declared by an amqp bridge), Redis keys and buckets: nothing stays behind.
      await removeNamespace(ns, {
        queues: [config.AMQP_OUTBOUND_QUEUE],
        buckets: [config.S3_MEDIA_BUCKET, config.S3_ARCHIVE_BUCKET, config.S3_INBOUND_MEDIA_BUCKET],
      });
      await db.drop();
    },
  };
};

import { anyGenesysRegionAllowed } from '../clients/genesys/regions';
import { meteredEventStore } from '../events/store/metered-event-store';
import { GroupCommitEventStore } from '../events/store/group-commit';
import { PostgresEventStore } from '../events/store/postgres-event-store';
import type { Config } from '../infra/config';
import type { Connections } from '../infra/connections';
import type { Logger } from '../infra/logger';
import { createMetrics, type Metrics } from '../infra/metrics';
import { cipherFromConfig } from '../tenants/credentials-cipher';
import { TenantAdmin } from '../tenants/tenant-admin';
import { TenantDirectory } from '../tenants/tenant-directory';
import { TenantRepository } from '../tenants/tenant-repository';
import { RelayHealth } from '../events/relay/relay-health';
import { MappingResolver } from '../projections/mapping-resolver';
import { ApiKeyRepository } from '../tenants/api-keys/api-key-repository';
import { ApiKeys } from '../tenants/api-keys/api-keys';

/** Appends per group commit: well below PostgreSQL's 64 cached subtransactions (010_append_to_streams.sql). */
const WEBHOOK_APPEND_BATCH_MAX = 32;

/** The application services of one process, built from its connections. No I/O happens here. */
export const buildServices = (
  config: Config,
  connections: Connections,
  logger: Logger,
  metrics: Metrics = createMetrics({ defaultMetrics: false }),
) => {
  const countAppended = (type: string, n: number) => metrics.eventsAppended.inc({ type }, n);
  const store = meteredEventStore(new PostgresEventStore(connections.pool), countAppended);
  // The webhook routes' appends, on their own connections, share transactions when they arrive together.
  const webhookStore = meteredEventStore(
    new GroupCommitEventStore(connections.webhookPool, {
      maxInFlight: config.WEBHOOK_APPENDS_IN_FLIGHT,
      maxBatch: WEBHOOK_APPEND_BATCH_MAX,
    }),
    countAppended,
  );
  // Every webhook looks its tenant up (on a cache miss, in PostgreSQL): on the webhook routes' connections. The
  // workers' lookups are cached the same way and rarely reach the database.
  const repository = new TenantRepository(connections.webhookPool);
  const cipher = cipherFromConfig(config);
  const directory = new TenantDirectory(repository, cipher, connections.redis, logger, (cache, outcome) =>
    metrics.cacheRequests.inc({ cache, outcome }),
  );
  const tenantAdmin = new TenantAdmin(repository, cipher, directory, {
    anyGenesysRegion: anyGenesysRegionAllowed(config),
  });
  const mappings = new MappingResolver(connections.pool, connections.redis, logger, (outcome) =>
    metrics.cacheRequests.inc({ cache: 'mapping', outcome }),
  );
  const apiKeys = new ApiKeys(new ApiKeyRepository(connections.pool));
  // Written by this process's relay, read by its health view and metrics.
  const relayHealth = new RelayHealth({
    unpublishable: (count) => metrics.relayUnpublishable.set(count),
    topicsTooSmall: (count) => metrics.relayTopicsTooSmall.set(count),
  });
  return {
    pool: connections.pool,
    store,
    webhookPool: connections.webhookPool,
    webhookStore,
    repository,
    cipher,
    directory,
    tenantAdmin,
    apiKeys,
    mappings,
    metrics,
    webhookStoreTimeoutMs: config.WEBHOOK_STORE_TIMEOUT_MS,
    relayHealth,
  };
};

export type Services = ReturnType<typeof buildServices>;

import { PostgresEventStore } from '../events/store/postgres-event-store';
import type { Config } from '../infra/config';
import type { Connections } from '../infra/connections';
import type { Logger } from '../infra/logger';
import { cipherFromConfig } from '../tenants/credentials-cipher';
import { TenantAdmin } from '../tenants/tenant-admin';
import { TenantDirectory, type CacheObserver } from '../tenants/tenant-directory';
import { TenantRepository } from '../tenants/tenant-repository';

/** The application services of one process, built from its connections. No I/O happens here. */
export const buildServices = (
  config: Config,
  connections: Connections,
  logger: Logger,
  observeCache?: CacheObserver,
) => {
  const store = new PostgresEventStore(connections.pool);
  const repository = new TenantRepository(connections.pool);
  const cipher = cipherFromConfig(config);
  const directory = new TenantDirectory(repository, cipher, connections.redis, logger, observeCache);
  const tenantAdmin = new TenantAdmin(repository, cipher, directory);
  return { store, repository, cipher, directory, tenantAdmin };
};

export type Services = ReturnType<typeof buildServices>;

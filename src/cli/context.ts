import { anyGenesysRegionAllowed } from '../clients/genesys/regions';
import { loadConfig, type Config } from '../infra/config';
import { createLogger, type Logger } from '../infra/logger';
import { createPool, postgresLimitsOf, servicePoolOptions } from '../infra/postgres';
import { createRedis, redisLimitsOf } from '../infra/redis';
import { PostgresEventStore } from '../events/store/postgres-event-store';
import { cipherFromConfig } from '../tenants/credentials-cipher';
import { TenantAdmin } from '../tenants/tenant-admin';
import { TenantDirectory } from '../tenants/tenant-directory';
import { TenantRepository } from '../tenants/tenant-repository';
import { ApiKeyRepository } from '../tenants/api-keys/api-key-repository';
import { ApiKeys } from '../tenants/api-keys/api-keys';

/** What one-shot commands need: PostgreSQL, Redis and the services over them; Kafka and the rest stay closed. */
export const withCliContext = async <T>(
  work: (context: {
    config: Config;
    logger: Logger;
    store: PostgresEventStore;
    directory: TenantDirectory;
    tenantAdmin: TenantAdmin;
    apiKeys: ApiKeys;
  }) => Promise<T>,
): Promise<T> => {
  const config = loadConfig();
  // Commands print their own output; the log only carries warnings and errors, on stderr.
  const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, process.stderr);
  const pool = createPool(config.DATABASE_URL, { ...servicePoolOptions(postgresLimitsOf(config)), max: 4 });
  const redis = createRedis(config.REDIS_URL, config.REDIS_KEY_PREFIX, redisLimitsOf(config));
  try {
    const repository = new TenantRepository(pool);
    const cipher = cipherFromConfig(config);
    const directory = new TenantDirectory(repository, cipher, redis, logger);
    return await work({
      config,
      logger,
      store: new PostgresEventStore(pool),
      directory,
      tenantAdmin: new TenantAdmin(repository, cipher, directory, {
        anyGenesysRegion: anyGenesysRegionAllowed(config),
      }),
      apiKeys: new ApiKeys(new ApiKeyRepository(pool)),
    });
  } finally {
    redis.disconnect();
    await pool.end();
  }
};

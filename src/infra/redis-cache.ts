import type { Redis } from 'ioredis';
import type { z } from 'zod';
import type { Logger } from './logger';

export type CacheOutcome = 'hit' | 'miss' | 'error';

export interface CacheReport {
  /** Counts each read (the bridge_cache_requests metric). */
  observe: (outcome: CacheOutcome) => void;
  logger: Logger;
  /** Names the cache in log lines. */
  cache: string;
}

/**
 * The read half of every read-through cache in Redis: the entry if there is one of the expected shape, otherwise
 * undefined, for the caller to read its source and fill the entry (writeCached). Never throws: Redis being down
 * or an entry of an older shape is a miss, and the source of truth answers.
 */
export const readCached = async <S extends z.ZodType>(
  redis: Redis,
  key: string,
  schema: S,
  report: CacheReport,
): Promise<z.output<S> | undefined> => {
  try {
    const raw = await redis.get(key);
    if (raw !== null) {
      const parsed = schema.safeParse(JSON.parse(raw));
      if (parsed.success) {
        report.observe('hit');
        return parsed.data;
      }
      report.logger.warn({ cache: report.cache }, 'ignoring a cache entry of an unexpected shape');
    }
    report.observe('miss');
  } catch (error) {
    report.observe('error');
    report.logger.debug({ cache: report.cache, err: (error as Error).message }, 'cache unavailable');
  }
  return undefined;
};

/** The fill: best effort, a failed write only costs the next reader a miss. */
export const writeCached = async (
  redis: Redis,
  key: string,
  value: unknown,
  ttlSeconds: number,
  report: Pick<CacheReport, 'logger' | 'cache'>,
): Promise<void> => {
  await redis
    .set(key, JSON.stringify(value), 'EX', ttlSeconds)
    .catch((error: Error) =>
      report.logger.debug({ cache: report.cache, err: error.message }, 'cache write skipped'),
    );
};

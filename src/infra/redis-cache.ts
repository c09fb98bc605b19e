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
): Promise<z.output<S> | undefined> => (await readCachedMany(redis, [[key, schema]], report))[0];

type Entries = readonly (readonly [key: string, schema: z.ZodType])[];

/** Several entries in one round trip (MGET), each a hit, a miss or undefined exactly as readCached answers it. */
export const readCachedMany = async <const E extends Entries>(
  redis: Redis,
  entries: E,
  report: CacheReport,
): Promise<{ [I in keyof E]: z.output<E[I][1]> | undefined }> => {
  const found: unknown[] = entries.map(() => undefined);
  let raws: (string | null)[];
  try {
    raws = await redis.mget(...entries.map(([key]) => key));
  } catch (error) {
    for (let index = 0; index < entries.length; index++) report.observe('error');
    report.logger.debug({ cache: report.cache, err: (error as Error).message }, 'cache unavailable');
    return found as { [I in keyof E]: z.output<E[I][1]> | undefined };
  }
  entries.forEach(([, schema], index) => {
    const raw = raws[index];
    if (raw === null || raw === undefined) return report.observe('miss');
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      report.observe('error');
      report.logger.debug({ cache: report.cache, err: (error as Error).message }, 'cache entry is not JSON');
      return;
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) {
      report.observe('hit');
      found[index] = parsed.data;
      return;
    }
    report.logger.warn({ cache: report.cache }, 'ignoring a cache entry of an unexpected shape');
    report.observe('miss');
  });
  return found as { [I in keyof E]: z.output<E[I][1]> | undefined };
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

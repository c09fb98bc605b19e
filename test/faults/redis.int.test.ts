import { redis } from '../../bench/lib/faults/outage-scenarios';
import { expectNoFailures, runScenario } from './run-scenario';

jest.setTimeout(120_000);

it('Redis killed (a private redis-server) under load: webhooks still acknowledged, every message at Meta once, nothing lost', async () => {
  const result = await runScenario(redis);
  expectNoFailures(result);
  // Topics, groups, keys, queue, buckets and database of the run are gone.
  expect(result.notes.filter((note) => note.startsWith('cleanup:'))).toEqual([]);
  expect(result.acknowledged).toBeGreaterThan(10);
  expect(result.reachedMetaOnce).toBe(result.acknowledged);
  expect(result.legacyLost).toBe(0);
});

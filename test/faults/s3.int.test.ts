import { s3 } from '../../bench/lib/faults/outage-scenarios';
import { expectNoFailures, runScenario } from './run-scenario';

jest.setTimeout(120_000);

it('S3 unreachable (fault proxy) during media messages: each one reaches Meta or ends with a Failed receipt, never silently', async () => {
  const result = await runScenario(s3);
  expectNoFailures(result);
  // Topics, groups, keys, queue, buckets and database of the run are gone.
  expect(result.notes.filter((note) => note.startsWith('cleanup:'))).toEqual([]);
  expect(result.acknowledged).toBeGreaterThan(10);
  // Text messages do not need S3: at least those reached Meta, once.
  expect(result.reachedMetaOnce).toBeGreaterThanOrEqual(result.acknowledged / 2 - 1);
  expect(result.duplicates).toBe(0);
});

import { rabbitmq } from '../../bench/lib/faults/outage-scenarios';
import { expectNoFailures, runScenario } from './run-scenario';

jest.setTimeout(120_000);

it('RabbitMQ unreachable (fault proxy) under load: webhooks acknowledged, the legacy queue complete afterwards, nothing lost', async () => {
  const result = await runScenario(rabbitmq);
  expectNoFailures(result);
  // Topics, groups, keys, queue, buckets and database of the run are gone.
  expect(result.notes.filter((note) => note.startsWith('cleanup:'))).toEqual([]);
  expect(result.acknowledged).toBeGreaterThan(10);
  expect(result.reachedMetaOnce).toBe(result.acknowledged);
  expect(result.legacyLost).toBe(0);
});

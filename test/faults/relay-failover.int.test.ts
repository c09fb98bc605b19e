import { relayFailover } from '../../bench/lib/faults/kill-scenarios';
import { runScenario } from './run-scenario';

jest.setTimeout(120_000);

it('kill -9 of the process holding the relay lock: the other process takes the lock over and sends go on', async () => {
  const result = await runScenario(relayFailover);
  expect(result.failures).toEqual([]);
  expect(result.acknowledged).toBeGreaterThan(5);
  expect(result.reachedMetaOnce).toBe(result.acknowledged);
  // Round 2 killed the relay-only process: the lock moved within seconds (round 1 is bounded by the restart).
  expect(result.notes.join('\n')).toMatch(
    /round 2: leader --role \w+ killed; the other took the lock after \d+\.\d s/,
  );
});

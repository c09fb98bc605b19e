import { postgresReset } from '../../bench/lib/faults/outage-scenarios';
import { expectNoFailures, runScenario } from './run-scenario';

jest.setTimeout(120_000);

it('PostgreSQL refusing connections (fault proxy) under load: every webhook answered 503 at once, none 2xx, recovery without restart', async () => {
  const result = await runScenario(postgresReset);
  expectNoFailures(result);
  expect(result.notes.filter((note) => note.startsWith('cleanup:'))).toEqual([]);
  expect(result.notes.join('\n')).toMatch(/sent during the fault: 503 ×\d+;/);
  expect(result.reachedMetaOnce).toBe(result.acknowledged);
  expect(result.recoverySeconds).not.toBeNull();
});

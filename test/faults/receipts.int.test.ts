import { receipts } from '../../bench/lib/faults/outage-scenarios';
import { expectNoFailures, runScenario } from './run-scenario';

jest.setTimeout(120_000);

it('Genesys receipts endpoint failing: receipts delayed, none lost or posted twice', async () => {
  const result = await runScenario(receipts, 30);
  expectNoFailures(result);
  // Topics, groups, keys, queue, buckets and database of the run are gone.
  expect(result.notes.filter((note) => note.startsWith('cleanup:'))).toEqual([]);
  expect(result.acknowledged).toBeGreaterThan(10);
  expect(result.receiptsLost).toBe(0);
  expect(result.receiptsDuplicated).toBe(0);
});

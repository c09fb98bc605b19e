import { buildBridge } from '../../bench/lib/bridge-build';
import type { Scenario } from '../../bench/lib/faults/scenario';
import type { ScenarioResult } from '../../bench/lib/faults/tally';

/**
 * Runs a bench fault scenario (bench/lib/faults) with small numbers: a few webhooks a second over two
 * conversations per tenant, every fault `1 / shrink` of its nominal length (at least 2 s), against a freshly
 * compiled bridge in child processes.
 */
export const runScenario = async (scenario: Scenario, shrink = 6): Promise<ScenarioResult> => {
  const build = await buildBridge();
  try {
    return await scenario({
      mainJs: build.mainJs,
      rate: 4,
      conversations: 2,
      scaled: (nominal) => Math.max(2, Math.round(nominal / shrink)),
      progress: () => undefined,
    });
  } finally {
    await build.remove();
  }
};

/** No failure; on failure the scenario's notes (answers by status during the fault, recovery) come with it. */
export const expectNoFailures = (result: ScenarioResult): void => {
  expect({ failures: result.failures, notes: result.notes }).toMatchObject({ failures: [] });
};

import { FaultHarness, type HarnessOptions } from './harness';
import { waitForQuiescence, type ScenarioResult } from './tally';

/** What every scenario gets from the command line (or a test): sizes and time scale. */
export interface ScenarioContext {
  /** The compiled bridge CLI (bench/lib/bridge-build.ts). */
  mainJs: string;
  /** Webhooks per second of the background load (both tenants together). */
  rate: number;
  /** Conversations per tenant. */
  conversations: number;
  /** Scales a fault's nominal duration: `scaled(60)` is 60 s at --seconds 60 and 20 s at --seconds 20. */
  scaled: (nominalSeconds: number) => number;
  progress: (message: string) => void;
}

export type Scenario = (context: ScenarioContext) => Promise<ScenarioResult>;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `probe` answers true; answers the milliseconds it took, or null after `timeoutMs`. */
export const timeUntil = async (probe: () => Promise<boolean>, timeoutMs: number, everyMs = 50) => {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await probe().catch(() => false)) return Date.now() - started;
    await sleep(everyMs);
  }
  return null;
};

/** Starts a harness, runs `body` with it, then always stops it; cleanup problems land in the notes. */
export const withHarness = async (
  context: ScenarioContext,
  options: Omit<HarnessOptions, 'mainJs' | 'conversations'> & { conversations?: number },
  body: (harness: FaultHarness) => Promise<ScenarioResult>,
): Promise<ScenarioResult> => {
  context.progress(`starting the bridge (${options.roles.map((role) => `--role ${role}`).join(', ')})`);
  const harness = await FaultHarness.start({
    conversations: context.conversations,
    mainJs: context.mainJs,
    ...options,
  });
  let result: ScenarioResult | undefined;
  try {
    result = await body(harness);
    return result;
  } finally {
    const { problems, logNote } = await harness.stop();
    if (result) result.notes.push(logNote, ...problems.map((problem) => `cleanup: ${problem}`));
  }
};

/** Stops the load, then waits until every message, status, receipt and queue copy has settled. */
export const settle = async (
  harness: FaultHarness,
  context: ScenarioContext,
  notes: string[],
  quietMs = 8000,
) => {
  await harness.traffic.stop();
  context.progress('waiting for quiescence');
  const quiet = await waitForQuiescence(harness, quietMs, 300_000);
  if (!quiet) notes.push('still moving after 4 minutes: counted anyway');
};

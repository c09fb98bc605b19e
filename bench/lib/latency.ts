/** Latency samples in milliseconds, summarised the usual way. */
export const percentile = (sortedMs: number[], p: number): number => {
  if (sortedMs.length === 0) return Number.NaN;
  const index = Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1);
  return sortedMs[Math.max(0, index)]!;
};

export interface LoadResult {
  operations: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Runs `operations` calls of `operation` spread over `workers` concurrent loops (each loop awaits its call before
 * the next: closed-loop load, like request handlers each holding one connection) and times every call.
 */
export const runLoad = async (
  operations: number,
  workers: number,
  operation: (index: number, worker: number) => Promise<unknown>,
): Promise<LoadResult> => {
  const samples: number[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let index = next++; index < operations; index = next++) {
        const before = process.hrtime.bigint();
        await operation(index, worker);
        samples.push(Number(process.hrtime.bigint() - before) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  samples.sort((a, b) => a - b);
  return {
    operations,
    seconds,
    perSecond: operations / seconds,
    p50Ms: percentile(samples, 50),
    p99Ms: percentile(samples, 99),
  };
};

/**
 * The contract between bench/run.ts and a benchmark file: `bench/<name>.ts` default-exports `defineBench(…)`.
 * A benchmark measures, returns metrics (with their targets, when the design sets one), and cleans up after itself.
 */
export interface Target {
  /** `min`: the value must be at least `value`; `max`: at most. */
  kind: 'min' | 'max';
  value: number;
}

export interface Metric {
  name: string;
  value: number;
  unit: string;
  target?: Target;
  /** The same measure of the baseline build, run under the same load in the same bench run. */
  baseline?: number;
}

export interface BenchReport {
  metrics: Metric[];
  /** Anything a reader needs to interpret the numbers (sizes, settings, what was skipped and why). */
  notes: string[];
  /** Structured results beyond the metrics (e.g. per-scenario counts), written as they are into the JSON. */
  extra?: Record<string, unknown>;
}

export interface Bench {
  description: string;
  run: (args: string[]) => Promise<BenchReport>;
}

export const defineBench = (bench: Bench): Bench => bench;

export const meetsTarget = (metric: Metric): boolean | null => {
  if (!metric.target) return null;
  return metric.target.kind === 'min'
    ? metric.value >= metric.target.value
    : metric.value <= metric.target.value;
};

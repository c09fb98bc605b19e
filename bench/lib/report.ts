import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { meetsTarget, type BenchReport, type Metric } from './bench';

const formatValue = (metric: Metric): string =>
  metric.value >= 100 ? Math.round(metric.value).toLocaleString('en-US') : metric.value.toFixed(2);

const formatTarget = (metric: Metric): string =>
  metric.target
    ? `${metric.target.kind === 'min' ? '≥' : '≤'} ${metric.target.value.toLocaleString('en-US')}`
    : '';

/** Candidate ÷ baseline, when both are finite and the baseline is not zero. */
export const baselineRatio = (metric: Metric): number | undefined =>
  metric.baseline !== undefined &&
  metric.baseline !== 0 &&
  Number.isFinite(metric.baseline) &&
  Number.isFinite(metric.value)
    ? metric.value / metric.baseline
    : undefined;

/** The report as a fixed-width table, one metric per line; baseline and ratio columns when a baseline ran. */
export const renderTable = (name: string, report: BenchReport): string => {
  const withBaseline = report.metrics.some((metric) => metric.baseline !== undefined);
  const rows = report.metrics.map((metric) => {
    const met = meetsTarget(metric);
    const ratio = baselineRatio(metric);
    return [
      metric.name,
      formatValue(metric),
      ...(withBaseline
        ? [
            metric.baseline === undefined ? '' : formatValue({ ...metric, value: metric.baseline }),
            ratio === undefined ? '' : `×${ratio.toFixed(2)}`,
          ]
        : []),
      metric.unit,
      formatTarget(metric),
      met === null ? '' : met ? 'ok' : 'MISSED',
    ];
  });
  const header = ['metric', 'value', ...(withBaseline ? ['baseline', 'ratio'] : []), 'unit', 'target', ''];
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => row[column]!.length)));
  const line = (row: string[]) =>
    row
      .map((cell, column) =>
        column >= 1 && column <= (withBaseline ? 3 : 1)
          ? cell.padStart(widths[column]!)
          : cell.padEnd(widths[column]!),
      )
      .join('  ');
  return [
    `bench ${name}`,
    line(header),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...rows.map(line),
    ...report.notes.map((note) => `  - ${note}`),
  ].join('\n');
};

/** Writes bench/results/<name>.json: the metrics, whether each met its target, and where they were measured. */
export const writeReport = async (
  resultsDir: string,
  name: string,
  report: BenchReport,
  loadBefore: number[],
): Promise<string> => {
  await mkdir(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${name}.json`);
  const body = {
    bench: name,
    measuredAt: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      node: process.version,
      // 1/5/15-minute load averages before and after: a busy neighbour shows here before it skews a number.
      loadAverageBefore: loadBefore.map((value) => Number(value.toFixed(2))),
      loadAverageAfter: os.loadavg().map((value) => Number(value.toFixed(2))),
    },
    metrics: report.metrics.map((metric) => ({
      ...metric,
      met: meetsTarget(metric),
      ...(metric.baseline === undefined ? {} : { ratioToBaseline: baselineRatio(metric) ?? null }),
    })),
    notes: report.notes,
    ...report.extra,
  };
  await writeFile(file, `${JSON.stringify(body, null, 2)}\n`);
  return file;
};

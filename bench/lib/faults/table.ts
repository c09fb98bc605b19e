import type { ScenarioResult } from './tally';

const COLUMNS: Array<[keyof ScenarioResult, string]> = [
  ['acknowledged', 'acked'],
  ['reachedMetaOnce', 'once'],
  ['never', 'never'],
  ['duplicates', 'dup'],
  ['orderViolations', 'order'],
  ['statusesLost', 'stLost'],
  ['receiptsLost', 'rcLost'],
  ['receiptsDuplicated', 'rcDup'],
  ['legacyLost', 'lgLost'],
  ['legacyDuplicates', 'lgDup'],
  ['recoverySeconds', 'recov s'],
];

const verdict = (result: ScenarioResult) => (result.failures.length ? 'FAIL' : 'pass');

/** One line per scenario, then each scenario's notes. */
export const renderFaultTable = (results: Record<string, ScenarioResult | { error: string }>): string => {
  const header = ['scenario', ...COLUMNS.map(([, title]) => title), 'verdict'];
  const rows = Object.entries(results).map(([name, result]) =>
    'error' in result
      ? [name, ...COLUMNS.map(() => ''), 'ERROR']
      : [
          name,
          ...COLUMNS.map(([key]) => (result[key] === null ? '-' : String(result[key]))),
          verdict(result),
        ],
  );
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => row[column]!.length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padStart(widths[column]!)).join('  ');
  const notes = Object.entries(results).flatMap(([name, result]) =>
    'error' in result
      ? [`  ${name}: ERROR ${result.error.split('\n').slice(0, 3).join(' | ')}`]
      : [
          ...result.failures.map((failure) => `  ${name}: FAILED: ${failure}`),
          ...result.notes.map((note) => `  ${name}: ${note}`),
        ],
  );
  return ['fault scenarios', line(header), ...rows.map(line), ...notes].join('\n');
};

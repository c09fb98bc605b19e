/**
 * A set-based apply statement (`UPDATE … FROM unnest(…)`, `INSERT … ON CONFLICT DO UPDATE`) touches each row once:
 * given two events for one row it would apply one of them, silently, or fail. Callers split their batches so that
 * this cannot happen (see rebuild/apply-waves.ts); this guard makes a slip loud instead of a wrong read model.
 */
export const assertOneEventPerRow = <T>(items: readonly T[], rowOf: (item: T) => string): void => {
  if (items.length < 2) return;
  const rows = new Set<string>();
  for (const item of items) {
    const row = rowOf(item);
    if (rows.has(row)) throw new Error(`A batch holds two events for read-model row ${row}`);
    rows.add(row);
  }
};

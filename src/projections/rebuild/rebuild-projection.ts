import type { Pool } from 'pg';
import type { ProjectionDeps } from '../projection-definition';
import { findProjection, PROJECTIONS } from '../registry';
import type { RebuildProgress } from './progress';
import { rebuildExternal, type ExternalRebuildResult } from './rebuild-external';
import { rebuildTable, type TableRebuildOptions, type TableRebuildResult } from './rebuild-table';

/** Every registered projection can be rebuilt. */
export const REBUILDABLE: readonly string[] = PROJECTIONS.map((projection) => projection.name);

export const isRebuildable = (name: string): boolean => findProjection(name) !== undefined;

export interface RebuildDeps extends ProjectionDeps {
  pool: Pool;
  progress?: RebuildProgress;
  table?: Omit<TableRebuildOptions, 'progress'>;
}

export type RebuildResult = (TableRebuildResult & { cacheKeysWritten?: number }) | ExternalRebuildResult;

/** Rebuilds one projection from the event store while the service keeps running. */
export const rebuildProjection = async (name: string, deps: RebuildDeps): Promise<RebuildResult> => {
  const definition = findProjection(name);
  if (!definition) throw new Error(`unknown projection ${name}; one of ${REBUILDABLE.join(', ')}`);
  const progress = deps.progress ? { progress: deps.progress } : {};
  if (definition.kind === 'external') return rebuildExternal(deps.pool, definition, deps, progress);
  const result = await rebuildTable(deps.pool, definition, { ...deps.table, ...progress });
  return { ...result, ...(await definition.afterRebuild?.(deps.pool, deps)) };
};

/** `all`: one after the other, so that each has the database to itself. */
export const rebuildAll = async (deps: RebuildDeps): Promise<RebuildResult[]> => {
  const results: RebuildResult[] = [];
  for (const name of REBUILDABLE) results.push(await rebuildProjection(name, deps));
  return results;
};

import type { Pool } from 'pg';
import { decodeEvent, type DecodedEvent } from '../../events/decode';
import { PostgresEventStore } from '../../events/store/postgres-event-store';
import { readAllPages } from '../../events/store/read-all-pages';
import { START_OF_ALL } from '../../events/store/types';
import { runLimited } from '../../infra/run-limited';
import { handlesType, type ExternalProjection, type ProjectionDeps } from '../projection-definition';
import { silentProgress, type RebuildProgress } from './progress';

export interface ExternalRebuildResult {
  projection: string;
  events: number;
  /** Objects (or whatever the projection writes outside PostgreSQL) written again. */
  objects: number;
  poisoned: number;
  durationMs: number;
}

/**
 * A projection that writes outside PostgreSQL has no table to swap: every object's key comes from its event alone
 * (archiveKey), so writing every event again is idempotent and leaves the output complete, while the live
 * projection goes on writing the same keys. It keeps no positions: the live runner owes nothing new.
 */
export const rebuildExternal = async (
  pool: Pool,
  definition: ExternalProjection,
  deps: ProjectionDeps,
  options: { pageSize?: number; concurrency?: number; progress?: RebuildProgress } = {},
): Promise<ExternalRebuildResult> => {
  const { pageSize = 5000, concurrency = 16, progress = silentProgress } = options;
  const started = Date.now();
  const store = new PostgresEventStore(pool);
  const write = definition.write(deps);
  const total = await store.countAfter(START_OF_ALL);
  progress.start(definition.name, total);
  let events = 0;
  let objects = 0;
  let poisoned = 0;
  try {
    for await (const page of readAllPages(store, { pageSize })) {
      const handled: DecodedEvent[] = [];
      for (const stored of page) {
        if (!handlesType(definition, stored.type)) continue;
        try {
          handled.push(decodeEvent(stored));
        } catch {
          poisoned++; // dead-lettered by the live projection as well; nothing to write
        }
      }
      await runLimited(handled, concurrency, write);
      objects += handled.length;
      events += page.length;
      progress.update(events, Math.max(total, events));
    }
  } finally {
    progress.stop();
  }
  return { projection: definition.name, events, objects, poisoned, durationMs: Date.now() - started };
};

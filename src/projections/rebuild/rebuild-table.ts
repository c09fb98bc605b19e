import { Pool as PgPool, type Pool } from 'pg';
import { PostgresEventStore } from '../../events/store/postgres-event-store';
import { cursorOf } from '../../events/store/stored-event';
import { START_OF_ALL } from '../../events/store/types';
import { quoteIdentifier } from '../../infra/postgres';
import { isLockTimeout } from './lock-timeout';
import { clearStagedPositions, differingStreams, stagePositions } from './position-handover';
import { silentProgress, type RebuildProgress } from './progress';
import { holdRebuildLock } from './rebuild-lock';
import { ShadowReplay } from './shadow-replay';
import { createShadowTable, dropTable, makeDurable, retiredName, shadowName } from './shadow-table';
import { swapShadow } from './swap';
import type { TableTarget } from './table-targets';

export interface TableRebuildOptions {
  /** Events per readAll page (one round trip; applied as one transaction). */
  pageSize?: number;
  /** Catch up until at most this many events remain, then swap (the rest is applied under the lock). */
  swapThreshold?: number;
  /** Catch-up rounds before swapping anyway, should writers outrun the rebuild. */
  maxRounds?: number;
  lockTimeoutMs?: number;
  swapAttempts?: number;
  progress?: RebuildProgress;
}

export interface TableRebuildResult {
  projection: string;
  table: string;
  /** Events read from $all, and those the projection handles (applied or skipped as poison). */
  events: number;
  handled: number;
  poisoned: number;
  durationMs: number;
  eventsPerSecond: number;
  /** How long the swap transaction held its locks. */
  swapMs: number;
  /** Where the time went: replay and catch-up, SET LOGGED, ANALYZE and position staging, the swap, the drop. */
  phasesMs: { replay: number; durable: number; stage: number; swap: number; drop: number };
}

/**
 * Rebuilds a table projection while the service keeps serving: replay $all into `<table>_rebuild` through the
 * projection's own statements, catch up until little is left, then swap atomically (swap.ts). Reads keep
 * hitting the live table until the swap's commit, and never see a half-built one.
 */
export const rebuildTable = async (
  pool: Pool,
  target: TableTarget,
  options: TableRebuildOptions = {},
): Promise<TableRebuildResult> => {
  const {
    pageSize = 5000,
    swapThreshold = 200,
    maxRounds = 20,
    lockTimeoutMs = 5000,
    swapAttempts = 5,
    progress = silentProgress,
  } = options;
  const started = Date.now();
  const release = await holdRebuildLock(pool, target.name);
  const applyPool = pipelinedPool(pool);
  try {
    const store = new PostgresEventStore(pool);
    const { shadow, deferred } = await createShadowTable(pool, target.table);
    await clearStagedPositions(pool, target.name);
    const replay = new ShadowReplay(target, shadow);
    let total = await store.countAfter(START_OF_ALL);
    progress.start(target.name, total);

    // One page read ahead while the current one is applied: PostgreSQL reads and writes at once.
    const drain = async () => {
      let next = store.readAll({ after: replay.cursor, limit: pageSize });
      for (;;) {
        const page = await next;
        if (page.length === 0) return;
        next = store.readAll({ after: cursorOf(page[page.length - 1]!), limit: pageSize });
        await replay.applyPage(applyPool, page).catch(async (error: unknown) => {
          await next.catch(() => undefined); // do not leave the read-ahead's rejection unhandled
          throw error;
        });
        progress.update(replay.stats.read, Math.max(total, replay.stats.read));
      }
    };
    const catchUp = async () => {
      for (let round = 0; round < maxRounds; round++) {
        await drain();
        const remaining = await store.countAfter(replay.cursor);
        total = replay.stats.read + remaining;
        progress.update(replay.stats.read, total);
        if (remaining <= swapThreshold) return;
      }
    };

    const lap = stopwatch();
    await catchUp();
    const replayMs = lap();
    await makeDurable(pool, target.table, deferred);
    const durableMs = lap();
    // Planner statistics before the table starts serving, and the positions staged outside the lock: under it
    // only what the final catch-up changes is staged again.
    await pool.query(`ANALYZE ${quoteIdentifier(shadow)}`);
    await stagePositions(pool, target.name, replay.positions, replay.takeDirty());
    const differing = await differingStreams(pool, target.name);
    const stageMs = lap();
    await catchUp();
    const catchUpMs = lap();

    let swapMs = 0;
    for (let attempt = 1; ; attempt++) {
      const swapStarted = Date.now();
      try {
        await swapShadow(pool, target, replay, differing, { lockTimeoutMs, pageSize });
        swapMs = Date.now() - swapStarted;
        break;
      } catch (error) {
        // A long reader or writer held the table: catch up on what arrived meanwhile and try again.
        if (!isLockTimeout(error) || attempt >= swapAttempts) throw error;
        await catchUp();
      }
    }
    const swapPhaseMs = lap();
    progress.update(replay.stats.read, replay.stats.read);
    progress.stop();

    await dropTable(pool, retiredName(target.table));
    await clearStagedPositions(pool, target.name);
    const dropMs = lap();
    const durationMs = Date.now() - started;
    return {
      projection: target.name,
      table: target.table,
      events: replay.stats.read,
      handled: replay.stats.handled,
      poisoned: replay.stats.poisoned,
      durationMs,
      eventsPerSecond: Math.round(replay.stats.read / Math.max(durationMs / 1000, 0.001)),
      swapMs,
      phasesMs: {
        replay: replayMs + catchUpMs,
        durable: durableMs,
        stage: stageMs,
        swap: swapPhaseMs,
        drop: dropMs,
      },
    };
  } catch (error) {
    progress.stop();
    // Best effort: a later rebuild drops these anyway; the live table and positions were never touched.
    await dropTable(pool, shadowName(target.table)).catch(() => undefined);
    await clearStagedPositions(pool, target.name).catch(() => undefined);
    throw error;
  } finally {
    await applyPool.end();
    await release();
  }
};

/** Milliseconds since the previous call (or since it was made). */
const stopwatch = () => {
  let last = Date.now();
  return () => {
    const now = Date.now();
    const elapsed = now - last;
    last = now;
    return elapsed;
  };
};

/**
 * The replay's own connection, to the same database as `pool` but pipelined: pg then writes a statement without
 * waiting for the previous answer. Kept apart because the service's pool serves callers that expect one statement
 * at a time per connection.
 */
const pipelinedPool = (pool: Pool): Pool => {
  // pg-pool keeps the password out of enumeration (stack traces), so it is copied by name.
  const applyPool = new PgPool({
    ...pool.options,
    password: pool.options.password,
    max: 1,
    pipeline: true,
  });
  applyPool.on('error', () => undefined); // an idle connection dropping is not the rebuild's failure
  return applyPool;
};

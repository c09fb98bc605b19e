import type { Pool } from 'pg';
import { readAllPages } from '../../events/store/read-all-pages';
import { PostgresEventStore } from '../../events/store/postgres-event-store';
import { quoteIdentifier } from '../../infra/postgres';
import { inTransaction } from '../runtime/apply-event';
import { handOverPositions, stagePositions } from './position-handover';
import type { ShadowReplay } from './shadow-replay';
import { swapTables } from './shadow-table';
import type { TableTarget } from './table-targets';

export interface SwapOptions {
  /** How long the swap waits for its locks before giving up (the caller catches up again and retries). */
  lockTimeoutMs: number;
  pageSize: number;
}

/**
 * The atomic swap, in ONE transaction:
 *
 *  1. LOCK projection_positions (SHARE ROW EXCLUSIVE): waits for every projection transaction in flight to commit
 *     and holds new ones at their first statement (the position claim). Taken BEFORE the table lock on purpose: a
 *     live transaction that had claimed positions and then queued behind our table lock would hold row locks we
 *     need below, a deadlock. Other projections pause for the few milliseconds of the swap; nothing fails.
 *  2. LOCK <table> IN ACCESS EXCLUSIVE MODE: readers finish, new readers queue for the swap's duration.
 *  3. Final catch-up of the shadow from $all, in this transaction.
 *  4. Live positions := the shadow's positions; live table → <table>_old, shadow → <table>; COMMIT.
 *
 * Positions: only the streams that can differ are rewritten (position-handover.ts, differingStreams).
 *
 * Why nothing is lost or applied twice. Every event the live runner applied committed before step 1 returned, and
 * the relay had read it from $all before that: so it lies below a snapshot xmin that our step-3 reads can only
 * equal or pass, and the final catch-up applies it to the shadow too. A live transaction still in flight at the
 * lock either committed before step 1 returned (covered by the previous sentence) or waits at its position claim;
 * its Kafka offset is committed only after its transaction, so once we commit it claims against the handed-over
 * positions and writes to the table now named <table> (the shadow): an event the rebuild applied is skipped, one
 * it did not (committed too late, or behind an older open transaction's xmin line) is applied. That is exact
 * because $all is read in commit order below the xmin line, and a stream's positions rise in that same order
 * (append_to_stream's lock): the rebuild has applied a prefix of every stream, and its last position per stream
 * splits "already in the shadow" from "still to come" exactly as the live runner's claim compares them.
 */
export const swapShadow = async (
  pool: Pool,
  target: TableTarget,
  replay: ShadowReplay,
  /** differingStreams() as computed after the positions were staged (see there). */
  differing: readonly string[],
  options: SwapOptions,
): Promise<void> => {
  replay.begin();
  const dirtyBefore = new Set<string>();
  await inTransaction(pool, async (tx) => {
    await tx.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(options.lockTimeoutMs))}`);
    await tx.query('LOCK TABLE projection_positions IN SHARE ROW EXCLUSIVE MODE');
    await tx.query(`LOCK TABLE ${quoteIdentifier(target.table)} IN ACCESS EXCLUSIVE MODE`);
    const pages = readAllPages(new PostgresEventStore(tx), {
      after: replay.cursor,
      pageSize: options.pageSize,
    });
    for await (const page of pages) await replay.applyPageIn(tx, page);
    const dirty = replay.takeDirty();
    dirty.forEach((stream) => dirtyBefore.add(stream));
    await stagePositions(tx, target.name, replay.positions, dirty);
    await handOverPositions(tx, target.name, [...new Set([...differing, ...dirty])]);
    await swapTables(tx, target.table);
  }).catch((error: unknown) => {
    // The shadow's writes of this transaction are gone: so must be what the replay remembered of them.
    replay.rollback();
    replay.markDirty(dirtyBefore);
    throw error;
  });
  replay.commit();
};

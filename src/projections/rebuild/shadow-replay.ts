import type { Pool, PoolClient } from 'pg';
import { decodeEvent } from '../../events/decode';
import { cursorOf } from '../../events/store/stored-event';
import { START_OF_ALL, type AllCursor, type StoredEvent } from '../../events/store/types';
import { inTransaction } from '../runtime/apply-event';
import { isTransientError } from '../runtime/transient-errors';
import { preparedClient } from './prepared-client';
import { applyOneByOne, applyWaves, toWaves, type RowEvent } from './apply-waves';
import { tableHandlerFor, type TableTarget } from './table-targets';

export interface ReplayStats {
  /** Events read from $all. */
  read: number;
  /** Events the projection has a handler for (applied, or skipped as poison). */
  handled: number;
  /** Events that could not be decoded or whose handler failed: skipped, as the live runner dead-letters them. */
  poisoned: number;
}

/**
 * Replays $all into one table through the projection's own statements, remembering what the live runner would
 * have recorded in projection_positions: the last stream position of every event it has a handler for.
 *
 * A page is one transaction of a few set-based statements (apply-waves.ts): a page costs one commit and a handful
 * of round trips, not one per event. The shadow is throw-away, so its transactions skip the WAL flush at commit
 * (synchronous_commit off): a crash loses the shadow, which a rebuild recreates anyway.
 */
export class ShadowReplay {
  cursor: AllCursor = START_OF_ALL;
  readonly positions = new Map<string, number>();
  /** Streams whose position changed since the last `takeDirty()`. */
  private dirty = new Set<string>();
  readonly stats: ReplayStats = { read: 0, handled: 0, poisoned: 0 };
  /** While a swap transaction is open: what it changed, to undo should it roll back. */
  private journal: {
    cursor: AllCursor;
    stats: ReplayStats;
    positions: Map<string, number | undefined>;
  } | null = null;

  constructor(
    private readonly target: TableTarget,
    private readonly table: string,
  ) {}

  /** Applies one page in a transaction of its own on `pool` (best a pipelined one: see applyWaves). */
  async applyPage(pool: Pool, page: readonly StoredEvent[]): Promise<void> {
    const prepared = this.prepare(page);
    const poisoned = prepared.events.length === 0 ? 0 : await this.applyTransaction(pool, prepared.events);
    this.record(page, prepared, poisoned);
  }

  /** Applies one page inside the caller's transaction (the swap's final catch-up, under the lock). */
  async applyPageIn(tx: PoolClient, page: readonly StoredEvent[]): Promise<void> {
    const prepared = this.prepare(page);
    // Under a savepoint: a failing statement must not abort the swap, only send this page down the slow path.
    await tx.query('SAVEPOINT rebuild_page');
    let poisoned = 0;
    try {
      await applyWaves(tx, this.table, toWaves(prepared.events));
      await tx.query('RELEASE SAVEPOINT rebuild_page');
    } catch (error) {
      if (isTransientError(error)) throw error;
      await tx.query('ROLLBACK TO SAVEPOINT rebuild_page');
      poisoned = await applyOneByOne(tx, this.table, prepared.events);
    }
    this.record(page, prepared, poisoned);
  }

  /** From here on, changes can be undone by `rollback()` (the swap's transaction may fail and roll back). */
  begin(): void {
    this.journal = { cursor: this.cursor, stats: { ...this.stats }, positions: new Map() };
  }

  commit(): void {
    this.journal = null;
  }

  rollback(): void {
    const journal = this.journal;
    if (!journal) return;
    this.cursor = journal.cursor;
    Object.assign(this.stats, journal.stats);
    for (const [stream, position] of journal.positions) {
      if (position === undefined) this.positions.delete(stream);
      else this.positions.set(stream, position);
      this.dirty.add(stream);
    }
    this.journal = null;
  }

  markDirty(streams: Iterable<string>): void {
    for (const stream of streams) this.dirty.add(stream);
  }

  /** The streams whose shadow position moved since the previous call. */
  takeDirty(): Set<string> {
    const dirty = this.dirty;
    this.dirty = new Set();
    return dirty;
  }

  private async applyTransaction(pool: Pool, events: readonly RowEvent[]): Promise<number> {
    try {
      return await inTransaction(pool, async (tx) => {
        await tx.query('SET LOCAL synchronous_commit = off');
        await applyWaves(preparedClient(tx), this.table, toWaves(events));
        return 0;
      });
    } catch (error) {
      if (isTransientError(error)) throw error;
      // A statement failed: the page rolled back whole, so redo it one event at a time to skip the culprit.
      return inTransaction(pool, (tx) => applyOneByOne(preparedClient(tx), this.table, events));
    }
  }

  private prepare(page: readonly StoredEvent[]): Prepared {
    const events: RowEvent[] = [];
    const streams = new Map<string, number>();
    let handled = 0;
    let undecodable = 0;
    for (const stored of page) {
      const handler = tableHandlerFor(this.target, stored.type);
      if (!handler) continue;
      handled++;
      // The live runner claims the position of every event it has a handler for, poison or not.
      streams.set(stored.streamId, stored.streamPosition);
      let event;
      try {
        event = decodeEvent(stored);
      } catch {
        undecodable++;
        continue;
      }
      events.push({ event, handler, key: handler.rowKey(event) });
    }
    return { events, streams, handled, undecodable };
  }

  private record(page: readonly StoredEvent[], prepared: Prepared, poisoned: number) {
    for (const [stream, position] of prepared.streams) {
      if (this.journal && !this.journal.positions.has(stream)) {
        this.journal.positions.set(stream, this.positions.get(stream));
      }
      this.positions.set(stream, position);
      this.dirty.add(stream);
    }
    this.stats.read += page.length;
    this.stats.handled += prepared.handled;
    this.stats.poisoned += prepared.undecodable + poisoned;
    if (page.length > 0) this.cursor = cursorOf(page[page.length - 1]!);
  }
}

interface Prepared {
  events: RowEvent[];
  streams: Map<string, number>;
  handled: number;
  undecodable: number;
}

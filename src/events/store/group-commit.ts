import type { Pool } from 'pg';
import { toStoreError } from './pg-errors';
import {
  appendResultOf,
  assertDistinctIds,
  assertValidExpected,
  PostgresEventStore,
} from './postgres-event-store';
import { appendToStreamsQuery, type BatchAppendRow, type BatchedAppend } from './queries';
import type { AppendResult, EventMetadata, ExpectedPosition, NewEvent } from './types';

export interface GroupCommitOptions {
  /**
   * How many batches may be in flight at once. An append arriving while fewer are goes out at once, alone: at a
   * low rate nothing waits. Appends arriving while all are busy wait for the first to finish and then go together.
   */
  maxInFlight: number;
  /** The most appends in one transaction (kept below PostgreSQL's cache of 64 subtransactions per backend). */
  maxBatch: number;
}

interface Waiting {
  append: BatchedAppend;
  expected: ExpectedPosition;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/** An append's own error in a batch, shaped as the driver's error so that toStoreError maps it the same way. */
const rowError = (row: BatchAppendRow): Error =>
  Object.assign(new Error(row.error_message ?? 'append failed'), {
    code: row.error_code ?? undefined,
    detail: row.error_detail ?? undefined,
    constraint: row.error_constraint ?? undefined,
  });

/**
 * The event store with group commit: concurrent appends to distinct streams share one transaction and one round
 * trip (append_to_streams, migrations/010_append_to_streams.sql) instead of one each. Each caller is answered only
 * once the shared transaction has committed, and with its own outcome: an expected-version conflict, or any
 * other error of one append, fails that append alone.
 *
 * Only over a pool, never inside a caller's transaction: the batch is a transaction of its own.
 */
export class GroupCommitEventStore extends PostgresEventStore {
  private readonly waiting: Waiting[] = [];
  private inFlight = 0;

  constructor(
    private readonly pool: Pool,
    private readonly options: GroupCommitOptions,
  ) {
    super(pool);
  }

  override appendToStream(
    streamId: string,
    expected: ExpectedPosition,
    events: NewEvent[],
    metadata: EventMetadata = {},
  ): Promise<AppendResult> {
    if (events.length === 0) return super.appendToStream(streamId, expected, events, metadata);
    assertValidExpected(expected);
    assertDistinctIds(events);
    return new Promise<AppendResult>((resolve, reject) => {
      const append = { streamId, expected: expected === 'any' ? null : expected, events, metadata };
      this.waiting.push({ append, expected, resolve, reject });
      this.sendWhileFree();
    });
  }

  private sendWhileFree(): void {
    while (this.inFlight < this.options.maxInFlight && this.waiting.length > 0) {
      const batch = this.takeBatch();
      this.inFlight += 1;
      void this.send(batch).finally(() => {
        this.inFlight -= 1;
        this.sendWhileFree();
      });
    }
  }

  /**
   * The oldest waiting appends, one per stream: a second append to a stream of the batch waits for the next
   * one (its expected position may depend on the first), and keeps its place in line.
   */
  private takeBatch(): Waiting[] {
    const batch: Waiting[] = [];
    const streams = new Set<string>();
    for (let index = 0; index < this.waiting.length && batch.length < this.options.maxBatch;) {
      const candidate = this.waiting[index]!;
      if (streams.has(candidate.append.streamId)) {
        index += 1;
        continue;
      }
      streams.add(candidate.append.streamId);
      batch.push(candidate);
      this.waiting.splice(index, 1);
    }
    return batch;
  }

  private async send(batch: Waiting[]): Promise<void> {
    if (batch.length === 1) return this.sendAlone(batch[0]!);
    let rows: BatchAppendRow[];
    try {
      ({ rows } = await this.pool.query<BatchAppendRow>(
        appendToStreamsQuery(batch.map((waiting) => waiting.append)),
      ));
    } catch {
      // The batch as a whole failed (a deadlock with a transaction appending to several streams, a lost
      // connection, a timeout): it may even have committed. Each append is tried again on its own, which is safe
      // because appends are idempotent by event id (one that did commit answers as a duplicate), and which
      // gives every caller its own outcome rather than its neighbours'.
      await Promise.all(batch.map((waiting) => this.sendAlone(waiting)));
      return;
    }
    const unanswered = new Set(batch);
    for (const row of rows) {
      const waiting = batch[row.ord - 1]!;
      unanswered.delete(waiting);
      const { append, expected, resolve, reject } = waiting;
      if (row.error_code !== null) {
        reject(toStoreError(rowError(row), append.streamId, expected));
        continue;
      }
      resolve(
        appendResultOf(append.streamId, append.events, append.metadata, {
          next_position: row.next_position!,
          global_positions: row.global_positions!,
          duplicate: row.duplicate!,
          recorded_at: row.recorded_at,
          transaction_id: row.transaction_id ?? '',
        }),
      );
    }
    // Never left waiting, whatever the function answered.
    for (const { reject } of unanswered)
      reject(new Error('append_to_streams gave no answer for this append'));
  }

  private async sendAlone({ append, expected, resolve, reject }: Waiting): Promise<void> {
    try {
      resolve(await super.appendToStream(append.streamId, expected, append.events, append.metadata));
    } catch (error) {
      reject(error);
    }
  }
}

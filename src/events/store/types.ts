/**
 * The event store's contract. Implemented over PostgreSQL in this folder; used by command handlers (append/read),
 * the relay (readAll) and audit replay (readConversation).
 */

/** `0` = the stream must not exist yet; a positive number = its current last position; `'any'` = no check. */
export type ExpectedPosition = number | 'any';

/** An event as a handler hands it to the store (positions and times are assigned by the store). */
export interface NewEvent {
  eventId: string; // uuid; re-appending a stored eventId is a no-op that returns the original positions
  type: string;
  version: number;
  tenantId: string;
  conversationId?: string | null;
  occurredAt?: string; // ISO; defaults to recordedAt
  data: Record<string, unknown>;
}

export interface EventMetadata {
  correlationId?: string;
  causationId?: string;
  [key: string]: unknown;
}

/** An event as stored: the envelope of ARCHITECTURE.md. `data` is still unvalidated JSON here. */
export interface StoredEvent {
  eventId: string;
  type: string;
  version: number;
  streamId: string;
  streamPosition: number;
  globalPosition: string; // bigint as text: JSON-safe and exact
  transactionId: string; // xid8 as text
  tenantId: string;
  conversationId: string | null;
  occurredAt: string;
  recordedAt: string;
  causationId: string | null;
  correlationId: string | null;
  metadata: Record<string, unknown>;
  data: Record<string, unknown>;
}

export interface AppendResult {
  /** The stream's position after the append (or after the original append, for an idempotent re-append). */
  nextExpectedPosition: number;
  /** Global positions of the events, in order; for re-appended ids, the original ones. */
  globalPositions: string[];
  /** True when every event was already stored and nothing new was written. */
  duplicate: boolean;
  /**
   * The events exactly as this call stored them (what reading them back gives), so that a caller holding the
   * stream can extend it without reading again. Absent for a duplicate: those were stored by an earlier call.
   */
  stored?: StoredEvent[];
}

/** Cursor over `$all` in commit order: (transaction id, global position) of the last event seen. */
export interface AllCursor {
  transactionId: string;
  globalPosition: string;
}

export const START_OF_ALL: AllCursor = { transactionId: '0', globalPosition: '0' };

export class ExpectedVersionConflict extends Error {
  readonly code = 'ExpectedVersionConflict';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedPosition,
    readonly actual: number,
  ) {
    super(`Stream ${streamId}: expected position ${expected}, actual ${actual}`);
    this.name = 'ExpectedVersionConflict';
  }
}

/** Some of the appended event ids are stored already (but not all of them, or not in this stream): not a retry. */
export class EventIdConflict extends Error {
  readonly code = 'EventIdConflict';
  constructor(
    readonly streamId: string,
    detail: string,
  ) {
    super(detail);
    this.name = 'EventIdConflict';
  }
}

export interface EventStore {
  appendToStream(
    streamId: string,
    expected: ExpectedPosition,
    events: NewEvent[],
    metadata?: EventMetadata,
  ): Promise<AppendResult>;
  readStream(streamId: string, range?: { from?: number; to?: number }): Promise<StoredEvent[]>;
  readConversation(tenantId: string, conversationId: string): Promise<StoredEvent[]>;
  readAll(options: { after: AllCursor; limit: number }): Promise<StoredEvent[]>;
}

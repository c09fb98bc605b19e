import type { EventRow } from './queries';
import type { AllCursor, StoredEvent } from './types';

const textOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** A row of `events` as the envelope of ARCHITECTURE.md; causation and correlation ids live in the metadata. */
export const toStoredEvent = (row: EventRow): StoredEvent => ({
  eventId: row.event_id,
  type: row.type,
  version: row.version,
  streamId: row.stream_id,
  // Stream positions stay far below 2^53: a stream is one message or one conversation link.
  streamPosition: Number(row.stream_position),
  globalPosition: row.global_position,
  transactionId: row.transaction_id,
  tenantId: row.tenant_id,
  conversationId: row.conversation_id,
  occurredAt: row.occurred_at,
  recordedAt: row.recorded_at,
  causationId: textOrNull(row.metadata.causationId),
  correlationId: textOrNull(row.metadata.correlationId),
  metadata: row.metadata,
  data: row.data,
});

/** The $all cursor that points just past this event. */
export const cursorOf = (event: Pick<StoredEvent, 'transactionId' | 'globalPosition'>): AllCursor => ({
  transactionId: event.transactionId,
  globalPosition: event.globalPosition,
});

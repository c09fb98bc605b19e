import { EventIdConflict, ExpectedVersionConflict, type ExpectedPosition } from './types';

/** SQLSTATEs raised by append_to_stream (migrations/002_event_store.sql). */
export const EXPECTED_POSITION_MISMATCH = 'EV409';
export const EVENT_ID_MISMATCH = 'EV422';
const UNIQUE_VIOLATION = '23505';
const EVENT_ID_CONSTRAINT = 'events_event_id_key';

interface PgError {
  code?: string;
  detail?: string;
  message: string;
  constraint?: string;
}

const isPgError = (error: unknown): error is PgError =>
  error instanceof Error && typeof (error as PgError).code === 'string';

/** Turns the store's SQLSTATEs into the contract's typed errors; anything else is returned unchanged. */
export const toStoreError = (error: unknown, streamId: string, expected: ExpectedPosition): unknown => {
  if (!isPgError(error)) return error;
  if (error.code === EXPECTED_POSITION_MISMATCH) {
    return new ExpectedVersionConflict(streamId, expected, Number(error.detail ?? Number.NaN));
  }
  if (error.code === EVENT_ID_MISMATCH) return new EventIdConflict(streamId, error.message);
  // Two appends of one event id to different streams race past the idempotency check; the loser lands here.
  if (error.code === UNIQUE_VIOLATION && error.constraint === EVENT_ID_CONSTRAINT) {
    return new EventIdConflict(
      streamId,
      `Stream ${streamId}: an event id was stored concurrently by another append`,
    );
  }
  return error;
};

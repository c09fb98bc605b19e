import { toStoreError } from './pg-errors';
import { EventIdConflict, ExpectedVersionConflict } from './types';

const pgError = (
  fields: { code: string; detail?: string; constraint?: string },
  message = 'from PostgreSQL',
) => Object.assign(new Error(message), fields);

describe('toStoreError', () => {
  it('turns an expected-position mismatch into ExpectedVersionConflict with the actual position', () => {
    const error = toStoreError(pgError({ code: 'EV409', detail: '7' }), 'conversation-1', 3);
    expect(error).toBeInstanceOf(ExpectedVersionConflict);
    expect(error).toMatchObject({ streamId: 'conversation-1', expected: 3, actual: 7 });
  });

  it('turns a partial re-append into EventIdConflict, keeping the database message', () => {
    const error = toStoreError(
      pgError({ code: 'EV422' }, 'Stream s: 1 of 2 event ids are already stored'),
      's',
      0,
    );
    expect(error).toBeInstanceOf(EventIdConflict);
    expect((error as Error).message).toBe('Stream s: 1 of 2 event ids are already stored');
  });

  it('turns a concurrent duplicate event id (unique violation on event_id) into EventIdConflict', () => {
    const error = toStoreError(pgError({ code: '23505', constraint: 'events_event_id_key' }), 's', 'any');
    expect(error).toBeInstanceOf(EventIdConflict);
  });

  it('leaves every other error as it was', () => {
    const otherUnique = pgError({ code: '23505', constraint: 'events_stream_id_stream_position_key' });
    const connection = pgError({ code: '08006' });
    const plain = new Error('boom');
    expect(toStoreError(otherUnique, 's', 0)).toBe(otherUnique);
    expect(toStoreError(connection, 's', 0)).toBe(connection);
    expect(toStoreError(plain, 's', 0)).toBe(plain);
    expect(toStoreError('text', 's', 0)).toBe('text');
  });
});

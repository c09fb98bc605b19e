import type { Pool, PoolClient } from 'pg';
import { insertDeadLetterQuery, type DeadLetter } from '../../projections/runtime/queries';

export type { DeadLetter };

/**
 * Parks a message a consumer could not handle, with the error, so the consumer can go on and an operator can look
 * at it later. The same row shape and once-per-source-and-event rule as the projections' dead letters.
 */
export const recordDeadLetter = async (db: Pool | PoolClient, letter: DeadLetter): Promise<void> => {
  await db.query(insertDeadLetterQuery({ ...letter, error: letter.error.slice(0, 4000) }));
};

import type { QueryConfig } from 'pg';
import type { AllCursor } from '../store/types';

/** The relay's SQL, as named query functions with bound parameters. */

// 0x52454c59 = 'RELY': the key space of relay leader locks (two-int form, apart from the stream locks 'EVST').
const RELAY_LOCK_SPACE = 1380273241;

/** Session lock: held until released or until the connection ends, which is how a dead leader lets go. */
export const tryLeaderLockQuery = (relayName: string): QueryConfig => ({
  text: 'SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked',
  values: [RELAY_LOCK_SPACE, relayName],
});

export const releaseLeaderLockQuery = (relayName: string): QueryConfig => ({
  text: 'SELECT pg_advisory_unlock($1, hashtext($2)) AS released',
  values: [RELAY_LOCK_SPACE, relayName],
});

/** The backend holding a relay's lock in this database (for operators and tests). */
export const leaderBackendQuery = (relayName: string): QueryConfig => ({
  text: `SELECT pid FROM pg_locks
    WHERE locktype = 'advisory' AND granted AND classid = $1::oid AND objid = hashtext($2)::oid AND objsubid = 2
      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  values: [RELAY_LOCK_SPACE, relayName],
});

export const ensureCheckpointQuery = (relayName: string): QueryConfig => ({
  text: `INSERT INTO relay_checkpoints (name, transaction_id, global_position) VALUES ($1, '0', 0)
    ON CONFLICT (name) DO NOTHING`,
  values: [relayName],
});

export const loadCheckpointQuery = (relayName: string): QueryConfig => ({
  text: 'SELECT transaction_id, global_position FROM relay_checkpoints WHERE name = $1',
  values: [relayName],
});

/** Only ever forward: a relay that lost the lock without noticing cannot move the checkpoint back. */
export const advanceCheckpointQuery = (relayName: string, to: AllCursor): QueryConfig => ({
  name: 'relay_advance_checkpoint',
  text: `UPDATE relay_checkpoints SET transaction_id = $2, global_position = $3, updated_at = now()
    WHERE name = $1 AND (transaction_id, global_position) < ($2::xid8, $3::bigint)`,
  values: [relayName, to.transactionId, to.globalPosition],
});

/** For the leader connection, whose only writes are checkpoint advances (see LeaderLock). */
export const asynchronousCommitQuery = (): QueryConfig => ({
  text: 'SET synchronous_commit TO off',
});

export const listenQuery = (channel: string): QueryConfig => ({
  // LISTEN takes no parameters; the channel is a constant of this code base, quoted as an identifier.
  text: `LISTEN "${channel.replace(/"/g, '""')}"`,
});

// 0x57414954 = 'WAIT': held by a sleeping relay; append_to_stream sends NOTIFY only while someone holds it.
const RELAY_WAITING_LOCK = [1463896404, 0] as const;

/**
 * Waits up to `waitMs` for the appends in flight (each holds the shared side until it commits), then holds the lock;
 * fails with lock_not_available (55P03) when they take longer. The timeout is local to this statement's own
 * transaction (autocommit), so no other statement of the connection inherits it. While this waits, appends that
 * start find the lock requested and NOTIFY (append_to_stream only tries, never waits), so none is missed.
 */
export const announceWaitingQuery = (waitMs: number): QueryConfig => ({
  text: `WITH timeout AS MATERIALIZED (SELECT set_config('lock_timeout', $3, true))
    SELECT pg_advisory_lock($1, $2) FROM timeout`,
  values: [...RELAY_WAITING_LOCK, `${Math.max(1, Math.round(waitMs))}ms`],
});

/** SQLSTATE of a lock wait cut short by lock_timeout. */
export const LOCK_NOT_AVAILABLE = '55P03';

export const withdrawWaitingQuery = (): QueryConfig => ({
  text: 'SELECT pg_advisory_unlock($1, $2) AS withdrawn',
  values: [...RELAY_WAITING_LOCK],
});

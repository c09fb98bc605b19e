import type { Pool } from 'pg';
import { createTestDatabase } from '../../../test/support/database';
import { waitFor } from '../../../test/support/wait';
import { createLogger } from '../../infra/logger';
import { createPool } from '../../infra/postgres';
import { newEvent } from '../store/testing/new-events';
import { LeaderLock } from './leader-lock';

let drop: () => Promise<void>;
let pool: Pool;
const locks: LeaderLock[] = [];

beforeAll(async () => {
  const database = await createTestDatabase('leader_lock');
  drop = database.drop;
  pool = createPool(database.url, { max: 4 });
});

afterEach(async () => {
  await Promise.all(locks.splice(0).map((lock) => lock.release()));
});

afterAll(async () => {
  await pool.end();
  await drop();
});

const newLock = (name: string): LeaderLock => {
  const lock = new LeaderLock(pool, name, 'leader_lock_test', () => undefined, createLogger('silent'));
  locks.push(lock);
  return lock;
};

describe('LeaderLock', () => {
  it('is held by one instance at a time', async () => {
    const first = newLock('one-at-a-time');
    const second = newLock('one-at-a-time');
    expect(await first.tryAcquire()).toBe(true);
    expect(await second.tryAcquire()).toBe(false);
    await first.release();
    expect(await second.tryAcquire()).toBe(true);
  });

  it('announces a sleeping relay once the appends in flight have committed, waiting for them up to a bound', async () => {
    const lock = newLock('announce');
    expect(await lock.tryAcquire()).toBe(true);
    const append = await pool.connect();
    try {
      // An append in flight: append_to_stream holds the shared side of the relay's waiting lock until it commits.
      await append.query('BEGIN');
      await append.query('SELECT * FROM append_to_stream($1, NULL, $2)', [
        'conversation-in-flight',
        JSON.stringify([newEvent()]),
      ]);
      const started = Date.now();
      expect(await lock.announceWaiting(50)).toBe(false);
      expect(Date.now() - started).toBeGreaterThanOrEqual(45);

      const announcing = lock.announceWaiting(30_000);
      await waitFor('the announcement to wait for the append', async () => {
        const { rows } = await pool.query<{ waiting: number }>(
          `SELECT count(*)::int AS waiting FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
             AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        );
        return rows[0]!.waiting === 1 ? true : undefined;
      });
      const committed = Date.now();
      await append.query('COMMIT');
      expect(await announcing).toBe(true);
      expect(Date.now() - committed).toBeLessThan(1000); // the commit ends the wait, not the 30 s bound
    } finally {
      await append.query('ROLLBACK').catch(() => undefined);
      append.release();
    }
    // The bound was the announcing statement's own: the connection's later statements wait as long as they must.
    const { rows } = await lock.connection.query<{ lock_timeout: string }>('SHOW lock_timeout');
    expect(rows[0]!.lock_timeout).toBe('0');
    await lock.withdrawWaiting();
  });

  it('commits on its connection without waiting for the WAL flush (the checkpoint write of every relay round)', async () => {
    const lock = newLock('asynchronous-commit');
    expect(await lock.tryAcquire()).toBe(true);
    const { rows } = await lock.connection.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
    expect(rows[0]!.synchronous_commit).toBe('off');
    // Only that connection: every other writer (appends above all) keeps the server's durable default.
    const other = await pool.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
    expect(other.rows[0]!.synchronous_commit).toBe('on');
  });
});

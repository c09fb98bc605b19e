import type { Pool } from 'pg';
import { createTestDatabase } from '../../../test/support/database';
import { createLogger } from '../../infra/logger';
import { createPool } from '../../infra/postgres';
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

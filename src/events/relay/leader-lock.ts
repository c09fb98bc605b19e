import { Client, type Pool } from 'pg';
import type { Logger } from '../../infra/logger';
import {
  announceWaitingQuery,
  asynchronousCommitQuery,
  leaderBackendQuery,
  listenQuery,
  LOCK_NOT_AVAILABLE,
  releaseLeaderLockQuery,
  tryLeaderLockQuery,
  withdrawWaitingQuery,
} from './queries';

/**
 * Leadership through a PostgreSQL session advisory lock on a connection of its own. PostgreSQL releases the lock
 * when that connection ends, so a crashed or partitioned leader lets a waiting instance take over without any
 * lease bookkeeping. Whoever leads also listens for append notifications and fences its checkpoint writes on this
 * connection: once the connection is gone those writes fail instead of racing the new leader.
 */
export class LeaderLock {
  private client: Client | null = null;
  private held = false;

  constructor(
    private readonly pool: Pool,
    private readonly name: string,
    private readonly listenChannel: string,
    private readonly onNotification: () => void,
    private readonly logger: Logger,
  ) {}

  get isHeld(): boolean {
    return this.held;
  }

  /** The connection holding the lock; throws when leadership is not (or no longer) held. */
  get connection(): Client {
    if (!this.held || !this.client) throw new Error(`relay ${this.name}: not the leader`);
    return this.client;
  }

  async tryAcquire(): Promise<boolean> {
    if (this.held) return true;
    const client = this.client ?? (await this.connect());
    const { rows } = await client.query<{ locked: boolean }>(tryLeaderLockQuery(this.name));
    if (!rows[0]!.locked) return false;
    await client.query(listenQuery(this.listenChannel));
    this.held = true;
    return true;
  }

  /**
   * Asks appends to send NOTIFY from now on (see append_to_stream), once the appends in flight have committed: the
   * caller then reads what they wrote. False when they take longer than `waitMs`. Also proves the connection is
   * alive while there is nothing to publish.
   */
  async announceWaiting(waitMs: number): Promise<boolean> {
    try {
      await this.connection.query(announceWaitingQuery(waitMs));
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === LOCK_NOT_AVAILABLE) return false;
      throw error;
    }
  }

  async withdrawWaiting(): Promise<void> {
    await this.connection.query(withdrawWaitingQuery());
  }

  async release(): Promise<void> {
    const client = this.client;
    if (!client) return;
    if (this.held) await client.query(releaseLeaderLockQuery(this.name)).catch(() => undefined);
    this.forget(client);
    await client.end().catch(() => undefined);
  }

  private async connect(): Promise<Client> {
    const client = new Client({
      ...this.pool.options,
      application_name: `bridge-relay:${this.name}`,
      keepAlive: true,
    });
    client.on('error', (error) => {
      if (this.held) this.logger.warn({ err: error.message }, 'relay lost its leader connection');
      this.forget(client);
    });
    client.on('end', () => this.forget(client));
    client.on('notification', () => this.onNotification());
    try {
      await client.connect();
      // This connection only writes the relay checkpoint (see CHECKPOINT_EVERY_MS). Not waiting for its WAL flush takes a
      // disk flush (milliseconds, tens under load) out of each round; a PostgreSQL crash can then lose the last
      // few advances, which repeats those already acknowledged events (at-least-once; consumers skip them by
      // stream position). Never the reverse: the events were committed, and flushed, before they could be read.
      await client.query(asynchronousCommitQuery());
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    this.client = client;
    return client;
  }

  private forget(client: Client): void {
    if (this.client !== client) return; // an old connection reporting its end late
    this.client = null;
    this.held = false;
  }
}

/** The PostgreSQL backend that holds a relay's leader lock in the pool's database, if any. */
export const findLeaderBackend = async (pool: Pool, relayName: string): Promise<number | null> => {
  const { rows } = await pool.query<{ pid: number }>(leaderBackendQuery(relayName));
  return rows[0]?.pid ?? null;
};

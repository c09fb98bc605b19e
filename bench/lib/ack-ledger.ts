import type { Pool } from 'pg';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface LedgerCheck {
  /** 2xx answers the bridge gave. */
  acknowledged: number;
  /** Acknowledged as a duplicate of an earlier message (no new event; a bench sends none). */
  duplicates: number;
  /** 2xx answers whose body named no event id: cannot be checked. */
  unreadable: number;
  /** Acknowledged event ids with no WebhookReceived in the database: lost messages. */
  missing: number;
  /** Every WebhookReceived of the tenant in the database (acknowledged or not). */
  storedEvents: number;
}

/**
 * Every webhook the bridge acknowledged, by the event id its answer names, so that afterwards each one can be
 * looked up in the event store: a 200 is a promise that the message is stored, and this checks the promise.
 */
export class AckLedger {
  private readonly eventIds = new Set<string>();
  private acknowledged = 0;
  private duplicates = 0;
  private unreadable = 0;

  record(status: number, body: string): void {
    if (status < 200 || status > 299) return;
    this.acknowledged++;
    try {
      const answer = JSON.parse(body) as { eventId?: unknown; duplicate?: unknown };
      if (answer.duplicate === true) this.duplicates++;
      if (typeof answer.eventId === 'string' && UUID.test(answer.eventId)) this.eventIds.add(answer.eventId);
      else this.unreadable++;
    } catch {
      this.unreadable++;
    }
  }

  get count(): number {
    return this.acknowledged;
  }

  async check(pool: Pool, tenantId: string): Promise<LedgerCheck> {
    const ids = [...this.eventIds];
    const found = await pool.query<{ count: string }>(
      `SELECT count(*) FROM events WHERE type = 'WebhookReceived' AND event_id = ANY($1::uuid[])`,
      [ids],
    );
    const stored = await pool.query<{ count: string }>(
      `SELECT count(*) FROM events WHERE type = 'WebhookReceived' AND tenant_id = $1`,
      [tenantId],
    );
    return {
      acknowledged: this.acknowledged,
      duplicates: this.duplicates,
      unreadable: this.unreadable,
      missing: ids.length - Number(found.rows[0]!.count),
      storedEvents: Number(stored.rows[0]!.count),
    };
  }
}

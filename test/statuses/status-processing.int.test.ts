import type { Pool } from 'pg';
import { streamEvents, type StreamEvent } from '../support/streams';
import { waitFor } from '../support/wait';
import { statusWebhookBody, type StatusSpec } from './meta-bodies';
import { startStatusHarness, type StatusHarness } from './status-harness';
import { outboundStreamId } from '../../src/events/schemas/stream-ids';

// Consumers joining their groups take a few seconds on a fresh namespace.
jest.setTimeout(90_000);

const TENANT = 'tenant-statuses';
const STATUS_EVENTS = new Set(['StatusSent', 'Delivered', 'Read', 'MessageFailed']);
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

const statusEvents = async (pool: Pool, streamId: string): Promise<StreamEvent[]> =>
  (await streamEvents(pool, streamId)).filter((event) => STATUS_EVENTS.has(event.type));

const waitForStatusEvents = (pool: Pool, streamId: string, count: number) =>
  waitFor(`${count} status events on ${streamId}`, async () => {
    const events = await statusEvents(pool, streamId);
    return events.length >= count ? events : undefined;
  });

const parkedCount = async (pool: Pool, wamid?: string): Promise<number> =>
  Number(
    (
      await pool.query<{ n: string }>(
        'SELECT count(*) AS n FROM parked_meta_statuses WHERE $1::text IS NULL OR wamid = $1',
        [wamid ?? null],
      )
    ).rows[0]!.n,
  );

describe('status processor: Meta statuses applied to outbound messages', () => {
  let harness: StatusHarness;
  let pool: Pool;
  /** POSTs one batch and waits until the processor has handled every status in it. */
  const deliver = async (statuses: StatusSpec[]) => {
    const before = Object.values(harness.statusCounts).reduce((sum, n) => sum + n, 0);
    const response = await harness.postMeta(statusWebhookBody(statuses));
    expect(response.statusCode).toBe(200);
    await harness.waitForStatusesHandled(before + statuses.length);
  };

  beforeAll(async () => {
    harness = await startStatusHarness('statuses');
    pool = harness.bridge.connections.pool;
    await harness.addTenant(TENANT);
  });
  afterAll(() => harness.stop());

  it("ends each message of a batch of out-of-order and duplicate statuses with Meta's statuses and times", async () => {
    const a = await harness.sendMessage({
      tenantId: TENANT,
      genesysMessageId: 'batch-a',
      wamids: ['wamid.a'],
    });
    const b = await harness.sendMessage({
      tenantId: TENANT,
      genesysMessageId: 'batch-b',
      wamids: ['wamid.b'],
    });
    const c = await harness.sendMessage({
      tenantId: TENANT,
      genesysMessageId: 'batch-c',
      wamids: ['wamid.c1', 'wamid.c2'],
    });

    await deliver([
      { wamid: 'wamid.a', status: 'read', timestamp: 1_760_000_130 },
      { wamid: 'wamid.c2', status: 'deleted', timestamp: 1_760_000_300 },
      { wamid: 'wamid.a', status: 'delivered', timestamp: 1_760_000_120 },
      { wamid: 'wamid.b', status: 'read', timestamp: 1_760_000_210 },
      { wamid: 'wamid.c1', status: 'delivered', timestamp: 1_760_000_310 },
      { wamid: 'wamid.a', status: 'sent', timestamp: 1_760_000_110 },
      { wamid: 'wamid.a', status: 'delivered', timestamp: 1_760_000_120 },
      { wamid: 'wamid.c2', status: 'delivered', timestamp: 1_760_000_320 },
      { wamid: 'wamid.c1', status: 'sent', timestamp: 1_760_000_305 },
    ]);
    // A later batch: a delivered after read, a sent after read, a failure after delivery. None moves anything.
    await deliver([
      { wamid: 'wamid.a', status: 'delivered', timestamp: 1_760_000_125 },
      { wamid: 'wamid.b', status: 'sent', timestamp: 1_760_000_200 },
      {
        wamid: 'wamid.c2',
        status: 'failed',
        timestamp: 1_760_000_330,
        errors: [{ code: 131026, title: 'Message undeliverable' }],
      },
    ]);

    const recipient = { recipientId: '16505551234' };
    expect(await statusEvents(pool, a.streamId)).toEqual([
      { type: 'StatusSent', data: { wamid: 'wamid.a', sentAt: iso(1_760_000_110), ...recipient } },
      {
        type: 'Delivered',
        data: { wamid: 'wamid.a', deliveredAt: iso(1_760_000_120), isInferredFromRead: false, ...recipient },
      },
      { type: 'Read', data: { wamid: 'wamid.a', readAt: iso(1_760_000_130), ...recipient } },
    ]);
    // Read without delivered: delivered is implied, at the read time.
    expect(await statusEvents(pool, b.streamId)).toEqual([
      {
        type: 'Delivered',
        data: { wamid: 'wamid.b', deliveredAt: iso(1_760_000_210), isInferredFromRead: true, ...recipient },
      },
      { type: 'Read', data: { wamid: 'wamid.b', readAt: iso(1_760_000_210), ...recipient } },
    ]);
    // Two parts, each on its own; `deleted` is recorded with the webhook but never applied.
    expect(await statusEvents(pool, c.streamId)).toEqual([
      { type: 'StatusSent', data: { wamid: 'wamid.c1', sentAt: iso(1_760_000_305), ...recipient } },
      {
        type: 'Delivered',
        data: { wamid: 'wamid.c1', deliveredAt: iso(1_760_000_310), isInferredFromRead: false, ...recipient },
      },
      {
        type: 'Delivered',
        data: { wamid: 'wamid.c2', deliveredAt: iso(1_760_000_320), isInferredFromRead: false, ...recipient },
      },
    ]);
    expect(await parkedCount(pool)).toBe(0);
  });

  it('applies the same statuses once, whichever batch repeats them', async () => {
    const message = await harness.sendMessage({
      tenantId: TENANT,
      genesysMessageId: 'dup',
      wamids: ['wamid.dup'],
    });
    const delivered = { wamid: 'wamid.dup', status: 'delivered', timestamp: 1_760_001_000 };
    await deliver([delivered]);
    await deliver([delivered, { ...delivered, timestamp: 1_760_001_001 }]);
    expect((await statusEvents(pool, message.streamId)).map((event) => event.type)).toEqual(['Delivered']);
  });

  it('keeps a status for a wamid not sent yet, and applies it when its MessageSent lands', async () => {
    await deliver([
      { wamid: 'wamid.early', status: 'read', timestamp: 1_760_002_020 },
      { wamid: 'wamid.early', status: 'delivered', timestamp: 1_760_002_010 },
    ]);
    expect(await parkedCount(pool, 'wamid.early')).toBe(2);

    const message = await harness.sendMessage({
      tenantId: TENANT,
      genesysMessageId: 'early',
      wamids: ['wamid.early'],
    });
    const events = await waitForStatusEvents(pool, message.streamId, 2);
    expect(events).toEqual([
      {
        type: 'Delivered',
        data: {
          wamid: 'wamid.early',
          deliveredAt: iso(1_760_002_010),
          isInferredFromRead: false,
          recipientId: '16505551234',
        },
      },
      {
        type: 'Read',
        data: { wamid: 'wamid.early', readAt: iso(1_760_002_020), recipientId: '16505551234' },
      },
    ]);
    await waitFor('parked statuses removed', async () =>
      (await parkedCount(pool, 'wamid.early')) === 0 ? true : undefined,
    );
  });

  it('loses no status when statuses and their MessageSent race (the sweep is off)', async () => {
    const count = 40;
    await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const wamid = `wamid.race-${i}`;
        const response = harness.postMeta(
          statusWebhookBody([{ wamid, status: 'delivered', timestamp: 1_760_003_000 + i }]),
        );
        await harness.sendMessage({ tenantId: TENANT, genesysMessageId: `race-${i}`, wamids: [wamid] });
        expect((await response).statusCode).toBe(200);
      }),
    );
    for (let i = 0; i < count; i++) {
      const events = await waitForStatusEvents(pool, outboundStreamId(TENANT, `race-${i}`), 1);
      expect(events.map((event) => event.type)).toEqual(['Delivered']);
    }
    await waitFor('no parked race statuses', async () =>
      Number(
        (
          await pool.query<{ n: string }>(
            "SELECT count(*) AS n FROM parked_meta_statuses WHERE wamid LIKE 'wamid.race-%'",
          )
        ).rows[0]!.n,
      ) === 0
        ? true
        : undefined,
    );
  });

  it('sweeps up a parked status whose MessageSent was handled before it could be applied', async () => {
    // A MessageSent stored without its index row (as before migration 004) is handled with nothing parked yet.
    await pool.query('ALTER TABLE events DISABLE TRIGGER events_index_meta_message');
    let message;
    try {
      message = await harness.sendMessage({
        tenantId: TENANT,
        genesysMessageId: 'swept',
        wamids: ['wamid.swept'],
      });
    } finally {
      await pool.query('ALTER TABLE events ENABLE TRIGGER events_index_meta_message');
    }
    await deliver([{ wamid: 'wamid.swept', status: 'delivered', timestamp: 1_760_004_000 }]);
    expect(await parkedCount(pool, 'wamid.swept')).toBe(1);
    // The index row arrives by backfill: no MessageSent will come by again, only the sweep can apply the status.
    await pool.query(
      `INSERT INTO meta_message_index (wamid, stream_id, tenant_id, genesys_message_id, part_index)
       VALUES ('wamid.swept', $1, $2, 'swept', 0)`,
      [message.streamId, TENANT],
    );
    expect(await harness.statuses.sweep()).toBe(1);
    expect((await statusEvents(pool, message.streamId)).map((event) => event.type)).toEqual(['Delivered']);
    expect(await parkedCount(pool, 'wamid.swept')).toBe(0);
    expect(await harness.statuses.sweep()).toBe(0);
  });

  it('drops parked statuses of messages it never sent once they outlive the retention, and only those', async () => {
    await deliver([
      { wamid: 'wamid.someone-elses', status: 'delivered', timestamp: 1_760_005_000 },
      { wamid: 'wamid.recent-unknown', status: 'delivered', timestamp: 1_760_005_001 },
    ]);
    expect(await parkedCount(pool, 'wamid.someone-elses')).toBe(1);
    // Parked eight days ago (the default retention is seven).
    await pool.query(
      `UPDATE parked_meta_statuses SET parked_at = now() - interval '8 days' WHERE wamid = 'wamid.someone-elses'`,
    );

    expect(await harness.statuses.expire()).toBe(1);
    expect(await parkedCount(pool, 'wamid.someone-elses')).toBe(0);
    expect(await parkedCount(pool, 'wamid.recent-unknown')).toBe(1);
    expect(await harness.statuses.expire()).toBe(0);
  });

  it('applies a status for a business-scoped user (empty recipient_id)', async () => {
    const message = await harness.sendMessage({
      tenantId: TENANT,
      genesysMessageId: 'bsuid',
      wamids: ['wamid.bsuid'],
    });
    await deliver([
      {
        wamid: 'wamid.bsuid',
        status: 'delivered',
        timestamp: 1_760_005_000,
        recipientId: '',
        recipientUserId: 'US.13491208655302741918',
      },
    ]);
    expect(await statusEvents(pool, message.streamId)).toEqual([
      {
        type: 'Delivered',
        data: { wamid: 'wamid.bsuid', deliveredAt: iso(1_760_005_000), isInferredFromRead: false },
      },
    ]);
  });

  it("keeps the status of another tenant's wamid on that tenant's message only", async () => {
    await harness.addTenant('tenant-other', { integrationId: 'integration-other' });
    const mine = await harness.sendMessage({
      tenantId: TENANT,
      genesysMessageId: 'shared-id',
      wamids: ['wamid.mine'],
    });
    const theirs = await harness.sendMessage({
      tenantId: 'tenant-other',
      genesysMessageId: 'shared-id',
      wamids: ['wamid.theirs'],
    });
    await deliver([{ wamid: 'wamid.theirs', status: 'read', timestamp: 1_760_006_000 }]);
    expect((await statusEvents(pool, theirs.streamId)).map((event) => event.type)).toEqual([
      'Delivered',
      'Read',
    ]);
    expect(await statusEvents(pool, mine.streamId)).toEqual([]);
  });
});

import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { findEventDefinition } from '../../src/events/registry';
import { outboundStreamId } from '../../src/events/schemas/stream-ids';
import { eventExamples } from '../../src/events/schemas/examples';
import { PostgresEventStore } from '../../src/events/store/postgres-event-store';
import type { NewEvent, StoredEvent } from '../../src/events/store/types';
import { createLogger } from '../../src/infra/logger';
import { createRedis } from '../../src/infra/redis';
import { createPool } from '../../src/infra/postgres';
import { createS3, ensureBucket, type S3 } from '../../src/infra/s3';
import { liveProjection } from '../../src/projections/live-projection';
import { messageTracking } from '../../src/projections/message-tracking';
import type { TableProjection } from '../../src/projections/projection-definition';
import { archiveKey, webhookArchive } from '../../src/projections/webhook-archive';
import { decodeEvent } from '../../src/events/decode';
import { loadConfig } from '../../src/infra/config';
import { createTestDatabase } from '../support/database';
import { createNamespace } from '../support/namespace';
import { removeNamespace } from '../support/namespace-cleanup';

const TENANT = 'tenant-live-batch';

const event = (type: keyof typeof eventExamples, data: Record<string, unknown> = {}): NewEvent => ({
  eventId: randomUUID(),
  type,
  version: findEventDefinition(type)!.version,
  tenantId: TENANT,
  conversationId: 'conv-1',
  data: { ...eventExamples[type], ...data },
});

describe('a live Kafka batch of a projection (real PostgreSQL, S3)', () => {
  const ns = createNamespace('live-batch');
  let pool: Pool;
  let drop: () => Promise<void>;
  let store: PostgresEventStore;
  let s3: S3;
  const redis = createRedis(loadConfig({}).REDIS_URL, ns.redisKeyPrefix);
  const deps = () => ({ redis, s3, archiveBucket: ns.archiveBucket, logger: createLogger('silent') });

  beforeAll(async () => {
    const database = await createTestDatabase('live_batch');
    drop = database.drop;
    pool = createPool(database.url, { max: 4 });
    store = new PostgresEventStore(pool);
    const config = loadConfig({});
    s3 = createS3(config.S3_ENDPOINT, config.S3_ACCESS_KEY, config.S3_SECRET_KEY, config.S3_REGION);
    await ensureBucket(s3, ns.archiveBucket, config.S3_REGION);
  });
  afterAll(async () => {
    redis.disconnect();
    await pool.end();
    await drop();
    await removeNamespace(ns);
  });

  // Read by stream, not from $all: $all shows only what lies below the server's oldest open transaction, which
  // another test's may hold back.
  const streamsEvents = async (...streams: string[]): Promise<StoredEvent[]> =>
    (await Promise.all(streams.map((stream) => store.readStream(stream)))).flat();

  const trackingRows = async () =>
    (
      await pool.query<{
        meta_message_id: string;
        status: string;
        delivered_at: Date | null;
        read_at: Date | null;
      }>(
        `SELECT meta_message_id, status, delivered_at, read_at FROM message_tracking ORDER BY meta_message_id`,
      )
    ).rows;

  const deadLetterCount = async (source: string) =>
    Number(
      (await pool.query<{ n: string }>('SELECT count(*) AS n FROM dead_letters WHERE source = $1', [source]))
        .rows[0]!.n,
    );

  describe('message_tracking', () => {
    let events: StoredEvent[];
    beforeAll(async () => {
      // Message a: sent, then Meta's read before its delivered (each only forward); b: delivered, then an event
      // that cannot be decoded; c: sent only.
      await store.appendToStream(outboundStreamId(TENANT, 'g-a'), 0, [
        event('MessageSent', { wamid: 'wamid.a' }),
        event('Read', { wamid: 'wamid.a', readAt: '2026-01-01T10:00:03.000Z' }),
        event('Delivered', { wamid: 'wamid.a', deliveredAt: '2026-01-01T10:00:02.000Z' }),
      ]);
      await store.appendToStream(outboundStreamId(TENANT, 'g-b'), 0, [
        event('MessageSent', { wamid: 'wamid.b' }),
        event('Delivered', { wamid: 'wamid.b', deliveredAt: '2026-01-01T10:00:02.000Z' }),
        { ...event('Read'), data: { readAt: 'not a time' } },
      ]);
      await store.appendToStream(outboundStreamId(TENANT, 'g-c'), 0, [
        event('MessageSent', { wamid: 'wamid.c' }),
      ]);
      events = await streamsEvents(
        outboundStreamId(TENANT, 'g-a'),
        outboundStreamId(TENANT, 'g-b'),
        outboundStreamId(TENANT, 'g-c'),
      );
    });

    it('applies a batch in ONE transaction, each row in its events order, statuses only forward', async () => {
      const projection = liveProjection(messageTracking, deps());
      const outcomes = await projection.applyMany!(pool, events);
      expect(outcomes.map((outcome) => outcome.outcome)).toEqual([
        'applied',
        'applied',
        'applied',
        'applied',
        'applied',
        'dead-lettered',
        'applied',
      ]);
      expect(await trackingRows()).toEqual([
        {
          meta_message_id: 'wamid.a',
          status: 'read',
          delivered_at: new Date('2026-01-01T10:00:02.000Z'),
          read_at: new Date('2026-01-01T10:00:03.000Z'),
        },
        {
          meta_message_id: 'wamid.b',
          status: 'delivered',
          delivered_at: new Date('2026-01-01T10:00:02.000Z'),
          read_at: null,
        },
        { meta_message_id: 'wamid.c', status: 'accepted', delivered_at: null, read_at: null },
      ]);
      // Rows written by one transaction carry its id: the read model, the positions and the dead letter.
      const { rows } = await pool.query<{ xid: string }>(
        `SELECT xmin::text AS xid FROM message_tracking
         UNION SELECT xmin::text FROM projection_positions WHERE projection = $1
         UNION SELECT xmin::text FROM dead_letters WHERE source = $1`,
        [messageTracking.name],
      );
      expect(rows).toHaveLength(1);
      const positions = await pool.query<{ stream_id: string; position: string }>(
        'SELECT stream_id, position::text FROM projection_positions WHERE projection = $1 ORDER BY stream_id',
        [messageTracking.name],
      );
      expect(positions.rows.map((row) => Number(row.position))).toEqual([3, 3, 1]);
      expect(await deadLetterCount(messageTracking.name)).toBe(1);
    });

    it('skips a replayed batch: same rows, no second dead letter', async () => {
      const before = await trackingRows();
      const projection = liveProjection(messageTracking, deps());
      const outcomes = await projection.applyMany!(pool, events);
      expect(new Set(outcomes.map((outcome) => outcome.outcome))).toEqual(new Set(['skipped']));
      expect(await trackingRows()).toEqual(before);
      expect(await deadLetterCount(messageTracking.name)).toBe(1);
    });

    it('dead-letters an event whose statement fails, and applies the rest of its batch', async () => {
      // The table's own statements, with one message that its INSERT refuses.
      const poisoned: TableProjection = {
        ...messageTracking,
        name: 'message-tracking-poisoned',
        handlers: {
          ...messageTracking.handlers,
          MessageSent: {
            ...messageTracking.handlers.MessageSent!,
            applyMany: async (sent, tx, table) => {
              if (sent.some((one) => one.data.wamid === 'wamid.b')) throw new Error('refused on purpose');
              await messageTracking.handlers.MessageSent!.applyMany(sent, tx, table);
            },
          },
        },
      };
      await pool.query('TRUNCATE message_tracking');
      const outcomes = await liveProjection(poisoned, deps()).applyMany!(pool, events);
      expect(outcomes.map((outcome) => outcome.outcome)).toEqual([
        'applied',
        'applied',
        'applied',
        'dead-lettered',
        'applied', // a Delivered without its row changes nothing, as before
        'dead-lettered',
        'applied',
      ]);
      expect((await trackingRows()).map((row) => [row.meta_message_id, row.status])).toEqual([
        ['wamid.a', 'read'],
        ['wamid.c', 'accepted'],
      ]);
      expect(await deadLetterCount(poisoned.name)).toBe(2);
    });
  });

  describe('webhook archive', () => {
    it('writes its objects with no transaction open and records nothing but dead letters', async () => {
      const stream = outboundStreamId(TENANT, 'g-webhook');
      await store.appendToStream(stream, 0, [
        event('WebhookReceived'),
        { ...event('WebhookReceived'), data: { rawBody: 42 } },
      ]);
      const events = await streamsEvents(stream);
      const openTransactions: number[] = [];
      const archive = webhookArchive.write(deps());
      const projection = liveProjection(
        {
          ...webhookArchive,
          write: () => async (received) => {
            const { rows } = await pool.query<{ n: string }>(
              `SELECT count(*) AS n FROM pg_stat_activity
                WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
            );
            openTransactions.push(Number(rows[0]!.n));
            await archive(received);
          },
        },
        deps(),
      );
      const outcomes = await projection.applyMany!(pool, events);
      expect(outcomes.map((outcome) => outcome.outcome)).toEqual(['applied', 'dead-lettered']);
      expect(openTransactions).toEqual([0]);
      const received = decodeEvent(events[0]!);
      if (received.type !== 'WebhookReceived') throw new Error('expected a WebhookReceived');
      const stat = await s3.statObject(ns.archiveBucket, archiveKey(received));
      expect(stat.size).toBe(Buffer.byteLength(received.data.rawBody));
      const positions = await pool.query('SELECT 1 FROM projection_positions WHERE projection = $1', [
        webhookArchive.name,
      ]);
      expect(positions.rowCount).toBe(0);
      expect(await deadLetterCount(webhookArchive.name)).toBe(1);
    });
  });
});

import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { decodeEvent } from '../../src/events/decode';
import type { StoredEvent } from '../../src/events/store/types';
import { conversationKey, userIdKey } from '../../src/projections/mapping-cache';
import type { StatusEntry } from '../../src/runtime/projection-status';
import { rebuildProjection } from '../../src/projections/rebuild/rebuild-projection';
import { archiveKey } from '../../src/projections/webhook-archive';
import { startPipeline, type TestPipeline } from '../support/pipeline';
import { waitFor } from '../support/wait';
import { waitCaughtUp } from '../support/caught-up';
import { buildInboundWebhook, signMetaWebhook } from '../../src/simulators/meta';
import { rowsOf } from './support/reference';
import { postWebhook, setUpTenant, TENANT, textWebhook } from './support/traffic';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');

describe('each projection rebuilt from the event store equals the live one (real services)', () => {
  let pipeline: TestPipeline;
  let stateKey: Record<string, string>;
  let conversations: string[];
  const live: Record<string, string[]> = {};

  const deps = () => ({
    pool: pipeline.connections.pool,
    redis: pipeline.connections.redis,
    s3: pipeline.connections.s3,
    archiveBucket: pipeline.config.S3_ARCHIVE_BUCKET,
  });

  const patchStatus = async (wamid: string, status: string, timestamp: number) => {
    const answer = await pipeline.internal.inject({
      method: 'PATCH',
      url: `/state/message/${wamid}`,
      headers: { 'x-tenant-id': TENANT, ...stateKey },
      payload: { status, timestamp },
    });
    expect(answer.statusCode).toBe(200);
  };

  beforeAll(async () => {
    pipeline = await startPipeline('rebuild-eq');
    conversations = await setUpTenant(pipeline, 3);
    stateKey = await pipeline.apiKeyHeaders(TENANT, ['state:write']);
    for (let index = 0; index < 12; index++) {
      const webhook = textWebhook(conversations[index % 3]!, `message ${index}`);
      expect(await postWebhook(pipeline, webhook.body)).toBe(200);
    }
    const wamids = await waitFor(
      '12 MessageSent',
      async () => {
        const { rows } = await pipeline.connections.pool.query<{ wamid: string }>(
          `SELECT data->>'wamid' AS wamid FROM events WHERE type = 'MessageSent' ORDER BY global_position`,
        );
        return rows.length === 12 ? rows.map((row) => row.wamid) : undefined;
      },
      60_000,
    );
    // A timeline per message: some delivered, some read, one failed; statuses through the decider's rules.
    const t0 = Math.floor(Date.now() / 1000);
    for (const [index, wamid] of wamids.entries()) {
      await patchStatus(wamid, 'sent', t0 + 1);
      if (index % 4 === 3) await patchStatus(wamid, 'failed', t0 + 2);
      else if (index % 2 === 0) await patchStatus(wamid, 'delivered', t0 + 2);
      if (index % 4 === 0) await patchStatus(wamid, 'read', t0 + 3);
    }
    await waitFor(
      'every status applied',
      async () => {
        const { rows } = await pipeline.connections.pool.query<{ n: number }>(
          `SELECT count(*)::integer AS n FROM message_tracking WHERE status IN ('sent', 'accepted')`,
        );
        // Indexes 1, 5, 9, …: sent and nothing after.
        return rows[0]!.n === wamids.filter((_, index) => index % 4 === 1).length ? true : undefined;
      },
      60_000,
    );
    // A customer writing in: Genesys opens a conversation, and the mapping carries the inbound columns.
    const inbound = Buffer.from(
      JSON.stringify(
        buildInboundWebhook({
          customer: { waId: '447700900555', name: 'Inbound Customer', userId: 'US.555', username: '@in' },
          messages: ['first', 'second'].map((body, index) => ({
            type: 'text',
            id: `wamid.rebuild-${body}`,
            timestamp: String(1749416383 + index),
            text: { body },
          })),
        }),
      ),
    );
    const answer = await pipeline.app.inject({
      method: 'POST',
      url: '/webhook/meta',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signMetaWebhook(pipeline.config.META_APP_SECRET!, inbound),
      },
      payload: inbound,
    });
    expect(answer.statusCode).toBe(200);
    await waitFor(
      'the inbound conversation mapped',
      async () => {
        const { rows } = await pipeline.connections.pool.query(
          `SELECT 1 FROM conversation_mappings WHERE last_inbound_at = '2025-06-08T20:59:44Z' AND contact_name IS NOT NULL`,
        );
        return rows.length === 1 ? true : undefined;
      },
      60_000,
    );
    // A customer WhatsApp names only by a business-scoped user id: a mapping row without a wa_id.
    const byUserId = Buffer.from(
      JSON.stringify(
        buildInboundWebhook({
          customer: { userId: 'US.556', username: '@bsu' },
          messages: [
            { type: 'text', id: 'wamid.rebuild-bsu', timestamp: '1749416390', text: { body: 'hi' } },
          ],
        }),
      ),
    );
    const bsuAnswer = await pipeline.app.inject({
      method: 'POST',
      url: '/webhook/meta',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signMetaWebhook(pipeline.config.META_APP_SECRET!, byUserId),
      },
      payload: byUserId,
    });
    expect(bsuAnswer.statusCode).toBe(200);
    await waitFor(
      'the business-scoped customer mapped',
      async () => {
        const { rows } = await pipeline.connections.pool.query(
          `SELECT 1 FROM conversation_mappings
            WHERE customer_user_id = 'US.556' AND wa_id IS NULL AND contact_name IS NOT NULL`,
        );
        return rows.length === 1 ? true : undefined;
      },
      60_000,
    );
    await waitCaughtUp(pipeline, 60_000);
    for (const table of ['conversation_mappings', 'message_tracking']) {
      live[table] = await rowsOf(pipeline.connections.pool, table);
    }
  }, 180_000); // a loaded 2-core machine: Kafka consumers alone take seconds to join
  afterAll(() => pipeline.stop());

  it('has statuses in the live read model to rebuild', () => {
    const statuses = live.message_tracking!.map((row) => (JSON.parse(row) as { status: string }).status);
    expect(new Set(statuses)).toEqual(new Set(['sent', 'delivered', 'read', 'failed']));
    expect(live.conversation_mappings).toHaveLength(5);
  });

  it('rebuilds message_tracking to the live rows, repairing a damaged table', async () => {
    const { pool } = pipeline.connections;
    await pool.query(`DELETE FROM message_tracking WHERE status = 'read'`);
    await pool.query(`UPDATE message_tracking SET status = 'accepted', delivered_at = NULL`);
    const result = await rebuildProjection('message-tracking', deps());
    expect(result).toMatchObject({ projection: 'message-tracking', poisoned: 0 });
    expect(await rowsOf(pool, 'message_tracking')).toEqual(live.message_tracking);
  });

  it('rebuilds conversation_mappings to the live rows and re-warms the Redis mapping cache', async () => {
    const { pool, redis } = pipeline.connections;
    await pool.query(
      `UPDATE conversation_mappings SET wa_id = '0000', last_activity_at = now(), last_inbound_at = NULL,
              customer_username = NULL`,
    );
    await redis.del(conversationKey(TENANT, conversations[0]!));
    await redis.del(userIdKey(TENANT, 'US.556'));
    await redis.set(
      conversationKey(TENANT, conversations[1]!),
      JSON.stringify({ waId: '0000', tenantId: TENANT }),
    );
    await rebuildProjection('conversation-mappings', deps());
    expect(await rowsOf(pool, 'conversation_mappings')).toEqual(live.conversation_mappings);
    for (const row of live.conversation_mappings!.map((text) => JSON.parse(text) as Record<string, string>)) {
      const cached = JSON.parse((await redis.get(conversationKey(TENANT, row.conversation_id!))) ?? '{}');
      expect(cached).toMatchObject({ waId: row.wa_id, tenantId: TENANT });
    }
    const [bsuRow] = live
      .conversation_mappings!.map((text) => JSON.parse(text) as Record<string, string | null>)
      .filter((row) => row.customer_user_id === 'US.556');
    expect(bsuRow).toMatchObject({ wa_id: null, contact_name: '@bsu' });
    expect(JSON.parse((await redis.get(userIdKey(TENANT, 'US.556'))) ?? '{}')).toEqual({
      conversationId: bsuRow!.conversation_id,
      tenantId: TENANT,
    });
  });

  it('rewrites every WebhookReceived into the archive', async () => {
    const { pool, s3 } = pipeline.connections;
    const bucket = pipeline.config.S3_ARCHIVE_BUCKET;
    const { rows } = await pool.query<{ event: StoredEvent }>(
      `SELECT json_build_object('eventId', event_id, 'type', type, 'version', version, 'streamId', stream_id,
         'streamPosition', stream_position, 'globalPosition', global_position::text,
         'transactionId', transaction_id::text, 'tenantId', tenant_id, 'conversationId', conversation_id,
         'occurredAt', occurred_at, 'recordedAt', recorded_at, 'causationId', null, 'correlationId', null,
         'metadata', metadata, 'data', data) AS event
       FROM events WHERE type = 'WebhookReceived'`,
    );
    const keys = rows.map(({ event }) => {
      const decoded = decodeEvent(event);
      if (decoded.type !== 'WebhookReceived') throw new Error('not a WebhookReceived');
      return archiveKey(decoded);
    });
    expect(keys).toHaveLength(12);
    await s3.removeObjects(bucket, keys);
    const result = await rebuildProjection('webhook-archive', deps());
    expect(result).toMatchObject({ projection: 'webhook-archive', objects: 12 });
    for (const key of keys) await expect(s3.statObject(bucket, key)).resolves.toBeDefined();
  });

  describe('the CLI', () => {
    const env = () => ({
      PATH: process.env.PATH ?? '',
      DATABASE_URL: pipeline.config.DATABASE_URL,
      KAFKA_TOPIC_PREFIX: pipeline.config.KAFKA_TOPIC_PREFIX,
      REDIS_KEY_PREFIX: pipeline.config.REDIS_KEY_PREFIX,
      S3_ARCHIVE_BUCKET: pipeline.config.S3_ARCHIVE_BUCKET,
      CREDENTIALS_KEY: pipeline.config.CREDENTIALS_KEY,
      LOG_LEVEL: 'warn',
    });
    const bridge = (...args: string[]) =>
      run(path.join(root, 'node_modules/.bin/tsx'), ['src/cli/main.ts', ...args], {
        cwd: root,
        env: env(),
        timeout: 60_000,
      });

    it('bridge projections rebuild message-tracking exits 0, shows progress and rebuilds the table', async () => {
      await pipeline.connections.pool.query(`DELETE FROM message_tracking`);
      const { stdout, stderr } = await bridge('projections', 'rebuild', 'message-tracking');
      expect(stdout).toMatch(/^message-tracking: \d+ events read \(\d+ for this projection\)/);
      expect(stderr).toMatch(/message-tracking \[.*\] 100% \| \d+\/\d+ events \| [\d,]+ events\/s/);
      expect(await rowsOf(pipeline.connections.pool, 'message_tracking')).toEqual(live.message_tracking);
    });

    it('bridge projections status --json exits 0 and reports every projection caught up', async () => {
      const { stdout } = await bridge('projections', 'status', '--json');
      const status = JSON.parse(stdout) as StatusEntry[];
      expect(status.map((entry) => entry.name)).toEqual(
        expect.arrayContaining([
          'relay.kafka',
          'projection.conversation-mappings',
          'projection.message-tracking',
          'projection.webhook-archive',
        ]),
      );
      for (const entry of status.filter((item) => item.kind !== 'processor')) {
        expect(entry).toMatchObject({ lagEvents: 0, lagSeconds: 0 });
      }
      const relay = status.find((entry) => entry.name === 'relay.kafka')!;
      expect(relay.position).toMatch(/^\d+\/\d+$/);
      expect(relay.position).not.toBe('0/0');
    });

    it('bridge projections status prints a table', async () => {
      const { stdout } = await bridge('projections', 'status');
      const lines = stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^NAME\s+POSITION\s+LAG \(events\)\s+LAG \(s\)$/);
      expect(lines.find((line) => line.startsWith('projection.message-tracking'))).toMatch(
        /at \d+ of \d+\s+0\s+0\.0$/,
      );
    });

    it('an unknown projection is an error on stderr with a non-zero exit', async () => {
      await expect(bridge('projections', 'rebuild', 'nope')).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/unknown projection nope/),
      });
    });
  });
});

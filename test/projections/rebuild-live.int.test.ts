import { startPipeline, type TestPipeline } from '../support/pipeline';
import { rebuildProjection } from '../../src/projections/rebuild/rebuild-projection';
import { conversationMappings } from '../../src/projections/conversation-mappings';
import { messageTracking } from '../../src/projections/message-tracking';
import { waitCaughtUp } from '../support/caught-up';
import { positionsOf, referenceReplay, rowsOf } from './support/reference';
import { postWebhook, setUpTenant, TENANT, textWebhook } from './support/traffic';

const MESSAGES = 150;

describe('projection rebuild under live traffic (real services)', () => {
  let pipeline: TestPipeline;
  let stateKey: Record<string, string>;
  let conversations: string[];

  beforeAll(async () => {
    pipeline = await startPipeline('rebuild-live');
    conversations = await setUpTenant(pipeline, 5);
    stateKey = await pipeline.apiKeyHeaders(TENANT, ['state:read']);
  }, 120_000);
  afterAll(() => pipeline.stop());

  it('swaps both tables mid-stream without a failed read, and ends equal to a fresh replay', async () => {
    const { pool } = pipeline.connections;
    let sending = true;
    let reads = 0;
    let readsDuringRebuild = 0;
    const failures: string[] = [];
    let rebuilding = false;

    // Reads every few milliseconds, through the API and straight from the table, for the whole run.
    const reader = (async () => {
      for (let index = 0; sending; index++) {
        const conversationId = conversations[index % conversations.length]!;
        try {
          const answer = await pipeline.internal.inject({
            method: 'GET',
            url: `/state/conversation/${conversationId}`,
            headers: { 'x-tenant-id': TENANT, ...stateKey },
          });
          if (answer.statusCode !== 200) failures.push(`GET ${answer.statusCode} ${answer.body}`);
          await pool.query('SELECT count(*) FROM message_tracking');
        } catch (error) {
          failures.push(String(error));
        }
        reads++;
        if (rebuilding) readsDuringRebuild++;
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
    })();

    const sent: string[] = [];
    let writerFailed: unknown = null;
    const writer = (async () => {
      for (let index = 0; index < MESSAGES; index++) {
        const webhook = textWebhook(conversations[index % conversations.length]!, `message ${index}`);
        expect(await postWebhook(pipeline, webhook.body)).toBe(200);
        sent.push(webhook.streamId);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })().catch((error: unknown) => {
      writerFailed = error;
    });

    // Mid-stream: once a third of the messages are in, rebuild both table projections.
    while (sent.length < MESSAGES / 3 && !writerFailed)
      await new Promise((resolve) => setTimeout(resolve, 20));
    if (writerFailed) {
      sending = false;
      throw writerFailed;
    }
    rebuilding = true;
    const deps = {
      pool,
      redis: pipeline.connections.redis,
      s3: pipeline.connections.s3,
      archiveBucket: pipeline.config.S3_ARCHIVE_BUCKET,
      // Small pages so that the catch-up takes several rounds while webhooks keep arriving.
      table: { pageSize: 50, swapThreshold: 5 },
    };
    const [mappings, tracking] = await Promise.all([
      rebuildProjection('conversation-mappings', deps),
      rebuildProjection('message-tracking', deps),
    ]);
    rebuilding = false;
    const sentAtSwap = sent.length;
    await writer;
    if (writerFailed) throw writerFailed;

    // Every message settled (sent to Meta, or failed on a loaded machine), then everything applied live.
    await waitForAllSent(pipeline, MESSAGES);
    await waitCaughtUp(pipeline, 60_000);
    sending = false;
    await reader;

    expect(sentAtSwap).toBeLessThan(MESSAGES); // the swap happened while traffic was still arriving
    expect(mappings.events).toBeGreaterThan(0);
    expect(tracking.events).toBeGreaterThan(0);
    expect(readsDuringRebuild).toBeGreaterThan(0);
    expect(reads).toBeGreaterThan(readsDuringRebuild);
    expect(failures).toEqual([]);

    for (const target of [conversationMappings, messageTracking]) {
      const reference = await referenceReplay(pool, target);
      expect(await rowsOf(pool, target.table)).toEqual(await rowsOf(pool, reference.table));
      // Positions handed over and then advanced by the live runner: exactly one per stream, none missing.
      expect(await positionsOf(pool, target.name)).toEqual(reference.positions);
    }
    const tracked = await pool.query(
      `SELECT (SELECT count(*)::integer FROM message_tracking) AS rows,
              (SELECT count(*)::integer FROM events WHERE type = 'MessageSent') AS sent`,
    );
    expect(tracked.rows[0].rows).toBe(tracked.rows[0].sent);
    expect(tracked.rows[0].sent).toBeGreaterThan(MESSAGES / 2);
    // No shadow, retired table or staged positions left behind.
    const leftovers = await pool.query(
      `SELECT tablename FROM pg_tables WHERE tablename ~ '_(rebuild|old)$'
       UNION ALL SELECT DISTINCT projection FROM projection_positions WHERE projection LIKE '%@rebuild'`,
    );
    expect(leftovers.rows).toEqual([]);
  }, 180_000);
});

const waitForAllSent = async (pipeline: TestPipeline, count: number) => {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { rows } = await pipeline.connections.pool.query<{ n: number }>(
      `SELECT count(DISTINCT stream_id)::integer AS n FROM events WHERE type IN ('MessageSent', 'MessageFailed')`,
    );
    if (rows[0]!.n >= count) return;
    if (Date.now() > deadline) {
      const letters = await pipeline.connections.pool.query<{ source: string; error: string }>(
        'SELECT source, error FROM dead_letters',
      );
      const stuck = await pipeline.connections.pool.query<{ types: string }>(
        `SELECT string_agg(type, ',' ORDER BY stream_position) AS types FROM events WHERE stream_id LIKE 'outbound-%'
          GROUP BY stream_id HAVING bool_and(type NOT IN ('MessageSent', 'MessageFailed'))`,
      );
      throw new Error(
        `only ${rows[0]!.n} of ${count} messages settled; stuck: ${JSON.stringify(stuck.rows)}; ` +
          `dead letters: ${JSON.stringify(letters.rows)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

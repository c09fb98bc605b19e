import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { genesysSignature } from '../../src/http/signatures';
import { fixtureBytes } from '../support/fixtures';
import { startPipeline, type TestPipeline } from '../support/pipeline';
import { waitForSettled } from '../support/streams';
import { waitCaughtUp } from '../support/caught-up';
import { waitFor } from '../support/wait';
import type { ConversationAudit } from '../../src/audit/conversation-audit';
import { outboundStreamId } from '../../src/events/schemas/stream-ids';

const TENANT = 'acme';
const SECRET = 'audit-webhook-secret-0001';
const CONVERSATION = randomUUID();
const run = promisify(execFile);

/** One conversation with a text, an image and a long text; statuses arrive out of order and twice. */
describe('audit replay of a conversation', () => {
  let pipeline: TestPipeline;
  let beforeStatuses: string;
  const ids = { text: randomUUID(), image: randomUUID(), long: randomUUID() };

  const post = async (body: string) => {
    const response = await pipeline.app.inject({
      method: 'POST',
      url: '/webhook/genesys',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': genesysSignature(SECRET, body) },
      payload: body,
    });
    expect(response.statusCode).toBe(200);
  };
  const webhook = (fixture: string, messageId: string, changes: Record<string, unknown> = {}) => {
    const base = JSON.parse(fixtureBytes(`genesys/${fixture}`).toString()) as Record<string, unknown> & {
      channel: Record<string, unknown>;
    };
    return JSON.stringify({
      ...base,
      id: messageId,
      channel: { ...base.channel, id: 'int-acme', messageId },
      conversationId: CONVERSATION,
      ...changes,
    });
  };
  const audit = async (query = '') => {
    const response = await pipeline.internal.inject({
      method: 'GET',
      url: `/audit/conversations/${CONVERSATION}${query}`,
      headers: { 'x-tenant-id': TENANT, authorization: `Bearer ${pipeline.adminToken}` },
    });
    expect(response.statusCode).toBe(200);
    return response.json() as ConversationAudit;
  };

  beforeAll(async () => {
    pipeline = await startPipeline('audit');
    await pipeline.addTenant({
      tenantId: TENANT,
      integrationId: 'int-acme',
      region: 'mypurecloud.ie',
      webhookSecret: SECRET,
    });
    await pipeline.link(TENANT, CONVERSATION, '16505551234', 'Jane Doe');
    pipeline.genesys.addAttachment('pce9ac7dc17eab202a3', Buffer.from('png bytes'), 'image/png');
    await post(webhook('outbound-text.json', ids.text));
    await post(webhook('outbound-attachment-image.json', ids.image));
    await post(webhook('outbound-text.json', ids.long, { text: 'word '.repeat(1000) }));
    for (const id of Object.values(ids)) {
      await waitForSettled(pipeline.connections.pool, outboundStreamId(TENANT, id), ['MessageSent']);
    }
    beforeStatuses = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));

    // Statuses through the real Meta webhook: read before delivered for the text, a duplicate, a failure.
    const wamid = (id: string) =>
      pipeline.meta.sentMessages.find((m) => m.bizOpaqueCallbackData === id)!.wamid;
    const target = (await pipeline.app.listen({ port: 0, host: '127.0.0.1' })) + '/webhook/meta';
    const statuses = [
      { wamid: wamid(ids.text), status: 'read' as const, timestamp: '1760659300' },
      { wamid: wamid(ids.text), status: 'delivered' as const, timestamp: '1760659200' },
      { wamid: wamid(ids.text), status: 'read' as const, timestamp: '1760659300' },
      {
        wamid: wamid(ids.image),
        status: 'failed' as const,
        timestamp: '1760659250',
        errors: [{ code: 131053, title: 'Media upload error' }],
      },
    ];
    for (const [index, status] of statuses.entries()) {
      await pipeline.meta.sendStatusWebhook(target, pipeline.config.META_APP_SECRET!, {
        ...status,
        recipientId: '16505551234',
      });
      // Separate POSTs are applied side by side; the read must land first for "the late delivered" to be late.
      if (index === 0) {
        await waitFor('the read applied', async () =>
          (await audit()).messages.find((m) => m.genesysMessageId === ids.text)?.status === 'read'
            ? true
            : undefined,
        );
      }
    }
    await waitFor('statuses applied', async () => {
      const state = await audit();
      const text = state.messages.find((m) => m.genesysMessageId === ids.text);
      const image = state.messages.find((m) => m.genesysMessageId === ids.image);
      return text?.status === 'read' && image?.status === 'failed' ? true : undefined;
    });
    // The receipts to Genesys follow the statuses: the audit below must see the conversation at rest.
    await waitCaughtUp(pipeline);
  });
  afterAll(() => pipeline.stop());

  it('lists every event in commit order with the state it implies', async () => {
    const state = await audit();
    expect(state.mapping).toMatchObject({ waId: '16505551234', contactName: 'Jane Doe' });
    const text = state.messages.find((m) => m.genesysMessageId === ids.text)!;
    expect(text.timeline.map((step) => step.status)).toEqual([
      'received',
      'mapped',
      'send-requested',
      'accepted',
      'delivered',
      'read',
    ]);
    // Read without a prior delivered sets delivered at the read time; the late delivered changes nothing.
    expect(text.timeline.find((step) => step.status === 'delivered')!.at).toBe(
      new Date(1760659300 * 1000).toISOString(),
    );
    const image = state.messages.find((m) => m.genesysMessageId === ids.image)!;
    expect(image).toMatchObject({ status: 'failed', failure: { stage: 'delivery' } });
    const long = state.messages.find((m) => m.genesysMessageId === ids.long)!;
    expect(long.wamids).toHaveLength(2); // 5000 characters: two WhatsApp messages
    // Commit order is the relay's order, (transaction id, global position): not the recording times, which are
    // transaction start times and may interleave when a status and a send overlap.
    const { rows } = await pipeline.connections.pool.query<{ stream_id: string; type: string }>(
      `SELECT stream_id, type FROM events WHERE tenant_id = $1 AND conversation_id = $2
        ORDER BY transaction_id, global_position`,
      [TENANT, CONVERSATION],
    );
    const listed = state.events.map((event) => `${event.streamId} ${event.type}`);
    expect(listed).toEqual(rows.map((row) => `${row.stream_id} ${row.type}`));
    // ...which keeps every stream in its own order.
    for (const streamId of new Set(state.events.map((event) => event.streamId))) {
      const own = (await pipeline.services.store.readStream(streamId)).map(
        (event) => `${streamId} ${event.type}`,
      );
      expect(listed.filter((entry) => entry.startsWith(`${streamId} `))).toEqual(own);
    }
    expect(
      state.events.filter((event) => event.type === 'WebhookReceived').map((event) => event.signature),
    ).toEqual(['verified', 'verified', 'verified']);
    expect(JSON.stringify(state)).not.toContain(SECRET);
  });

  it('gives the state as it was at a chosen moment', async () => {
    const earlier = await audit(`?at=${encodeURIComponent(beforeStatuses)}`);
    expect(earlier.messages.map((m) => m.status).sort()).toEqual(['accepted', 'accepted', 'accepted']);
    expect(earlier.events.every((event) => event.recordedAt <= beforeStatuses)).toBe(true);
  });

  it('flags a stored webhook body altered after the fact', async () => {
    await pipeline.connections.pool.query(
      `UPDATE events SET data = jsonb_set(data, '{rawBody}', to_jsonb(replace(data->>'rawBody', 'Hello World', 'Hello Werld')))
       WHERE stream_id = $1 AND type = 'WebhookReceived'`,
      [outboundStreamId(TENANT, ids.text)],
    );
    const state = await audit();
    const checks = state.events.filter((event) => event.type === 'WebhookReceived');
    expect(checks.find((event) => event.genesysMessageId === ids.text)!.signature).toBe('mismatch');
    expect(checks.filter((event) => event.signature === 'verified')).toHaveLength(2);
  });

  it('prints the same replay from the CLI, as a timeline and as JSON', async () => {
    const env = {
      ...process.env,
      DATABASE_URL: pipeline.config.DATABASE_URL,
      REDIS_KEY_PREFIX: pipeline.config.REDIS_KEY_PREFIX,
      CREDENTIALS_KEY: pipeline.config.CREDENTIALS_KEY!,
      LOG_LEVEL: 'error',
    };
    const cli = path.resolve(__dirname, '../../src/cli/main.ts');
    const tsx = path.resolve(__dirname, '../../node_modules/.bin/tsx');
    const human = await run(tsx, [cli, 'replay', 'conversation', CONVERSATION, '--tenant', TENANT], { env });
    expect(human.stdout).toContain(`conversation ${CONVERSATION} (tenant ${TENANT})`);
    expect(human.stdout).toContain('signature MISMATCH');
    expect(human.stdout).toMatch(/WebhookReceived/);
    const json = await run(tsx, [cli, 'replay', 'conversation', CONVERSATION, '--tenant', TENANT, '--json'], {
      env,
    });
    expect((JSON.parse(json.stdout) as ConversationAudit).messages).toHaveLength(3);
    await expect(
      run(tsx, [cli, 'replay', 'conversation', 'nope', '--tenant', TENANT], { env }),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('no events for conversation nope'),
    });
  });
});

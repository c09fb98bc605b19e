import { randomUUID } from 'node:crypto';
import { genesysTextWebhook, postGenesysWebhook } from '../support/genesys-webhooks';
import { startPipeline, type TestPipeline } from '../support/pipeline';
import { streamEvents, waitForSettled } from '../support/streams';
import { waitFor } from '../support/wait';

const TENANT = 'acme';
const INTEGRATION = '73cb7fb7-c2db-4996-88f3-0a83a4fea1da';
const SECRET = 'reconcile-webhook-secret-01';
const WA_ID = '447700900124';
/** Long enough for the status to come first, short enough for the control case to see the resend. */
const WINDOW_MS = 8_000;

const textWebhook = (text: string, conversationId: string) =>
  genesysTextWebhook({ tenantId: TENANT, conversationId, text });

/**
 * A send whose answer is lost (Meta took the message; the bridge's call timed out) must not reach the customer
 * twice when Meta's status reports it: the bridge records the send from the status (biz_opaque_callback_data
 * names the message) instead of sending again after the reconciliation window.
 */
describe('a send with an unknown outcome, reconciled from Meta status webhooks', () => {
  let pipeline: TestPipeline;
  let metaWebhookUrl: string;
  const post = (body: string) => postGenesysWebhook(pipeline.app, SECRET, body);
  const sendsOf = (messageId: string) =>
    pipeline.meta.sentMessages.filter((message) => message.bizOpaqueCallbackData === messageId);

  /** Posts the webhook with Meta's next answer lost, and waits until Meta has taken the message. */
  const sendWithLostAnswer = async (
    text: string,
    loseAnswer = () => pipeline.meta.timeoutNext(1, { processed: true }),
  ) => {
    const conversationId = randomUUID();
    await pipeline.link(TENANT, conversationId, WA_ID);
    const webhook = textWebhook(text, conversationId);
    loseAnswer();
    expect((await post(webhook.body)).statusCode).toBe(200);
    const [taken] = await waitFor('Meta to take the message', async () => {
      const sends = sendsOf(webhook.messageId);
      return sends.length > 0 ? sends : undefined;
    });
    return { webhook, taken: taken! };
  };

  beforeAll(async () => {
    pipeline = await startPipeline('reconcile', { workers: { driver: { reconcileWindowMs: WINDOW_MS } } });
    await pipeline.addTenant({
      tenantId: TENANT,
      integrationId: INTEGRATION,
      region: 'usw2.pure.cloud',
      webhookSecret: SECRET,
    });
    metaWebhookUrl = `${await pipeline.app.listen({ port: 0, host: '127.0.0.1' })}/webhook/meta`;
  });
  afterAll(() => pipeline.stop());

  it("records the send from Meta's status and does not send it again", async () => {
    const { webhook, taken } = await sendWithLostAnswer('sent once, answer lost');
    const delivery = await pipeline.meta.sendStatusWebhook(metaWebhookUrl, pipeline.config.META_APP_SECRET!, {
      wamid: taken.wamid,
      status: 'sent',
      timestamp: String(Math.floor(Date.now() / 1000)),
      recipientId: WA_ID,
    });
    expect(delivery.status).toBe(200);

    const events = await waitForSettled(pipeline.connections.pool, webhook.streamId, ['StatusSent']);
    expect(events.filter((event) => event.type === 'SendRequested')).toHaveLength(1);
    expect(events.find((event) => event.type === 'MessageSent')?.data).toMatchObject({
      wamid: taken.wamid,
      partIndex: 0,
      attempt: 1,
    });
    // Past the window a resend would have happened by now; the message was done as soon as it was reconciled.
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS + 2_000));
    expect(sendsOf(webhook.messageId)).toHaveLength(1);
    expect(
      (await streamEvents(pipeline.connections.pool, webhook.streamId)).map((e) => e.type),
    ).not.toContain('MessageFailed');
  });

  it.each([
    ['bare 500', { status: 500, body: '' }],
    ['502 from a proxy', { status: 502, body: '<html>Bad Gateway</html>' }],
  ])(
    'does not resend after a %s once Meta took the message: the status reconciles it, sent once',
    async (_label, failure) => {
      const { webhook, taken } = await sendWithLostAnswer('taken, then answered 5xx', () =>
        pipeline.meta.failNext({ ...failure, processed: true }),
      );
      await pipeline.meta.sendStatusWebhook(metaWebhookUrl, pipeline.config.META_APP_SECRET!, {
        wamid: taken.wamid,
        status: 'sent',
        timestamp: String(Math.floor(Date.now() / 1000)),
        recipientId: WA_ID,
      });
      const events = await waitForSettled(pipeline.connections.pool, webhook.streamId, ['StatusSent']);
      // A resend at once (the old reading of a bare 5xx) would be attempt 2 with another wamid.
      expect(events.filter((event) => event.type === 'SendRequested')).toHaveLength(1);
      expect(events.filter((event) => event.type === 'MessageSent').map((event) => event.data)).toEqual([
        expect.objectContaining({ wamid: taken.wamid, attempt: 1 }),
      ]);
      expect(sendsOf(webhook.messageId)).toHaveLength(1);
    },
  );

  it('sends the rest of a split message once the part whose answer was lost is reconciled', async () => {
    // 5,000 characters: two WhatsApp messages; the answer to the first is lost.
    const { webhook, taken } = await sendWithLostAnswer(`${'long text '.repeat(500)}end`);
    await pipeline.meta.sendStatusWebhook(metaWebhookUrl, pipeline.config.META_APP_SECRET!, {
      wamid: taken.wamid,
      status: 'sent',
      timestamp: String(Math.floor(Date.now() / 1000)),
      recipientId: WA_ID,
    });
    const events = await waitFor(
      'both parts recorded',
      async () => {
        const all = await streamEvents(pipeline.connections.pool, webhook.streamId);
        return all.filter((event) => event.type === 'MessageSent').length === 2 ? all : undefined;
      },
      30_000,
    );
    // Under the attempt that lost the answer: the run resumed it instead of starting another after the window.
    expect(events.filter((event) => event.type === 'SendRequested')).toHaveLength(1);
    expect(
      events
        .filter((event) => event.type === 'MessageSent')
        .map((event) => [event.data.partIndex, event.data.attempt]),
    ).toEqual([
      [0, 1],
      [1, 1],
    ]);
    expect(sendsOf(webhook.messageId)).toHaveLength(2);
  });

  it('without a status, sends again once the window has passed (the outcome stays unknown)', async () => {
    const { webhook } = await sendWithLostAnswer('answer lost, no status');
    const events = await waitForSettled(pipeline.connections.pool, webhook.streamId, ['MessageSent'], 30_000);
    expect(
      events.filter((event) => event.type === 'SendRequested').map((event) => event.data.attempt),
    ).toEqual([1, 2]);
    expect(sendsOf(webhook.messageId)).toHaveLength(2);
  });
});

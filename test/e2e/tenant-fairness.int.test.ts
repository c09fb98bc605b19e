import { randomUUID } from 'node:crypto';
import { genesysTextWebhook, postGenesysWebhook } from '../support/genesys-webhooks';
import { META_TOKEN, startPipeline, type TestPipeline } from '../support/pipeline';
import { streamEvents } from '../support/streams';
import { waitFor } from '../support/wait';

const SECRET = 'fairness-webhook-secret-0001';
const USW2_INTEGRATION = '73cb7fb7-c2db-4996-88f3-0a83a4fea1da';
const A = {
  tenantId: 'noisy',
  integrationId: '0d6f3c55-8a51-4a5e-9a0c-1f3d7c2b9e11',
  phone: '200000000000001',
};
const B = {
  tenantId: 'quiet',
  integrationId: 'a4e0b7c2-3f19-4d8e-b6a1-5c2d9e8f7a22',
  phone: '200000000000002',
};

/**
 * One tenant's 429 storm must not hold up the others: its messages wait for Meta without holding a processing
 * slot. The outbound processor gets two slots and tenant A has more messages than that backing off; tenant B's
 * messages, posted meanwhile, must reach Meta while A is still refused.
 */
describe("per-tenant fairness: one phone number's rate limit does not hold up other tenants", () => {
  let pipeline: TestPipeline;
  const post = (tenant: typeof A, conversationId: string, text: string) => {
    const webhook = genesysTextWebhook({ tenantId: tenant.tenantId, conversationId, text });
    const body = webhook.body.replace(USW2_INTEGRATION, tenant.integrationId);
    return postGenesysWebhook(pipeline.app, SECRET, body).then((response) => {
      expect(response.statusCode).toBe(200);
      return webhook;
    });
  };
  const refusedFor = (phone: string) =>
    pipeline.meta.requests.filter((request) => request.path.includes(`/${phone}/messages`)).length;

  beforeAll(async () => {
    pipeline = await startPipeline('fairness', {
      workers: {
        // Rate-limit backoff of seconds, as in production; many attempts, so A keeps waiting for the whole test.
        driver: {
          maxSendAttempts: 1000,
          backoffPolicy: {
            retryableBaseMs: 20,
            retryableCapMs: 200,
            rateLimitedBaseMs: 3_000,
            rateLimitedCapMs: 5_000,
            pairRateLimitFloorMs: 20,
            maxRetryAfterMs: 5_000,
          },
        },
        outboundConsumer: { maxInFlight: 2 },
      },
    });
    for (const tenant of [A, B]) {
      pipeline.meta.addPhoneNumber(tenant.phone, META_TOKEN);
      await pipeline.addTenant({
        tenantId: tenant.tenantId,
        integrationId: tenant.integrationId,
        region: 'usw2.pure.cloud',
        webhookSecret: SECRET,
        whatsapp: { phoneNumberId: tenant.phone },
      });
    }
  });
  afterAll(() => pipeline.stop());

  it("delivers tenant B's messages promptly while every send of tenant A is answered 429", async () => {
    pipeline.meta.failNext({ metaErrorCode: 130429, phoneNumberId: A.phone, count: 10_000 });
    const noisy = [];
    for (let index = 0; index < 4; index++) {
      const conversationId = randomUUID();
      await pipeline.link(A.tenantId, conversationId, `4477009002${10 + index}`);
      noisy.push(await post(A, conversationId, `noisy ${index}`));
    }
    // Every one of A's messages has been refused at least once: all four are backing off, more than the slots.
    await waitFor(
      'A to be refused for each message',
      async () => (refusedFor(A.phone) >= 4 ? true : undefined),
      60_000,
    );

    const quiet = [];
    for (let index = 0; index < 3; index++) {
      const conversationId = randomUUID();
      await pipeline.link(B.tenantId, conversationId, `4477009003${10 + index}`);
      quiet.push(await post(B, conversationId, `quiet ${index}`));
    }
    const quietIds = new Set(quiet.map((webhook) => webhook.messageId));
    await waitFor(
      "B's messages at Meta",
      async () =>
        pipeline.meta.sentMessages.filter((sent) => quietIds.has(sent.bizOpaqueCallbackData ?? '')).length ===
        3
          ? true
          : undefined,
      30_000,
    );

    // A is still being refused: B did not merely get through after A's storm ended.
    for (const webhook of noisy) {
      const types = (await streamEvents(pipeline.connections.pool, webhook.streamId)).map(
        (event) => event.type,
      );
      expect(types).not.toContain('MessageSent');
      expect(types).not.toContain('MessageFailed');
    }
    expect(pipeline.meta.sentMessages.filter((sent) => sent.phoneNumberId === A.phone)).toEqual([]);

    // Once Meta lets A through again, A's messages go out too.
    pipeline.meta.clearFaults();
    const noisyIds = new Set(noisy.map((webhook) => webhook.messageId));
    await waitFor(
      "A's messages at Meta after the storm",
      async () =>
        pipeline.meta.sentMessages.filter((sent) => noisyIds.has(sent.bizOpaqueCallbackData ?? '')).length ===
        4
          ? true
          : undefined,
      60_000,
    );
  });
});

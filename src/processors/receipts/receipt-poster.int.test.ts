import { requestToken } from '../../clients/genesys';
import { InMemoryEventStore } from '../../commands/in-memory-event-store';
import {
  delivered,
  mappingResolved,
  messageSent,
  sendRequested,
  webhookReceived,
} from '../../commands/outbound-message/test-fixtures';
import { encodeEvent } from '../../events/encode';
import { outboundStreamId } from '../../events/schemas/stream-ids';
import type { EventMetadata, ExpectedPosition, NewEvent, StoredEvent } from '../../events/store/types';
import { eventExamples } from '../../events/schemas/examples';
import { createLogger } from '../../infra/logger';
import { GenesysSimulator } from '../../simulators/genesys';
import { ReceiptNotPostedYet, ReceiptPoster } from './receipt-poster';

const TENANT = 'tenant-receipts';
const credentials = { clientId: 'receipt-client', clientSecret: 'receipt-secret', region: 'mypurecloud.com' };
const sim = new GenesysSimulator({ clients: { [credentials.clientId]: credentials.clientSecret } });
const streamId = outboundStreamId(TENANT, eventExamples.WebhookReceived.genesysMessageId);

/** The store the poster records in, losing its connection on the next `failures` appends. */
class FlakyStore extends InMemoryEventStore {
  failures = 0;
  override async appendToStream(
    id: string,
    expected: ExpectedPosition,
    events: NewEvent[],
    metadata?: EventMetadata,
  ) {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('Connection terminated unexpectedly');
    }
    return super.appendToStream(id, expected, events, metadata);
  }
}

const tokens = {
  token: async () => {
    const token = await requestToken({ loginUrl: sim.url, ...credentials, timeoutMs: 2_000 });
    return token.ok
      ? { ok: true as const, accessToken: token.accessToken }
      : { ok: false as const, error: token.error };
  },
  forget: async () => undefined,
};

const poster = (store: InMemoryEventStore) =>
  new ReceiptPoster(
    store,
    undefined as never, // the dead-letter pool: no permanent refusal in these tests
    { genesysOAuth: async () => credentials },
    tokens,
    { apiUrlTemplate: sim.url, loginUrlTemplate: sim.url, timeoutMs: 2_000 },
    createLogger('silent'),
  );

/** A sent message with its Delivered status on the stream; answers the Delivered event, the receipt's trigger. */
const deliveredMessage = async (store: InMemoryEventStore): Promise<StoredEvent> => {
  for (const event of [webhookReceived(), mappingResolved(), sendRequested(), messageSent(), delivered(5)]) {
    await store.appendToStream(streamId, 'any', [
      encodeEvent(event, { tenantId: TENANT, conversationId: eventExamples.WebhookReceived.conversationId }),
    ]);
  }
  return (await store.readStream(streamId)).at(-1)!;
};

const recorded = async (store: InMemoryEventStore) =>
  (await store.readStream(streamId)).filter((event) => event.type === 'ReceiptPosted');

beforeAll(() => sim.start());
afterEach(() => {
  sim.receipts.length = 0;
  sim.clearFaults();
});
afterAll(() => sim.stop());

describe('ReceiptPoster', () => {
  it('does not post again when only the recording failed: the retry records what Genesys took', async () => {
    const store = new FlakyStore();
    const trigger = await deliveredMessage(store);
    const receipts = poster(store);
    store.failures = 1;

    await expect(receipts.handle(trigger)).rejects.toThrow(/Connection terminated/);
    await receipts.handle(trigger);

    expect(sim.receipts.map((receipt) => receipt.body.status)).toEqual(['Delivered']);
    expect((await recorded(store)).map((event) => event.data.status)).toEqual(['Delivered']);
    // Recorded now: a redelivery of the trigger finds the receipt posted and does nothing.
    await receipts.handle(trigger);
    expect(sim.receipts).toHaveLength(1);
  });

  it("waits out Genesys's Retry-After with the consumer's wait, which frees the processing slot", async () => {
    const store = new InMemoryEventStore();
    const trigger = await deliveredMessage(store);
    sim.failNext({ route: 'receipt', status: 429, retryAfterSeconds: 7 });
    const waits: number[] = [];

    await expect(
      poster(store).handle(trigger, {
        wait: async (ms) => {
          waits.push(ms);
        },
        retryDelay: () => 0,
      }),
    ).rejects.toBeInstanceOf(ReceiptNotPostedYet);
    expect(waits).toEqual([7_000]);
    expect(sim.receipts).toHaveLength(0);
  });
});

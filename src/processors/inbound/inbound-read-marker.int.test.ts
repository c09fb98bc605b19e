import { InMemoryEventStore } from '../../commands/in-memory-event-store';
import { encodeEvent } from '../../events/encode';
import { eventExamples } from '../../events/schemas/examples';
import { customerKey, customerStreamId } from '../../events/schemas/stream-ids';
import { createLogger } from '../../infra/logger';
import { MetaSimulator } from '../../simulators/meta';
import { InboundReadMarker } from './inbound-read-marker';

const TENANT = 'tenant-read-marker';
const PHONE = '106540352242922';
const TOKEN = 'EAAJ-read-marker-token';
const meta = new MetaSimulator({ phoneNumbers: { [PHONE]: TOKEN } });
const message = eventExamples.InboundMessageReceived;
const streamId = customerStreamId(TENANT, PHONE, customerKey(message.customer));
const metadata = { correlationId: 'c-1', causationId: 'c-1' };

const whatsapp = (overrides: Record<string, unknown> = {}) => ({
  whatsapp: async () => ({ phoneNumberId: PHONE, accessToken: TOKEN, markInboundRead: true, ...overrides }),
});

/** A customer stream whose message Genesys has. */
const postedStream = async () => {
  const store = new InMemoryEventStore();
  await store.appendToStream(streamId, 'any', [
    encodeEvent(
      { type: 'InboundMessageReceived', data: message },
      { tenantId: TENANT, conversationId: null },
    ),
    encodeEvent(
      {
        type: 'InboundPostedToGenesys',
        data: { ...eventExamples.InboundPostedToGenesys, wamid: message.wamid },
      },
      { tenantId: TENANT, conversationId: null },
    ),
  ]);
  return store;
};

const marker = (store: InMemoryEventStore, directory = whatsapp(), waits: number[] = []) => ({
  waits,
  mark: () =>
    new InboundReadMarker(
      store,
      directory,
      {
        graphUrl: meta.url,
        graphVersion: 'v21.0',
        timeoutMs: 2_000,
        retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 },
      },
      createLogger('silent'),
    ).mark(
      { tenantId: TENANT, streamId, wamid: message.wamid, phoneNumberId: PHONE, metadata },
      { wait: async (ms) => void waits.push(ms) },
    ),
});

const readTypes = async (store: InMemoryEventStore) =>
  (await store.readStream(streamId))
    .filter((event) => event.type.startsWith('InboundMark'))
    .map((event) => [event.type, event.data]);

beforeAll(() => meta.start());
afterEach(() => {
  meta.readMarks.length = 0;
  meta.clearFaults();
});
afterAll(() => meta.stop());

describe('InboundReadMarker against the Meta simulator', () => {
  it('marks the message read with the tenant token and records it once', async () => {
    const store = await postedStream();
    expect(await marker(store).mark()).toBe('marked');
    expect(await marker(store).mark()).toBe('marked');
    expect(meta.readMarks.map((mark) => [mark.phoneNumberId, mark.messageId])).toEqual([
      [PHONE, message.wamid],
      [PHONE, message.wamid],
    ]);
    expect(await readTypes(store)).toEqual([['InboundMarkedRead', { wamid: message.wamid }]]);
  });

  it('retries a transient failure in the lane, then marks', async () => {
    const store = await postedStream();
    meta.failNext({ metaErrorCode: 131000, count: 2 });
    const run = marker(store);
    expect(await run.mark()).toBe('marked');
    expect(run.waits).toEqual([10, 20]);
    expect(meta.readMarks).toHaveLength(1);
    expect(await readTypes(store)).toEqual([['InboundMarkedRead', { wamid: message.wamid }]]);
  });

  it('gives up after the last try and records it unmarked, without throwing', async () => {
    const store = await postedStream();
    meta.failNext({ metaErrorCode: 131000, count: 3 });
    expect(await marker(store).mark()).toBe('failed');
    expect(meta.readMarks).toHaveLength(0);
    expect(await readTypes(store)).toEqual([
      ['InboundMarkReadFailed', expect.objectContaining({ wamid: message.wamid, reason: 'MetaUnavailable' })],
    ]);
  });

  it('records a refusal at once, with what Meta said', async () => {
    const store = await postedStream();
    meta.failNext({ metaErrorCode: 100 });
    const run = marker(store);
    expect(await run.mark()).toBe('failed');
    expect(run.waits).toEqual([]);
    expect(await readTypes(store)).toEqual([
      [
        'InboundMarkReadFailed',
        expect.objectContaining({
          wamid: message.wamid,
          reason: 'MetaRejected',
          httpStatus: 400,
          metaCode: 100,
        }),
      ],
    ]);
  });

  it('marks nothing and records nothing when the tenant turned it off', async () => {
    const store = await postedStream();
    expect(await marker(store, whatsapp({ markInboundRead: false })).mark()).toBe('disabled');
    expect(meta.readMarks).toHaveLength(0);
    expect(await readTypes(store)).toEqual([]);
  });

  it('a wrong token is a refusal (the simulator checks the bearer as for sends)', async () => {
    const store = await postedStream();
    expect(await marker(store, whatsapp({ accessToken: 'wrong' })).mark()).toBe('failed');
    expect(meta.readMarks).toHaveLength(0);
    expect(await readTypes(store)).toEqual([
      ['InboundMarkReadFailed', expect.objectContaining({ reason: 'MetaRejected', httpStatus: 401 })],
    ]);
  });
});

import type { Pool } from 'pg';
import { createTestDatabase } from '../../../test/support/database';
import { handleOutboundMessageCommand } from '../../commands/outbound-message/handler';
import { encodeEvent } from '../../events/encode';
import { eventExamples } from '../../events/schemas/examples';
import { outboundStreamId } from '../../events/schemas/stream-ids';
import { PostgresEventStore } from '../../events/store/postgres-event-store';
import { createLogger } from '../../infra/logger';
import { createPool } from '../../infra/postgres';
import { StatusApplier, type StatusOutcome, type StatusToApply } from './status-applier';

jest.setTimeout(60_000);

const TENANT = 'tenant-a';
const PHONE_NUMBER_ID = '106540352242922';

let drop: () => Promise<void>;
let pool: Pool;
let store: PostgresEventStore;
let messageCounter = 0;

beforeAll(async () => {
  const database = await createTestDatabase('status_applier');
  drop = database.drop;
  pool = createPool(database.url, { max: 4 });
  store = new PostgresEventStore(pool);
});
afterAll(async () => {
  await pool.end();
  await drop();
});

/** An outbound message sent as one part: what the driver has written when Meta's statuses come. */
const sentMessage = async () => {
  const genesysMessageId = `m-${++messageCounter}`;
  const wamid = `wamid.applier-${messageCounter}`;
  const context = { tenantId: TENANT, conversationId: 'conv-1' };
  await store.appendToStream(
    outboundStreamId(TENANT, genesysMessageId),
    0,
    [
      { type: 'WebhookReceived' as const, data: { ...eventExamples.WebhookReceived, genesysMessageId } },
      { type: 'MappingResolved' as const, data: eventExamples.MappingResolved },
      { type: 'SendRequested' as const, data: eventExamples.SendRequested },
      { type: 'MessageSent' as const, data: { ...eventExamples.MessageSent, wamid } },
    ].map((event) => encodeEvent(event, context)),
  );
  return { message: { tenantId: TENANT, genesysMessageId }, wamid };
};

const status = (wamid: string, kind: string, timestamp: string, webhook = 'webhook-1'): StatusToApply => ({
  record: { wamid, status: kind, isIgnored: false, timestamp, phoneNumberId: PHONE_NUMBER_ID },
  causationId: webhook,
  correlationId: `request-of-${webhook}`,
});

const typesOf = async (genesysMessageId: string) =>
  (await store.readStream(outboundStreamId(TENANT, genesysMessageId))).map((event) => event.type);

const applierOver = (multi: Pick<PostgresEventStore, 'readStreams' | 'appendToStreams'>) => {
  const counts: Partial<Record<StatusOutcome, number>> = {};
  const applier = new StatusApplier(
    multi,
    createLogger('silent'),
    { tenantsWithPhoneNumber: async (id) => (id === PHONE_NUMBER_ID ? [TENANT] : []) },
    (outcome, count) => {
      counts[outcome] = (counts[outcome] ?? 0) + count;
    },
  );
  return { applier, counts };
};

describe('StatusApplier', () => {
  it("applies several messages' statuses from several webhooks in one pass, each with its webhook's ids", async () => {
    const [first, second] = [await sentMessage(), await sentMessage()];
    const { applier, counts } = applierOver(store);

    await applier.apply([
      {
        message: first.message,
        statuses: [
          status(first.wamid, 'read', '1760000002', 'webhook-2'),
          status(first.wamid, 'delivered', '1760000001', 'webhook-1'),
        ],
      },
      { message: second.message, statuses: [status(second.wamid, 'delivered', '1760000001')] },
    ]);

    expect(await typesOf(first.message.genesysMessageId)).toEqual([
      'WebhookReceived',
      'MappingResolved',
      'SendRequested',
      'MessageSent',
      'Delivered',
      'Read',
    ]);
    const [delivered, read] = (
      await store.readStream(outboundStreamId(TENANT, first.message.genesysMessageId))
    ).slice(4);
    expect([delivered!.causationId, read!.causationId]).toEqual(['webhook-1', 'webhook-2']);
    expect(await typesOf(second.message.genesysMessageId)).toContain('Delivered');
    expect(counts).toEqual({ applied: 3 });
  });

  it('decides again on a fresh read when the stream moved meanwhile, losing neither write', async () => {
    const { message, wamid } = await sentMessage();
    let raced = false;
    // Between the applier's read and its append, another writer (the outbound driver) appends to the stream.
    const racing = {
      readStreams: async (ids: readonly string[]) => {
        const streams = await store.readStreams(ids);
        if (!raced) {
          raced = true;
          await handleOutboundMessageCommand(store, message, {
            type: 'RecordMetaStatus',
            status: 'delivered',
            wamid,
            timestamp: '1760000001',
          });
        }
        return streams;
      },
      appendToStreams: store.appendToStreams.bind(store),
    };
    const { applier, counts } = applierOver(racing);

    await applier.apply([{ message, statuses: [status(wamid, 'read', '1760000002')] }]);

    expect((await typesOf(message.genesysMessageId)).slice(4)).toEqual(['Delivered', 'Read']);
    expect(counts).toEqual({ applied: 1 });
  });

  it('leaves alone statuses from a number the message is not sent from, and duplicates change nothing', async () => {
    const { message, wamid } = await sentMessage();
    const { applier, counts } = applierOver(store);
    const foreign = {
      ...status(wamid, 'failed', '1760000003'),
      record: { ...status(wamid, 'failed', '1760000003').record, phoneNumberId: '999' },
    };

    await applier.apply([{ message, statuses: [status(wamid, 'delivered', '1760000001'), foreign] }]);
    await applier.apply([{ message, statuses: [status(wamid, 'delivered', '1760000001')] }]);

    expect((await typesOf(message.genesysMessageId)).slice(4)).toEqual(['Delivered']);
    expect(counts).toEqual({ applied: 1, 'wrong-number': 1, unchanged: 1 });
  });
});

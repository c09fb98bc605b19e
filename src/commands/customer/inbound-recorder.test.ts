import { InMemoryEventStore } from '../in-memory-event-store';
import { encodeEvent } from '../../events/encode';
import { toMetaWebhookParts } from '../../events/schemas/meta-webhook-parts';
import { META_WEBHOOK_TENANT_ID, metaWebhookStreamId } from '../../events/schemas/meta-webhook-received';
import { customerStreamId } from '../../events/schemas/stream-ids';
import { createLogger } from '../../infra/logger';
import { buildInboundWebhook } from '../../simulators/meta/inbound-webhook';
import { InboundRecorder } from './inbound-recorder';

const PHONE = '106540352242922';
const owners = (tenants: Record<string, string[]>) => ({
  tenantsWithPhoneNumber: async (phoneNumberId: string) => tenants[phoneNumberId] ?? [],
});

/** Stores a webhook as the route does (in parts when the budget says so) and answers its stored events. */
const storeWebhook = async (store: InMemoryEventStore, body: unknown, budgetBytes?: number) => {
  const rawBody = JSON.stringify(body);
  const parts = toMetaWebhookParts(
    { rawBody, signature: `sha256=${'ab'.repeat(32)}`, receivedAt: '2025-06-08T21:00:00.000Z', statuses: [] },
    budgetBytes,
  );
  const streamId = metaWebhookStreamId(parts[0]!.webhookId);
  await store.appendToStream(
    streamId,
    0,
    parts.map((data) =>
      encodeEvent(
        { type: 'MetaWebhookReceived', data },
        { tenantId: META_WEBHOOK_TENANT_ID, conversationId: null },
      ),
    ),
  );
  return store.readStream(streamId);
};

const texts = (waId: string, ids: string[]) =>
  buildInboundWebhook({
    customer: { waId },
    messages: ids.map((id) => ({ type: 'text', id, text: { body: id } })),
  });

describe('InboundRecorder (processor.inbound)', () => {
  const logger = createLogger('silent');

  it('records each message of a stored webhook once on its customer stream, however often it is handled', async () => {
    const store = new InMemoryEventStore();
    const recorder = new InboundRecorder(store, owners({ [PHONE]: ['tenant-1'] }), logger);
    const [event] = await storeWebhook(store, texts('16505551234', ['wamid.1', 'wamid.2']));
    await recorder.handle(event!);
    await recorder.handle(event!);

    const stream = await store.readStream(customerStreamId('tenant-1', PHONE, 'wa.16505551234'));
    expect(stream.map((stored) => [stored.type, stored.data.wamid, stored.conversationId])).toEqual([
      ['InboundMessageReceived', 'wamid.1', null],
      ['InboundMessageReceived', 'wamid.2', null],
    ]);
  });

  it('reads a webhook stored in parts from its whole body', async () => {
    const store = new InMemoryEventStore();
    const recorder = new InboundRecorder(store, owners({ [PHONE]: ['tenant-1'] }), logger);
    const ids = Array.from({ length: 20 }, (_, index) => `wamid.part-${index}`);
    const events = await storeWebhook(store, texts('16505551234', ids), 600);
    expect(events.length).toBeGreaterThan(1);
    for (const event of events) await recorder.handle(event);

    const stream = await store.readStream(customerStreamId('tenant-1', PHONE, 'wa.16505551234'));
    expect(stream.map((stored) => stored.data.wamid)).toEqual(ids);
  });

  it('records nothing for a number no tenant (or several) owns', async () => {
    const store = new InMemoryEventStore();
    const observed: string[] = [];
    const recorder = new InboundRecorder(store, owners({ [PHONE]: ['a', 'b'] }), logger, (outcome) =>
      observed.push(outcome),
    );
    const [event] = await storeWebhook(store, texts('16505551234', ['wamid.1']));
    await recorder.handle(event!);
    expect(await store.readStream(customerStreamId('a', PHONE, 'wa.16505551234'))).toEqual([]);
    expect(observed).toEqual(['no-tenant']);
  });
});

import { InMemoryEventStore } from '../in-memory-event-store';
import { handleOutboundMessageCommand } from './handler';
import { receiveWebhook, WA_ID } from './test-fixtures';

const message = { tenantId: 'tenant-001', genesysMessageId: 'gmsg-456' };
const streamId = 'outbound-tenant%2D001-gmsg-456';

describe('handleOutboundMessageCommand', () => {
  it("appends the webhook to the message's stream under the webhook's conversation id", async () => {
    const store = new InMemoryEventStore();
    const result = await handleOutboundMessageCommand(store, message, receiveWebhook());

    expect(result.isNoOp).toBe(false);
    expect(await store.readStream(streamId)).toEqual([
      expect.objectContaining({ type: 'WebhookReceived', tenantId: 'tenant-001', conversationId: 'abc-123' }),
    ]);
  });

  it('answers a Genesys retry as a no-op that still names the original event', async () => {
    const store = new InMemoryEventStore();
    const first = await handleOutboundMessageCommand(store, message, receiveWebhook());
    const retry = await handleOutboundMessageCommand(store, message, receiveWebhook());

    expect(retry.isNoOp).toBe(true);
    expect(retry.history[0]?.envelope.eventId).toBe(first.events[0]?.eventId);
    expect(await store.readStream(streamId)).toHaveLength(1);
  });

  it('files later events under the conversation of the webhook', async () => {
    const store = new InMemoryEventStore();
    await handleOutboundMessageCommand(store, message, receiveWebhook());
    await handleOutboundMessageCommand(store, message, {
      type: 'ResolveMapping',
      waId: WA_ID,
      resolvedBy: 'conversationId',
    });

    expect((await store.readStream(streamId)).map((event) => event.conversationId)).toEqual([
      'abc-123',
      'abc-123',
    ]);
  });

  it('keeps a webhook without a conversation id unfiled', async () => {
    const store = new InMemoryEventStore();
    await handleOutboundMessageCommand(store, message, receiveWebhook({ conversationId: null }));
    expect((await store.readStream(streamId))[0]?.conversationId).toBeNull();
  });
});

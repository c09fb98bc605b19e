import { InMemoryEventStore } from '../in-memory-event-store';
import { handleConversationCommand } from './handler';

const link = { type: 'LinkConversation' as const, conversationId: 'abc-123', waId: '919876543210' };

describe('handleConversationCommand', () => {
  it("appends the link to the conversation's stream, keyed by the conversation id", async () => {
    const store = new InMemoryEventStore();
    await handleConversationCommand(store, 'tenant-001', link);

    expect(await store.readStream('conversation-tenant%2D001-abc-123')).toEqual([
      expect.objectContaining({
        type: 'ConversationLinked',
        tenantId: 'tenant-001',
        conversationId: 'abc-123',
      }),
    ]);
  });

  it('reports an identical re-link as a no-op', async () => {
    const store = new InMemoryEventStore();
    await handleConversationCommand(store, 'tenant-001', link);
    const again = await handleConversationCommand(store, 'tenant-001', link);

    expect(again.isNoOp).toBe(true);
    expect(again.newState.link).toEqual({ conversationId: 'abc-123', waId: '919876543210' });
  });

  it('keeps tenants apart: the same conversation id of another tenant is another stream', async () => {
    const store = new InMemoryEventStore();
    await handleConversationCommand(store, 'tenant-001', link);
    const other = await handleConversationCommand(store, 'tenant-002', link);

    expect(other.isNoOp).toBe(false);
    expect(await store.readStream('conversation-tenant%2D002-abc-123')).toHaveLength(1);
  });
});

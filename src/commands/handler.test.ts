import { decodeConversationEvent } from '../events/decode';
import { EventDecodeError, EventEncodeError } from '../events/event-errors';
import type { ConversationEvent } from '../events/schemas/conversation-events';
import { ExpectedVersionConflict } from '../events/store/types';
import { CommandRejected } from './command-rejected';
import type { Decider } from './decider';
import { handleCommand, handleCommands, type HandleCommandOptions } from './handler';
import { InMemoryEventStore } from './in-memory-event-store';

/** A toy decider: links a conversation to a wa_id unless it is already linked to that one. */
type LinkState = { waId: string | null; links: number };
type Link = { waId: string };
const linkDecider: Decider<Link, ConversationEvent, LinkState> = {
  initialState: () => ({ waId: null, links: 0 }),
  evolve: (state, event) => ({ waId: event.data.waId ?? null, links: state.links + 1 }),
  decide: (command, state) => {
    if (command.waId === 'forbidden') throw new CommandRejected('Forbidden', 'not allowed');
    return state.waId === command.waId
      ? []
      : [{ type: 'ConversationLinked', data: { conversationId: 'abc-123', waId: command.waId } }];
  },
};

const streamId = 'conversation-tenant-001-abc-123';
const options: HandleCommandOptions<ConversationEvent> = {
  decode: decodeConversationEvent,
  tenantId: 'tenant-001',
  conversationId: 'abc-123',
};

const link = (
  store: InMemoryEventStore,
  waId: string,
  extra: Partial<HandleCommandOptions<ConversationEvent>> = {},
) => handleCommand(store, linkDecider, streamId, { waId }, { ...options, ...extra });

/** Makes the next append lose a race against a writer that links the conversation to `waId` first. */
const concurrentLink = (store: InMemoryEventStore, waId: string) => {
  store.beforeAppend = async () => {
    await link(store, waId);
  };
};

describe('handleCommand', () => {
  it('appends the decided events to an empty stream expecting position 0', async () => {
    const store = new InMemoryEventStore();
    const result = await link(store, '919876543210');

    expect(store.appendCalls.map((call) => call.expected)).toEqual([0]);
    expect(result.isNoOp).toBe(false);
    expect(result.events).toEqual([
      expect.objectContaining({ type: 'ConversationLinked', streamPosition: 1, globalPosition: '1' }),
    ]);
    expect(result.newState).toEqual({ waId: '919876543210', links: 1 });
    expect(result.streamPosition).toBe(1);
    const [stored] = await store.readStream(streamId);
    expect(stored).toMatchObject({ eventId: result.events[0]?.eventId, tenantId: 'tenant-001', version: 2 });
  });

  it('expects the last stream position when the stream has events', async () => {
    const store = new InMemoryEventStore();
    await link(store, '919876543210');
    await link(store, '447700900123');

    expect(store.appendCalls.map((call) => call.expected)).toEqual([0, 1]);
    expect((await store.readStream(streamId)).map((event) => event.streamPosition)).toEqual([1, 2]);
  });

  it('appends to a likely new stream without reading it first', async () => {
    const store = new InMemoryEventStore();
    const reads = jest.spyOn(store, 'readStream');
    const result = await link(store, '919876543210', { isLikelyNewStream: true });

    expect(result).toMatchObject({ isNoOp: false, streamPosition: 1 });
    expect(reads).not.toHaveBeenCalled();
    expect(store.appendCalls.map((call) => call.expected)).toEqual([0]);
  });

  it('falls back to read, decide, append when a likely new stream exists after all', async () => {
    const store = new InMemoryEventStore();
    await link(store, '919876543210');
    const again = await link(store, '919876543210', { isLikelyNewStream: true });

    expect(again).toMatchObject({ events: [], isNoOp: true, streamPosition: 1 });
    expect(await store.readStream(streamId)).toHaveLength(1);
  });

  it('decides on a stream the caller has just read, without reading it again', async () => {
    const store = new InMemoryEventStore();
    await link(store, '919876543210');
    const known = await store.readStream(streamId);
    const reads = jest.spyOn(store, 'readStream');
    const result = await link(store, '447700900123', { known });

    expect(reads).not.toHaveBeenCalled();
    expect(result).toMatchObject({ isNoOp: false, streamPosition: 2, newState: { links: 2 } });
    expect(store.appendCalls.map((call) => call.expected)).toEqual([0, 1]);
  });

  it('answers with the stream as stored after the call, to decide on again without a read', async () => {
    const store = new InMemoryEventStore();
    const first = await link(store, '919876543210');
    expect(first.stream).toEqual(await store.readStream(streamId));
    const second = await link(store, '447700900123', { known: first.stream! });
    expect(second.stream).toEqual(await store.readStream(streamId));
    const unchanged = await link(store, '447700900123', { known: second.stream! });
    expect(unchanged).toMatchObject({ isNoOp: true, stream: second.stream });
  });

  it('confirms on the stream as it is a decision to do nothing made on a stream the caller read earlier', async () => {
    const store = new InMemoryEventStore();
    await link(store, '919876543210');
    const stale = await store.readStream(streamId);
    await link(store, '447700900123'); // another writer relinks meanwhile
    // On the stale stream, linking to the first number again is nothing to do; on the real one it is a change.
    const result = await link(store, '919876543210', { known: stale });

    expect(result).toMatchObject({ isNoOp: false, streamPosition: 3, newState: { waId: '919876543210' } });
  });

  it('reads and decides again when the stream moved after the caller read it', async () => {
    const store = new InMemoryEventStore();
    await link(store, '919876543210');
    const stale = await store.readStream(streamId);
    await link(store, '447700900123'); // another writer, after the caller's read
    // On the stale stream this would be a change; on the real one it is a duplicate.
    const result = await link(store, '447700900123', { known: stale });

    expect(result).toMatchObject({ events: [], isNoOp: true, streamPosition: 2 });
    expect(await store.readStream(streamId)).toHaveLength(2);
  });

  it('appends nothing and reports a no-op when the decider decides nothing', async () => {
    const store = new InMemoryEventStore();
    const first = await link(store, '919876543210');
    const again = await link(store, '919876543210');

    expect(again).toMatchObject({ events: [], isNoOp: true, streamPosition: 1 });
    expect(again.newState).toEqual(first.newState);
    expect(again.history.map((event) => event.envelope.eventId)).toEqual([first.events[0]?.eventId]);
    expect(store.appendCalls).toHaveLength(1);
  });

  it('re-reads and decides again after losing a race, so a concurrent duplicate becomes a no-op', async () => {
    const store = new InMemoryEventStore();
    concurrentLink(store, '919876543210');

    const result = await link(store, '919876543210');

    expect(result.isNoOp).toBe(true);
    expect(await store.readStream(streamId)).toHaveLength(1);
    expect(store.appendCalls.map((call) => call.expected)).toEqual([0, 0]);
  });

  it('re-decides on the fresh state after losing a race to a different write', async () => {
    const store = new InMemoryEventStore();
    concurrentLink(store, '447700900123');

    const result = await link(store, '919876543210');

    expect(result.events).toEqual([expect.objectContaining({ streamPosition: 2 })]);
    expect(result.newState).toEqual({ waId: '919876543210', links: 2 });
    expect(store.appendCalls.map((call) => call.expected)).toEqual([0, 0, 1]);
  });

  it('gives up with the conflict after maxRetries re-reads', async () => {
    const store = new InMemoryEventStore();
    let rivals = 0;
    const alwaysLose = async () => {
      rivals += 1;
      await store.appendToStream(streamId, 'any', [
        {
          eventId: `00000000-0000-4000-8000-00000000000${rivals}`,
          type: 'ConversationLinked',
          version: 1,
          tenantId: 'tenant-001',
          data: { conversationId: 'abc-123', waId: `4477009001${rivals}` },
        },
      ]);
      store.beforeAppend = alwaysLose;
    };
    store.beforeAppend = alwaysLose;

    await expect(link(store, '919876543210', { maxRetries: 2 })).rejects.toBeInstanceOf(
      ExpectedVersionConflict,
    );
    // One first try and two retries, each losing to one rival append.
    expect(rivals).toBe(3);
  });

  it('retries ten times by default', async () => {
    const store = new InMemoryEventStore();
    let rivals = 0;
    const alwaysLose = async () => {
      rivals += 1;
      await link(store, `4477009001${rivals}`);
      store.beforeAppend = alwaysLose;
    };
    store.beforeAppend = alwaysLose;

    await expect(link(store, '919876543210')).rejects.toBeInstanceOf(ExpectedVersionConflict);
    expect(rivals).toBe(11);
  });

  it('after a lost race reads only the events appended since, not the whole stream again', async () => {
    const store = new InMemoryEventStore();
    await link(store, '447700900100');
    await link(store, '447700900101');
    concurrentLink(store, '447700900123');

    const result = await link(store, '919876543210');

    expect(result.events).toEqual([expect.objectContaining({ streamPosition: 4 })]);
    expect(result.newState).toEqual({ waId: '919876543210', links: 4 });
    expect(store.readCalls.slice(-2)).toEqual([
      { streamId, from: 1 },
      { streamId, from: 3 },
    ]);
  });

  it('fails loudly on an event it cannot decode and appends nothing', async () => {
    const store = new InMemoryEventStore();
    store.seed(streamId, [
      {
        eventId: 'c0ffee00-0000-4000-8000-000000000001',
        type: 'ConversationLinked',
        version: 7,
        tenantId: 'tenant-001',
        data: {},
      },
    ]);

    await expect(link(store, '919876543210')).rejects.toThrow(EventDecodeError);
    await expect(link(store, '919876543210')).rejects.toThrow(/c0ffee00-0000-4000-8000-000000000001/);
    expect(store.appendCalls).toHaveLength(0);
  });

  it('passes a rejection by the decider through and appends nothing', async () => {
    const store = new InMemoryEventStore();
    await expect(link(store, 'forbidden')).rejects.toMatchObject({ code: 'Forbidden' });
    expect(store.appendCalls).toHaveLength(0);
  });

  it('refuses an event that does not fit its schema before it reaches the store', async () => {
    const store = new InMemoryEventStore();
    await expect(link(store, 'not a phone number')).rejects.toThrow(EventEncodeError);
    expect(store.appendCalls).toHaveLength(0);
  });

  it('stores the correlation and causation ids', async () => {
    const store = new InMemoryEventStore();
    await link(store, '919876543210', { metadata: { correlationId: 'req-1', causationId: 'evt-0' } });
    expect(await store.readStream(streamId)).toEqual([
      expect.objectContaining({ correlationId: 'req-1', causationId: 'evt-0' }),
    ]);
  });

  it("takes the envelope conversation id from the stream's first event when the caller does not know it", async () => {
    const store = new InMemoryEventStore();
    await link(store, '919876543210');
    await link(store, '447700900123', { conversationId: undefined });
    expect((await store.readStream(streamId)).map((event) => event.conversationId)).toEqual([
      'abc-123',
      'abc-123',
    ]);
  });

  it('uses the expected position the caller derives', async () => {
    const store = new InMemoryEventStore();
    await link(store, '919876543210', { expectedFor: () => 'any' });
    expect(store.appendCalls.map((call) => call.expected)).toEqual(['any']);
  });

  it('reports a no-op when the store already holds every event id', async () => {
    const store = new InMemoryEventStore();
    const eventIdFor = () => '5b1e0c5e-8d0a-4a53-9b4e-2b1f3c4d5e6f';
    const first = await link(store, '919876543210', { eventIdFor });
    // Same deterministic id while the stream moved on: the store answers with the original positions.
    const replay = await link(store, '447700900123', { eventIdFor });

    expect(replay.isNoOp).toBe(true);
    expect(replay.events[0]).toMatchObject({ eventId: first.events[0]?.eventId, globalPosition: '1' });
    expect(await store.readStream(streamId)).toHaveLength(1);
  });

  describe('several commands', () => {
    const linkAll = (store: InMemoryEventStore, waIds: string[]) =>
      handleCommands(
        store,
        linkDecider,
        streamId,
        waIds.map((waId) => ({ waId })),
        options,
      );

    it('decides each on the state the ones before it leave, and appends them in one call', async () => {
      const store = new InMemoryEventStore();
      const result = await linkAll(store, ['919876543210', '919876543210', '447700900123']);

      // The second command sees the first one's link and decides nothing: it was decided after it.
      expect(result.events.map((event) => [event.data.waId, event.streamPosition])).toEqual([
        ['919876543210', 1],
        ['447700900123', 2],
      ]);
      expect(store.appendCalls.map((call) => call.expected)).toEqual([0]);
      expect(result.newState).toEqual({ waId: '447700900123', links: 2 });
    });

    it('re-decides all of them on the moved stream after a lost race, still in one append', async () => {
      const store = new InMemoryEventStore();
      concurrentLink(store, '919876543210');
      const result = await linkAll(store, ['919876543210', '447700900123']);

      // After the race the first command has nothing left to do; only the second one's event is appended.
      expect(result.events.map((event) => [event.data.waId, event.streamPosition])).toEqual([
        ['447700900123', 2],
      ]);
      expect((await store.readStream(streamId)).map((event) => event.data.waId)).toEqual([
        '919876543210',
        '447700900123',
      ]);
    });

    it('appends none of them when one is refused', async () => {
      const store = new InMemoryEventStore();
      await expect(linkAll(store, ['919876543210', 'forbidden'])).rejects.toBeInstanceOf(CommandRejected);
      expect(await store.readStream(streamId)).toEqual([]);
    });
  });
});

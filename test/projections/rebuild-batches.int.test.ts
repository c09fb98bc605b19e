import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { findEventDefinition } from '../../src/events/registry';
import { eventExamples } from '../../src/events/schemas/examples';
import { conversationStreamId, outboundStreamId } from '../../src/events/schemas/stream-ids';
import { PostgresEventStore } from '../../src/events/store/postgres-event-store';
import type { NewEvent } from '../../src/events/store/types';
import { createPool } from '../../src/infra/postgres';
import { rebuildTable } from '../../src/projections/rebuild/rebuild-table';
import { conversationMappings } from '../../src/projections/conversation-mappings';
import { messageTracking } from '../../src/projections/message-tracking';
import { createTestDatabase } from '../support/database';
import { referenceReplay, rowsOf } from './support/reference';

const TENANT = 'acme';
const BASE = Date.parse('2026-03-01T10:00:00Z');
const at = (seconds: number) => new Date(BASE + seconds * 1000).toISOString();

const event = (
  type: string,
  conversationId: string,
  data: Record<string, unknown>,
  seconds: number,
): NewEvent => ({
  eventId: randomUUID(),
  type,
  version: findEventDefinition(type)?.version ?? 1,
  tenantId: TENANT,
  conversationId,
  occurredAt: at(seconds),
  data,
});

/**
 * The rebuild applies a page as a few set-based statements (one per event type and "wave"); these cases are the
 * ones where that could differ from applying events one at a time: several events for one row inside a page,
 * runs that collapse (MappingResolved), times out of order, relinks, and a statement failing on one event.
 */
describe('rebuild: set-based pages equal a one-at-a-time replay (real PostgreSQL)', () => {
  let pool: Pool;
  let drop: () => Promise<void>;
  let store: PostgresEventStore;
  const conversations = [randomUUID(), randomUUID(), randomUUID()];

  beforeAll(async () => {
    const database = await createTestDatabase('rebuild_batches');
    drop = database.drop;
    pool = createPool(database.url, { max: 6 });
    store = new PostgresEventStore(pool);
    let second = 0;
    for (const [index, conversationId] of conversations.entries()) {
      await store.appendToStream(conversationStreamId(TENANT, conversationId), 0, [
        event(
          'ConversationLinked',
          conversationId,
          { ...eventExamples.ConversationLinked, conversationId, waId: `4477000000${index}` },
          second++,
        ),
      ]);
    }
    // Many messages, most to the first conversation, with activity times that go back and forth.
    for (let index = 0; index < 40; index++) {
      const conversationId = conversations[index % 4 === 3 ? 1 : 0]!;
      const wamid = `wamid.batch${index}`;
      const occurred = second + (index % 5 === 0 || index >= 36 ? -30 : index);
      const stream = outboundStreamId(TENANT, `gmsg-${index}`);
      const statuses =
        index % 3 === 0
          ? [event('Read', conversationId, { ...eventExamples.Read, wamid }, occurred + 3)]
          : [
              event('Delivered', conversationId, { ...eventExamples.Delivered, wamid }, occurred + 2),
              event('Read', conversationId, { ...eventExamples.Read, wamid }, occurred + 3),
            ];
      await store.appendToStream(stream, 0, [
        event('MappingResolved', conversationId, eventExamples.MappingResolved, occurred),
        event('MessageSent', conversationId, { ...eventExamples.MessageSent, wamid }, occurred + 1),
        ...(index % 7 === 0 ? [] : statuses),
      ]);
      // A relink of the second conversation in the middle of its traffic.
      if (index === 20) {
        await store.appendToStream(conversationStreamId(TENANT, conversations[1]!), 1, [
          event(
            'ConversationLinked',
            conversations[1]!,
            { ...eventExamples.ConversationLinked, conversationId: conversations[1]!, waId: '447700009999' },
            second + 21,
          ),
        ]);
      }
    }
  });

  afterAll(async () => {
    await pool.end();
    await drop();
  });

  /** A table's shape as the migrations made it: durability, storage parameters, every index by name. */
  const shapeOf = async (table: string) =>
    (
      await pool.query(
        `SELECT c.relpersistence, c.reloptions,
                (SELECT json_agg(indexdef ORDER BY indexname) FROM pg_indexes WHERE tablename = c.relname) AS indexes
           FROM pg_class c WHERE c.oid = $1::regclass`,
        [table],
      )
    ).rows[0] as unknown;

  it.each([1, 3, 7, 1000])('pages of %i events give the same tables and positions', async (pageSize) => {
    for (const target of [conversationMappings, messageTracking]) {
      const shape = await shapeOf(target.table);
      const result = await rebuildTable(pool, target, { pageSize });
      // The replay's shortcuts (unlogged, sparse pages, indexes built at the end) do not outlive the swap.
      expect(await shapeOf(target.table)).toEqual(shape);
      expect(result.poisoned).toBe(0);
      const reference = await referenceReplay(pool, target);
      expect(await rowsOf(pool, target.table)).toEqual(await rowsOf(pool, reference.table));
      const { rows } = await pool.query<{ stream_id: string; position: string }>(
        'SELECT stream_id, position FROM projection_positions WHERE projection = $1',
        [target.name],
      );
      expect(new Map(rows.map((row) => [row.stream_id, Number(row.position)]))).toEqual(reference.positions);
    }
    const mappings = await pool.query<{ n: number }>(
      'SELECT count(*)::integer AS n FROM conversation_mappings',
    );
    expect(mappings.rows[0]!.n).toBe(3);
  });

  it('skips an event whose statement fails, alone, and applies the rest of its page', async () => {
    // A constraint the rebuild's shadow inherits (LIKE … INCLUDING ALL): the poison conversation cannot be stored.
    const poison = randomUUID();
    await store.appendToStream(conversationStreamId(TENANT, poison), 0, [
      event(
        'ConversationLinked',
        poison,
        { ...eventExamples.ConversationLinked, conversationId: poison, waId: 'poison' },
        500,
      ),
    ]);
    await pool.query(
      `ALTER TABLE conversation_mappings ADD CONSTRAINT no_poison CHECK (wa_id <> 'poison') NOT VALID`,
    );
    try {
      const result = await rebuildTable(pool, conversationMappings, { pageSize: 1000 });
      expect(result).toMatchObject({ poisoned: 1, handled: 3 + 40 + 1 + 1 });
      const { rows } = await pool.query<{ conversation_id: string; wa_id: string }>(
        'SELECT conversation_id, wa_id FROM conversation_mappings ORDER BY wa_id',
      );
      expect(rows.map((row) => row.conversation_id).sort()).toEqual([...conversations].sort());
      expect(rows.find((row) => row.conversation_id === conversations[1])!.wa_id).toBe('447700009999');
    } finally {
      await pool.query('ALTER TABLE conversation_mappings DROP CONSTRAINT no_poison');
    }
  });
});

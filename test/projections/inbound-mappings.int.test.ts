import type { Pool } from 'pg';
import type { DecodedEvent } from '../../src/events/decode';
import type { DomainEvent } from '../../src/events/registry';
import { eventExamples } from '../../src/events/schemas/examples';
import { createPool } from '../../src/infra/postgres';
import { applyConversationsLinked, applyInboundPosted } from '../../src/projections/conversation-mappings';
import { createTestDatabase } from '../support/database';

const decoded = <T extends DomainEvent>(event: T, occurredAt: string) =>
  ({ ...event, version: 1, envelope: { tenantId: 'tenant-1', occurredAt } }) as unknown as DecodedEvent<T>;

const linked = decoded(
  {
    type: 'ConversationLinked',
    data: {
      conversationId: 'conv-1',
      waId: '16505551234',
      contactName: 'Sheena Nelson',
      phoneNumberId: '106540352242922',
      displayPhoneNumber: '15550783881',
    },
  },
  '2025-06-08T21:00:01.000Z',
);
const posted = (sentAt: string, username?: string) =>
  decoded(
    {
      type: 'InboundPostedToGenesys',
      data: {
        ...eventExamples.InboundPostedToGenesys,
        conversationId: 'conv-1',
        sentAt,
        customer: {
          waId: '16505551234',
          name: 'Sheena Nelson',
          userId: 'US.1',
          ...(username ? { username } : {}),
        },
      },
    },
    '2025-06-08T21:00:00.500Z',
  );

describe('conversation_mappings from inbound messages (either order with the link)', () => {
  let pool: Pool;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const database = await createTestDatabase('inbound_mappings');
    drop = database.drop;
    pool = createPool(database.url, { max: 2 });
    for (const table of ['mappings_a', 'mappings_b'])
      await pool.query(`CREATE TABLE ${table} (LIKE conversation_mappings INCLUDING ALL)`);
  });
  afterAll(async () => {
    await pool.end();
    await drop();
  });

  const rowOf = async (table: string) =>
    (
      await pool.query(
        `SELECT tenant_id, conversation_id, wa_id, contact_name, phone_number_id, display_phone_number,
                last_inbound_at, customer_user_id, customer_username FROM ${table}`,
      )
    ).rows;

  it('gives the same row whether the link or the inbound messages come first, keeping the latest inbound time', async () => {
    const client = await pool.connect();
    try {
      await applyConversationsLinked([linked], client, 'mappings_a');
      await applyInboundPosted([posted('2025-06-08T20:59:50.000Z', '@sheena')], client, 'mappings_a');
      await applyInboundPosted([posted('2025-06-08T20:59:43.000Z')], client, 'mappings_a');

      await applyInboundPosted([posted('2025-06-08T20:59:43.000Z')], client, 'mappings_b');
      await applyInboundPosted([posted('2025-06-08T20:59:50.000Z', '@sheena')], client, 'mappings_b');
      await applyConversationsLinked([linked], client, 'mappings_b');
    } finally {
      client.release();
    }
    const [a, b] = [await rowOf('mappings_a'), await rowOf('mappings_b')];
    expect(a).toEqual(b);
    expect(a).toEqual([
      {
        tenant_id: 'tenant-1',
        conversation_id: 'conv-1',
        wa_id: '16505551234',
        contact_name: 'Sheena Nelson',
        phone_number_id: '106540352242922',
        display_phone_number: '15550783881',
        last_inbound_at: new Date('2025-06-08T20:59:50.000Z'),
        customer_user_id: 'US.1',
        customer_username: '@sheena',
      },
    ]);
  });

  const BSUID = 'US.13491208655302741918';
  /** A customer whose number Meta withholds: the link and the message name them by user id only. */
  const linkedByUser = decoded(
    {
      type: 'ConversationLinked',
      data: {
        conversationId: 'conv-2',
        userId: BSUID,
        contactName: '@noor',
        phoneNumberId: '106540352242922',
      },
    },
    '2025-06-08T21:00:01.000Z',
  );
  const postedByUser = (() => {
    const event = posted('2025-06-08T20:59:43.000Z');
    return {
      ...event,
      data: { ...event.data, conversationId: 'conv-2', customer: { userId: BSUID, username: '@noor' } },
    };
  })();

  it('keeps a customer known only by a business-scoped user id, whether the link or the message comes first', async () => {
    for (const table of ['mappings_c', 'mappings_d'])
      await pool.query(`CREATE TABLE ${table} (LIKE conversation_mappings INCLUDING ALL)`);
    const client = await pool.connect();
    try {
      await applyConversationsLinked([linkedByUser], client, 'mappings_c');
      await applyInboundPosted([postedByUser], client, 'mappings_c');
      await applyInboundPosted([postedByUser], client, 'mappings_d');
      await applyConversationsLinked([linkedByUser], client, 'mappings_d');
    } finally {
      client.release();
    }
    const [c, d] = [await rowOf('mappings_c'), await rowOf('mappings_d')];
    expect(c).toEqual(d);
    expect(c).toEqual([
      expect.objectContaining({
        conversation_id: 'conv-2',
        wa_id: null,
        customer_user_id: BSUID,
        customer_username: '@noor',
        last_inbound_at: new Date('2025-06-08T20:59:43.000Z'),
      }),
    ]);
  });

  it('leaves out a message without a conversation (no row to keep)', async () => {
    await pool.query('CREATE TABLE mappings_e (LIKE conversation_mappings INCLUDING ALL)');
    const client = await pool.connect();
    try {
      const noConversation = { ...postedByUser, data: { ...postedByUser.data, conversationId: undefined } };
      await applyInboundPosted([noConversation] as unknown as (typeof postedByUser)[], client, 'mappings_e');
    } finally {
      client.release();
    }
    expect(await rowOf('mappings_e')).toHaveLength(0);
  });

  it("drops the previous customer's user id when the conversation is linked to another wa_id", async () => {
    await pool.query('CREATE TABLE mappings_f (LIKE conversation_mappings INCLUDING ALL)');
    const client = await pool.connect();
    try {
      await applyInboundPosted([posted('2025-06-08T20:59:43.000Z')], client, 'mappings_f');
      const relinked = decoded(
        { type: 'ConversationLinked', data: { ...linked.data, waId: '447700900123' } },
        '2025-06-08T21:00:05.000Z',
      );
      await applyConversationsLinked([relinked], client, 'mappings_f');
    } finally {
      client.release();
    }
    expect(await rowOf('mappings_f')).toEqual([
      expect.objectContaining({ wa_id: '447700900123', customer_user_id: null }),
    ]);
  });

  it('refuses a mapping that names its customer by neither id (migration 011)', async () => {
    await expect(
      pool.query(
        `INSERT INTO conversation_mappings (tenant_id, conversation_id, wa_id, customer_user_id)
         VALUES ('tenant-1', 'conv-nobody', NULL, NULL)`,
      ),
    ).rejects.toMatchObject({ code: '23514', constraint: 'conversation_mappings_names_customer' });
  });
});

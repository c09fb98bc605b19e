import type { Pool } from 'pg';
import { createTestDatabase } from '../../../test/support/database';
import { encodeEvent } from '../../events/encode';
import { eventExamples } from '../../events/schemas/examples';
import { conversationStreamId, outboundStreamId } from '../../events/schemas/stream-ids';
import { PostgresEventStore } from '../../events/store/postgres-event-store';
import { createPool } from '../../infra/postgres';
import { findIndexedMessages, parkedStatusesFor, parkStatuses } from './status-queries';

// jest.config.js sets testTimeout inside the integration project, where Jest ignores it.
jest.setTimeout(60_000);

let drop: () => Promise<void>;
let pool: Pool;
let store: PostgresEventStore;

beforeAll(async () => {
  const database = await createTestDatabase('meta-message-index');
  drop = database.drop;
  pool = createPool(database.url, { max: 4 });
  store = new PostgresEventStore(pool);
});
afterAll(async () => {
  await pool.end();
  await drop();
});

const messageSent = (tenantId: string, wamid: string, partIndex = 0, partCount = 1) =>
  encodeEvent(
    { type: 'MessageSent', data: { ...eventExamples.MessageSent, wamid, partIndex, partCount } },
    { tenantId, conversationId: 'conv-1' },
  );

const indexRow = async (wamid: string) =>
  (
    await pool.query(
      'SELECT stream_id, tenant_id, genesys_message_id, part_index FROM meta_message_index WHERE wamid = $1',
      [wamid],
    )
  ).rows[0];

const record = (wamid: string, status = 'delivered', timestamp = '1760000000') => ({
  record: { wamid, status, isIgnored: false, timestamp, phoneNumberId: '106540352242922' },
  causationId: '00000000-0000-4000-8000-000000000001',
  correlationId: 'request-1',
});

describe('meta_message_index', () => {
  it('is written in the transaction of the MessageSent append: gone with a rollback, there with a commit', async () => {
    for (const outcome of ['ROLLBACK', 'COMMIT']) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await new PostgresEventStore(client).appendToStream(outboundStreamId('t-1', 'tx'), 'any', [
          messageSent('t-1', 'wamid.tx'),
        ]);
        // Visible inside the transaction at once, before any commit.
        expect(await findIndexedMessages(client, ['wamid.tx'])).toHaveLength(1);
        await client.query(outcome);
      } finally {
        client.release();
      }
      expect(await findIndexedMessages(pool, ['wamid.tx'])).toHaveLength(outcome === 'COMMIT' ? 1 : 0);
    }
  });

  it('names the tenant, the Genesys message (tenant ids may contain dashes) and the part', async () => {
    await store.appendToStream(outboundStreamId('tenant-with-dashes', 'gmsg-7'), 'any', [
      messageSent('tenant-with-dashes', 'wamid.part0', 0, 2),
      messageSent('tenant-with-dashes', 'wamid.part1', 1, 2),
    ]);
    expect(await indexRow('wamid.part1')).toEqual({
      stream_id: 'outbound-tenant%2Dwith%2Ddashes-gmsg-7',
      tenant_id: 'tenant-with-dashes',
      genesys_message_id: 'gmsg-7',
      part_index: 1,
    });
    expect(await findIndexedMessages(pool, ['wamid.part0', 'wamid.part1', 'wamid.none'])).toEqual(
      expect.arrayContaining([
        { wamid: 'wamid.part0', tenantId: 'tenant-with-dashes', genesysMessageId: 'gmsg-7' },
        { wamid: 'wamid.part1', tenantId: 'tenant-with-dashes', genesysMessageId: 'gmsg-7' },
      ]),
    );
  });

  it('tells apart tenants demo and demo-eu with messages eu-m1 and m1 (one stream id unescaped)', async () => {
    await store.appendToStream(outboundStreamId('demo', 'eu-m1'), 'any', [messageSent('demo', 'wamid.demo')]);
    await store.appendToStream(outboundStreamId('demo-eu', 'm1'), 'any', [
      messageSent('demo-eu', 'wamid.eu'),
    ]);
    expect(await findIndexedMessages(pool, ['wamid.demo', 'wamid.eu'])).toEqual(
      expect.arrayContaining([
        { wamid: 'wamid.demo', tenantId: 'demo', genesysMessageId: 'eu-m1' },
        { wamid: 'wamid.eu', tenantId: 'demo-eu', genesysMessageId: 'm1' },
      ]),
    );
  });

  it('keeps the first stream of a wamid recorded twice, without failing the second append', async () => {
    await store.appendToStream(outboundStreamId('t-1', 'first'), 'any', [messageSent('t-1', 'wamid.twice')]);
    await store.appendToStream(outboundStreamId('t-1', 'second'), 'any', [messageSent('t-1', 'wamid.twice')]);
    expect(await indexRow('wamid.twice')).toMatchObject({ genesys_message_id: 'first' });
  });

  it('ignores MessageSent-typed events outside an outbound stream of their tenant', async () => {
    await store.appendToStream(conversationStreamId('t-1', 'c'), 'any', [
      messageSent('t-1', 'wamid.elsewhere'),
    ]);
    await store.appendToStream(outboundStreamId('t-2', 'x'), 'any', [
      messageSent('t-1', 'wamid.other-tenant'),
    ]);
    expect(await findIndexedMessages(pool, ['wamid.elsewhere', 'wamid.other-tenant'])).toEqual([]);
  });
});

describe('parked_meta_statuses', () => {
  it('parks only unknown wamids, once per status and time, and answers the known ones', async () => {
    await store.appendToStream(outboundStreamId('t-1', 'known'), 'any', [messageSent('t-1', 'wamid.known')]);
    const known = await parkStatuses(pool, [
      record('wamid.known'),
      record('wamid.unknown', 'read', '1760000002'),
      record('wamid.unknown', 'delivered', '1760000001'),
      record('wamid.unknown', 'delivered', '1760000001'),
    ]);
    expect(known).toEqual([{ wamid: 'wamid.known', tenantId: 't-1', genesysMessageId: 'known' }]);
    await parkStatuses(pool, [record('wamid.unknown', 'delivered', '1760000001')]); // a redelivered webhook

    const parked = await parkedStatusesFor(pool, 'wamid.unknown');
    expect(parked.map((row) => `${row.parked.record.status}@${row.parked.record.timestamp}`)).toEqual([
      'delivered@1760000001',
      'read@1760000002',
    ]);
    expect(parked[0]!.parked).toMatchObject({
      causationId: record('x').causationId,
      correlationId: 'request-1',
    });
    expect(await parkedStatusesFor(pool, 'wamid.known')).toEqual([]);
  });

  it('makes a parker wait for a MessageSent path holding the wamid, then see its index row', async () => {
    const holder = await pool.connect();
    try {
      await holder.query('BEGIN');
      // The MessageSent path's lock, held while the MessageSent commits (a stand-in for the real ordering).
      await holder.query('SELECT * FROM parked_meta_statuses_for($1)', ['wamid.contended']);
      await new PostgresEventStore(holder).appendToStream(outboundStreamId('t-1', 'contended'), 'any', [
        messageSent('t-1', 'wamid.contended'),
      ]);
      const parking = parkStatuses(pool, [record('wamid.contended')]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await holder.query('COMMIT');
      expect(await parking).toEqual([
        { wamid: 'wamid.contended', tenantId: 't-1', genesysMessageId: 'contended' },
      ]);
    } finally {
      holder.release();
    }
    expect(await parkedStatusesFor(pool, 'wamid.contended')).toEqual([]);
  });
});

import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Pool } from 'pg';
import { encodeEvent } from '../../src/events/encode';
import { eventExamples } from '../../src/events/schemas/examples';
import { outboundStreamId } from '../../src/events/schemas/stream-ids';
import { PostgresEventStore } from '../../src/events/store/postgres-event-store';
import { defaultMigrationsDir, migrate } from '../../src/infra/migrations';
import { createPool, ensureDatabase, quoteIdentifier } from '../../src/infra/postgres';
import { adminDatabaseUrl, databaseUrlFor } from '../support/database';

/**
 * Migration 006 against data written with the old stream ids: the database is migrated up to 005, filled the way
 * the previous version wrote it, then migrated to the end.
 */
const MIGRATION = '006_unambiguous_stream_ids.sql';

let pool: Pool;
let dir: string;
const cleanups: (() => Promise<void>)[] = [];

/** A database of its own migrated up to 005, with its own copy of the migrations (pool and dir point at it). */
const databaseAt005 = async () => {
  const name = `bridge_t_migration_006_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(databaseUrlFor(name));
  pool = createPool(databaseUrlFor(name), { max: 2 });
  dir = await mkdtemp(path.join(os.tmpdir(), 'bridge-migration-006-'));
  const [ownPool, ownDir] = [pool, dir];
  cleanups.push(async () => {
    await ownPool.end();
    const admin = createPool(adminDatabaseUrl(), { max: 1 });
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
    await rm(ownDir, { recursive: true, force: true });
  });
  await copyMigrations('005');
  await migrate(pool, dir);
};

const copyMigrations = async (upTo: string) => {
  for (const file of (await readdir(defaultMigrationsDir)).filter((f) => f.endsWith('.sql'))) {
    if (file.slice(0, 3) <= upTo.slice(0, 3))
      await copyFile(path.join(defaultMigrationsDir, file), path.join(dir, file));
  }
};

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

const messageSent = (tenantId: string, wamid: string) =>
  encodeEvent(
    { type: 'MessageSent', data: { ...eventExamples.MessageSent, wamid, partIndex: 0, partCount: 1 } },
    { tenantId, conversationId: 'conv-1' },
  );

const append = (streamId: string, event: ReturnType<typeof messageSent>) =>
  new PostgresEventStore(pool).appendToStream(streamId, 'any', [event]);

const streamIdsIn = async (table: string) =>
  (await pool.query<{ stream_id: string }>(`SELECT stream_id FROM ${table} ORDER BY stream_id`)).rows.map(
    (row) => row.stream_id,
  );

it('rewrites the stream ids of tenants with a - everywhere, keeps the others, and indexes with the new prefix', async () => {
  await databaseAt005();
  // As the previous version wrote them: `outbound-{tenantId}-{messageId}` unescaped.
  await append('outbound-demo-eu-m1', messageSent('demo-eu', 'wamid.eu'));
  await append('outbound-plain-m-2', messageSent('plain', 'wamid.plain'));
  await append('conversation-demo-eu-c-1', messageSent('demo-eu', 'wamid.not-outbound'));
  await pool.query(
    `INSERT INTO projection_positions (projection, stream_id, position)
     VALUES ('message-tracking', 'outbound-demo-eu-m1', 1), ('message-tracking', 'outbound-plain-m-2', 1)`,
  );
  await pool.query(
    `INSERT INTO dead_letters (source, stream_id, error, payload)
     VALUES ('p', 'outbound-demo-eu-m1', 'boom', '{"streamId": "outbound-demo-eu-m1"}')`,
  );

  await copyMigrations(MIGRATION);
  expect((await migrate(pool, dir)).applied).toEqual([MIGRATION]);

  const rewritten = ['conversation-demo%2Deu-c-1', 'outbound-demo%2Deu-m1', 'outbound-plain-m-2'];
  expect(await streamIdsIn('streams')).toEqual(rewritten);
  expect([...new Set(await streamIdsIn('events'))]).toEqual(rewritten);
  expect(await streamIdsIn('projection_positions')).toEqual(['outbound-demo%2Deu-m1', 'outbound-plain-m-2']);
  const { rows: index } = await pool.query(
    'SELECT wamid, stream_id, tenant_id, genesys_message_id FROM meta_message_index ORDER BY wamid',
  );
  expect(index).toEqual([
    { wamid: 'wamid.eu', stream_id: 'outbound-demo%2Deu-m1', tenant_id: 'demo-eu', genesys_message_id: 'm1' },
    { wamid: 'wamid.plain', stream_id: 'outbound-plain-m-2', tenant_id: 'plain', genesys_message_id: 'm-2' },
  ]);
  const { rows: letters } = await pool.query('SELECT stream_id, payload FROM dead_letters');
  expect(letters).toEqual([
    { stream_id: 'outbound-demo%2Deu-m1', payload: { streamId: 'outbound-demo%2Deu-m1' } },
  ]);

  // The trigger now reads the escaped prefix; the old, ambiguous form is no outbound stream of demo-eu any more.
  await append(outboundStreamId('demo-eu', 'm3'), messageSent('demo-eu', 'wamid.new'));
  await append('outbound-demo-eu-m4', messageSent('demo-eu', 'wamid.old-form'));
  const { rows: fresh } = await pool.query(
    `SELECT wamid, genesys_message_id FROM meta_message_index WHERE wamid IN ('wamid.new', 'wamid.old-form')`,
  );
  expect(fresh).toEqual([{ wamid: 'wamid.new', genesys_message_id: 'm3' }]);
});

it('refuses, changing nothing, when a stream already holds events of two tenants (the collision happened)', async () => {
  await databaseAt005();
  // Tenant demo's message eu-m1 and tenant demo-eu's message m1, both in `outbound-demo-eu-m1`.
  await append('outbound-demo-eu-m1', messageSent('demo', 'wamid.demo'));
  await append('outbound-demo-eu-m1', messageSent('demo-eu', 'wamid.eu'));
  await copyMigrations(MIGRATION);
  await expect(migrate(pool, dir)).rejects.toThrow(/shared by several tenants .*: outbound-demo-eu-m1/);
  expect(await streamIdsIn('streams')).toEqual(['outbound-demo-eu-m1']);
  const { rows } = await pool.query('SELECT 1 FROM schema_migrations WHERE name = $1', [MIGRATION]);
  expect(rows).toEqual([]);
});

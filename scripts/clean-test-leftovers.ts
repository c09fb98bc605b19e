/**
 * Lists, and with --delete removes, what test runs left on the shared local servers: databases `bridge_t_*`, Kafka
 * topics `t-*`, RabbitMQ queues `OUTBOUND_GENESYS_MESSAGES.t-*`, S3 buckets `t-*` and Redis keys `t:*`. Only
 * test-prefixed names, and only those idle for --older-than minutes (default 60), so the tests of another checkout
 * running right now keep theirs. What tells the age:
 * - a database: when it was created (its PG_VERSION file), and no session connected to it;
 * - a test namespace `t-<id>` (topics, queue, buckets, keys): its newest sign of life, among its Kafka partitions'
 *   files (KAFKA_LOG_DIR, e.g. .cache/kafka/data of the checkout that runs Kafka), its buckets' creation and its
 *   Redis keys' idle time. A namespace with no readable sign at all (a queue alone) counts as idle.
 * Usage: npx tsx scripts/clean-test-leftovers.ts [--delete] [--older-than <minutes>]
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import amqp from 'amqplib';
import { loadConfig } from '../src/infra/config';
import { createKafka } from '../src/infra/kafka';
import { createLogger } from '../src/infra/logger';
import { createPool, quoteIdentifier } from '../src/infra/postgres';
import { createRedis } from '../src/infra/redis';
import { createS3 } from '../src/infra/s3';
import { adminDatabaseUrl } from '../test/support/database';

const args = process.argv.slice(2);
const remove = args.includes('--delete');
const olderThanMinutes = Number(args[args.indexOf('--older-than') + 1] ?? 60) || 60;
const cutoff = Date.now() - olderThanMinutes * 60_000;
const QUEUE_PREFIX = 'OUTBOUND_GENESYS_MESSAGES.t-';

/** `t-<label>-<8 hex>` → the namespace id, from any name a namespace gives (test/support/namespace.ts). */
const namespaceOf = (name: string): string | undefined => /t[-:]([a-z0-9]*-[0-9a-f]{8})/.exec(name)?.[1];

const main = async () => {
  const config = loadConfig({});
  const lastSeen = new Map<string, number>();
  const seen = (name: string, at: number) => {
    const id = namespaceOf(name);
    if (id) lastSeen.set(id, Math.max(lastSeen.get(id) ?? 0, at));
  };
  const idle = (name: string) => (lastSeen.get(namespaceOf(name) ?? '') ?? 0) < cutoff;

  // Signs of life first.
  const kafkaLogDir = process.env.KAFKA_LOG_DIR;
  if (kafkaLogDir) {
    for (const dir of readdirSync(kafkaLogDir).filter((name) => name.startsWith('t-'))) {
      const full = path.join(kafkaLogDir, dir);
      for (const file of readdirSync(full)) seen(dir, statSync(path.join(full, file)).mtimeMs);
    }
  }
  const s3 = createS3(config.S3_ENDPOINT, config.S3_ACCESS_KEY, config.S3_SECRET_KEY, config.S3_REGION);
  const buckets = (await s3.listBuckets()).filter((bucket) => bucket.name.startsWith('t-'));
  for (const bucket of buckets) seen(bucket.name, bucket.creationDate.getTime());
  const redis = createRedis(config.REDIS_URL);
  const keys = await redis.keys('t:*');
  for (const key of keys) seen(key, Date.now() - Number(await redis.object('IDLETIME', key)) * 1000);

  const admin = createKafka(config.KAFKA_BROKERS, 'clean-test-leftovers', createLogger('silent')).admin();
  await admin.connect();
  const topics = kafkaLogDir ? (await admin.listTopics()).filter((t) => t.startsWith('t-') && idle(t)) : [];
  let queues: string[] = [];
  try {
    queues = execFileSync('rabbitmqctl', ['-q', 'list_queues', 'name'], { encoding: 'utf8' })
      .split('\n')
      .map((line) => line.trim())
      .filter((name) => name.startsWith(QUEUE_PREFIX) && idle(name));
  } catch {
    process.stderr.write('rabbitmqctl not usable here: queues left alone\n');
  }
  const pool = createPool(adminDatabaseUrl(), { max: 1 });
  const { rows } = await pool.query<{ datname: string }>(
    `SELECT datname FROM pg_database d
      WHERE datname LIKE 'bridge\\_t\\_%'
        AND (pg_stat_file('base/' || oid || '/PG_VERSION')).modification < to_timestamp($1 / 1000.0)
        AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datid = d.oid)`,
    [cutoff],
  );
  const databases = rows.map((row) => row.datname);
  const staleBuckets = buckets.map((bucket) => bucket.name).filter(idle);
  const staleKeys = keys.filter(idle);

  process.stdout.write(
    `${remove ? 'removing' : 'would remove (run with --delete)'}: ${databases.length} databases, ` +
      `${topics.length} topics${kafkaLogDir ? '' : ' (KAFKA_LOG_DIR unset: topics left alone)'}, ` +
      `${queues.length} queues, ${staleBuckets.length} buckets, ${staleKeys.length} Redis keys\n`,
  );
  if (remove) {
    for (const name of databases)
      await pool.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
    if (topics.length) await admin.deleteTopics({ topics });
    if (queues.length) {
      const connection = await amqp.connect(config.AMQP_URL);
      const channel = await connection.createChannel();
      for (const queue of queues) await channel.deleteQueue(queue);
      await connection.close();
    }
    for (const bucket of staleBuckets) {
      const names: string[] = [];
      for await (const item of s3.listObjectsV2(bucket, '', true)) if (item.name) names.push(item.name);
      if (names.length) await s3.removeObjects(bucket, names);
      await s3.removeBucket(bucket);
    }
    for (let i = 0; i < staleKeys.length; i += 500) await redis.del(...staleKeys.slice(i, i + 500));
  }
  await pool.end();
  await admin.disconnect();
  redis.disconnect();
};

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});

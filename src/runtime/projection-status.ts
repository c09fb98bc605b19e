import type { Admin } from 'kafkajs';
import type { Pool } from 'pg';
import { CONSUMERS } from './workers';
import { messageTimestamp } from '../projections/rebuild/kafka-message-age';

export interface PartitionPosition {
  topic: string;
  partition: number;
  /** The next offset the group will apply (committed), or null when it never committed. */
  committed: string | null;
  end: string;
}

export interface StatusEntry {
  name: string;
  kind: 'relay' | 'projection' | 'processor';
  /** The relay: its checkpoint in $all as `transactionId/globalPosition`; a consumer group: its id. */
  position: string;
  partitions?: PartitionPosition[];
  lagEvents: number;
  /** Age of the oldest event not yet applied (published, for the relay); 0 when there is none. */
  lagSeconds: number;
}

export interface StatusDeps {
  pool: Pool;
  admin: Admin;
  topicPrefix: string;
  /** Also compute lagSeconds for lagging consumer groups (a few admin requests per lagging partition). */
  withAge?: boolean;
  relayName?: string;
}

/** The relay first, then every consumer group the bridge runs (projections and processors). */
export const projectionStatus = async (deps: StatusDeps): Promise<StatusEntry[]> => {
  const now = Date.now();
  const entries: StatusEntry[] = [await relayStatus(deps.pool, deps.relayName ?? 'kafka', now)];
  for (const consumer of CONSUMERS) entries.push(await consumerStatus(deps, consumer, now));
  return entries;
};

const relayStatus = async (pool: Pool, name: string, now: number): Promise<StatusEntry> => {
  const { rows } = await pool.query<{ transaction_id: string; global_position: string }>(
    'SELECT transaction_id::text, global_position::text FROM relay_checkpoints WHERE name = $1',
    [name],
  );
  const cursor = rows[0] ?? { transaction_id: '0', global_position: '0' };
  // What the relay has not published: every committed event after its checkpoint, the oldest first.
  const { rows: lag } = await pool.query<{ count: number; oldest: Date | null }>(
    `SELECT count(*)::integer AS count, min(recorded_at) AS oldest FROM events
      WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)`,
    [cursor.transaction_id, cursor.global_position],
  );
  const oldest = lag[0]?.oldest;
  return {
    name: `relay.${name}`,
    kind: 'relay',
    position: `${cursor.transaction_id}/${cursor.global_position}`,
    lagEvents: lag[0]?.count ?? 0,
    lagSeconds: oldest ? Math.max(0, (now - oldest.getTime()) / 1000) : 0,
  };
};

const consumerStatus = async (
  deps: StatusDeps,
  consumer: { name: string; topics: readonly string[] },
  now: number,
): Promise<StatusEntry> => {
  const groupId = `${deps.topicPrefix}${consumer.name}`;
  const topics = consumer.topics.map((topic) => `${deps.topicPrefix}${topic}`);
  const committed = await deps.admin.fetchOffsets({ groupId, topics });
  const partitions: PartitionPosition[] = [];
  let lagEvents = 0;
  let oldest = now;
  for (const topic of topics) {
    const group = committed.find((entry) => entry.topic === topic)?.partitions ?? [];
    for (const end of await deps.admin.fetchTopicOffsets(topic)) {
      const offset = group.find((partition) => partition.partition === end.partition)?.offset ?? '-1';
      const next = BigInt(offset) >= 0n ? BigInt(offset) : BigInt(end.low);
      const behind = BigInt(end.high) - next;
      partitions.push({
        topic,
        partition: end.partition,
        committed: BigInt(offset) >= 0n ? offset : null,
        end: end.high,
      });
      if (behind <= 0n) continue;
      lagEvents += Number(behind);
      if (deps.withAge !== false) {
        oldest = Math.min(oldest, await messageTimestamp(deps.admin, topic, end.partition, next, now));
      }
    }
  }
  return {
    name: consumer.name,
    kind: consumer.name.startsWith('projection.') ? 'projection' : 'processor',
    position: groupId,
    partitions,
    lagEvents,
    lagSeconds: lagEvents === 0 ? 0 : Math.max(0, (now - oldest) / 1000),
  };
};

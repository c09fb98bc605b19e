import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Pool } from 'pg';
import type { Logger } from '../../infra/logger';
import { eventTypeHeader } from '../../events/relay/kafka-messages';
import type { StoredEvent } from '../../events/store/types';
import { applyBatch } from './apply-batch';
import { deadLetterUnreadable, describeError, reapplyDeadLettered } from './apply-event';
import { handlerFor, type Projection } from './define-projection';
import { parseEnvelope } from './envelope';
import { isTransientError } from './transient-errors';

export interface ProjectionRunnerDeps<E extends { type: string }> {
  pool: Pool;
  kafka: Kafka;
  logger: Logger;
  projection: Projection<E>;
  /** The deployment's KAFKA_TOPIC_PREFIX: topics and the consumer group live under it. */
  topicPrefix: string;
  /** Defaults to `${topicPrefix}projection.${name}`; a new group replays the topics from the start. */
  groupId?: string;
  /** Partitions processed at once (order is per partition, so any number keeps each conversation in order). */
  partitionsConcurrently?: number;
  /**
   * Events of one partition applied per PostgreSQL transaction (each still claims its own stream position); the
   * Kafka offset is committed after each such transaction. 1 = one transaction per event.
   */
  eventsPerTransaction?: number;
  retryDelayMs?: { initial: number; max: number };
}

export interface ProjectionStats {
  applied: number;
  skipped: number;
  unhandled: number;
  deadLettered: number;
}

/**
 * Runs a projection from Kafka. Events are applied in PostgreSQL transactions that record each event's stream
 * position with its read-model change (applyEvent, applyBatch), and the Kafka offset is committed only after that
 * transaction: a crash in between redelivers events that the stored positions then skip. A poison event is
 * dead-lettered and passed; a transient failure (database down) is retried in place, holding only its partition.
 */
export class ProjectionRunner<E extends { type: string }> {
  readonly groupId: string;
  readonly topics: string[];
  readonly stats: ProjectionStats = { applied: 0, skipped: 0, unhandled: 0, deadLettered: 0 };
  private consumer: Consumer | null = null;
  private admin: Admin | null = null;

  constructor(private readonly deps: ProjectionRunnerDeps<E>) {
    this.groupId = deps.groupId ?? `${deps.topicPrefix}projection.${deps.projection.name}`;
    this.topics = deps.projection.topics.map((topic) => `${deps.topicPrefix}${topic}`);
  }
  /** Applies an event this projection dead-lettered again, on an operator's request (`bridge dead-letters retry`). */
  async redeliver(
    event: StoredEvent,
  ): Promise<{ outcome: 'handled' } | { outcome: 'failed'; error: string }> {
    try {
      const { projection, pool } = this.deps;
      await (projection.reapply
        ? projection.reapply(pool, event)
        : reapplyDeadLettered(pool, projection, event));
      return { outcome: 'handled' };
    } catch (error) {
      return { outcome: 'failed', error: describeError(error) };
    }
  }

  async start(): Promise<void> {
    if (this.consumer) throw new Error(`projection ${this.deps.projection.name} already started`);
    // A fetch waits up to maxWaitTimeInMs for new data, and stop() waits for that fetch: keep it short.
    const consumer = this.deps.kafka.consumer({
      groupId: this.groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 500,
    });
    await consumer.connect();
    await consumer.subscribe({ topics: this.topics, fromBeginning: true });
    const admin = this.deps.kafka.admin();
    await admin.connect();
    this.consumer = consumer;
    this.admin = admin;
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.deps.partitionsConcurrently ?? 3,
      eachBatch: (payload) => this.processBatch(payload),
    });
  }

  /** Lets the message in hand finish (its transaction and offset), then leaves the group. */
  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.admin?.disconnect();
    this.consumer = null;
    this.admin = null;
  }

  /** Resolves once the group's committed offsets reach the end of every partition of the projection's topics. */
  async whenCaughtUp(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await this.isCaughtUp())) {
      if (Date.now() > deadline) {
        throw new Error(`projection ${this.deps.projection.name} did not catch up within ${timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async isCaughtUp(): Promise<boolean> {
    const admin = this.admin;
    if (!admin) throw new Error(`projection ${this.deps.projection.name} is not running`);
    const committed = await admin.fetchOffsets({ groupId: this.groupId, topics: this.topics });
    for (const topic of this.topics) {
      const done = new Map(
        (committed.find((entry) => entry.topic === topic)?.partitions ?? []).map((p) => [
          p.partition,
          BigInt(p.offset),
        ]),
      );
      for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(high) > BigInt(low) && (done.get(partition) ?? -1n) < BigInt(high)) return false;
      }
    }
    return true;
  }

  private async processBatch({
    batch,
    resolveOffset,
    heartbeat,
    commitOffsetsIfNecessary,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    const size = this.deps.eventsPerTransaction ?? 100;
    for (let start = 0; start < batch.messages.length; start += size) {
      if (!isRunning() || isStale()) return;
      const messages = batch.messages.slice(start, start + size);
      const done = await this.withRetries(() => this.processMessages(messages), heartbeat, isRunning);
      if (!done) return; // stopping while retrying: these messages stay uncommitted and come again
      const last = messages[messages.length - 1]!.offset;
      resolveOffset(last);
      // Only now, after the read model committed: a crash before this line redelivers, and positions skip.
      await commitOffsetsIfNecessary({
        topics: [
          {
            topic: batch.topic,
            partitions: [{ partition: batch.partition, offset: (BigInt(last) + 1n).toString() }],
          },
        ],
      });
      await heartbeat();
    }
  }

  private async processMessages(messages: KafkaMessage[]): Promise<void> {
    const { projection, pool, logger } = this.deps;
    const events: StoredEvent[] = [];
    for (const message of messages) {
      const headerType = eventTypeHeader(message.headers);
      if (headerType !== undefined && !handlerFor(projection, headerType)) {
        this.stats.unhandled++; // skipped unparsed: most of a topic's events are not this projection's
        continue;
      }
      const parsed = parseEnvelope(message.value);
      if (parsed.ok) {
        events.push(parsed.event);
        continue;
      }
      logger.error(
        { projection: projection.name, offset: message.offset, err: parsed.error },
        'unreadable message',
      );
      await deadLetterUnreadable(pool, {
        source: projection.name,
        error: parsed.error,
        payload: parsed.payload,
      });
      this.stats.deadLettered++;
    }
    const outcomes = await (projection.applyMany
      ? projection.applyMany(pool, events)
      : applyBatch(pool, projection, events));
    outcomes.forEach((result, index) => {
      if (result.outcome !== 'dead-lettered') {
        this.stats[result.outcome]++;
        return;
      }
      const event = events[index]!;
      logger.error(
        { projection: projection.name, eventId: event.eventId, type: event.type, err: result.error },
        'event dead-lettered',
      );
      this.stats.deadLettered++;
    });
  }

  /** Retries transient failures with backoff while running; false when the runner stopped before success. */
  private async withRetries(
    work: () => Promise<void>,
    heartbeat: () => Promise<void>,
    isRunning: () => boolean,
  ): Promise<boolean> {
    const { initial, max } = this.deps.retryDelayMs ?? { initial: 200, max: 5000 };
    for (let delay = initial; ; delay = Math.min(delay * 2, max)) {
      try {
        await work();
        return true;
      } catch (error) {
        if (!isTransientError(error)) throw error; // a bug in the runtime itself: let kafkajs restart the consumer
        this.deps.logger.warn(
          { projection: this.deps.projection.name, err: (error as Error).message, delay },
          'transient failure, retrying',
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
        if (!isRunning()) return false;
        await heartbeat().catch(() => undefined);
      }
    }
  }
}

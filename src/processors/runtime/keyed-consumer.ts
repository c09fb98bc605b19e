import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { eventTypeHeader } from '../../events/relay/kafka-messages';
import { storedEventEnvelopeSchema } from '../../events/schemas/envelope';
import type { StoredEvent } from '../../events/store/types';
import type { Logger } from '../../infra/logger';
import { recordDeadLetter } from './dead-letter';
import { KeyedLanes } from './keyed-lanes';
import { OffsetTracker } from './offset-tracker';

export interface KeyedConsumerOptions {
  name: string;
  kafka: Kafka;
  groupId: string;
  topics: string[];
  pool: Pool;
  logger: Logger;
  /** Does the work for one event. Throwing means "not done": it is retried, then dead-lettered. */
  handle: (event: StoredEvent) => Promise<void>;
  /** Only events of these types reach `handle`; others are acknowledged at once. */
  eventTypes?: ReadonlySet<string>;
  maxInFlight?: number;
  commitIntervalMs?: number;
  maxAttempts?: number;
  retryDelayMs?: (attempt: number) => number;
  /** Told of each message parked in dead_letters (metrics). */
  onDeadLetter?: (source: string) => void;
}

/**
 * A Kafka consumer for processors (side effects, not read models): per-key lanes keep each conversation in order
 * while conversations run concurrently; offsets are committed only up to the lowest message still running, so a
 * crash redelivers everything unfinished (at-least-once; handlers are idempotent through the event store).
 */
export class KeyedConsumer {
  private readonly consumer: Consumer;
  private readonly lanes = new KeyedLanes();
  private readonly trackers = new Map<string, OffsetTracker>();
  /** Last offset committed per `topic:partition`. */
  private readonly committed = new Map<string, string>();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly slotWaiters: (() => void)[] = [];
  private inFlight = 0;
  private commitTimer: NodeJS.Timeout | undefined;
  private committing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: KeyedConsumerOptions) {
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: 30000,
      heartbeatInterval: 3000,
      maxWaitTimeInMs: 100,
      retry: { retries: 10 },
    });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    for (const topic of this.options.topics) await this.consumer.subscribe({ topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 4,
      eachBatch: (payload) => this.dispatchBatch(payload),
    });
    this.commitTimer = setInterval(() => void this.commit(), this.options.commitIntervalMs ?? 200);
  }

  /** Stops fetching, lets running work finish, commits what finished, disconnects. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.consumer.stop();
    await this.whenIdle();
    clearInterval(this.commitTimer);
    await this.commit();
    await this.consumer.disconnect();
  }

  /** Resolves when nothing is running (tests, graceful shutdown). */
  whenIdle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  get running(): number {
    return this.inFlight;
  }

  private async dispatchBatch({
    batch,
    heartbeat,
    isRunning,
    isStale,
    resolveOffset,
  }: EachBatchPayload): Promise<void> {
    const trackerKey = `${batch.topic}:${batch.partition}`;
    const tracker = this.trackers.get(trackerKey) ?? new OffsetTracker();
    this.trackers.set(trackerKey, tracker);
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) return;
      while (this.inFlight >= (this.options.maxInFlight ?? 256)) {
        await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
        await heartbeat();
      }
      tracker.start(message.offset);
      const headerType = eventTypeHeader(message.headers);
      if (headerType !== undefined && this.options.eventTypes && !this.options.eventTypes.has(headerType)) {
        // A type this processor ignores: done without parsing, and without waiting behind its conversation's lane.
        resolveOffset(message.offset);
        tracker.finish(message.offset);
        continue;
      }
      // Moves only the fetch position (autoCommit is off; commits follow the tracker's low watermark). Without it,
      // kafkajs fetches from the last resolved offset again and hands the same messages over and over.
      resolveOffset(message.offset);
      this.inFlight++;
      const key = message.key?.toString() ?? `${batch.topic}:${batch.partition}`;
      void this.lanes
        .run(key, () => this.process(message.value))
        .finally(() => {
          tracker.finish(message.offset);
          this.inFlight--;
          this.slotWaiters.shift()?.();
          if (this.inFlight === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
        });
    }
  }

  private async process(value: Buffer | null): Promise<void> {
    let event: StoredEvent;
    try {
      event = storedEventEnvelopeSchema.parse(JSON.parse(value?.toString('utf8') ?? 'null')) as StoredEvent;
    } catch (error) {
      await this.deadLetter({ error: `undecodable message: ${(error as Error).message}` });
      return;
    }
    if (this.options.eventTypes && !this.options.eventTypes.has(event.type)) return;
    const maxAttempts = this.options.maxAttempts ?? 8;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.handle(event);
        return;
      } catch (error) {
        const message = (error as Error).message;
        if (attempt >= maxAttempts) {
          this.options.logger.error(
            { eventId: event.eventId, err: message },
            `${this.options.name}: giving up`,
          );
          await this.deadLetter({ error: message, event });
          return;
        }
        this.options.logger.warn(
          { eventId: event.eventId, attempt, err: message },
          `${this.options.name}: retrying`,
        );
        const delay = this.options.retryDelayMs?.(attempt) ?? Math.min(100 * 2 ** attempt, 30000);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private async deadLetter({ error, event }: { error: string; event?: StoredEvent }): Promise<void> {
    // Never lose the message: retry the write itself until PostgreSQL takes it.
    for (let attempt = 1; ; attempt++) {
      try {
        await recordDeadLetter(this.options.pool, {
          source: this.options.name,
          error,
          eventId: event?.eventId,
          globalPosition: event?.globalPosition,
          streamId: event?.streamId,
          streamPosition: event?.streamPosition,
          eventType: event?.type,
          payload: event,
        });
        this.options.onDeadLetter?.(this.options.name);
        return;
      } catch (writeError) {
        this.options.logger.error({ err: (writeError as Error).message }, 'dead letter not recorded yet');
        await new Promise((resolve) => setTimeout(resolve, Math.min(200 * attempt, 5000)));
      }
    }
  }

  private commit(): Promise<void> {
    // Serialized: two overlapping commits could land out of order and move an offset backwards.
    this.committing = this.committing.then(async () => {
      // Only partitions whose committable offset moved: an idle consumer sends nothing to the broker.
      const moved = [...this.trackers].flatMap(([key, tracker]) => {
        const offset = tracker.committable();
        return offset === undefined || this.committed.get(key) === offset ? [] : [{ key, offset }];
      });
      if (moved.length === 0) return;
      const offsets = moved.map(({ key, offset }) => {
        const separator = key.lastIndexOf(':');
        return { topic: key.slice(0, separator), partition: Number(key.slice(separator + 1)), offset };
      });
      await this.consumer
        .commitOffsets(offsets)
        .then(() => moved.forEach(({ key, offset }) => this.committed.set(key, offset)))
        .catch((error: Error) => {
          // After a rebalance the partition may belong to another member: it will redeliver, handlers are idempotent.
          this.options.logger.debug({ err: error.message }, `${this.options.name}: commit skipped`);
        });
    });
    return this.committing;
  }
}

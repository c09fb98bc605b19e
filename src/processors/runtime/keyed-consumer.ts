import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { eventTypeHeader } from '../../events/relay/kafka-messages';
import { storedEventEnvelopeSchema } from '../../events/schemas/envelope';
import type { StoredEvent } from '../../events/store/types';
import type { Logger } from '../../infra/logger';
import { OutageLog } from '../../infra/outage-log';
import { isTransientError } from '../../projections/runtime/transient-errors';
import { recordDeadLetter } from './dead-letter';
import { KeyedLanes } from './keyed-lanes';
import { OffsetTracker } from './offset-tracker';
import { Slots } from './slots';

/** What a handler may use from the consumer. */
export interface HandlerRuntime {
  /**
   * Waits without holding a processing slot (a backoff, a reconciliation window). Rejects with ConsumerStopping
   * when the consumer stops: the message is then left unfinished, uncommitted, and redelivered after a restart.
   */
  wait(ms: number): Promise<void>;
  /**
   * The consumer's backoff before retry `attempt` (1, 2, …) of a transient failure, for a handler that retries in
   * place rather than handing the message back: one policy for both.
   */
  retryDelay(attempt: number): number;
}

/** The consumer is stopping: the work in hand is left for the next start. */
export class ConsumerStopping extends Error {
  constructor() {
    super('consumer stopping');
    this.name = 'ConsumerStopping';
  }
}

export interface KeyedConsumerOptions {
  name: string;
  kafka: Kafka;
  groupId: string;
  topics: string[];
  pool: Pool;
  logger: Logger;
  /**
   * Does the work for one event. Throwing means "not done": a transient error (isTransientError) is retried with
   * capped backoff for as long as it lasts, in this key's lane only; any other is retried `maxAttempts` times and
   * is then permanent (onPermanentFailure, else dead_letters).
   */
  handle: (event: StoredEvent, runtime: HandlerRuntime) => Promise<void>;
  /**
   * Ends the work visibly after a permanent failure (the outbound processor records MessageFailed, whose Failed
   * receipt reaches Genesys). Without it, or when it fails permanently itself, the event goes to dead_letters.
   */
  onPermanentFailure?: (event: StoredEvent, error: unknown) => Promise<void>;
  /** Only events of these types reach `handle`; others are acknowledged at once. */
  eventTypes?: ReadonlySet<string>;
  /** Handlers working at once (processing slots). A handler that waits gives its slot back meanwhile. */
  maxInFlight?: number;
  /** Messages taken from Kafka and not finished (running, waiting, queued behind their key); default 8 × slots. */
  maxBuffered?: number;
  commitIntervalMs?: number;
  /** Tries for an error that is not transient before it counts as permanent (default 3). */
  maxAttempts?: number;
  /** Delay before retry `attempt`; default doubling from 200 ms, capped at 30 s. */
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
  private readonly bufferWaiters: (() => void)[] = [];
  private readonly stopWaiters = new Set<() => void>();
  private readonly slots: Slots;
  private inFlight = 0;
  private commitTimer: NodeJS.Timeout | undefined;
  private committing: Promise<void> = Promise.resolve();
  private stopped = false;

  /** Transient failures of any message: over once none came for 30 s (a success of one says nothing of others). */
  private readonly transientFailures: OutageLog;

  constructor(private readonly options: KeyedConsumerOptions) {
    this.transientFailures = new OutageLog({
      dependency: options.name,
      logger: options.logger,
      quietMs: 30_000,
      wording: { down: 'failing transiently, retrying', up: 'working again' },
    });
    this.slots = new Slots(options.maxInFlight ?? 256);
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
    // Waiting handlers (backoffs, retries of a dependency that is down) give up now, their work uncommitted.
    this.stopWaiters.forEach((wake) => wake());
    await this.consumer.stop();
    await this.whenIdle();
    clearInterval(this.commitTimer);
    this.transientFailures.close();
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
      const maxBuffered = this.options.maxBuffered ?? 8 * (this.options.maxInFlight ?? 256);
      while (this.inFlight >= maxBuffered) {
        await new Promise<void>((resolve) => this.bufferWaiters.push(resolve));
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
        .run(key, async () => {
          // Queued behind its key, a message holds no slot; it takes one to run.
          await this.slots.acquire();
          try {
            // Left unfinished when the consumer stops: not committed, redelivered after a restart.
            if ((await this.process(message.value)) === 'done') tracker.finish(message.offset);
          } finally {
            this.slots.release();
          }
        })
        .finally(() => {
          this.inFlight--;
          this.bufferWaiters.shift()?.();
          if (this.inFlight === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
        });
    }
  }

  private async process(value: Buffer | null): Promise<'done' | 'abandoned'> {
    if (this.stopped) return 'abandoned';
    let event: StoredEvent;
    try {
      event = storedEventEnvelopeSchema.parse(JSON.parse(value?.toString('utf8') ?? 'null')) as StoredEvent;
    } catch (error) {
      // Cannot even be attributed to a message: only an operator can look at it.
      await this.deadLetter({ error: `undecodable message: ${(error as Error).message}` });
      return 'done';
    }
    if (this.options.eventTypes && !this.options.eventTypes.has(event.type)) return 'done';
    const runtime: HandlerRuntime = { wait: (ms) => this.wait(ms), retryDelay: (n) => this.retryDelay(n) };
    const outcome = await this.untilDone(event, () => this.options.handle(event, runtime));
    if (outcome.ok) return 'done';
    if (outcome.stopping) return 'abandoned';

    this.options.logger.error(
      { eventId: event.eventId, streamId: event.streamId, err: describe(outcome.error) },
      `${this.options.name}: failed permanently`,
    );
    const hook = this.options.onPermanentFailure;
    if (hook) {
      const ended = await this.untilDone(event, () => hook(event, outcome.error));
      if (ended.ok) return 'done';
      if (ended.stopping) return 'abandoned';
      await this.deadLetter({
        error: `${describe(outcome.error)}; could not be ended: ${describe(ended.error)}`,
        event,
      });
      return 'done';
    }
    await this.deadLetter({ error: describe(outcome.error), event });
    return 'done';
  }

  /**
   * Runs `work` until it succeeds, fails permanently (a non-transient error `maxAttempts` times) or the consumer
   * stops. Transient errors are retried for as long as they last, with capped backoff, holding no slot while
   * waiting: only this key's lane waits.
   */
  private async untilDone(
    event: StoredEvent,
    work: () => Promise<void>,
  ): Promise<{ ok: true } | { ok: false; stopping: true } | { ok: false; stopping: false; error: unknown }> {
    const maxAttempts = this.options.maxAttempts ?? 3;
    let failures = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        await work();
        return { ok: true };
      } catch (error) {
        if (this.stopped || error instanceof ConsumerStopping) return { ok: false, stopping: true };
        const isTransient = isTransientError(error);
        if (!isTransient && ++failures >= maxAttempts) return { ok: false, stopping: false, error };
        // A transient failure is usually one of many (a dependency is down for every message): the outage log
        // says so once, at intervals and when it is over, never a line per message or retry.
        if (isTransient) this.transientFailures.failure(describe(error), { eventId: event.eventId });
        else
          this.options.logger.warn(
            { eventId: event.eventId, attempt, err: describe(error) },
            `${this.options.name}: retrying`,
          );
        const delay = this.retryDelay(attempt);
        try {
          await this.wait(delay);
        } catch {
          return { ok: false, stopping: true };
        }
      }
    }
  }

  /**
   * Hands a dead-lettered event to this consumer's handler again (`bridge dead-letters retry`), outside Kafka: a
   * few tries, a permanent failure ended through onPermanentFailure as in normal running. `failed` when it still
   * fails (a dependency still down, or nothing can end it): the dead letter stays open.
   */
  async redeliver(
    event: StoredEvent,
  ): Promise<{ outcome: 'handled' | 'ended' } | { outcome: 'failed'; error: string }> {
    if (this.options.eventTypes && !this.options.eventTypes.has(event.type)) return { outcome: 'handled' };
    const runtime: HandlerRuntime = {
      wait: (ms) => sleep(Math.min(ms, 30_000)),
      retryDelay: (n) => this.retryDelay(n),
    };
    const tries = this.options.maxAttempts ?? 3;
    let lastError: unknown;
    for (let attempt = 1; attempt <= tries; attempt++) {
      try {
        await this.options.handle(event, runtime);
        return { outcome: 'handled' };
      } catch (error) {
        lastError = error;
        if (attempt < tries) await sleep(Math.min(200 * 2 ** attempt, 2_000));
      }
    }
    const hook = this.options.onPermanentFailure;
    if (isTransientError(lastError) || !hook) return { outcome: 'failed', error: describe(lastError) };
    try {
      await hook(event, lastError);
      return { outcome: 'ended' };
    } catch (error) {
      return { outcome: 'failed', error: `${describe(lastError)}; could not be ended: ${describe(error)}` };
    }
  }

  private retryDelay(attempt: number): number {
    return this.options.retryDelayMs?.(attempt) ?? Math.min(200 * 2 ** Math.min(attempt - 1, 20), 30_000);
  }

  /** Sleeps without a slot; rejects with ConsumerStopping as soon as the consumer stops. */
  private wait(ms: number): Promise<void> {
    if (this.stopped) return Promise.reject(new ConsumerStopping());
    return this.slots.whileWaiting(
      () =>
        new Promise<void>((resolve, reject) => {
          const wake = () => {
            clearTimeout(timer);
            this.stopWaiters.delete(wake);
            reject(new ConsumerStopping());
          };
          const timer = setTimeout(() => {
            this.stopWaiters.delete(wake);
            resolve();
          }, ms);
          this.stopWaiters.add(wake);
        }),
    );
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

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

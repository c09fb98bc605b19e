import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { Pool } from 'pg';
import type { Logger } from '../../infra/logger';
import type { PostgresEventStore } from '../store/postgres-event-store';
import { EVENTS_CHANNEL } from '../store/queries';
import { cursorOf } from '../store/stored-event';
import { START_OF_ALL, type AllCursor, type StoredEvent } from '../store/types';
import { ensureTopics } from './ensure-topics';
import { RELAY_MAX_SEND_BYTES, TOPIC_MAX_MESSAGE_BYTES } from './event-size';
import { toProduceChunks, type ProduceChunk } from './kafka-messages';
import { RelayHealth } from './relay-health';
import { hiddenPollDelay } from './hidden-poll-delay';
import { LeaderLock } from './leader-lock';
import { advanceCheckpointQuery, ensureCheckpointQuery, loadCheckpointQuery } from './queries';
import type { TopicSpec } from './topic-routing';
import { Wakeup } from './wakeup';

export interface RelayDeps {
  pool: Pool;
  store: Pick<PostgresEventStore, 'readAll' | 'countAfter' | 'hasEventsAfter'>;
  kafka: Kafka;
  logger: Logger;
  /** The topic of an event; null = no topic carries this stream family (logged, skipped). */
  topicFor: (event: StoredEvent) => string | null;
  topics: TopicSpec[];
  /** Events read from $all per round; each round is produced in as few sends as the byte limit allows. */
  batchSize: number;
  /** Longest sleep without a NOTIFY: the relay stays correct, only slower, when notifications are lost. */
  pollIntervalMs: number;
  /** Names the checkpoint row and the leader lock; relays with different names are independent. */
  name?: string;
  acquireIntervalMs?: number;
  /** Upper bound of keys plus values per send; must stay under the topics' max.message.bytes (event-size.ts). */
  maxSendBytes?: number;
  /** `max.message.bytes` the topics must allow (created so, raised at start when lower). */
  topicMaxMessageBytes?: number;
  /** First delay after a failed round; doubles while rounds keep failing, up to `maxRetryDelayMs`. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Where an unpublishable event and too-small topics are reported (health view, metrics). */
  health?: RelayHealth;
  /** Told of every pause with nothing visible to publish: why it paused and what ended it (metrics). */
  onWait?: (reason: RelayWaitReason, ended: RelayWaitEnd) => void;
}

/**
 * Why the relay paused: `busy` = appends were still in flight after ANNOUNCE_WAIT_MS, so it could not announce that
 * it sleeps; `hidden` = committed events are hidden behind an older running transaction; `idle` = nothing
 * committed after the cursor.
 */
export type RelayWaitReason = 'busy' | 'hidden' | 'idle';
/** What ended a pause: a NOTIFY (or stop), or the timer running out. */
export type RelayWaitEnd = 'notified' | 'timer';

/** The broker refused a record as too large for its topic: retrying the same send cannot succeed by itself. */
const TOO_LARGE = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'MESSAGE_SIZE_TOO_LARGE']);

const isTooLarge = (error: unknown, depth = 0): boolean => {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const { type, cause, originalError, errors } = error as {
    type?: string;
    cause?: unknown;
    originalError?: unknown;
    errors?: unknown[];
  };
  if (type !== undefined && TOO_LARGE.has(type)) return true;
  return (
    isTooLarge(cause, depth + 1) ||
    isTooLarge(originalError, depth + 1) ||
    (Array.isArray(errors) && errors.some((inner) => isTooLarge(inner, depth + 1)))
  );
};

class UnpublishableEventError extends Error {}

// How long the relay waits for the appends in flight before it can announce that it sleeps (they would not notify
// it). It used to poll again after 20 ms instead; at a few hundred appends a second one is nearly always in
// flight, so most events that came while the relay went to sleep waited for that poll. Appends commit in
// milliseconds: this bound only matters when one hangs.
const ANNOUNCE_WAIT_MS = 100;
/**
 * While busy, the checkpoint is written at most this often: one transaction per send made the checkpoint the
 * relay's largest cost in commits. A crash repeats what Kafka acknowledged since the last write (consumers drop
 * repeats by stream position); the checkpoint is always written before the relay sleeps and when it stops.
 */
export const CHECKPOINT_EVERY_MS = 100;

/**
 * Publishes $all to Kafka in commit order, from one leader at a time. The checkpoint moves only to a batch the
 * broker acknowledged (acks = all), at most every CHECKPOINT_EVERY_MS while busy and always before sleeping, so a
 * crash repeats at most what was acknowledged since: consumers see each event at least once, in order per key, and
 * drop repeats by stream position.
 *
 * Sends are strictly serial and not in kafkajs' idempotent mode: that mode is experimental in kafkajs 2.x and has
 * a report of lost messages under concurrent sends (ARCHITECTURE.md, "Relay").
 */
export class Relay {
  readonly name: string;
  private readonly lock: LeaderLock;
  private readonly wakeup = new Wakeup();
  private producer: Producer | null = null;
  private loop: Promise<void> | null = null;
  private stopping = false;
  /** Where reading goes on from: the last event acknowledged by Kafka. */
  private cursor: AllCursor | null = null;
  /** What the stored checkpoint says once the write in flight (if any) is done; whenCaughtUp waits for it. */
  private checkpointed: AllCursor | null = null;
  /**
   * The checkpoint write in flight, if any. It runs while the next page is read and is awaited before the next
   * send, so a lost leader connection fails here before anything more is sent.
   */
  private checkpointing: Promise<void> | null = null;
  /** When the last checkpoint write started (see CHECKPOINT_EVERY_MS). */
  private checkpointStartedAt = 0;
  /** The page after a full one, read while the full one is being sent. */
  private prefetched: { after: AllCursor; page: Promise<StoredEvent[]> } | null = null;
  private publishedCount = 0;
  /** Looks in a row that found events hidden (see hiddenPollDelay). */
  private hiddenLooks = 0;
  /** Keys plus values per send: RELAY_MAX_SEND_BYTES, less when a topic's limit could not be raised. */
  private sendBytes = RELAY_MAX_SEND_BYTES;
  readonly health: RelayHealth;

  constructor(private readonly deps: RelayDeps) {
    this.name = deps.name ?? 'kafka';
    this.health = deps.health ?? new RelayHealth();
    this.lock = new LeaderLock(deps.pool, this.name, EVENTS_CHANNEL, () => this.wakeup.signal(), deps.logger);
  }

  /** Events acknowledged by Kafka since construction (including repeats after a takeover); for metrics. */
  get published(): number {
    return this.publishedCount;
  }

  get isLeader(): boolean {
    return this.lock.isHeld;
  }

  async start(): Promise<void> {
    if (this.loop) throw new Error(`relay ${this.name} already started`);
    await this.checkTopics();
    const producer = this.deps.kafka.producer({
      allowAutoTopicCreation: false,
      idempotent: false,
      // kafkajs 2's default (Java-compatible murmur2 on the key), named so that it does not warn at every start:
      // consumers in other languages find a conversation on the partition their own client would pick.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    this.producer = producer;
    this.stopping = false;
    this.loop = this.run();
  }

  /** Finishes the send in flight and its checkpoint, then lets go of the lock and the producer. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeup.signal();
    await this.loop;
    this.loop = null;
    // A dead connection: the next leader repeats what was sent since the stored checkpoint.
    await this.flushCheckpoint().catch(() => undefined);
    await this.prefetched?.page.catch(() => undefined);
    this.prefetched = null;
    await this.lock.release();
    await this.producer?.disconnect();
    this.producer = null;
  }

  /** Events committed after the stored checkpoint (whoever leads). */
  async lag(): Promise<number> {
    const { rows } = await this.deps.pool.query<{ transaction_id: string; global_position: string }>(
      loadCheckpointQuery(this.name),
    );
    const row = rows[0];
    return this.deps.store.countAfter(
      row ? { transactionId: row.transaction_id, globalPosition: row.global_position } : START_OF_ALL,
    );
  }

  /** Resolves once this instance leads and has published every event committed so far. */
  async whenCaughtUp(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const cursor = this.checkpointed;
      if (this.lock.isHeld && cursor && !(await this.deps.store.hasEventsAfter(cursor))) return;
      if (Date.now() > deadline) {
        throw new Error(`relay ${this.name} did not catch up within ${timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /**
   * Creates missing topics and raises a `max.message.bytes` below what the largest event needs; what cannot be
   * raised is said once per topic, in the health view and in `bridge_relay_topics_too_small`.
   */
  private async checkTopics(): Promise<void> {
    const required = this.deps.topicMaxMessageBytes ?? TOPIC_MAX_MESSAGE_BYTES;
    const problems = await ensureTopics(this.deps.kafka, this.deps.topics, required);
    for (const problem of problems) {
      this.deps.logger.error(
        { relay: this.name, ...problem },
        `topic ${problem.topic} accepts records up to ${problem.maxMessageBytes} bytes, the largest event needs ` +
          `${problem.requiredBytes}, and it could not be raised: set its max.message.bytes`,
      );
    }
    this.health.topicLimits(problems);
    // A topic left at a smaller limit still takes every event that fits: send in chunks it accepts (the framing
    // of up to a page of records fits in the 15 % left), so only an event too large by itself is held.
    const smallest = Math.min(...problems.map((problem) => problem.maxMessageBytes).filter(Number.isFinite));
    this.sendBytes = Number.isFinite(smallest)
      ? Math.min(RELAY_MAX_SEND_BYTES, Math.floor(smallest * 0.85))
      : RELAY_MAX_SEND_BYTES;
  }

  /**
   * Rounds until stopped. A failed round is retried after a delay that doubles while failures last (up to
   * maxRetryDelayMs), so a Kafka outage costs a line per retry at most, and fewer and fewer of them.
   */
  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      try {
        if (!this.lock.isHeld) {
          if (!(await this.lead())) await this.wakeup.wait(this.deps.acquireIntervalMs ?? 1000);
          continue;
        }
        if (!(await this.relayOnePage())) await this.sleepUntilNotified();
        failures = 0;
      } catch (error) {
        failures++;
        if (!(error instanceof UnpublishableEventError)) {
          this.deps.logger.error(
            { err: (error as Error).message, relay: this.name, failures },
            'relay round failed; retrying',
          );
        }
        const base = this.deps.retryDelayMs ?? 1000;
        const delay = Math.min(base * 2 ** Math.min(failures - 1, 16), this.deps.maxRetryDelayMs ?? 30_000);
        await this.wakeup.wait(delay);
        // The limits may have been raised since (or can be now): look again before retrying the held event.
        if (error instanceof UnpublishableEventError && !this.stopping) {
          await this.checkTopics().catch(() => undefined);
        }
      }
    }
  }

  /** Tries to become leader; the checkpoint is read only once the lock is held. */
  private async lead(): Promise<boolean> {
    if (!(await this.lock.tryAcquire())) return false;
    const connection = this.lock.connection;
    await connection.query(ensureCheckpointQuery(this.name));
    const { rows } = await connection.query<{ transaction_id: string; global_position: string }>(
      loadCheckpointQuery(this.name),
    );
    this.cursor = { transactionId: rows[0]!.transaction_id, globalPosition: rows[0]!.global_position };
    this.checkpointed = this.cursor;
    this.deps.logger.info({ relay: this.name, from: this.cursor }, 'relay is now the leader');
    return true;
  }

  /** One page of $all to Kafka; false when there was nothing to publish. */
  private async relayOnePage(): Promise<boolean> {
    const events = await this.readPage(this.cursor!);
    await this.checkpointSettled();
    if (events.length === 0) return false;
    this.hiddenLooks = 0;
    if (events.length === this.deps.batchSize) this.prefetch(cursorOf(events[events.length - 1]!));
    for (const chunk of toProduceChunks(
      events,
      this.deps.topicFor,
      this.deps.maxSendBytes ?? this.sendBytes,
    )) {
      await this.checkpointSettled(); // the chunk before, of a page sent in several
      void this.lock.connection; // throws if leadership was lost mid-page: nothing more is sent
      if (chunk.topicMessages.length > 0) {
        try {
          await this.producer!.sendBatch({
            topicMessages: chunk.topicMessages,
            acks: -1,
          });
        } catch (error) {
          if (isTooLarge(error)) this.refused(chunk, events, error as Error);
          throw error;
        }
        const cleared = this.health.published();
        if (cleared) {
          this.deps.logger.warn(
            {
              relay: this.name,
              eventId: cleared.eventId,
              streamId: cleared.streamId,
              attempts: cleared.attempts,
            },
            'the held event was published; the relay moves on',
          );
        }
      }
      for (const event of chunk.unrouted) {
        this.deps.logger.error(
          { relay: this.name, eventId: event.eventId, streamId: event.streamId },
          'no topic carries this stream; event not published',
        );
      }
      const next = cursorOf(chunk.last);
      this.cursor = next;
      this.publishedCount += chunk.topicMessages.reduce((sum, { messages }) => sum + messages.length, 0);
      if (Date.now() - this.checkpointStartedAt >= CHECKPOINT_EVERY_MS) this.writeCheckpoint(next);
    }
    return true;
  }

  /** Starts the checkpoint write of `next` on the leader's connection; see checkpointSettled. */
  private writeCheckpoint(next: AllCursor): void {
    this.checkpointStartedAt = Date.now();
    const write = this.lock.connection.query(advanceCheckpointQuery(this.name, next)).then(() => {
      this.checkpointed = next;
    });
    write.catch(() => undefined); // it fails where it is awaited: before the next send, or in stop()
    this.checkpointing = write;
  }

  /** Writes the checkpoint up to the cursor if a throttled write left it behind, and waits for it. */
  private async flushCheckpoint(): Promise<void> {
    await this.checkpointSettled();
    const cursor = this.cursor;
    if (!cursor || !this.lock.isHeld || sameCursor(cursor, this.checkpointed)) return;
    this.writeCheckpoint(cursor);
    await this.checkpointSettled();
  }

  /** Waits for the checkpoint write in flight; throws (once) if it failed, e.g. because the lock was lost. */
  private async checkpointSettled(): Promise<void> {
    const write = this.checkpointing;
    this.checkpointing = null;
    await write;
  }

  /**
   * The broker refused the chunk as too large. What happens next (ARCHITECTURE.md, "Relay"): the relay holds at
   * this event, since publishing later events first would break per-conversation order and skipping it would lose
   * it, and retries with a growing delay, re-checking (and raising) the topics' limits before each try. It says
   * so loudly meanwhile: one error line when the event is first refused and then at every doubling of attempts,
   * `bridge_relay_unpublishable_events` = 1, and the event in /readyz's `relay.unpublishable`. The body is never
   * logged. With the limits of event-size.ts in place no event can get here.
   */
  private refused(chunk: ProduceChunk, events: StoredEvent[], error: Error): never {
    const ids = new Set(
      chunk.topicMessages.flatMap(({ messages }) => messages.map((m) => m.headers?.['event-id'])),
    );
    let largest: { event: StoredEvent; topic: string; bytes: number } | undefined;
    for (const { topic, messages } of chunk.topicMessages) {
      for (const message of messages) {
        const event = events.find((candidate) => candidate.eventId === message.headers?.['event-id']);
        if (!event) continue;
        const bytes = Buffer.byteLength(message.value as string) + Buffer.byteLength(message.key as string);
        if (!largest || bytes > largest.bytes) largest = { event, topic, bytes };
      }
    }
    const held = largest ?? { event: chunk.last, topic: '?', bytes: 0 };
    const record = this.health.refused({
      eventId: held.event.eventId,
      streamId: held.event.streamId,
      type: held.event.type,
      topic: held.topic,
      bytes: held.bytes,
      error: error.message,
    });
    if ((record.attempts & (record.attempts - 1)) === 0) {
      this.deps.logger.error(
        { relay: this.name, ...record, eventsInSend: ids.size },
        'event cannot be published: the broker refuses it as too large; the relay holds here and retries',
      );
    }
    throw new UnpublishableEventError(`event ${held.event.eventId} refused as too large`);
  }

  /** A full page suggests more is waiting: read it now, so PostgreSQL works while Kafka takes this page. */
  private prefetch(after: AllCursor): void {
    const page = this.deps.store.readAll({ after, limit: this.deps.batchSize });
    page.catch(() => undefined); // a failure surfaces where the page is used, or never if it is discarded
    this.prefetched = { after, page };
  }

  /** The page after `after`: the prefetched one if it starts there (it does unless a send failed or we lost the lead). */
  private readPage(after: AllCursor): Promise<StoredEvent[]> {
    const ahead = this.prefetched;
    this.prefetched = null;
    if (
      ahead &&
      ahead.after.transactionId === after.transactionId &&
      ahead.after.globalPosition === after.globalPosition
    ) {
      return ahead.page;
    }
    return this.deps.store.readAll({ after, limit: this.deps.batchSize });
  }

  /**
   * Nothing to publish: announce that this relay sleeps (appends then NOTIFY), look once more for what was committed
   * before the announcement, then sleep until notified or until the poll interval passes.
   *
   * Committed events can also be hidden from readAll by an older transaction that is still running in this
   * database (see readAllQuery). Their NOTIFY has then already been spent, and that older transaction may never
   * notify, so while anything is hidden the relay looks again soon instead of sleeping the whole interval.
   */
  private async sleepUntilNotified(): Promise<void> {
    await this.flushCheckpoint();
    const announced = await this.lock.announceWaiting(Math.min(ANNOUNCE_WAIT_MS, this.deps.pollIntervalMs));
    if (!announced) {
      // Appends still in flight after the whole wait: the next round reads what committed meanwhile.
      this.deps.onWait?.('busy', 'timer');
      return;
    }
    try {
      if (await this.relayOnePage()) return;
      const hidden = await this.deps.store.hasEventsAfter(this.cursor!);
      const reason: RelayWaitReason = hidden ? 'hidden' : 'idle';
      if (!hidden) this.hiddenLooks = 0;
      const waitMs = hidden ? hiddenPollDelay(this.hiddenLooks++) : this.deps.pollIntervalMs;
      const notified = await this.wakeup.wait(Math.min(waitMs, this.deps.pollIntervalMs));
      this.deps.onWait?.(reason, notified ? 'notified' : 'timer');
    } finally {
      await this.lock.withdrawWaiting().catch(() => undefined); // a dead connection drops it anyway
    }
  }
}

const sameCursor = (a: AllCursor, b: AllCursor | null): boolean =>
  b !== null && a.transactionId === b.transactionId && a.globalPosition === b.globalPosition;

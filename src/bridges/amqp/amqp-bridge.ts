/**
 * The AMQP bridge (ARCHITECTURE.md, "Bridges"): every WebhookReceived on the outbound topic becomes a message on
 * the legacy durable queue OUTBOUND_GENESYS_MESSAGES, for the consumers that still read it.
 *
 * Every WebhookReceived is forwarded, Receipt and Event types included: the legacy webhook service published each
 * webhook it accepted before looking at its type (original-outbound-flow.md), and the body carries `type` so that
 * consumers choose. Genesys retries never reach the queue twice: the decider appends WebhookReceived once per
 * message.
 *
 * Delivery is at least once. A partition's messages are published in order, a window at a time, and the window's
 * Kafka offset is committed only after RabbitMQ confirmed every message of it; a crash or a lost connection sends
 * the unconfirmed ones again. Consumers deduplicate on the AMQP `messageId` (the Genesys message id).
 */
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Pool } from 'pg';
import { OUTBOUND_MESSAGES_TOPIC } from '../../events/relay/topic-routing';
import type { Config } from '../../infra/config';
import type { Logger } from '../../infra/logger';
import { recordDeadLetter } from '../../processors/runtime/dead-letter';
import type { BackoffOptions } from './backoff';
import { ConfirmPublisher, PublisherStoppedError } from './confirm-publisher';
import { planForward, type ForwardPlan } from './plan-forward';

export interface AmqpBridgeDeps {
  kafka: Kafka;
  /** For dead letters (the `dead_letters` table). */
  pool: Pool;
  logger: Logger;
  config: Pick<Config, 'AMQP_URL' | 'AMQP_OUTBOUND_QUEUE' | 'KAFKA_TOPIC_PREFIX'>;
  /** AMQP `connection_name`; defaults to `genesys-whatsapp-bridge amqp-bridge <pid>`. */
  connectionName?: string;
  /** Messages of one partition in flight before their confirms are awaited and the offset committed. */
  windowSize?: number;
  /** On stop, how long publishes still waiting for RabbitMQ may take before they are abandoned (uncommitted). */
  shutdownGraceMs?: number;
  backoff?: BackoffOptions;
}

export interface AmqpBridgeStats {
  /** Messages confirmed by RabbitMQ (a redelivered one counts again). */
  published: number;
  skipped: number;
  deadLettered: number;
  connections: number;
  retriedPublishes: number;
}

export interface AmqpBridge {
  start(): Promise<void>;
  /** Stops consuming, lets confirmed work commit, abandons (uncommitted) what RabbitMQ did not confirm in time. */
  stop(): Promise<void>;
  /** Resolves when no message is between Kafka and a broker confirm. */
  whenIdle(): Promise<void>;
  readonly stats: AmqpBridgeStats;
  readonly groupId: string;
}

const CONTENT_TYPE = 'application/json';
const SOURCE = 'bridge.amqp';

export const amqpBridgeGroupId = (topicPrefix: string): string => `${topicPrefix}${SOURCE}`;

export const createAmqpBridge = (deps: AmqpBridgeDeps): AmqpBridge => new KafkaToAmqpBridge(deps);

class KafkaToAmqpBridge implements AmqpBridge {
  readonly groupId: string;
  private readonly logger: Logger;
  private readonly publisher: ConfirmPublisher;
  private readonly consumer: Consumer;
  private readonly counts = { published: 0, skipped: 0, deadLettered: 0 };
  private readonly idleWaiters: (() => void)[] = [];
  private inFlight = 0;
  private state: 'new' | 'running' | 'stopped' = 'new';

  constructor(private readonly deps: AmqpBridgeDeps) {
    this.groupId = amqpBridgeGroupId(deps.config.KAFKA_TOPIC_PREFIX);
    this.logger = deps.logger.child({ component: SOURCE });
    this.publisher = new ConfirmPublisher({
      url: deps.config.AMQP_URL,
      queue: deps.config.AMQP_OUTBOUND_QUEUE,
      connectionName: deps.connectionName ?? `genesys-whatsapp-bridge amqp-bridge ${process.pid}`,
      logger: this.logger,
      ...(deps.backoff ? { backoff: deps.backoff } : {}),
    });
    this.consumer = deps.kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: 30_000,
      heartbeatInterval: 3000,
      maxWaitTimeInMs: 100,
      retry: { retries: 10 },
    });
  }

  get stats(): AmqpBridgeStats {
    return { ...this.counts, ...this.publisher.stats };
  }

  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`AMQP bridge cannot start: it is ${this.state}`);
    this.state = 'running';
    this.publisher.start();
    await this.consumer.connect();
    await this.consumer.subscribe({
      topic: `${this.deps.config.KAFKA_TOPIC_PREFIX}${OUTBOUND_MESSAGES_TOPIC}`,
      // A new group starts at the beginning: the topic is the replay log, nothing on it was ever forwarded.
      fromBeginning: true,
    });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 16,
      eachBatch: (payload) => this.forwardBatch(payload),
    });
  }

  async stop(): Promise<void> {
    if (this.state !== 'running') return;
    this.state = 'stopped';
    // consumer.stop() waits for the batches in progress; those may wait on a broker that is down.
    const abandon = setTimeout(() => void this.publisher.stop(), this.deps.shutdownGraceMs ?? 5000);
    try {
      await this.consumer.stop();
    } finally {
      clearTimeout(abandon);
      await this.publisher.stop();
      await this.consumer.disconnect();
    }
  }

  whenIdle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async forwardBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) {
    const windowSize = this.deps.windowSize ?? 100;
    for (let start = 0; start < batch.messages.length; start += windowSize) {
      if (!isRunning() || isStale()) return;
      const window = batch.messages.slice(start, start + windowSize);
      if (!(await this.forwardWindow(window, heartbeat))) return;
      const last = window[window.length - 1]!.offset;
      resolveOffset(last);
      // The committed offset is the next one to read.
      const next = (BigInt(last) + 1n).toString();
      await this.consumer
        .commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }])
        .catch((error: Error) => {
          // A rebalance moved the partition: its new owner starts from the last commit and publishes again.
          this.logger.warn({ err: error.message, partition: batch.partition }, 'offset commit failed');
        });
    }
  }

  /**
   * Publishes a window in order (one channel keeps publish order) and waits for every confirm. False when the
   * bridge is stopping and some were abandoned: nothing of the window may then be committed.
   */
  private async forwardWindow(window: KafkaMessage[], heartbeat: () => Promise<void>): Promise<boolean> {
    this.inFlight += window.length;
    // Kafka heartbeats ride on this loop; a long RabbitMQ outage must not cost the group its partitions.
    const beat = setInterval(() => void heartbeat().catch(() => undefined), 3000);
    try {
      const outcomes = await Promise.allSettled(window.map((message) => this.forward(planForward(message))));
      const failure = outcomes.find((outcome) => outcome.status === 'rejected');
      if (failure === undefined) return true;
      if (failure.reason instanceof PublisherStoppedError || this.state === 'stopped') return false;
      throw failure.reason; // forward() only throws when stopping; anything else is a bug worth a consumer restart
    } finally {
      clearInterval(beat);
      this.inFlight -= window.length;
      if (this.inFlight === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
    }
  }

  private async forward(plan: ForwardPlan): Promise<void> {
    switch (plan.kind) {
      case 'skip':
        this.counts.skipped++;
        return;
      case 'dead-letter':
        await this.deadLetter(plan);
        return;
      case 'publish':
        await this.publisher.publish(Buffer.from(JSON.stringify(plan.message)), {
          messageId: plan.message.messageId,
          contentType: CONTENT_TYPE,
        });
        this.counts.published++;
        return;
    }
  }

  private async deadLetter(plan: Extract<ForwardPlan, { kind: 'dead-letter' }>): Promise<void> {
    const { event } = plan;
    this.logger.error(
      { err: plan.error, eventId: event?.eventId },
      'event not forwarded to the legacy queue',
    );
    // Never skip a message without a trace: retry the write until PostgreSQL takes it, or the bridge stops.
    for (let attempt = 1; ; attempt++) {
      try {
        await recordDeadLetter(this.deps.pool, {
          source: SOURCE,
          error: plan.error,
          eventId: event?.eventId,
          globalPosition: event?.globalPosition,
          streamId: event?.streamId,
          streamPosition: event?.streamPosition,
          eventType: event?.type,
          payload: event,
        });
        this.counts.deadLettered++;
        return;
      } catch (error) {
        if (this.state === 'stopped') throw error; // left uncommitted: read again after the restart
        this.logger.error({ err: (error as Error).message, attempt }, 'dead letter not recorded yet');
        await new Promise((resolve) => setTimeout(resolve, Math.min(200 * attempt, 5000)));
      }
    }
  }
}

/**
 * Publishes to one durable queue and reports success only once RabbitMQ confirmed the message (publisher
 * confirms: the broker has taken responsibility for it, persisted for a durable queue and a persistent message).
 *
 * It owns its connection and rides out losing it: on a close it reconnects with backoff, re-creates the confirm
 * channel and re-asserts the queue, and every publish that was not confirmed is sent again on the new channel. A
 * publish therefore either resolves (confirmed, maybe more than once: at-least-once) or rejects with
 * PublisherStoppedError because the publisher is being stopped; it never gives up on its own.
 */
import amqp from 'amqplib';
import type { Logger } from '../../infra/logger';
import { OutageLog } from '../../infra/outage-log';
import { DEFAULT_BACKOFF, backoffDelay, type BackoffOptions } from './backoff';

type ChannelModel = Awaited<ReturnType<typeof amqp.connect>>;
type ConfirmChannel = Awaited<ReturnType<ChannelModel['createConfirmChannel']>>;

export interface ConfirmPublisherOptions {
  url: string;
  queue: string;
  /**
   * `connection_name` client property: how operators (management UI, `rabbitmqctl list_connections`) and tests
   * tell this connection from the others.
   */
  connectionName: string;
  logger: Logger;
  backoff?: BackoffOptions;
}

/** The AMQP properties of one message; the publisher always adds `persistent` (deliveryMode 2). */
export interface PublishProperties {
  messageId: string;
  contentType: string;
}

export class PublisherStoppedError extends Error {
  constructor() {
    super('the AMQP publisher is stopped; the message was not confirmed');
    this.name = 'PublisherStoppedError';
  }
}

interface Link {
  connection: ChannelModel;
  channel: ConfirmChannel;
  /** Message ids the broker returned as unroutable since their publish (see sendConfirmed). */
  returned: Map<string, number>;
}

class UnroutableError extends Error {
  constructor(queue: string) {
    super(`the broker could not route the message: queue ${queue} does not exist (any more)`);
    this.name = 'UnroutableError';
  }
}

export interface ConfirmPublisherStats {
  /** Connections opened, the first one included. */
  connections: number;
  /** Publishes sent again after a lost channel or a broker nack. */
  retriedPublishes: number;
}

export class ConfirmPublisher {
  private link: Link | null = null;
  private connecting: Promise<Link> | null = null;
  private stopped = false;
  private readonly sleepers = new Set<() => void>();
  readonly stats: ConfirmPublisherStats = { connections: 0, retriedPublishes: 0 };

  /** Connection attempts while RabbitMQ is down: one line when it starts, reminders, one when it ends. */
  private readonly outage: OutageLog;

  constructor(private readonly options: ConfirmPublisherOptions) {
    this.outage = new OutageLog({ dependency: 'rabbitmq', logger: options.logger });
  }

  get isConnected(): boolean {
    return this.link !== null;
  }

  /** Starts connecting in the background: a broker that is down delays publishes, it does not fail a start. */
  start(): void {
    this.ready().catch(() => undefined);
  }

  /** Resolves once the broker confirmed the message; see the file comment for what happens on failures. */
  async publish(body: Buffer, properties: PublishProperties): Promise<void> {
    for (let failures = 1; ; failures++) {
      const link = await this.ready();
      try {
        await this.sendConfirmed(link, body, properties);
        return;
      } catch (error) {
        if (this.stopped) throw new PublisherStoppedError();
        this.stats.retriedPublishes++;
        if (error instanceof UnroutableError) await this.reassertQueue(link);
        this.options.logger.warn(
          { err: (error as Error).message, messageId: properties.messageId, failures },
          'AMQP publish not confirmed; publishing again',
        );
        // Still the same open channel: the broker refused the message (a nack), so wait before asking again. A
        // lost channel needs no extra wait: ready() waits for the next connection.
        if (this.link === link) await this.sleep(backoffDelay(failures, this.backoff));
      }
    }
  }

  /** Closes the connection; publishes still waiting reject with PublisherStoppedError. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of this.sleepers) wake();
    const link = this.link ?? (await this.connecting?.catch(() => null)) ?? null;
    this.link = null;
    await link?.connection.close().catch(() => undefined);
  }

  private get backoff(): BackoffOptions {
    return this.options.backoff ?? DEFAULT_BACKOFF;
  }

  private ready(): Promise<Link> {
    if (this.stopped) return Promise.reject(new PublisherStoppedError());
    if (this.link) return Promise.resolve(this.link);
    this.connecting ??= this.connectWithBackoff().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async connectWithBackoff(): Promise<Link> {
    for (let attempt = 1; ; attempt++) {
      if (this.stopped) throw new PublisherStoppedError();
      try {
        const link = await this.open();
        if (this.stopped) {
          await link.connection.close().catch(() => undefined);
          throw new PublisherStoppedError();
        }
        this.link = link;
        this.stats.connections++;
        this.outage.recovered();
        this.options.logger.info({ queue: this.options.queue, attempt }, 'AMQP publisher connected');
        return link;
      } catch (error) {
        if (error instanceof PublisherStoppedError) throw error;
        const delay = backoffDelay(attempt, this.backoff);
        this.outage.failure((error as Error).message, { attempt, retryInMs: delay });
        await this.sleep(delay);
      }
    }
  }

  private async open(): Promise<Link> {
    const connection = await amqp.connect(this.options.url, {
      timeout: 3000,
      clientProperties: { connection_name: this.options.connectionName },
    });
    let isClosed = false;
    let link: Link | null = null;
    // amqplib emits 'error' before 'close' on a forced close; without a listener that would crash the process.
    connection.on('error', (error: Error) =>
      this.options.logger.warn({ err: error.message }, 'AMQP publisher connection error'),
    );
    connection.on('close', () => {
      isClosed = true;
      if (link) this.lose(link, 'connection closed');
    });
    try {
      const channel = await connection.createConfirmChannel();
      channel.on('error', (error: Error) =>
        this.options.logger.warn({ err: error.message }, 'AMQP publisher channel error'),
      );
      // Re-asserted on every connection: the queue may have been deleted while we were away.
      await channel.assertQueue(this.options.queue, { durable: true });
      if (isClosed) throw new Error('connection closed while opening the channel');
      link = { connection, channel, returned: new Map() };
      const opened = link;
      channel.on('close', () => this.lose(opened, 'channel closed'));
      channel.on('return', (message: { properties: { messageId?: unknown } }) => {
        const id = String(message.properties.messageId);
        opened.returned.set(id, (opened.returned.get(id) ?? 0) + 1);
      });
      return link;
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw error;
    }
  }

  private lose(link: Link, reason: string): void {
    if (this.link !== link) return;
    this.link = null;
    if (!this.stopped) this.options.logger.warn({ reason }, 'AMQP publisher lost its channel; reconnecting');
    // A channel can close on its own (a channel-level error); its connection would otherwise linger unused.
    link.connection.close().catch(() => undefined);
    if (!this.stopped) this.start();
  }

  /**
   * Sends with `mandatory`: a confirm alone also comes for a message the default exchange dropped because the
   * queue is gone (deleted by an operator while we were connected). The broker sends the basic.return before the
   * basic.ack on the channel, so a returned message is known as such when its confirm arrives.
   */
  private sendConfirmed(link: Link, body: Buffer, properties: PublishProperties): Promise<void> {
    const { messageId } = properties;
    return new Promise((resolve, reject) => {
      const confirmed = (error: unknown) => {
        if (error) return reject(asError(error));
        const returns = link.returned.get(messageId) ?? 0;
        if (returns === 0) return resolve();
        if (returns === 1) link.returned.delete(messageId);
        else link.returned.set(messageId, returns - 1);
        reject(new UnroutableError(this.options.queue));
      };
      try {
        // The return value (false = socket buffer full) is not waited on: the caller bounds how many publishes
        // are outstanding, so the buffer cannot grow without limit.
        link.channel.sendToQueue(
          this.options.queue,
          body,
          { persistent: true, mandatory: true, messageId, contentType: properties.contentType },
          confirmed,
        );
      } catch (error) {
        reject(asError(error)); // the channel closed under us
      }
    });
  }

  private async reassertQueue(link: Link): Promise<void> {
    try {
      await link.channel.assertQueue(this.options.queue, { durable: true });
      this.options.logger.warn({ queue: this.options.queue }, 'AMQP queue was missing; declared it again');
    } catch (error) {
      // The channel is probably gone too; the next round reconnects and declares the queue then.
      this.options.logger.warn({ err: (error as Error).message }, 'AMQP queue could not be declared again');
    }
  }

  /** A wait that stop() cuts short. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }
}

const asError = (error: unknown): Error =>
  error instanceof Error
    ? error
    : new Error(typeof error === 'string' ? error : 'message nacked by the broker');

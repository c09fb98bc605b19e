import http from 'node:http';
import type { MetaSimulator } from '../../../src/simulators/meta';
import type { SignedWebhook } from '../genesys-webhooks';

/** One webhook of the load: when it was due and sent, and what the bridge answered. */
export interface SentWebhook {
  messageId: string;
  tenant: number;
  conversationId: string;
  dueAtMs: number;
  /**
   * When the request actually left: later than due when the generator's event loop lagged (a loaded machine), so a
   * webhook due during a fault may be sent after it. Answers are judged by this, not by dueAtMs.
   */
  sentAtMs: number;
  /** HTTP status, or 0 for no answer (refused, reset, timed out). */
  status: number;
  answeredAtMs?: number;
  error?: string;
}

export interface TrafficSource {
  /** Builds webhook `index` (its tenant and conversation are the source's choice). */
  next: (index: number) => { webhook: SignedWebhook; tenant: number; conversationId: string };
}

/**
 * Open-loop webhooks at a fixed rate until stopped: message i is due at start + i/rate whatever the bridge does,
 * so a bridge that is down or slow is measured, not waited for. Every request and answer is kept.
 */
export class Traffic {
  readonly sent: SentWebhook[] = [];
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private index = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly url: string,
    private readonly source: TrafficSource,
    private readonly timeoutMs = 10_000,
  ) {}

  /** Sends at `ratePerSecond` until stop(); a rate of 0 pauses the load. */
  start(ratePerSecond: number): void {
    this.stopTimer();
    if (ratePerSecond <= 0) return;
    const interval = 1000 / ratePerSecond;
    const started = Date.now();
    let due = 0;
    const tick = () => {
      const now = Date.now();
      while (started + due * interval <= now) {
        this.fire(started + due * interval);
        due++;
      }
      this.timer = setTimeout(tick, Math.max(1, started + due * interval - Date.now()));
    };
    tick();
  }

  /** Stops sending and waits for every answer still outstanding. */
  async stop(): Promise<void> {
    this.stopTimer();
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    this.stopTimer();
    this.agent.destroy();
  }

  /** Sends one request now, outside the schedule (e.g. a poison body), and answers its record. */
  async sendOne(webhook: SignedWebhook, tenant: number, conversationId: string): Promise<SentWebhook> {
    return this.post(webhook, tenant, conversationId, Date.now());
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fire(dueAtMs: number): void {
    const { webhook, tenant, conversationId } = this.source.next(this.index++);
    void this.post(webhook, tenant, conversationId, dueAtMs);
  }

  private post(
    webhook: SignedWebhook,
    tenant: number,
    conversationId: string,
    dueAtMs: number,
  ): Promise<SentWebhook> {
    const record: SentWebhook = {
      messageId: webhook.messageId,
      tenant,
      conversationId,
      dueAtMs,
      sentAtMs: Date.now(),
      status: 0,
    };
    this.sent.push(record);
    this.inFlight++;
    const target = new URL('/webhook/genesys', this.url);
    return new Promise((resolve) => {
      const done = () => {
        record.answeredAtMs = Date.now();
        this.inFlight--;
        if (this.inFlight === 0) for (const waiter of this.idleWaiters.splice(0)) waiter();
        resolve(record);
      };
      const request = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          agent: this.agent,
          headers: { ...webhook.headers, 'content-length': Buffer.byteLength(webhook.body) },
          timeout: this.timeoutMs,
        },
        (response) => {
          response.resume();
          response.on('end', () => {
            record.status = response.statusCode ?? 0;
            done();
          });
          response.on('error', () => done());
        },
      );
      request.once('timeout', () => request.destroy(new Error('timed out')));
      request.once('error', (error) => {
        record.error = error.message;
        done();
      });
      request.end(webhook.body);
    });
  }
}

export interface StatusPost {
  wamid: string;
  status: 'sent' | 'delivered';
  /** The bridge answered 2xx (after any retries). */
  acknowledged: boolean;
  attempts: number;
}

/**
 * Plays Meta's side of statuses: for every message the simulator accepted, a signed `sent` then `delivered`
 * webhook to the bridge (the simulator echoes biz_opaque_callback_data). Like Meta, a status the bridge does not
 * acknowledge is sent again (every second here, for up to `retryForMs`).
 */
export class StatusEcho {
  readonly posts: StatusPost[] = [];
  private cursor = 0;
  private timer: NodeJS.Timeout | undefined;
  private pending = 0;
  private stopped = false;

  constructor(
    private readonly meta: MetaSimulator,
    private readonly webhookUrl: string,
    private readonly appSecret: string,
    private readonly retryForMs = 120_000,
  ) {}

  start(): void {
    const tick = () => {
      while (this.cursor < this.meta.sentMessages.length) {
        const message = this.meta.sentMessages[this.cursor++]!;
        void this.echo(message.wamid, message.waId);
      }
      if (!this.stopped) this.timer = setTimeout(tick, 100);
    };
    tick();
  }

  get busy(): boolean {
    return this.pending > 0 || this.cursor < this.meta.sentMessages.length;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async echo(wamid: string, waId: string): Promise<void> {
    this.pending++;
    try {
      for (const status of ['sent', 'delivered'] as const) {
        const post: StatusPost = { wamid, status, acknowledged: false, attempts: 0 };
        this.posts.push(post);
        const until = Date.now() + this.retryForMs;
        while (!this.stopped && Date.now() < until) {
          post.attempts++;
          const answer = await this.meta
            .sendStatusWebhook(this.webhookUrl, this.appSecret, { wamid, status, recipientId: waId })
            .catch(() => undefined);
          if (answer && answer.status >= 200 && answer.status < 300) {
            post.acknowledged = true;
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
    } finally {
      this.pending--;
    }
  }
}

import type { Logger } from './logger';

export interface OutageLogOptions {
  /** Names the dependency in every line (`kafka`, `redis`, …). */
  dependency: string;
  logger: Logger;
  /** While the outage lasts, one reminder at most this often. */
  reportEveryMs?: number;
  /**
   * When set, the outage is taken as over once no failure came for this long (for clients that report failures
   * but never a success, like kafkajs' logger); its duration then runs to the last failure.
   */
  quietMs?: number;
  /**
   * How the lines name the state: for a connection, `unreachable` / `reachable again` (the default); for work that
   * keeps failing transiently whatever the cause, e.g. `failing transiently` / `working again`.
   */
  wording?: { down: string; up: string };
  now?: () => number;
}

/**
 * Turns a stream of connection failures into three kinds of line: one when an outage starts, a reminder at
 * intervals while it lasts (with how long and how many failures), one when it ends with its duration. Clients
 * that retry every few hundred milliseconds would otherwise write hundreds of lines per minute of outage.
 */
export class OutageLog {
  private readonly reportEveryMs: number;
  private readonly now: () => number;
  private startedAt: number | null = null;
  private lastFailureAt = 0;
  private lastReportAt = 0;
  private failures = 0;
  private quietTimer: NodeJS.Timeout | null = null;

  private readonly wording: { down: string; up: string };

  constructor(private readonly options: OutageLogOptions) {
    this.reportEveryMs = options.reportEveryMs ?? 30_000;
    this.wording = options.wording ?? { down: 'unreachable', up: 'reachable again' };
    this.now = options.now ?? Date.now;
  }

  get isDown(): boolean {
    return this.startedAt !== null;
  }

  /** One failed attempt. `error` is a message, never a connection string with credentials. */
  failure(error: string, fields: Record<string, unknown> = {}): void {
    const now = this.now();
    this.failures++;
    this.lastFailureAt = now;
    const { dependency, logger } = this.options;
    if (this.startedAt === null) {
      this.startedAt = now;
      this.lastReportAt = now;
      this.failures = 1;
      logger.error(
        { dependency, err: error, ...fields },
        `${dependency} ${this.wording.down}: outage started`,
      );
    } else if (now - this.lastReportAt >= this.reportEveryMs) {
      this.lastReportAt = now;
      logger.error(
        { dependency, err: error, downForMs: now - this.startedAt, failures: this.failures, ...fields },
        `${dependency} still ${this.wording.down}`,
      );
    }
    this.armQuietTimer();
  }

  /** A success: ends the outage, if there was one. */
  recovered(): void {
    this.end(this.now());
  }

  /** Stops the quiet timer (at shutdown), without logging. */
  close(): void {
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = null;
  }

  private end(at: number): void {
    if (this.startedAt === null) return;
    const { dependency, logger } = this.options;
    logger.warn(
      { dependency, downForMs: at - this.startedAt, failures: this.failures },
      `${dependency} ${this.wording.up}: outage over after ${Math.round((at - this.startedAt) / 1000)} s`,
    );
    this.startedAt = null;
    this.failures = 0;
    this.close();
  }

  private armQuietTimer(): void {
    const { quietMs } = this.options;
    if (quietMs === undefined) return;
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => {
      this.quietTimer = null;
      this.end(this.lastFailureAt);
    }, quietMs);
    this.quietTimer.unref();
  }
}

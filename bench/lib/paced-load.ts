import http from 'node:http';
import { percentile } from './latency';

export interface PacedRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface PacedOptions {
  /** http://host:port */
  url: string;
  ratePerSecond: number;
  seconds: number;
  /** Keep-alive connections; a request due while all are busy waits for one (and that wait is measured). */
  connections: number;
  /** Builds request `index`, due at the epoch millisecond `scheduledAtMs`. */
  request: (index: number, scheduledAtMs: number) => PacedRequest;
  /** Told of every HTTP answer. */
  onAnswer?: (index: number, status: number, body: string) => void;
}

export interface PacedResult {
  scheduled: number;
  answered: number;
  /** Transport errors and timeouts (no HTTP answer at all). */
  errors: number;
  statuses: Record<string, number>;
  /** From the first scheduled request to the last answer. */
  seconds: number;
  /** Answer time minus *scheduled* time, sorted, in ms: includes any wait for a free connection. */
  latenciesMs: number[];
  /** How late the generator's timer fired for a request (start of its send minus due time): p99, max, ms. */
  lateP99Ms: number;
  lateMaxMs: number;
}

/**
 * Open-loop load: request i is due at start + i/rate whatever happened to the earlier ones, as webhooks arrive
 * from Genesys. Latency is measured from the due time, so a server that falls behind cannot hide it by slowing
 * the generator down (no coordinated omission).
 *
 * autocannon's `overallRate` is not this: each connection sends its per-second quota back to back at the start
 * of every second and then idles, which measures bursts of closed-loop requests rather than a steady rate.
 */
export const runPaced = async (options: PacedOptions): Promise<PacedResult> => {
  const target = new URL(options.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections, scheduling: 'fifo' });
  const total = Math.round(options.ratePerSecond * options.seconds);
  const intervalMs = 1000 / options.ratePerSecond;
  const latencies: number[] = [];
  const lateness: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let finished = 0;
  const startHr = performance.now();
  const startEpoch = Date.now();
  let lastAnswerHr = startHr;

  await new Promise<void>((resolve) => {
    const settle = () => {
      finished++;
      if (finished === total) resolve();
    };
    const fire = (index: number) => {
      const dueHr = startHr + index * intervalMs;
      lateness.push(performance.now() - dueHr);
      const scheduledAtMs = startEpoch + index * intervalMs;
      const { path, headers, body } = options.request(index, scheduledAtMs);
      const request = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: 'POST',
          path,
          agent,
          headers: { ...headers, 'content-length': Buffer.byteLength(body) },
          timeout: 30_000,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const now = performance.now();
            lastAnswerHr = Math.max(lastAnswerHr, now);
            latencies.push(now - dueHr);
            const status = response.statusCode ?? 0;
            statuses[status] = (statuses[status] ?? 0) + 1;
            options.onAnswer?.(index, status, Buffer.concat(chunks).toString('utf8'));
            settle();
          });
        },
      );
      request.once('timeout', () => request.destroy(new Error('timed out')));
      request.once('error', () => {
        errors++;
        settle();
      });
      request.end(body);
    };
    let next = 0;
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - startHr) / intervalMs) + 1);
      while (next < due) fire(next++);
      if (next < total) setTimeout(tick, Math.max(0, startHr + next * intervalMs - performance.now()));
    };
    if (total === 0) resolve();
    else tick();
  });
  agent.destroy();
  latencies.sort((a, b) => a - b);
  lateness.sort((a, b) => a - b);
  return {
    scheduled: total,
    answered: latencies.length,
    errors,
    statuses,
    seconds: (lastAnswerHr - startHr) / 1000,
    latenciesMs: latencies,
    lateP99Ms: percentile(lateness, 99),
    lateMaxMs: lateness.at(-1) ?? Number.NaN,
  };
};

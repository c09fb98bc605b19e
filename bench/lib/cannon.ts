import autocannon from 'autocannon';
import type { PacedRequest } from './paced-load';

export interface CannonOptions {
  url: string;
  connections: number;
  seconds: number;
  /** autocannon's overallRate; absent = as fast as the server answers (closed loop per connection). */
  overallRate?: number;
  /** Builds each request; called once per request, so every one can be new (ids, signatures). */
  request: () => PacedRequest;
  onAnswer?: (status: number, body: string) => void;
}

export interface CannonResult {
  /** 2xx answers per second over the run. */
  okPerSecond: number;
  ok: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  seconds: number;
}

/** One autocannon run against a POST route. */
export const runCannon = async (options: CannonOptions): Promise<CannonResult> => {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    ...(options.overallRate ? { overallRate: options.overallRate } : {}),
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const { path, headers, body } = options.request();
          return { ...request, method: 'POST', path, headers, body };
        },
        ...(options.onAnswer
          ? { onResponse: (status: number, body: string) => options.onAnswer?.(status, body) }
          : {}),
      },
    ],
  });
  return {
    okPerSecond: result['2xx'] / result.duration,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    seconds: result.duration,
  };
};

import type { IncomingHttpHeaders } from 'node:http';

/**
 * A request as a simulator received it. Headers are kept whole (a test may check the Authorization it got), so a
 * record must never be logged or printed.
 */
export interface RecordedRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  receivedAt: Date;
}

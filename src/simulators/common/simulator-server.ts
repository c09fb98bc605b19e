import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Fault, FaultBook } from './fault-book';
import type { RecordedRequest } from './recorded-request';

export interface SimulatorAnswer {
  status: number;
  /** A stream is sent chunked, without Content-Length. */
  body: string | Buffer | Readable;
  headers?: Record<string, string>;
}

export interface SimulatorServerOptions {
  /** Largest request body accepted (media uploads need more than Fastify's 1 MiB default). */
  bodyLimit: number;
  /** How long a `timeout` fault holds a request before dropping the connection. */
  holdMs: number;
}

/**
 * The HTTP plumbing both simulators share: a Fastify server on 127.0.0.1 only, every body read as raw bytes,
 * every request recorded, and the fault plan applied around each route's real work.
 */
export class SimulatorServer {
  readonly app: FastifyInstance;
  readonly requests: RecordedRequest[] = [];
  private readonly holds = new Set<NodeJS.Timeout>();
  private baseUrl: string | undefined;

  constructor(
    private readonly faults: FaultBook,
    private readonly options: SimulatorServerOptions,
  ) {
    // No logger: recorded requests carry tokens. forceCloseConnections: stop() must not wait for held requests.
    this.app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: options.bodyLimit });
    this.app.removeAllContentTypeParsers();
    this.app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    this.app.addHook('preHandler', async (request) => {
      this.requests.push(recordOf(request));
    });
  }

  get url(): string {
    if (this.baseUrl === undefined) throw new Error('simulator not started');
    return this.baseUrl;
  }

  /** Listens on 127.0.0.1 (port 0: any free port) and answers the base URL, e.g. http://127.0.0.1:41234. */
  async start(port = 0): Promise<string> {
    await this.app.listen({ host: '127.0.0.1', port });
    const address = this.app.server.address();
    if (address === null || typeof address === 'string') throw new Error('simulator has no TCP address');
    this.baseUrl = `http://127.0.0.1:${address.port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    for (const hold of this.holds) clearTimeout(hold);
    this.holds.clear();
    await this.app.close();
  }

  /**
   * Runs a route's work inside the fault plan: latency first, then a planned failure instead of the work, or a
   * timeout/reset before or after it.
   */
  async answer(
    request: FastifyRequest,
    reply: FastifyReply,
    scopes: readonly string[],
    work: () => Promise<SimulatorAnswer> | SimulatorAnswer,
  ): Promise<FastifyReply> {
    const latency = this.faults.latency(scopes);
    if (latency > 0) await sleep(latency);
    const fault = this.faults.take(scopes);
    if (fault?.kind === 'fail') {
      if (fault.processed === true) await work();
      if (fault.delayMs > 0) await sleep(fault.delayMs);
      return send(reply, fault);
    }
    if (fault && !fault.processed) return this.misbehave(request, reply, fault);
    const result = await work();
    if (fault) return this.misbehave(request, reply, fault);
    return send(reply, result);
  }

  private misbehave(request: FastifyRequest, reply: FastifyReply, fault: Fault): FastifyReply {
    if (fault.kind === 'reset') {
      request.raw.socket.destroy();
      return reply;
    }
    // Returning the reply without sending keeps the request open; the timer (or stop) drops it later.
    const hold = setTimeout(() => {
      this.holds.delete(hold);
      request.raw.socket.destroy();
    }, this.options.holdMs);
    hold.unref();
    this.holds.add(hold);
    return reply;
  }
}

const send = (reply: FastifyReply, answer: SimulatorAnswer): FastifyReply => {
  const body = answer.body;
  void reply
    .code(answer.status)
    .headers({ 'content-type': 'application/json; charset=UTF-8', ...answer.headers })
    .send(body);
  return reply;
};

const recordOf = (request: FastifyRequest): RecordedRequest => ({
  method: request.method,
  url: request.url,
  path: request.url.split('?')[0] ?? request.url,
  headers: { ...request.headers },
  body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
  receivedAt: new Date(),
});

/** The bearer token of a request, if it sent one. */
export const bearerToken = (request: FastifyRequest): string | undefined => {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
};

import { randomBytes } from 'node:crypto';
import { everyScope, FaultBook } from '../common/fault-book';
import type { RecordedRequest } from '../common/recorded-request';
import { SimulatorServer } from '../common/simulator-server';
import { Waiters } from '../common/waiters';
import { genesysErrorBody } from './genesys-error-body';
import type { RecordedInboundMessage, RecordedReceipt, SimulatedAttachment } from './genesys-records';
import { registerGenesysRoutes, type GenesysRoute, type GenesysRouteState } from './genesys-routes';

export interface GenesysSimulatorOptions {
  /** OAuth client id → client secret accepted by POST /oauth/token. */
  clients?: Record<string, string>;
  /** Lifetime of issued tokens; Genesys client-credentials tokens last 86399 s by default. */
  tokenTtlSeconds?: number;
  /**
   * Origin put in signed-download redirects (e.g. https://genesys-attachments.s3.amazonaws.com, with clients
   * using an origin override). Unset: a relative Location, the same host.
   */
  signedUrlOrigin?: string;
  port?: number;
  /** How long `timeoutNext` holds a request before dropping it; longer than any client timeout. */
  holdMs?: number;
}

/** Where a fault applies: a route, optionally one attachment id (download) or integration id (receipt). */
export interface GenesysFaultScope {
  route?: GenesysRoute;
  key?: string;
}

export interface GenesysFailure extends GenesysFaultScope {
  status: number;
  /** The exact body (a string is sent as is); defaults to a Genesys error body for the status. */
  body?: string | Record<string, unknown>;
  /** Retry-After in seconds; a 429 gets 1 unless told otherwise, as Genesys always sends one. */
  retryAfterSeconds?: number;
  count?: number;
  delayMs?: number;
}

export interface GenesysHoldOptions extends GenesysFaultScope {
  /** Let the request take effect and lose only the answer. Default false. */
  processed?: boolean;
}

/**
 * A stand-in for Genesys Cloud on 127.0.0.1: OAuth client credentials, attachment downloads (bearer only, or a
 * signed redirect like the real one), Open Messaging receipts, and planned faults.
 */
export class GenesysSimulator {
  readonly receipts: RecordedReceipt[] = [];
  readonly inboundMessages: RecordedInboundMessage[] = [];
  private readonly inboundListeners = new Set<(message: RecordedInboundMessage) => void>();
  private readonly faults = new FaultBook();
  private readonly waiters = new Waiters();
  private readonly server: SimulatorServer;
  private readonly state: GenesysRouteState;
  private readonly port: number;

  constructor(options: GenesysSimulatorOptions = {}) {
    this.port = options.port ?? 0;
    this.server = new SimulatorServer(this.faults, {
      bodyLimit: 1024 * 1024,
      holdMs: options.holdMs ?? 5 * 60_000,
    });
    this.state = {
      clients: new Map(Object.entries(options.clients ?? {})),
      tokens: new Map(),
      tokenTtlSeconds: options.tokenTtlSeconds ?? 86_399,
      attachments: new Map(),
      receipts: this.receipts,
      inboundMessages: this.inboundMessages,
      conversations: new Map(),
      counters: { tokenRequests: 0, tokensIssued: 0 },
      signingKey: randomBytes(32),
      signedUrlOrigin: options.signedUrlOrigin?.replace(/\/+$/, ''),
      onChange: () => this.waiters.notify(),
      onInbound: (message) => {
        for (const listener of this.inboundListeners) listener(message);
      },
    };
    registerGenesysRoutes(this.server, this.state);
  }

  /** Every request received, in order. Carries Authorization headers: never log it. */
  get requests(): readonly RecordedRequest[] {
    return this.server.requests;
  }

  /** The base URL (e.g. http://127.0.0.1:41234): login, API and download host at once. */
  get url(): string {
    return this.server.url;
  }

  /** How many POST /oauth/token requests arrived (accepted or not). */
  get tokenRequests(): number {
    return this.state.counters.tokenRequests;
  }

  get tokensIssued(): number {
    return this.state.counters.tokensIssued;
  }

  start(): Promise<string> {
    return this.server.start(this.port);
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  addClient(clientId: string, clientSecret: string): void {
    this.state.clients.set(clientId, clientSecret);
  }

  /** Makes every token issued so far invalid, as if it expired: the next use answers 401. */
  revokeTokens(): void {
    this.state.tokens.clear();
  }

  /** Serves `bytes` at /api/v2/downloads/:id and answers that path (append it to the download host's URL). */
  addAttachment(
    id: string,
    bytes: Buffer,
    mime: string,
    options: Pick<SimulatedAttachment, 'redirect'> = {},
  ): string {
    this.state.attachments.set(id, { bytes, mime, ...options });
    return `/api/v2/downloads/${encodeURIComponent(id)}`;
  }

  failNext(failure: GenesysFailure): void {
    const retryAfter = failure.retryAfterSeconds ?? (failure.status === 429 ? 1 : undefined);
    const body =
      failure.body === undefined
        ? JSON.stringify(genesysErrorBody(failure.status))
        : typeof failure.body === 'string'
          ? failure.body
          : JSON.stringify(failure.body);
    this.faults.plan(
      this.scopeOf(failure),
      {
        kind: 'fail',
        status: failure.status,
        body,
        headers: retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) },
        delayMs: failure.delayMs ?? 0,
      },
      failure.count ?? 1,
    );
  }

  timeoutNext(count = 1, options: GenesysHoldOptions = {}): void {
    this.faults.plan(
      this.scopeOf(options),
      { kind: 'timeout', processed: options.processed ?? false },
      count,
    );
  }

  resetNext(count = 1, options: GenesysHoldOptions = {}): void {
    this.faults.plan(this.scopeOf(options), { kind: 'reset', processed: options.processed ?? false }, count);
  }

  setLatency(ms: number, scope: GenesysFaultScope = {}): void {
    this.faults.setLatency(this.scopeOf(scope), ms);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  waitForReceipts(count: number, timeoutMs = 5_000): Promise<RecordedReceipt[]> {
    return this.waiters.waitFor(
      () => (this.receipts.length >= count ? [...this.receipts] : undefined),
      timeoutMs,
      () => `${this.receipts.length} of ${count} receipts received`,
    );
  }

  /** Calls `listener` with each inbound message (or structured response) recorded from now on; returns the unsubscribe. */
  onInboundMessage(listener: (message: RecordedInboundMessage) => void): () => void {
    this.inboundListeners.add(listener);
    return () => this.inboundListeners.delete(listener);
  }

  waitForInboundMessages(count: number, timeoutMs = 5_000): Promise<RecordedInboundMessage[]> {
    return this.waiters.waitFor(
      () => (this.inboundMessages.length >= count ? [...this.inboundMessages] : undefined),
      timeoutMs,
      () => `${this.inboundMessages.length} of ${count} inbound messages received`,
    );
  }

  private scopeOf(scope: GenesysFaultScope): string {
    if (scope.route === undefined) {
      if (scope.key !== undefined) throw new RangeError('a fault key needs a route');
      return everyScope;
    }
    return scope.key === undefined ? scope.route : `${scope.route}:${scope.key}`;
  }
}

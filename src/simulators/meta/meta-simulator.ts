import { sendMetaInboundWebhook, type InboundWebhookInput } from './inbound-webhook';
import { everyScope, FaultBook } from '../common/fault-book';
import type { RecordedRequest } from '../common/recorded-request';
import { SimulatorServer } from '../common/simulator-server';
import type { WebhookDelivery } from '../common/post-signed';
import { Waiters } from '../common/waiters';
import { defaultHttpStatusFor, metaErrorBody } from './meta-error-catalog';
import {
  newInboundMedia,
  registerMediaRoutes,
  type AddMediaOptions,
  type InboundMedia,
  type MediaRoute,
  type MediaRouteState,
  MEDIA_DOWNLOAD_PATH,
} from './media-routes';
import type { ReadMark, SentMessage, UploadedMedia } from './meta-records';
import { registerMetaRoutes, type MetaRoute, type MetaRouteState } from './meta-routes';
import { sendMetaStatusWebhook, type StatusUpdate, type StatusWebhookInput } from './status-webhook';

export interface MetaSimulatorOptions {
  /** Phone number id → the access token(s) Graph accepts for it. */
  phoneNumbers?: Record<string, string | string[]>;
  /** 0 (default): any free port. */
  port?: number;
  /** How long the simulated media fetcher waits for a `link`. */
  mediaFetchTimeoutMs?: number;
  /** Largest media accepted (Meta's largest, documents, is 100 MB). */
  maxMediaBytes?: number;
  /** How long `timeoutNext` holds a request before dropping it; longer than any client timeout. */
  holdMs?: number;
  /** How long a media URL from a lookup stays valid (Meta: 5 minutes). */
  mediaUrlTtlMs?: number;
  /** The clock media URL expiry is judged by (tests move it instead of sleeping). */
  now?: () => number;
}

/** Where a fault applies: one phone number id and/or one route; neither means every request. */
export interface MetaFaultScope {
  phoneNumberId?: string;
  route?: MetaRoute | MediaRoute;
}

export interface MetaFailure extends MetaFaultScope {
  /** HTTP status; defaults to the status Meta's error table gives `metaErrorCode` (or 500 without a code). */
  status?: number;
  /** The exact body to answer (a string is sent byte for byte), instead of one built from `metaErrorCode`. */
  body?: string | Record<string, unknown>;
  /** Builds Meta's error body for this code (fixtures/meta/error-130429.json shape). */
  metaErrorCode?: number;
  /** How many requests fail this way (default 1). */
  count?: number;
  /** Wait this long before answering the failure. */
  delayMs?: number;
  /** Adds a Retry-After header (seconds). */
  retryAfterSeconds?: number;
  /** Let the request take effect (the message is "sent") before answering the failure. Default false. */
  processed?: boolean;
}

export interface MetaHoldOptions extends MetaFaultScope {
  /** Let the request take effect (the message is "sent") and lose only the answer. Default false. */
  processed?: boolean;
}

const mebibyte = 1024 * 1024;

/**
 * A stand-in for Meta's Graph API (WhatsApp Cloud API) on 127.0.0.1: sends, media uploads, Meta's error bodies,
 * planned faults, a record of everything, and signed status webhooks back to the bridge.
 */
export class MetaSimulator {
  readonly sentMessages: SentMessage[] = [];
  /** Mark-as-read and typing-indicator calls, in arrival order. */
  readonly readMarks: ReadMark[] = [];
  readonly uploadedMedia: UploadedMedia[] = [];
  private readonly faults = new FaultBook();
  private readonly waiters = new Waiters();
  private readonly server: SimulatorServer;
  private readonly tokens = new Map<string, Set<string>>();
  private readonly port: number;
  private readonly media: MediaRouteState;

  constructor(options: MetaSimulatorOptions = {}) {
    this.port = options.port ?? 0;
    for (const [phoneNumberId, tokens] of Object.entries(options.phoneNumbers ?? {}))
      this.addPhoneNumber(phoneNumberId, tokens);
    const maxMediaBytes = options.maxMediaBytes ?? 100 * mebibyte;
    this.server = new SimulatorServer(this.faults, {
      bodyLimit: maxMediaBytes + mebibyte,
      holdMs: options.holdMs ?? 5 * 60_000,
    });
    const state: MetaRouteState = {
      tokens: this.tokens,
      sentMessages: this.sentMessages,
      readMarks: this.readMarks,
      uploadedMedia: this.uploadedMedia,
      mediaFetchTimeoutMs: options.mediaFetchTimeoutMs ?? 10_000,
      maxMediaBytes,
      onChange: () => this.waiters.notify(),
    };
    this.media = {
      tokens: this.tokens,
      media: new Map(),
      urls: new Map(),
      urlTtlMs: options.mediaUrlTtlMs ?? 5 * 60_000,
      expireNextUrls: 0,
      now: options.now ?? Date.now,
    };
    registerMediaRoutes(this.server, this.media);
    registerMetaRoutes(this.server, state);
  }

  /** Every request received, in order. Carries Authorization headers: never log it. */
  get requests(): readonly RecordedRequest[] {
    return this.server.requests;
  }

  /** The base URL (e.g. http://127.0.0.1:41234), to use as META_GRAPH_URL. */
  get url(): string {
    return this.server.url;
  }

  start(): Promise<string> {
    return this.server.start(this.port);
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  addPhoneNumber(phoneNumberId: string, accessTokens: string | string[]): void {
    const tokens = this.tokens.get(phoneNumberId) ?? new Set<string>();
    for (const token of Array.isArray(accessTokens) ? accessTokens : [accessTokens]) tokens.add(token);
    this.tokens.set(phoneNumberId, tokens);
  }

  /**
   * Registers media a customer sent (inbound), for `GET /{version}/{mediaId}` and the download URL it answers.
   * With a phone number id, only that number's tokens reach it.
   */
  addMedia(mediaId: string, bytes: Buffer, mimeType: string, options: AddMediaOptions = {}): InboundMedia {
    const media = newInboundMedia(mediaId, bytes, mimeType, options);
    this.media.media.set(mediaId, media);
    return media;
  }

  /** Forgets media (Meta deletes it after 30 days, or the business deleted it): lookups then answer code 100. */
  removeMedia(mediaId: string): void {
    this.media.media.delete(mediaId);
  }

  /** How long media URLs from later lookups stay valid. */
  setMediaUrlTtl(ms: number): void {
    this.media.urlTtlMs = ms;
  }

  /** The next `count` lookups answer a URL that has already expired (as if 5 minutes passed before the GET). */
  expireNextMediaUrls(count = 1): void {
    this.media.expireNextUrls += count;
  }

  /** Media downloads received (any outcome), in order. */
  get mediaDownloads(): readonly RecordedRequest[] {
    return this.server.requests.filter((request) => request.path === MEDIA_DOWNLOAD_PATH);
  }

  /** The next `count` matching requests fail with Meta's error body for `metaErrorCode`, or the given body. */
  failNext(failure: MetaFailure): void {
    const code = failure.metaErrorCode;
    const body =
      failure.body === undefined
        ? JSON.stringify(metaErrorBody(code ?? 131000))
        : typeof failure.body === 'string'
          ? failure.body
          : JSON.stringify(failure.body);
    const status = failure.status ?? (code === undefined ? 500 : defaultHttpStatusFor(code));
    const headers: Record<string, string> =
      failure.retryAfterSeconds === undefined ? {} : { 'retry-after': String(failure.retryAfterSeconds) };
    this.faults.plan(
      this.scopeOf(failure),
      {
        kind: 'fail',
        status,
        body,
        headers,
        delayMs: failure.delayMs ?? 0,
        ...(failure.processed === true ? { processed: true } : {}),
      },
      failure.count ?? 1,
    );
  }

  /** The next `count` matching requests are never answered (held open longer than any client waits). */
  timeoutNext(count = 1, options: MetaHoldOptions = {}): void {
    this.faults.plan(
      this.scopeOf(options),
      { kind: 'timeout', processed: options.processed ?? false },
      count,
    );
  }

  /** The next `count` matching requests get their connection closed without an answer. */
  resetNext(count = 1, options: MetaHoldOptions = {}): void {
    this.faults.plan(this.scopeOf(options), { kind: 'reset', processed: options.processed ?? false }, count);
  }

  /** Every matching request waits this long before it is handled (0 removes the latency). */
  setLatency(ms: number, scope: MetaFaultScope = {}): void {
    this.faults.setLatency(this.scopeOf(scope), ms);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Resolves with the sent messages once there are at least `count`; rejects after `timeoutMs`. */
  waitForMessages(count: number, timeoutMs = 5_000): Promise<SentMessage[]> {
    return this.waiters.waitFor(
      () => (this.sentMessages.length >= count ? [...this.sentMessages] : undefined),
      timeoutMs,
      () => `${this.sentMessages.length} of ${count} messages sent`,
    );
  }

  /** Resolves with the read marks (typing indicators included) once at least `count` match; rejects after `timeoutMs`. */
  waitForReadMarks(
    count: number,
    match: (mark: ReadMark) => boolean = () => true,
    timeoutMs = 5_000,
  ): Promise<ReadMark[]> {
    const matching = () => this.readMarks.filter(match);
    return this.waiters.waitFor(
      () => (matching().length >= count ? matching() : undefined),
      timeoutMs,
      () => `${matching().length} of ${count} read marks`,
    );
  }

  /**
   * POSTs a status webhook to the bridge, signed with the app secret like Meta does. Given a short update for a
   * wamid this simulator sent, the phone number, callback data and recipient default to that message's (a send
   * addressed by `recipient` is reported with `recipient_user_id` and no `recipient_id`).
   */
  sendStatusWebhook(
    targetUrl: string,
    appSecret: string,
    input: StatusWebhookInput,
  ): Promise<WebhookDelivery> {
    if (typeof input === 'object' && !Buffer.isBuffer(input) && 'wamid' in input) {
      const sent = this.sentMessages.find((message) => message.wamid === input.wamid);
      const update: StatusUpdate = {
        ...(sent ? { phoneNumberId: sent.phoneNumberId } : {}),
        ...(sent?.userId === undefined ? {} : { recipientUserId: sent.userId }),
        ...(sent && sent.waId !== '' ? { recipientId: sent.waId } : {}),
        ...(sent?.bizOpaqueCallbackData === undefined
          ? {}
          : { bizOpaqueCallbackData: sent.bizOpaqueCallbackData }),
        ...input,
      };
      return sendMetaStatusWebhook(targetUrl, appSecret, update);
    }
    return sendMetaStatusWebhook(targetUrl, appSecret, input);
  }

  /** POSTs an inbound customer webhook (or raw bytes, e.g. a fixture), signed with the app secret like Meta. */
  sendInboundWebhook(
    targetUrl: string,
    appSecret: string,
    input: InboundWebhookInput | Buffer,
  ): Promise<WebhookDelivery> {
    return sendMetaInboundWebhook(targetUrl, appSecret, input);
  }

  private scopeOf(scope: MetaFaultScope): string {
    if (scope.phoneNumberId !== undefined && scope.route !== undefined)
      return `${scope.route}:${scope.phoneNumberId}`;
    if (scope.phoneNumberId !== undefined) return scope.phoneNumberId;
    if (scope.route !== undefined) return `${scope.route}:${everyScope}`;
    return everyScope;
  }
}

import { TransientError } from '../../projections/runtime/transient-errors';
import type { Pool } from 'pg';
import { postReceipt, urlFromTemplate, type GenesysError } from '../../clients/genesys';
import { foldEvents } from '../../commands/decider';
import { outboundMessageDecider } from '../../commands/outbound-message/decider';
import { handleOutboundMessageCommand } from '../../commands/outbound-message/handler';
import { decodeOutboundEvent } from '../../events/decode';
import type { EventStore, StoredEvent } from '../../events/store/types';
import type { Logger } from '../../infra/logger';
import type { TenantDirectory } from '../../tenants/tenant-directory';
import type { GenesysTokenCache } from '../outbound/genesys-token-cache';
import { recordDeadLetter } from '../runtime/dead-letter';
import type { HandlerRuntime } from '../runtime/keyed-consumer';
import { toOpenMessagingReceipt } from './receipt-body';
import { isReceiptDue, wantedReceipt, type WantedReceipt } from './receipt-decision';

export interface ReceiptPosterSettings {
  /** GENESYS_API_URL_TEMPLATE and GENESYS_LOGIN_URL_TEMPLATE (`{region}` filled with the tenant's region). */
  apiUrlTemplate: string;
  loginUrlTemplate: string;
  timeoutMs: number;
  /** Longest wait for a Retry-After before handing the retry to the consumer. Default 30 s. */
  maxRetryAfterMs?: number;
}

export type ReceiptOutcome = 'posted' | 'not-due' | 'no-credentials' | 'refused';
export type ReceiptObserver = (outcome: ReceiptOutcome) => void;

/** Thrown for a failure that may pass (5xx, timeout, 429, expired token): the consumer retries with backoff. */
export class ReceiptNotPostedYet extends TransientError {
  constructor(readonly error: GenesysError) {
    super(`receipt not posted yet: ${error.title}`);
    this.name = 'ReceiptNotPostedYet';
  }
}

export const RECEIPT_PROCESSOR_NAME = 'processor.receipts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const DIRECT: HandlerRuntime = { wait: sleep, retryDelay: () => 1_000 };

/**
 * Tells Genesys what became of an outbound message. Checks the stream before posting and records
 * RecordReceiptPosted after Genesys accepted, so each receipt status is posted once per message. When recording
 * fails (PostgreSQL away, the stream busy) the process remembers the receipt as posted, and the retry only records
 * it; only a crash between the two repeats the receipt (at least once), which tells Genesys the same fact again.
 */
export class ReceiptPoster {
  constructor(
    private readonly store: EventStore,
    private readonly pool: Pool,
    private readonly directory: Pick<TenantDirectory, 'genesysOAuth'>,
    private readonly tokens: Pick<GenesysTokenCache, 'token' | 'forget'>,
    private readonly settings: ReceiptPosterSettings,
    private readonly logger: Logger,
    private readonly observe: ReceiptObserver = () => undefined,
  ) {}

  /** Receipts Genesys accepted whose RecordReceiptPosted is not stored yet, by stream and status. */
  private readonly postedNotRecorded = new Set<string>();

  async handle(trigger: StoredEvent, runtime: HandlerRuntime = DIRECT): Promise<void> {
    const wanted = wantedReceipt(decodeOutboundEvent(trigger));
    if (!wanted) return;
    const history = (await this.store.readStream(trigger.streamId)).map(decodeOutboundEvent);
    const state = foldEvents(outboundMessageDecider, history);
    const webhook = history.find((event) => event.type === 'WebhookReceived')?.data;
    if (!webhook || !isReceiptDue(wanted.status, state)) {
      this.observe('not-due');
      return;
    }
    const { tenantId } = trigger;
    const log = this.logger.child({
      tenantId,
      genesysMessageId: webhook.genesysMessageId,
      status: wanted.status,
    });

    const credentials = await this.directory.genesysOAuth(tenantId);
    if (!credentials) {
      // Receipts are optional for Genesys; a tenant set up without API credentials simply gets none.
      log.warn('tenant has no Genesys OAuth credentials: receipt not posted');
      this.observe('no-credentials');
      return;
    }
    const ref = { tenantId, genesysMessageId: webhook.genesysMessageId };
    const postedKey = `${trigger.streamId}\u0000${wanted.status}`;
    if (!this.postedNotRecorded.has(postedKey)) {
      const outcome = await this.post(trigger, credentials, webhook, wanted, runtime, log);
      if (outcome !== 'posted') return;
      this.postedNotRecorded.add(postedKey);
    }
    await handleOutboundMessageCommand(
      this.store,
      ref,
      {
        type: 'RecordReceiptPosted',
        status: wanted.status,
        ...(wanted.failure ? { reason: wanted.failure.reason } : {}),
      },
      { metadata: { correlationId: trigger.correlationId ?? trigger.eventId, causationId: trigger.eventId } },
    );
    this.postedNotRecorded.delete(postedKey);
    this.observe('posted');
    log.debug('receipt posted to Genesys');
  }

  private async post(
    trigger: StoredEvent,
    credentials: NonNullable<Awaited<ReturnType<TenantDirectory['genesysOAuth']>>>,
    webhook: { genesysMessageId: string; integrationId: string; customerId: string },
    wanted: WantedReceipt,
    runtime: HandlerRuntime,
    log: Logger,
  ): Promise<'posted' | 'refused'> {
    const { tenantId } = trigger;
    const token = await this.tokens.token({
      tenantId,
      loginUrl: urlFromTemplate(this.settings.loginUrlTemplate, credentials.region),
      clientId: credentials.clientId,
      clientSecret: credentials.clientSecret,
    });
    if (!token.ok) return this.notPosted(trigger, token.error, runtime, log);

    const receipt = toOpenMessagingReceipt({
      genesysMessageId: webhook.genesysMessageId,
      integrationId: webhook.integrationId,
      customerId: webhook.customerId,
      ...wanted,
    });
    const posted = await postReceipt({
      apiUrl: urlFromTemplate(this.settings.apiUrlTemplate, credentials.region),
      integrationId: webhook.integrationId,
      accessToken: token.accessToken,
      receipt,
      timeoutMs: this.settings.timeoutMs,
    });
    if (!posted.ok) {
      if (posted.error.kind === 'unauthorized') await this.tokens.forget(tenantId);
      return this.notPosted(trigger, posted.error, runtime, log);
    }
    return 'posted';
  }

  /**
   * Transient failures throw (the consumer retries with backoff); permanent ones are dead-lettered at once. A
   * Retry-After is waited out with the consumer's wait, which gives the processing slot back meanwhile: a tenant
   * whose Genesys asks for patience holds up no other tenant's receipts.
   */
  private async notPosted(
    trigger: StoredEvent,
    error: GenesysError,
    runtime: HandlerRuntime,
    log: Logger,
  ): Promise<'refused'> {
    if (error.kind === 'retryable' || error.kind === 'rate-limited' || error.kind === 'unauthorized') {
      if (error.retryAfterMs !== undefined)
        await runtime.wait(Math.min(error.retryAfterMs, this.settings.maxRetryAfterMs ?? 30_000));
      throw new ReceiptNotPostedYet(error);
    }
    // Refused credentials or a receipt Genesys calls malformed: asking again gives the same answer.
    log.error(
      { kind: error.kind, httpStatus: error.httpStatus, code: error.code, title: error.title },
      'Genesys refused the receipt',
    );
    this.observe('refused');
    await recordDeadLetter(this.pool, {
      source: RECEIPT_PROCESSOR_NAME,
      error: `Genesys refused the receipt: ${error.title}`,
      eventId: trigger.eventId,
      globalPosition: trigger.globalPosition,
      streamId: trigger.streamId,
      streamPosition: trigger.streamPosition,
      eventType: trigger.type,
      payload: trigger,
    });
    return 'refused';
  }
}

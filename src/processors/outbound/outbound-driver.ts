import { backoffFor, sendMessage, type BackoffPolicy } from '../../clients/meta';
import type { OutboundMessageCommand } from '../../commands/outbound-message/commands';
import { outboundMessageDecider } from '../../commands/outbound-message/decider';
import { handleOutboundMessageCommand } from '../../commands/outbound-message/handler';
import { isEnded, isFullySent, type OutboundState } from '../../commands/outbound-message/state';
import { checkServiceWindow, EXPIRED_MESSAGE } from '../../commands/outbound-message/service-window';
import { CommandRejected } from '../../commands/command-rejected';
import { foldEvents } from '../../commands/decider';
import { decodeOutboundEvent } from '../../events/decode';
import { outboundStreamId } from '../../events/schemas/stream-ids';
import type { MetaMessageType } from '../../events/schemas/send-requested';
import type { ServiceWindow } from '../../events/schemas/service-window';
import { ExpectedVersionConflict, type EventStore, type StoredEvent } from '../../events/store/types';
import { isTransientError, TransientError } from '../../projections/runtime/transient-errors';
import { genesysWebhookSchema, summarizeWebhook } from '../../http/schemas/genesys-webhook';
import type { Logger } from '../../infra/logger';
import type { TenantDirectory, WhatsappCredentials } from '../../tenants/tenant-directory';
import type { TenantRecord } from '../../tenants/tenant-repository';
import { toMetaMessages } from '../../transform/to-meta-messages';
import type { MetaMessageBody } from '../../transform/meta-message';
import type { OutboundContent } from '../../transform/outbound-content';
import type { MappingResolver } from './mapping-resolver';
import type { MediaMover } from './media-mover';
import { outboundView, type OutboundView } from './outbound-view';
import { processingFailure } from './processing-failure';
import { planAfterSendError } from './send-error-plan';

export interface OutboundDriverSettings {
  graphUrl: string;
  graphVersion: string;
  metaTimeoutMs: number;
  /**
   * Send attempts (SendRequested) in one run. After them the run hands the message back to the consumer as a
   * transient failure: it is retried for as long as Meta refuses, never failed for it.
   */
  maxSendAttempts: number;
  /**
   * Media transfer attempts within one run; after them a retryable failure goes back to the consumer, which
   * retries it for as long as it lasts. A permanent one fails the message at once.
   */
  maxMediaAttempts: number;
  /**
   * After a send whose outcome is unknown (a timeout, a crash), wait this long for Meta's status webhook to name
   * the message (biz_opaque_callback_data) before sending again: a resend inside the window could reach the
   * customer twice.
   */
  reconcileWindowMs: number;
  backoffPolicy?: BackoffPolicy;
  /** The clock the 24-hour window is checked against (tests set it). */
  now?: () => Date;
}

export type SendOutcomeObserver = (
  outcome: 'sent' | 'failed' | 'retry' | 'unknown',
  metaCode?: number,
) => void;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Loaded {
  stored: StoredEvent[];
  state: OutboundState;
  view: OutboundView;
}

/** Stops the current pass: the next pass re-reads the stream and continues from what is recorded. */
type Step = 'continue' | 'done';

/**
 * Drives one outbound message from WebhookReceived to MessageSent or MessageFailed: resolve the recipient, move
 * the attachment, transform, send. Every step is a command on the message's stream, decided on the stream as it
 * stands, so a redelivered or concurrent run resumes where the last one stopped and never sends twice: the
 * decider refuses a second SendRequested while one is outstanding. Between pauses the run keeps the stream as its
 * own appends left it instead of reading it again: an append only lands if nobody else moved the stream since.
 */
export class OutboundDriver {
  constructor(
    private readonly store: EventStore,
    private readonly directory: TenantDirectory,
    private readonly mappings: MappingResolver,
    private readonly media: MediaMover,
    private readonly settings: OutboundDriverSettings,
    private readonly logger: Logger,
    private readonly observeSend: SendOutcomeObserver = () => undefined,
  ) {}

  /**
   * `wait` is how the run pauses (backoffs, the reconciliation window): the consumer's, which frees the
   * processing slot meanwhile so that a message waiting on one tenant's Meta does not hold up other tenants.
   */
  async drive(trigger: StoredEvent, wait: (ms: number) => Promise<void> = sleep): Promise<void> {
    if (trigger.type !== 'WebhookReceived') return;
    const ref = { tenantId: trigger.tenantId, genesysMessageId: String(trigger.data.genesysMessageId) };
    const correlationId = trigger.correlationId ?? trigger.eventId;
    const log = this.logger.child({
      correlationId,
      tenantId: ref.tenantId,
      genesysMessageId: ref.genesysMessageId,
    });
    const context: DriveContext = {
      ref,
      log,
      wait,
      mediaAttempts: 0,
      sendAttempts: 0,
      run: async (command) => {
        // Decided on the stream as this run last saw it, without reading it again; should another writer have
        // moved it, the append fails and the handler reads and decides again.
        const known = context.known;
        context.known = undefined;
        const result = await handleOutboundMessageCommand(this.store, ref, command, {
          metadata: { correlationId, causationId: trigger.eventId },
          ...(known ? { known } : {}),
        });
        context.known = result.stream;
        return result;
      },
    };

    // Bounded: each pass records at least one event or waits; a message cannot loop forever.
    const maxPasses = this.maxPasses();
    let outageFailures = 0;
    for (let pass = 0; pass < maxPasses; pass++) {
      try {
        // The stream as this run last saw it, without a read; read afresh at the start, after a refusal or a pause.
        const loaded = context.known
          ? this.loaded(context.known)
          : await this.load(ref.tenantId, ref.genesysMessageId);
        if (!loaded) return;
        context.known = loaded.stored;
        if ((await this.step(loaded, context)) === 'done') return;
        outageFailures = 0;
      } catch (error) {
        if (isTransientError(error) && !(error instanceof TransientError)) {
          // PostgreSQL, S3 or Redis failing for a while: retried here rather than by the consumer, so this run
          // keeps what only it knows (the attempt it requested, a part Meta took but not yet recorded). A new run
          // would have to wait out the reconciliation window first. The outage uses up none of the passes.
          outageFailures++;
          pass--;
          context.known = undefined;
          if (outageFailures === 1 || outageFailures % 10 === 0)
            log.warn(
              { err: (error as Error).message, failures: outageFailures },
              'dependency failing; retrying',
            );
          await wait(Math.min(200 * 2 ** Math.min(outageFailures - 1, 6), 10_000));
          continue;
        }
        if (error instanceof ExpectedVersionConflict) {
          // Statuses and receipts of this message's sent parts kept landing on the stream faster than the handler
          // retried. Nothing this run decided is lost and the attempt it requested is still its own (another run's
          // SendRequested would change the attempt number): read again and go on, without a reconciliation wait.
          log.info({ streamPosition: error.actual }, 'stream busy; re-reading the message');
          context.known = undefined;
          continue;
        }
        // Another run moved the stream first (a rebalance, a redelivery): re-read and decide again.
        if (!(error instanceof CommandRejected)) throw error;
        log.info({ code: error.code }, 'step refused by the rules; re-reading the message');
        context.ownedAttempt = undefined;
        // A part recorded meanwhile (from Meta's status) or under a superseded attempt needs no record of ours.
        context.acceptedPart = undefined;
        await wait(50);
      }
    }
    // Only a bug gets here (the bound is above anything the settings allow): say so loudly, and end the message
    // as failed so that Genesys hears of it, unless Meta may have taken it.
    log.error({ maxPasses }, 'outbound message did not settle within its pass limit');
    const loaded = await this.load(ref.tenantId, ref.genesysMessageId);
    if (
      loaded &&
      !loaded.state.isAwaitingSendOutcome &&
      !isEnded(loaded.state) &&
      !isFullySent(loaded.state)
    ) {
      await context.run({
        type: 'RecordSendFailed',
        stage: 'send',
        reason: 'DriverPassLimit',
        message: 'The message did not settle within the processing limit',
      });
    }
  }

  /**
   * The most passes a message can legitimately take: per send attempt a request, its parts, and the looks during
   * a reconciliation window (at most 50, see step); per media attempt a try and a record; a margin for refusals.
   */
  private maxPasses(): number {
    const { maxSendAttempts, maxMediaAttempts } = this.settings;
    return maxSendAttempts * (3 + 51) + maxMediaAttempts * 2 + 50;
  }

  private async load(tenantId: string, genesysMessageId: string): Promise<Loaded | undefined> {
    return this.loaded(await this.store.readStream(outboundStreamId(tenantId, genesysMessageId)));
  }

  private loaded(stored: StoredEvent[]): Loaded | undefined {
    const decoded = stored.map(decodeOutboundEvent);
    const view = outboundView(decoded);
    if (!view) return undefined;
    return {
      stored,
      state: foldEvents(
        outboundMessageDecider,
        decoded.map(({ type, data }) => ({ type, data }) as never),
      ),
      view,
    };
  }

  private async step({ state, view }: Loaded, context: DriveContext): Promise<Step> {
    const { log, run } = context;
    const accepted = context.acceptedPart;
    if (accepted) {
      // Meta took this part but recording it lost a race: record it now, before anything could send it again.
      await run({ type: 'RecordSent', ...accepted });
      context.acceptedPart = undefined;
      return 'continue';
    }
    if (!state.message?.isSendable || isEnded(state) || isFullySent(state)) return 'done';

    // Looked up once per message, not once per step: a message takes several steps.
    context.tenant ??= await this.directory.tenant(context.ref.tenantId);
    context.whatsapp ??= await this.directory.whatsapp(context.ref.tenantId);
    const { tenant, whatsapp } = context;
    if (!tenant || !whatsapp) {
      await run({
        type: 'RecordSendFailed',
        stage: 'send',
        reason: 'TenantCredentialsMissing',
        message: 'The tenant or its WhatsApp credentials are not configured',
      });
      return 'done';
    }

    if (!state.mapping) {
      const recipient = await this.mappings.resolve(
        tenant.tenantId,
        view.webhook.conversationId,
        view.webhook.customerId,
      );
      if (recipient) {
        await run({ type: 'ResolveMapping', ...recipient });
      } else {
        log.warn(
          { conversationId: view.webhook.conversationId },
          'no WhatsApp mapping for the conversation: not sent',
        );
        await run({ type: 'RecordMappingMissing', reason: 'NoMappingFound' });
      }
      return 'continue';
    }
    if (state.mapping.kind !== 'resolved') return 'done';

    const content = webhookContent(view);
    // Checked once per message: a retry keeps the recorded check, so it sends what the first attempt planned.
    context.serviceWindow ??=
      state.serviceWindow ??
      checkServiceWindow({
        lastInboundAt: state.mapping.lastInboundAt,
        now: (this.settings.now ?? (() => new Date()))(),
        isTemplate: content?.template !== undefined,
        hasDefaultTemplate: Boolean(
          whatsapp.templateDefaults?.name && whatsapp.templateDefaults.languageCode,
        ),
      });
    const window = context.serviceWindow;
    if (window.outcome === 'expired') {
      log.info({ lastInboundAt: window.lastInboundAt }, 'outside the 24-hour window: not sent');
      await run({
        type: 'RecordSendFailed',
        stage: 'transform',
        reason: 'MessageExpired',
        message: EXPIRED_MESSAGE,
        serviceWindow: window,
      });
      return 'done';
    }
    const isDefaultTemplate = window.outcome === 'defaultTemplate';

    // The default template replaces the agent's content: its attachment is not sent, so not moved either.
    if (state.message.hasAttachment && !state.isMediaStored && !isDefaultTemplate)
      return this.moveMedia(tenant, view, whatsapp, context);

    const planned = isDefaultTemplate
      ? this.planDefaultTemplate(state.mapping.waId, view, whatsapp)
      : this.plan(content, view, state.mapping.waId, tenant, whatsapp);
    if (!planned.ok) {
      await run({
        type: 'RecordSendFailed',
        stage: 'transform',
        reason: planned.reason,
        message: planned.message,
      });
      return 'done';
    }
    if (planned.notes.length) log.info({ notes: planned.notes }, 'sent with changes WhatsApp requires');

    const unknown = context.unknownPart;
    if (unknown && state.parts.some((part) => part.partIndex === unknown.partIndex)) {
      // The part whose answer this run lost was recorded from Meta's status: the attempt is this run's again, and
      // its remaining parts (never sent: the run stopped at the lost one) go out now, not after the window.
      context.unknownPart = undefined;
      if (state.attempt === unknown.attempt) context.ownedAttempt = unknown.attempt;
    }
    const isOwned = state.attempt > 0 && state.attempt === context.ownedAttempt;
    if (state.attempt === 0 || !isOwned) {
      if (state.attempt > 0 && context.settledAttempt !== state.attempt) {
        // Another run's attempt, or one cut short by a crash: its outcome is unknown. Give Meta's status webhook
        // the reconciliation window to name it before sending again.
        const waited = Date.now() - Date.parse(view.lastSendRequestedAt ?? new Date(0).toISOString());
        if (waited < this.settings.reconcileWindowMs) {
          // Looked at again every few seconds, not only at the end: Meta's status usually names the send within
          // seconds, the status processor records it, and the message is done without a resend. At most 50 looks
          // per window, well inside the pass limit.
          const poll = Math.max(1000, this.settings.reconcileWindowMs / 50);
          await this.pause(context, Math.min(this.settings.reconcileWindowMs - waited, poll));
          return 'continue';
        }
      }
      if (context.sendAttempts >= this.settings.maxSendAttempts) {
        // Meta kept refusing (429, "service unavailable") or kept leaving the outcome unknown: transient, so the
        // message does not end. The consumer runs it again after its own capped backoff, holding only this
        // conversation's lane; the attempts recorded so far keep the backoff long.
        throw new TransientError(
          `Meta did not take the message in ${context.sendAttempts} attempts of this run (attempt ${state.attempt})`,
        );
      }
      context.sendAttempts++;
      const result = await run({
        type: 'RequestSend',
        partCount: planned.messages.length,
        metaMessageType: planned.messages[0]!.type as MetaMessageType,
        serviceWindow: window,
        ...(state.attempt > 0 ? { isPreviousAttemptReconciled: true } : {}),
      });
      context.ownedAttempt = result.newState.attempt;
      return 'continue';
    }
    return this.sendParts(state, planned.messages, whatsapp, context);
  }

  private plan(
    content: OutboundContent | undefined,
    view: OutboundView,
    waId: string,
    tenant: TenantRecord,
    whatsapp: WhatsappCredentials,
  ) {
    if (!content) {
      return {
        ok: false as const,
        reason: 'UnsupportedContent',
        message: 'The stored webhook no longer parses',
      };
    }
    const media = view.media;
    return toMetaMessages(
      content,
      { waId },
      media
        ? {
            kind: media.mediaKind,
            ...(tenant.mediaMode === 'upload' && media.metaMediaId
              ? { mediaId: media.metaMediaId }
              : { link: media.url }),
            ...(media.filename ? { filename: media.filename } : {}),
          }
        : undefined,
      {
        bizOpaqueCallbackData: view.webhook.genesysMessageId,
        ...(whatsapp.templateDefaults ? { templateDefaults: whatsapp.templateDefaults } : {}),
      },
    );
  }

  /**
   * Outside the window, the tenant's default template (name and language, no parameters) instead of the agent's
   * free-form message: the customer is re-engaged rather than the message failing.
   */
  private planDefaultTemplate(waId: string, view: OutboundView, whatsapp: WhatsappCredentials) {
    const planned = toMetaMessages(
      {
        messageType: 'Notification',
        isSendable: true,
        attachments: [],
        template: { headerParameters: [], bodyParameters: [] },
      },
      { waId },
      undefined,
      {
        bizOpaqueCallbackData: view.webhook.genesysMessageId,
        ...(whatsapp.templateDefaults ? { templateDefaults: whatsapp.templateDefaults } : {}),
      },
    );
    return planned.ok
      ? {
          ...planned,
          notes: [
            'outside the 24-hour window: the tenant default template was sent instead of the message',
            ...planned.notes,
          ],
        }
      : planned;
  }

  private async moveMedia(
    tenant: TenantRecord,
    view: OutboundView,
    whatsapp: WhatsappCredentials,
    context: DriveContext,
  ): Promise<Step> {
    const attachment = view.webhook.attachment!;
    const outcome = await this.media.move(tenant, view.webhook.conversationId, attachment, whatsapp);
    if (outcome.ok) {
      await context.run({ type: 'RecordMediaStored', ...outcome.data });
      return 'continue';
    }
    context.mediaAttempts++;
    if (outcome.isRetryable && context.mediaAttempts < this.settings.maxMediaAttempts) {
      const delay = backoffFor(
        { kind: 'retryable', ...(outcome.retryAfterMs ? { retryAfterMs: outcome.retryAfterMs } : {}) },
        context.mediaAttempts,
        this.backoffOptions(),
      );
      context.log.warn(
        { reason: outcome.reason, attempt: context.mediaAttempts },
        'media transfer failed, retrying',
      );
      await this.pause(context, delay.resend ? delay.delayMs : 0);
      return 'continue';
    }
    if (outcome.isRetryable) {
      // Genesys or Meta still failing for a while: a transient failure never ends the message. The consumer
      // retries the whole run with its own capped backoff, holding only this conversation's lane.
      throw new TransientError(`media transfer still failing (${outcome.reason}): ${outcome.message}`);
    }
    await context.run({
      type: 'RecordSendFailed',
      stage: 'media',
      reason: outcome.reason,
      message: outcome.message,
    });
    return 'done';
  }

  /** Sends the parts of the attempt this run requested that Meta has not accepted yet, in order. */
  private async sendParts(
    state: OutboundState,
    messages: MetaMessageBody[],
    whatsapp: WhatsappCredentials,
    context: DriveContext,
  ): Promise<Step> {
    const { run, log } = context;
    const sentIndexes = new Set(state.parts.map((part) => part.partIndex));
    for (const [partIndex, body] of messages.entries()) {
      if (sentIndexes.has(partIndex)) continue;
      const result = await sendMessage({
        graphUrl: this.settings.graphUrl,
        version: this.settings.graphVersion,
        phoneNumberId: whatsapp.phoneNumberId,
        accessToken: whatsapp.accessToken,
        body,
        timeoutMs: this.settings.metaTimeoutMs,
      });
      if (result.ok) {
        this.observeSend('sent');
        context.acceptedPart = { wamid: result.wamid, partIndex, attempt: state.attempt };
        await run({ type: 'RecordSent', ...context.acceptedPart });
        context.acceptedPart = undefined;
        continue;
      }
      const error = result.error;
      context.ownedAttempt = undefined;
      const plan = planAfterSendError(error, state.attempt, this.backoffOptions());
      if (plan.action === 'fail') {
        this.observeSend('failed', error.code);
        await run({
          type: 'RecordSendFailed',
          stage: 'send',
          reason: plan.reason,
          message: error.title,
          ...(error.code !== undefined ? { metaErrorCode: error.code } : {}),
          metaErrorTitle: error.title,
          ...(error.details ? { metaErrorDetails: error.details } : {}),
        });
        return 'done';
      }
      if (plan.action === 'reconcile') {
        this.observeSend('unknown', error.code);
        log.warn(
          { title: error.title, httpStatus: error.httpStatus },
          'send outcome unknown: waiting for Meta before any resend',
        );
        context.unknownPart = { attempt: state.attempt, partIndex };
        return 'continue';
      }
      // Meta answered that it did not take this part: the attempt is settled and may be retried.
      this.observeSend('retry', error.code);
      context.settledAttempt = state.attempt;
      log.warn(
        { code: error.code, attempt: state.attempt, delayMs: plan.delayMs },
        'Meta did not take the message; backing off',
      );
      await this.pause(context, plan.delayMs);
      return 'continue';
    }
    return 'done';
  }

  /**
   * Ends the message visibly after a permanent processing failure (see processingFailure): MessageFailed, so that
   * Genesys gets a Failed receipt. Nothing to do when the message is final already.
   */
  async endAfterFailure(trigger: StoredEvent, error: unknown): Promise<void> {
    if (trigger.type !== 'WebhookReceived') return;
    const ref = { tenantId: trigger.tenantId, genesysMessageId: String(trigger.data.genesysMessageId) };
    const loaded = await this.load(ref.tenantId, ref.genesysMessageId);
    const command = loaded && processingFailure(loaded.state, error);
    if (!command) return;
    this.logger.error(
      {
        correlationId: trigger.correlationId ?? trigger.eventId,
        tenantId: ref.tenantId,
        genesysMessageId: ref.genesysMessageId,
        stage: command.stage,
      },
      'message failed: the bridge could not process it',
    );
    await handleOutboundMessageCommand(this.store, ref, command, {
      metadata: { correlationId: trigger.correlationId ?? trigger.eventId, causationId: trigger.eventId },
    });
  }

  /** Waits; what others appended meanwhile (a status, a reconciled send) is read again by the next pass. */
  private async pause(context: DriveContext, ms: number): Promise<void> {
    await context.wait(ms);
    context.known = undefined;
  }

  private backoffOptions() {
    return this.settings.backoffPolicy ? { policy: this.settings.backoffPolicy } : {};
  }
}

const webhookContent = (view: OutboundView): OutboundContent | undefined => {
  const parsed = genesysWebhookSchema.safeParse(JSON.parse(view.webhook.rawBody));
  return parsed.success ? summarizeWebhook(parsed.data) : undefined;
};

interface DriveContext {
  ref: { tenantId: string; genesysMessageId: string };
  log: Logger;
  wait: (ms: number) => Promise<void>;
  run: (command: OutboundMessageCommand) => Promise<{ newState: OutboundState }>;
  /**
   * The stream as this run last saw it: read, or extended by its own last command. Commands decide on it without
   * reading again (a stream moved by someone else fails the append, and the handler reads and decides again);
   * cleared by a refusal and by every pause, after which the next pass reads.
   */
  known?: StoredEvent[] | undefined;
  mediaAttempts: number;
  /** SendRequested recorded by this run (see maxSendAttempts). */
  sendAttempts: number;
  tenant?: TenantRecord | undefined;
  whatsapp?: WhatsappCredentials | undefined;
  /** The attempt this run requested and may send: no other run sends under it. */
  ownedAttempt?: number | undefined;
  /** The part of this run's attempt whose answer was lost: Meta's status may still name it (SendReconciler). */
  unknownPart?: { attempt: number; partIndex: number } | undefined;
  /** An attempt Meta answered with an error: known not to have been taken, so it may be retried at once. */
  settledAttempt?: number | undefined;
  /**
   * A part Meta accepted whose MessageSent is not recorded yet (its append lost a race): recorded by the next pass
   * before anything else, so the part is never sent twice.
   */
  acceptedPart?: { wamid: string; partIndex: number; attempt: number } | undefined;
  /** The 24-hour window check this run (or the first SendRequested) made. */
  serviceWindow?: ServiceWindow | undefined;
}

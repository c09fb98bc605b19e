import {
  postInboundMessage,
  postStructuredResponse,
  urlFromTemplate,
  type GenesysError,
  type OpenMessagingAnswer,
} from '../../clients/genesys';
import { handleConversationCommand } from '../../commands/conversation/handler';
import { foldEvents } from '../../commands/decider';
import { customerDecider } from '../../commands/customer/decider';
import { handleCustomerCommand } from '../../commands/customer/handler';
import { decodeCustomerEvent } from '../../events/decode';
import type { InboundMessageReceivedData } from '../../events/schemas/inbound-message-received';
import type { EventStore, StoredEvent } from '../../events/store/types';
import type { Logger } from '../../infra/logger';
import { TransientError } from '../../projections/runtime/transient-errors';
import type { TenantDirectory } from '../../tenants/tenant-directory';
import type { GenesysTokenCache } from '../outbound/genesys-token-cache';
import type { HandlerRuntime } from '../runtime/keyed-consumer';
import { textOnlyMedia, type InboundMediaResolver } from './inbound-media-resolver';
import type { InboundReadMarker } from './inbound-read-marker';
import { renderInboundText } from './inbound-text';
import type { OriginatingMessages } from './originating-messages';
import { structuredAnswerOf } from './structured-answer';

export interface InboundPosterSettings {
  apiUrlTemplate: string;
  loginUrlTemplate: string;
  timeoutMs: number;
  /** Longest Retry-After honoured before the next try; longer ones are capped. Default 30 s. */
  maxRetryAfterMs?: number;
}

export type InboundPostOutcome = 'posted' | 'already-settled' | 'retry' | 'refused';

/** Genesys did not take the message this time (429, 5xx, timeout, refused token): retried in the customer's lane. */
export class InboundNotPostedYet extends TransientError {
  constructor(readonly error: GenesysError | { title: string }) {
    super(`inbound message not posted yet: ${error.title}`);
    this.name = 'InboundNotPostedYet';
  }
}

const genesysFrom = (customer: InboundMessageReceivedData['customer']) => {
  const nickname = customer.name ?? customer.username;
  const who = customer.waId
    ? { id: customer.waId, idType: 'Phone' as const }
    : { id: customer.userId!, idType: 'Opaque' as const };
  return { ...who, ...(nickname !== undefined ? { nickname } : {}) };
};

/**
 * Posts each recorded inbound message to Genesys once, in the customer's order (the consumer runs one customer's
 * messages one after the other, and a message being retried holds the ones behind it). The outcome is recorded on
 * the customer stream; the conversation Genesys put the message in is linked (ConversationLinked), so the agent's
 * reply finds its way back to this customer without an admin call.
 *
 * At-least-once: a crash between Genesys' answer and the append posts the message again after a restart; Genesys
 * receives the same `channel.messageId` (the wamid) then.
 */
export class InboundPoster {
  constructor(
    private readonly store: EventStore,
    private readonly directory: Pick<TenantDirectory, 'genesysOAuth' | 'tenant'>,
    private readonly tokens: Pick<GenesysTokenCache, 'token' | 'forget'>,
    private readonly settings: InboundPosterSettings,
    private readonly logger: Logger,
    private readonly media: InboundMediaResolver = textOnlyMedia,
    private readonly observe: (outcome: InboundPostOutcome) => void = () => undefined,
    /** Marks each posted message read at Meta (inbound-read-marker.ts); absent: nothing is marked. */
    private readonly reader?: Pick<InboundReadMarker, 'mark'>,
    /** Finds the Genesys message a button answers; absent: every button reply goes to Genesys as text. */
    private readonly originals?: OriginatingMessages,
  ) {}

  /**
   * Genesys's answers to posts whose RecordInboundPosted is not stored yet, by event: a retry records the answer
   * instead of posting again. Only a crash between the two posts a message twice (at least once).
   */
  private readonly postedNotRecorded = new Map<string, Extract<OpenMessagingAnswer, { ok: true }>>();

  async handle(event: StoredEvent, runtime: HandlerRuntime): Promise<void> {
    const decoded = decodeCustomerEvent(event);
    if (decoded.type !== 'InboundMessageReceived') return;
    const message = decoded.data;
    const { tenantId, streamId } = event;
    const stream = await this.store.readStream(streamId);
    const state = foldEvents(customerDecider, stream.map(decodeCustomerEvent));
    const metadata = { correlationId: event.correlationId ?? event.eventId, causationId: event.eventId };
    if (state.settled.has(message.wamid)) {
      this.observe('already-settled');
      // A run that stopped between the post and the read mark (a crash, a store error) marks it now.
      if (state.settled.get(message.wamid) === 'posted' && !state.readSettled.has(message.wamid))
        await this.reader?.mark(
          {
            tenantId,
            streamId,
            wamid: message.wamid,
            phoneNumberId: message.phoneNumberId,
            metadata,
            known: stream,
          },
          runtime,
        );
      return;
    }
    const log = this.logger.child({ tenantId, wamid: message.wamid });
    const fail = async (reason: string, text: string, httpStatus?: number) => {
      log.error({ reason, httpStatus }, `inbound message not posted to Genesys: ${text}`);
      this.observe('refused');
      await handleCustomerCommand(
        this.store,
        tenantId,
        streamId,
        {
          type: 'RecordInboundPostFailed',
          wamid: message.wamid,
          reason,
          message: text.slice(0, 2000),
          ...(httpStatus !== undefined ? { httpStatus } : {}),
        },
        { metadata, known: stream },
      );
    };

    const [tenant, credentials] = await Promise.all([
      this.directory.tenant(tenantId),
      this.directory.genesysOAuth(tenantId),
    ]);
    if (!tenant || !credentials)
      return fail('NoGenesysCredentials', 'the tenant has no Genesys API credentials');

    const media = await this.media.resolve(tenantId, message);
    if (!media.ok && media.transient) return this.notPostedYet({ title: media.note }, runtime, log);
    const text = [renderInboundText(message), ...(media.ok ? [] : [media.note])].join('\n');

    const token = await this.tokens.token({
      tenantId,
      loginUrl: urlFromTemplate(this.settings.loginUrlTemplate, credentials.region),
      clientId: credentials.clientId,
      clientSecret: credentials.clientSecret,
    });
    if (!token.ok) {
      if (token.error.kind === 'permanent')
        return fail('GenesysTokenRefused', token.error.title, token.error.httpStatus);
      return this.notPostedYet(token.error, runtime, log);
    }
    const from = genesysFrom(message.customer);
    const apiUrl = urlFromTemplate(this.settings.apiUrlTemplate, credentials.region);
    // Genesys took it already and only recording its answer failed (PostgreSQL away, the stream busy): record that
    // answer now rather than post the message a second time.
    const posted =
      this.postedNotRecorded.get(event.eventId) ??
      (await this.postStructured(tenantId, message, {
        apiUrl,
        accessToken: token.accessToken,
        integrationId: tenant.genesysIntegrationId,
        from,
        log,
      })) ??
      (await postInboundMessage({
        apiUrl,
        accessToken: token.accessToken,
        timeoutMs: this.settings.timeoutMs,
        message: {
          messageId: message.wamid,
          integrationId: tenant.genesysIntegrationId,
          from,
          time: message.sentAt,
          text,
          ...(media.ok && media.attachments.length > 0 ? { attachments: media.attachments } : {}),
        },
      }));
    if (!posted.ok) {
      if (posted.error.kind === 'unauthorized') await this.tokens.forget(tenantId);
      if (
        posted.error.kind === 'permanent' ||
        posted.error.kind === 'forbidden-host' ||
        posted.error.kind === 'too-large'
      )
        return fail('GenesysRejected', posted.error.title, posted.error.httpStatus);
      return this.notPostedYet(posted.error, runtime, log);
    }

    this.postedNotRecorded.set(event.eventId, posted);
    const recorded = await handleCustomerCommand(
      this.store,
      tenantId,
      streamId,
      {
        type: 'RecordInboundPosted',
        wamid: message.wamid,
        genesysMessageId: posted.id,
        phoneNumberId: message.phoneNumberId,
        sentAt: message.sentAt,
        customer: message.customer,
        ...(posted.conversationId !== undefined ? { conversationId: posted.conversationId } : {}),
      },
      { metadata, known: stream },
    );
    this.postedNotRecorded.delete(event.eventId);
    this.observe('posted');
    if (posted.conversationId !== undefined)
      await this.link(tenantId, posted.conversationId, message, metadata);
    await this.reader?.mark(
      {
        tenantId,
        streamId,
        wamid: message.wamid,
        phoneNumberId: message.phoneNumberId,
        metadata,
        known: recorded.stream,
      },
      runtime,
    );
  }

  /**
   * A pressed button of a message the bridge sent for Genesys goes to Genesys as a structured response naming that
   * message. Undefined (post it as text) when the message is no button answer, answers a message Genesys did not
   * send, or Genesys refuses the structured response for good (e.g. the message it names offered no buttons):
   * refused, it is not at Genesys, so the text is no duplicate.
   */
  private async postStructured(
    tenantId: string,
    message: InboundMessageReceivedData,
    target: {
      apiUrl: string;
      accessToken: string;
      integrationId: string;
      from: ReturnType<typeof genesysFrom>;
      log: Logger;
    },
  ): Promise<OpenMessagingAnswer | undefined> {
    const answer = structuredAnswerOf(message);
    if (!answer || !this.originals) return undefined;
    const originatingMessageId = await this.originals.genesysMessageId(tenantId, answer.answers);
    if (originatingMessageId === undefined) return undefined;
    const posted = await postStructuredResponse({
      apiUrl: target.apiUrl,
      accessToken: target.accessToken,
      timeoutMs: this.settings.timeoutMs,
      response: {
        messageId: message.wamid,
        integrationId: target.integrationId,
        from: target.from,
        time: message.sentAt,
        buttonType: answer.buttonType,
        text: answer.text,
        payload: answer.payload,
        originatingMessageId,
      },
    });
    // A 2xx without an id is permanent too, but that response is at Genesys: only a refusal falls back.
    const refused = !posted.ok && posted.error.kind === 'permanent' && (posted.error.httpStatus ?? 0) >= 400;
    if (refused) {
      target.log.warn(
        { originatingMessageId, title: posted.error.title },
        'Genesys refused the structured response; the button answer goes to Genesys as text',
      );
      return undefined;
    }
    return posted;
  }

  /** The conversation now answers this customer; the decider records only a new or changed link. */
  private async link(
    tenantId: string,
    conversationId: string,
    message: InboundMessageReceivedData,
    metadata: { correlationId: string; causationId: string },
  ): Promise<void> {
    const { customer } = message;
    // A customer known only by a business-scoped user id is linked by it: replies go out addressed by `recipient`.
    const contactName = customer.name ?? customer.username;
    await handleConversationCommand(
      this.store,
      tenantId,
      {
        type: 'LinkConversation',
        conversationId,
        ...(customer.waId !== undefined ? { waId: customer.waId } : {}),
        ...(customer.userId !== undefined ? { userId: customer.userId } : {}),
        // The username is what WhatsApp shows of a customer who hides their number: the name an agent can use.
        ...(contactName !== undefined ? { contactName } : {}),
        phoneNumberId: message.phoneNumberId,
        ...(message.displayPhoneNumber !== undefined
          ? { displayPhoneNumber: message.displayPhoneNumber }
          : {}),
      },
      { metadata },
    );
  }

  private async notPostedYet(
    error: GenesysError | { title: string },
    runtime: HandlerRuntime,
    log: Logger,
  ): Promise<never> {
    this.observe('retry');
    log.warn({ title: error.title }, 'inbound message not posted yet; retried in the customer’s lane');
    // Retry-After honoured without holding a processing slot; the consumer's backoff follows.
    if ('retryAfterMs' in error && error.retryAfterMs !== undefined)
      await runtime.wait(Math.min(error.retryAfterMs, this.settings.maxRetryAfterMs ?? 30_000));
    throw new InboundNotPostedYet(error);
  }
}

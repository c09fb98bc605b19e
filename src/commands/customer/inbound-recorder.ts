import { decodeEvent } from '../../events/decode';
import { inboundMessageEventId } from '../../events/deterministic-event-id';
import { encodeEvent } from '../../events/encode';
import { customerKey, customerStreamId } from '../../events/schemas/stream-ids';
import type { InboundMessageReceivedData } from '../../events/schemas/inbound-message-received';
import type { EventStore, StoredEvent } from '../../events/store/types';
import type { Logger } from '../../infra/logger';
import { metaInboundMessagesOf } from './meta-inbound-messages';

/** Which tenants own a business phone number (TenantRepository.tenantsWithPhoneNumber). */
export interface PhoneNumberOwners {
  tenantsWithPhoneNumber(phoneNumberId: string): Promise<string[]>;
}

export type InboundRecordOutcome = 'recorded' | 'duplicate' | 'no-tenant' | 'invalid';

/**
 * Splits a recorded Meta webhook (MetaWebhookReceived) into one InboundMessageReceived per customer message, on the
 * customer's stream. The event id comes from (tenant, wamid), so a Meta retry (another webhook with the same
 * messages) or a redelivered Kafka message appends ids the store already holds: a no-op. Messages of a batch are
 * appended one after the other, in Meta's order, so one customer's messages keep it on their stream.
 */
export class InboundRecorder {
  constructor(
    private readonly store: EventStore,
    private readonly owners: PhoneNumberOwners,
    private readonly logger: Logger,
    private readonly observe: (outcome: InboundRecordOutcome, count: number) => void = () => undefined,
  ) {}

  async handle(event: StoredEvent): Promise<void> {
    const decoded = decodeEvent(event);
    if (decoded.type !== 'MetaWebhookReceived') return;
    // A webhook stored in parts is read once, from part 0, over the whole body (all parts are one append).
    if (decoded.data.part !== 0) return;
    const rawBody =
      decoded.data.partCount === 1 ? decoded.data.rawBody : await this.wholeBody(event.streamId);
    if (!rawBody.includes('"messages"')) return; // a statuses-only batch: the common case, no parse needed
    await this.recordBody(JSON.parse(rawBody), decoded.data.webhookId, event);
  }

  /**
   * Records the inbound messages of a webhook body. Called by the webhook route right after MetaWebhookReceived is
   * stored (so that webhooks Meta sends one after the other are recorded in that order: the Kafka lanes of two
   * webhooks run side by side and keep no order between them), and again by the processor for every stored
   * webhook, which then records only what the route could not (a no-op otherwise: same event ids).
   */
  async recordBody(
    body: unknown,
    webhookId: string,
    cause: Pick<StoredEvent, 'eventId' | 'correlationId'>,
  ): Promise<void> {
    const { messages, invalid } = metaInboundMessagesOf(body, webhookId);
    if (invalid.length > 0) {
      this.logger.warn(
        { webhookId, invalid: invalid.slice(0, 5), invalidCount: invalid.length },
        'Meta webhook holds malformed inbound messages: recorded without them (they stay in the raw body)',
      );
      this.observe('invalid', invalid.length);
    }
    const owners = new Map<string, string[]>();
    for (const message of messages) {
      const tenants =
        owners.get(message.phoneNumberId) ??
        (await this.owners.tenantsWithPhoneNumber(message.phoneNumberId));
      owners.set(message.phoneNumberId, tenants);
      if (tenants.length !== 1) {
        // No tenant (or several claiming the number): nobody to hand the message to; it stays in the raw body.
        this.logger.warn(
          { phoneNumberId: message.phoneNumberId, wamid: message.wamid, tenants: tenants.length },
          'inbound message for a business number that is not exactly one active tenant’s: not recorded',
        );
        this.observe('no-tenant', 1);
        continue;
      }
      const duplicate = await this.record(tenants[0]!, message, cause);
      this.observe(duplicate ? 'duplicate' : 'recorded', 1);
    }
  }

  private async record(
    tenantId: string,
    data: InboundMessageReceivedData,
    cause: Pick<StoredEvent, 'eventId' | 'correlationId'>,
  ): Promise<boolean> {
    const streamId = customerStreamId(tenantId, data.phoneNumberId, customerKey(data.customer));
    const newEvent = encodeEvent(
      { type: 'InboundMessageReceived', data },
      {
        tenantId,
        // No conversation in the envelope: the Kafka key stays the customer stream (topic-routing.ts).
        conversationId: null,
        eventId: inboundMessageEventId(tenantId, data.wamid),
        occurredAt: data.sentAt,
      },
    );
    // 'any': the message's place on the stream is its arrival; the event id makes a repeat a no-op.
    const result = await this.store.appendToStream(streamId, 'any', [newEvent], {
      causationId: cause.eventId,
      correlationId: cause.correlationId ?? cause.eventId,
    });
    return result.duplicate;
  }

  private async wholeBody(streamId: string): Promise<string> {
    const parts = (await this.store.readStream(streamId)).map(decodeEvent);
    return parts
      .flatMap((part) => (part.type === 'MetaWebhookReceived' ? [part.data] : []))
      .sort((a, b) => a.part - b.part)
      .map((part) => part.rawBody)
      .join('');
  }
}

import { markMessageRead } from '../../clients/meta';
import { decodeCustomerEvent, decodeOutboundEvent } from '../../events/decode';
import { customerKey, customerStreamId } from '../../events/schemas/stream-ids';
import type { EventStore, StoredEvent } from '../../events/store/types';
import type { Logger } from '../../infra/logger';
import type { TenantDirectory } from '../../tenants/tenant-directory';
import type { MappingResolver } from '../../projections/mapping-resolver';
import { TypingThrottle } from './typing-throttle';

export interface TypingRelaySettings {
  graphUrl: string;
  graphVersion: string;
  timeoutMs: number;
}

export type TypingOutcome =
  'shown' | 'throttled' | 'not-typing' | 'no-customer' | 'no-inbound-message' | 'disabled' | 'failed';

/**
 * An agent typing in Genesys (a Typing Event on the outbound webhook) becomes Meta's typing indicator, shown on the
 * customer's last message (Meta needs a message id: it marks that message read and shows "typing…" until the
 * reply or 25 s). At most one per conversation per few seconds (typing-throttle.ts). Best effort throughout: a
 * failed or refused indicator is logged and dropped, never retried (a late one would be wrong) nor recorded.
 *
 * The last inbound wamid is read from the customer's stream: it is the authority, a typing indicator is rare
 * (throttled), and so no read-model column and migration is needed for it.
 *
 * A tenant that turned `markInboundRead` off gets no typing indicator either: Meta's indicator marks the message
 * read, which is what that tenant chose not to show.
 */
export class TypingRelay {
  constructor(
    private readonly store: EventStore,
    private readonly directory: Pick<TenantDirectory, 'whatsapp'>,
    private readonly mappings: Pick<MappingResolver, 'resolve'>,
    private readonly settings: TypingRelaySettings,
    private readonly logger: Logger,
    private readonly throttle = new TypingThrottle(),
    private readonly observe: (outcome: TypingOutcome) => void = () => undefined,
  ) {}

  async relay(trigger: StoredEvent): Promise<TypingOutcome> {
    const outcome = await this.decideAndShow(trigger);
    this.observe(outcome);
    return outcome;
  }

  private async decideAndShow(trigger: StoredEvent): Promise<TypingOutcome> {
    // Decoded, not read raw: an event stored before v3 learns its typing state from its upcaster.
    const event = decodeOutboundEvent(trigger);
    // Typing `Off` says nothing to pass on: Meta has no "stopped typing" call.
    if (event.type !== 'WebhookReceived' || event.data.typing !== 'On') return 'not-typing';
    const { tenantId } = trigger;
    const { conversationId, customerId } = event.data;
    if (!this.throttle.take(`${tenantId}\u0000${conversationId ?? `customer:${customerId}`}`))
      return 'throttled';
    const log = this.logger.child({ tenantId, conversationId });

    const [whatsapp, recipient] = await Promise.all([
      this.directory.whatsapp(tenantId),
      this.mappings.resolve(tenantId, conversationId, customerId),
    ]);
    if (!whatsapp || !recipient) return 'no-customer';
    if (!whatsapp.markInboundRead) return 'disabled';
    const phoneNumberId = recipient.phoneNumberId ?? whatsapp.phoneNumberId;
    const wamid = await this.lastInboundWamid(tenantId, phoneNumberId, recipient);
    if (wamid === undefined) return 'no-inbound-message';

    const answer = await markMessageRead({
      graphUrl: this.settings.graphUrl,
      version: this.settings.graphVersion,
      phoneNumberId,
      accessToken: whatsapp.accessToken,
      wamid,
      typingIndicator: true,
      timeoutMs: this.settings.timeoutMs,
    });
    if (!answer.ok) {
      log.warn({ kind: answer.error.kind, title: answer.error.title }, 'typing indicator not shown');
      return 'failed';
    }
    return 'shown';
  }

  /** The customer's stream is keyed like the inbound recorder keys it: by wa_id first, else by user id. */
  private async lastInboundWamid(
    tenantId: string,
    phoneNumberId: string,
    customer: { waId?: string; userId?: string },
  ) {
    const stream = await this.store.readStream(
      customerStreamId(tenantId, phoneNumberId, customerKey(customer)),
    );
    for (let index = stream.length - 1; index >= 0; index--) {
      const event = decodeCustomerEvent(stream[index]!);
      if (event.type === 'InboundMessageReceived') return event.data.wamid;
    }
    return undefined;
  }
}

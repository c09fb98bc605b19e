import { CommandRejected } from '../../commands/command-rejected';
import {
  handleOutboundMessageCommand,
  type OutboundMessageRef,
} from '../../commands/outbound-message/handler';
import type { EventStore } from '../../events/store/types';
import type { Logger } from '../../infra/logger';
import type { TenantRepository } from '../../tenants/tenant-repository';
import { toRecordMetaStatus } from './record-meta-status';
import { inApplyOrder } from './status-order';
import type { ParkedStatus } from './status-queries';

/**
 * What became of statuses: counted for metrics and the benchmark. `wrong-number`: the status came to a business
 * phone number its message was not sent from, and was not applied.
 */
export type StatusOutcome = 'applied' | 'unchanged' | 'parked' | 'ignored' | 'rejected' | 'wrong-number';
export type StatusObserver = (outcome: StatusOutcome, count: number) => void;

/** A status with the webhook it came in (for the causation and correlation ids of the events it leads to). */
export type StatusToApply = ParkedStatus;

/**
 * Applies Meta statuses to one outbound message, one command at a time in apply order. The decider decides what
 * each status means (forward only, read implies delivered, failed final), so a duplicate or stale status is a
 * no-op and applying a list twice is harmless. A status the rules refuse is logged and skipped: trying it again
 * would be refused the same way. Anything else (the store, the network) throws, and the caller retries.
 *
 * A status only applies to a message its tenant sends from the phone number the status came to
 * (`value.metadata.phone_number_id`). The wamid alone is not enough: a wamid is no secret, and a webhook signed
 * with the app secret of a shared Meta app can be about any number of that app, so tenant B's number must not be
 * able to mark tenant A's message delivered or failed. The driver sends every part from the tenant's current
 * WhatsApp number, so that is the number checked (MessageSent does not record one).
 */
export class StatusApplier {
  constructor(
    private readonly store: EventStore,
    private readonly logger: Logger,
    private readonly tenants: Pick<TenantRepository, 'tenantsWithPhoneNumber'>,
    private readonly observe: StatusObserver = () => undefined,
  ) {}

  async apply(message: OutboundMessageRef, statuses: readonly StatusToApply[]): Promise<void> {
    const byRecord = new Map(statuses.map((status) => [status.record, status]));
    // phone number id → whether the message's tenant sends from it; one lookup per number and call.
    const sentFrom = new Map<string, Promise<boolean>>();
    const isSentFrom = (phoneNumberId: string) => {
      let known = sentFrom.get(phoneNumberId);
      if (known === undefined) {
        known = this.tenants
          .tenantsWithPhoneNumber(phoneNumberId)
          .then((tenants) => tenants.includes(message.tenantId));
        sentFrom.set(phoneNumberId, known);
      }
      return known;
    };
    for (const record of inApplyOrder(statuses.map((status) => status.record))) {
      const { causationId, correlationId } = byRecord.get(record)!;
      const command = toRecordMetaStatus(record);
      if (!command) {
        this.observe('ignored', 1);
        continue;
      }
      if (!(await isSentFrom(record.phoneNumberId))) {
        this.observe('wrong-number', 1);
        this.logger.warn(
          { wamid: record.wamid, status: record.status, phoneNumberId: record.phoneNumberId, ...message },
          "Meta status from a phone number the message's tenant does not send from; not applied",
        );
        continue;
      }
      try {
        const result = await handleOutboundMessageCommand(this.store, message, command, {
          metadata: { correlationId, causationId },
        });
        this.observe(result.isNoOp ? 'unchanged' : 'applied', 1);
      } catch (error) {
        if (!(error instanceof CommandRejected)) throw error;
        this.observe('rejected', 1);
        this.logger.warn(
          { code: error.code, wamid: record.wamid, status: record.status, ...message },
          'Meta status refused by the message rules; skipped',
        );
      }
    }
  }
}

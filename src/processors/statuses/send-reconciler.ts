import { CommandRejected } from '../../commands/command-rejected';
import { foldEvents } from '../../commands/decider';
import { outboundMessageDecider } from '../../commands/outbound-message/decider';
import { handleOutboundMessageCommand } from '../../commands/outbound-message/handler';
import { decodeOutboundEvent } from '../../events/decode';
import { outboundStreamId } from '../../events/schemas/stream-ids';
import type { EventStore } from '../../events/store/types';
import type { Logger } from '../../infra/logger';
import type { TenantRepository } from '../../tenants/tenant-repository';
import { outboundView } from '../../commands/outbound-message/outbound-view';
import { attributeUnknownSend } from './attribute-unknown-send';
import type { StatusToApply } from './status-applier';

/**
 * Sends whose outcome the driver never learned, recorded from Meta's own report of them. The bridge puts the
 * Genesys message id in every send's biz_opaque_callback_data and Meta echoes it in the statuses of that message;
 * a status for a wamid no MessageSent names, echoing the id of a message whose attempt is outstanding, is the
 * answer the driver missed. Recording it (MessageSent, for the attempt and part attributeUnknownSend names) ends
 * the driver's reconciliation wait without a resend: the customer gets the message once.
 *
 * Only tenants whose WhatsApp number the status came to are considered, so a status cannot touch another
 * tenant's message. The command names its attempt: if the driver gave up waiting and started another one
 * meanwhile, the decider refuses, and the duplicate that may follow is logged rather than hidden.
 */
export class SendReconciler {
  constructor(
    private readonly store: EventStore,
    private readonly tenants: Pick<TenantRepository, 'tenantsWithPhoneNumber'>,
    private readonly logger: Logger,
  ) {}

  /** Records what it can attribute among statuses whose wamid is unknown; answers how many sends it recorded. */
  async reconcile(statuses: readonly StatusToApply[]): Promise<number> {
    let recorded = 0;
    const seen = new Set<string>();
    for (const { record, correlationId, causationId } of statuses) {
      const genesysMessageId = record.bizOpaqueCallbackData;
      if (genesysMessageId === undefined || seen.has(record.wamid)) continue;
      seen.add(record.wamid);
      for (const tenantId of await this.tenants.tenantsWithPhoneNumber(record.phoneNumberId)) {
        const ref = { tenantId, genesysMessageId };
        const stored = await this.store.readStream(outboundStreamId(tenantId, genesysMessageId));
        if (stored.length === 0) continue;
        const history = stored.map(decodeOutboundEvent);
        const state = foldEvents(outboundMessageDecider, history);
        const attribution = attributeUnknownSend(state, outboundView(history)?.lastSendRequestedAt, record);
        const log = { wamid: record.wamid, status: record.status, ...ref };
        if (attribution.kind === 'skip') {
          if (attribution.reason !== 'AlreadyRecorded') {
            this.logger.warn(
              { ...log, reason: attribution.reason },
              'Meta reports a send of this message that no attempt outstanding explains: it may have reached the customer twice',
            );
          }
          continue;
        }
        try {
          const result = await handleOutboundMessageCommand(
            this.store,
            ref,
            {
              type: 'RecordSent',
              wamid: record.wamid,
              partIndex: attribution.partIndex,
              attempt: attribution.attempt,
            },
            { metadata: { correlationId, causationId }, known: stored },
          );
          if (!result.isNoOp) recorded++;
          this.logger.info(
            { ...log, attempt: attribution.attempt, partIndex: attribution.partIndex },
            "send outcome reconciled from Meta's status: recorded as sent, not sent again",
          );
        } catch (error) {
          if (!(error instanceof CommandRejected)) throw error;
          this.logger.warn(
            { ...log, code: error.code },
            'send outcome not reconciled: refused by the message rules',
          );
        }
      }
    }
    return recorded;
  }
}

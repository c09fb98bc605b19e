import type { Pool } from 'pg';
import type { OutboundMessageRef } from '../../commands/outbound-message/handler';
import { decodeEvent } from '../../events/decode';
import type { StoredEvent } from '../../events/store/types';
import type { Logger } from '../../infra/logger';
import { groupByMessage } from './group-by-message';
import type { SendReconciler } from './send-reconciler';
import type { StatusApplier, StatusObserver, StatusToApply } from './status-applier';
import { findIndexedMessages, parkStatuses } from './status-queries';

/**
 * Applies the statuses of one MetaWebhookReceived: each status goes to the outbound message its wamid belongs to
 * (meta_message_index); a status whose wamid no MessageSent names yet is parked, to be applied when that
 * MessageSent lands (see parked-statuses.ts). The statuses of all messages of the webhook are applied together
 * (see StatusApplier): one index lookup, one read of their streams and one transaction for their appends.
 */
export class MetaWebhookStatuses {
  constructor(
    private readonly pool: Pool,
    private readonly applier: Pick<StatusApplier, 'apply'>,
    private readonly logger: Logger,
    private readonly observe: StatusObserver,
    private readonly reconciler: SendReconciler,
  ) {}

  async handle(event: StoredEvent): Promise<void> {
    const decoded = decodeEvent(event);
    if (decoded.type !== 'MetaWebhookReceived') return;
    const context = { causationId: event.eventId, correlationId: event.correlationId ?? event.eventId };
    const tracked = decoded.data.statuses.filter((record) => !record.isIgnored);
    this.observe('ignored', decoded.data.statuses.length - tracked.length);
    if (tracked.length === 0) return;
    const statuses: StatusToApply[] = tracked.map((record) => ({ record, ...context }));

    const messages = new Map<string, OutboundMessageRef>();
    const wamids = [...new Set(tracked.map((record) => record.wamid))];
    for (const found of await findIndexedMessages(this.pool, wamids)) messages.set(found.wamid, found);

    const unknown = statuses.filter((status) => !messages.has(status.record.wamid));
    if (unknown.length > 0) {
      // A send the driver never heard back about is recorded first (its MessageSent fills the index), so that its
      // statuses apply now instead of being parked.
      await this.reconciler.reconcile(unknown);
      // Under the wamids' locks: a MessageSent that committed since the lookup above is seen here.
      for (const found of await parkStatuses(this.pool, unknown)) messages.set(found.wamid, found);
      const parked = unknown.filter((status) => !messages.has(status.record.wamid));
      this.observe('parked', parked.length);
      this.logParked(parked);
    }

    const groups = groupByMessage(
      statuses,
      (status) => status.record.wamid,
      (wamid) => messages.get(wamid),
    );
    await this.applier.apply(groups);
  }

  private logParked(parked: StatusToApply[]): void {
    // Debug: Meta also reports messages other tools sent from the same number, and those are parked too.
    for (const { record } of parked) {
      this.logger.debug(
        { wamid: record.wamid, status: record.status, bizOpaqueCallbackData: record.bizOpaqueCallbackData },
        'status for an unknown wamid parked until its MessageSent',
      );
    }
  }
}

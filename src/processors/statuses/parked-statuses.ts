import type { Pool } from 'pg';
import type { OutboundMessageRef } from '../../commands/outbound-message/handler';
import { decodeOutboundEvent } from '../../events/decode';
import { genesysMessageIdOfStream } from '../../events/schemas/stream-ids';
import type { StoredEvent } from '../../events/store/types';
import type { Logger } from '../../infra/logger';
import { groupByMessage } from './group-by-message';
import type { StatusApplier } from './status-applier';
import {
  deleteParkedStatuses,
  expireParkedStatuses,
  parkedStatusesFor,
  parkedStatusesNowIndexed,
  type IndexedMessage,
} from './status-queries';

/** The message whose stream holds this MessageSent (throws when that is no outbound stream of its tenant). */
const messageOfStream = (event: StoredEvent): OutboundMessageRef => ({
  tenantId: event.tenantId,
  genesysMessageId: genesysMessageIdOfStream(event),
});

/**
 * Statuses that arrived before their MessageSent. They are applied when the MessageSent comes by on the outbound
 * topic (the first line), and by a periodic sweep of parked statuses whose wamid is known by now (the second line:
 * it needs no Kafka message, so a MessageSent handled before this code was deployed, or a bug in the first line,
 * cannot leave a status parked forever). Both apply, then delete; applying twice is a no-op for the decider.
 */
export class ParkedStatuses {
  constructor(
    private readonly pool: Pool,
    private readonly applier: Pick<StatusApplier, 'apply'>,
    private readonly logger: Logger,
    /** How long a status waits for its MessageSent before it is dropped as not this bridge's. */
    private readonly retentionMs: number = 7 * 24 * 3600 * 1000,
  ) {}

  async onMessageSent(event: StoredEvent): Promise<void> {
    const decoded = decodeOutboundEvent(event);
    if (decoded.type !== 'MessageSent') return;
    // Read under the wamid's lock: a parker that saw no index row has committed its row by now (migration 004).
    const rows = await parkedStatusesFor(this.pool, decoded.data.wamid);
    if (rows.length === 0) return;
    const message = messageOfStream(event);
    this.logger.info(
      { wamid: decoded.data.wamid, statuses: rows.length, ...message },
      'applying statuses that arrived before their MessageSent',
    );
    await this.applier.apply([{ message, statuses: rows.map((row) => row.parked) }]);
    await deleteParkedStatuses(
      this.pool,
      rows.map((row) => row.id),
    );
  }

  /** Applies parked statuses whose wamid is known by now, `batchSize` at a time; answers how many were applied. */
  async sweep(batchSize = 500): Promise<number> {
    let swept = 0;
    for (;;) {
      const rows = await parkedStatusesNowIndexed(this.pool, batchSize);
      if (rows.length === 0) return swept;
      const messages = new Map<string, IndexedMessage>(rows.map((row) => [row.message.wamid, row.message]));
      const groups = groupByMessage(
        rows,
        (row) => row.parked.record.wamid,
        (wamid) => messages.get(wamid),
      );
      await this.applier.apply(
        groups.map((group) => ({
          message: group.message,
          statuses: group.statuses.map((row) => row.parked),
        })),
      );
      await deleteParkedStatuses(
        this.pool,
        rows.map((row) => row.id),
      );
      swept += rows.length;
      this.logger.info({ statuses: rows.length }, 'sweep applied parked statuses whose wamid is known now');
      if (rows.length < batchSize) return swept;
    }
  }

  /**
   * Drops statuses that waited longer than the retention for a MessageSent: a MessageSent follows its status by
   * moments, so these belong to messages this bridge did not send. Logged with their wamids; answers how many.
   */
  async expire(batchSize = 500): Promise<number> {
    let expired = 0;
    for (;;) {
      const wamids = await expireParkedStatuses(this.pool, this.retentionMs, batchSize);
      expired += wamids.length;
      if (wamids.length > 0) {
        this.logger.warn(
          {
            statuses: wamids.length,
            wamids: [...new Set(wamids)].slice(0, 20),
            retentionMs: this.retentionMs,
          },
          'dropped parked statuses whose message this bridge never sent',
        );
      }
      if (wamids.length < batchSize) return expired;
    }
  }
}

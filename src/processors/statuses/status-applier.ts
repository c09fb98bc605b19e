import { CommandRejected } from '../../commands/command-rejected';
import {
  handleOutboundMessageCommand,
  type OutboundMessageRef,
} from '../../commands/outbound-message/handler';
import type { EventStore } from '../../events/store/types';
import type { Logger } from '../../infra/logger';
import { toRecordMetaStatus } from './record-meta-status';
import { inApplyOrder } from './status-order';
import type { ParkedStatus } from './status-queries';

/** What became of statuses: counted for metrics and the benchmark. */
export type StatusOutcome = 'applied' | 'unchanged' | 'parked' | 'ignored' | 'rejected';
export type StatusObserver = (outcome: StatusOutcome, count: number) => void;

/** A status with the webhook it came in (for the causation and correlation ids of the events it leads to). */
export type StatusToApply = ParkedStatus;

/**
 * Applies Meta statuses to one outbound message, one command at a time in apply order. The decider decides what
 * each status means (forward only, read implies delivered, failed final), so a duplicate or stale status is a
 * no-op and applying a list twice is harmless. A status the rules refuse is logged and skipped: trying it again
 * would be refused the same way. Anything else (the store, the network) throws, and the caller retries.
 */
export class StatusApplier {
  constructor(
    private readonly store: EventStore,
    private readonly logger: Logger,
    private readonly observe: StatusObserver = () => undefined,
  ) {}

  async apply(message: OutboundMessageRef, statuses: readonly StatusToApply[]): Promise<void> {
    const byRecord = new Map(statuses.map((status) => [status.record, status]));
    for (const record of inApplyOrder(statuses.map((status) => status.record))) {
      const { causationId, correlationId } = byRecord.get(record)!;
      const command = toRecordMetaStatus(record);
      if (!command) {
        this.observe('ignored', 1);
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

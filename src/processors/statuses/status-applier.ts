import { CommandRejected } from '../../commands/command-rejected';
import { foldEvents } from '../../commands/decider';
import type { RecordMetaStatus } from '../../commands/outbound-message/commands';
import { outboundMessageDecider } from '../../commands/outbound-message/decider';
import type { OutboundMessageRef } from '../../commands/outbound-message/handler';
import { decodeOutboundEvent } from '../../events/decode';
import { encodeEvent } from '../../events/encode';
import { outboundStreamId } from '../../events/schemas/stream-ids';
import type { MultiStreamStore, StreamAppend } from '../../events/store/multi-stream';
import { ExpectedVersionConflict, type StoredEvent } from '../../events/store/types';
import type { Logger } from '../../infra/logger';
import type { TenantRepository } from '../../tenants/tenant-repository';
import type { MessageStatuses } from './group-by-message';
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

/** A message's statuses that passed the checks, as commands in apply order. */
interface MessageCommands {
  message: OutboundMessageRef;
  streamId: string;
  commands: { status: StatusToApply; command: RecordMetaStatus }[];
}

/** What the commands of one message decided on one read of its stream; reported once its appends commit. */
interface Decision {
  streamId: string;
  appends: StreamAppend[];
  report: () => void;
}

/**
 * Applies Meta statuses to outbound messages, many messages at a time: one read of all their streams, a decision
 * per message (its statuses one command at a time in apply order, on the state the previous one left), and one
 * transaction appending to every stream that did not move meanwhile. A stream that moved (the outbound driver
 * appended to it) is read and decided again, a few rounds, then ExpectedVersionConflict is thrown for the
 * consumer to retry: a status is never decided on a stale state nor dropped. The decider decides what each status
 * means (forward only, read implies delivered, failed final), so a duplicate or stale status is a no-op and
 * applying a batch twice is harmless. A status the rules refuse is logged and skipped: trying it again would be
 * refused the same way. Anything else (the store, the network, an undecodable stream) throws and the caller
 * retries.
 *
 * A status only applies to a message its tenant sends from the phone number the status came to
 * (`value.metadata.phone_number_id`). The wamid alone is not enough: a wamid is no secret, and a webhook signed
 * with the app secret of a shared Meta app can be about any number of that app, so tenant B's number must not be
 * able to mark tenant A's message delivered or failed. The driver sends every part from the tenant's current
 * WhatsApp number, so that is the number checked (MessageSent does not record one).
 */
export class StatusApplier {
  constructor(
    private readonly store: MultiStreamStore,
    private readonly logger: Logger,
    private readonly tenants: Pick<TenantRepository, 'tenantsWithPhoneNumber'>,
    private readonly observe: StatusObserver = () => undefined,
    /** Reads and decisions of a stream that keeps moving before the conflict is left to the caller. */
    private readonly maxRounds = 4,
  ) {}

  async apply(groups: readonly MessageStatuses<StatusToApply>[]): Promise<void> {
    let pending = await this.screen(groups);
    for (let round = 1; pending.length > 0; round++) {
      const streams = await this.store.readStreams(pending.map((message) => message.streamId));
      const decisions = pending.map((message) => this.decide(message, streams.get(message.streamId) ?? []));
      const outcomes = await this.store.appendToStreams(decisions.flatMap((decision) => decision.appends));
      const moved = new Map(
        outcomes.flatMap((outcome) => (outcome.appended ? [] : [[outcome.streamId, outcome]])),
      );
      for (const decision of decisions) if (!moved.has(decision.streamId)) decision.report();
      pending = pending.filter((message) => moved.has(message.streamId));
      const [first] = pending;
      if (first && round >= this.maxRounds) {
        const outcome = moved.get(first.streamId)!;
        throw new ExpectedVersionConflict(
          first.streamId,
          'any',
          outcome.appended ? Number.NaN : outcome.actual,
        );
      }
    }
  }

  /** Leaves out statuses the bridge does not apply and those from a number the message is not sent from. */
  private async screen(groups: readonly MessageStatuses<StatusToApply>[]): Promise<MessageCommands[]> {
    // phone number id → the tenants sending from it; one lookup per number and batch.
    const senders = new Map<string, Promise<string[]>>();
    const tenantsSendingFrom = (phoneNumberId: string) => {
      let tenants = senders.get(phoneNumberId);
      if (tenants === undefined) {
        tenants = this.tenants.tenantsWithPhoneNumber(phoneNumberId);
        senders.set(phoneNumberId, tenants);
      }
      return tenants;
    };
    const screened: MessageCommands[] = [];
    for (const { message, statuses } of groups) {
      const byRecord = new Map(statuses.map((status) => [status.record, status]));
      const commands: MessageCommands['commands'] = [];
      for (const record of inApplyOrder(statuses.map((status) => status.record))) {
        const command = toRecordMetaStatus(record);
        if (!command) {
          this.observe('ignored', 1);
          continue;
        }
        if (!(await tenantsSendingFrom(record.phoneNumberId)).includes(message.tenantId)) {
          this.observe('wrong-number', 1);
          this.logger.warn(
            { wamid: record.wamid, status: record.status, phoneNumberId: record.phoneNumberId, ...message },
            "Meta status from a phone number the message's tenant does not send from; not applied",
          );
          continue;
        }
        commands.push({ status: byRecord.get(record)!, command });
      }
      if (commands.length > 0) {
        const streamId = outboundStreamId(message.tenantId, message.genesysMessageId);
        screened.push({ message, streamId, commands });
      }
    }
    return screened;
  }

  private decide({ message, streamId, commands }: MessageCommands, stored: StoredEvent[]): Decision {
    // Decode errors propagate: deciding on a partly understood stream could move a message wrongly.
    let state = foldEvents(outboundMessageDecider, stored.map(decodeOutboundEvent));
    // Every event of a stream belongs to the conversation of its first one.
    const conversationId = stored[0]?.conversationId ?? null;
    const appends: StreamAppend[] = [];
    const outcomes: StatusOutcome[] = [];
    const refusals: { code: string; record: StatusToApply['record'] }[] = [];
    for (const { status, command } of commands) {
      let decided;
      try {
        decided = outboundMessageDecider.decide(command, state);
      } catch (error) {
        if (!(error instanceof CommandRejected)) throw error;
        outcomes.push('rejected');
        refusals.push({ code: error.code, record: status.record });
        continue;
      }
      if (decided.length === 0) {
        outcomes.push('unchanged');
        continue;
      }
      outcomes.push('applied');
      state = foldEvents(outboundMessageDecider, decided, state);
      const events = decided.map((event) =>
        encodeEvent(event, { tenantId: message.tenantId, conversationId }),
      );
      const last = appends.at(-1);
      // Events of statuses from one webhook share their metadata, so they go in one append.
      if (
        last?.metadata?.causationId === status.causationId &&
        last.metadata.correlationId === status.correlationId
      ) {
        last.events.push(...events);
      } else {
        appends.push({
          streamId,
          expected: last ? last.expected + last.events.length : (stored.at(-1)?.streamPosition ?? 0),
          events,
          metadata: { correlationId: status.correlationId, causationId: status.causationId },
        });
      }
    }
    return {
      streamId,
      appends,
      report: () => {
        for (const outcome of outcomes) this.observe(outcome, 1);
        for (const { code, record } of refusals) {
          this.logger.warn(
            { code, wamid: record.wamid, status: record.status, ...message },
            'Meta status refused by the message rules; skipped',
          );
        }
      },
    };
  }
}

/**
 * Meta statuses for one part. Meta batches, duplicates and reorders them (a `read` can arrive before its
 * `delivered`, a `delivered` after `read`), so each is applied only if it moves the part forward:
 * accepted < sent < delivered < read, and `failed` is final.
 *
 * `failed` is recorded only while the part is accepted or sent. Meta can report `failed` after `sent` (e.g. the
 * customer's number stopped using WhatsApp); once the part was delivered or read the customer has it, so a later
 * `failed` is ignored rather than turning a delivered message into a failed one.
 */
import { metaTimestampToIso } from '../../events/schemas/common';
import type { OutboundEvent } from '../../events/schemas/outbound-events';
import type { RecordMetaStatus } from './commands';
import { rejectOutbound } from './rejections';
import { canAdvance, findPart, type OutboundState } from './state';

/** Reason code of a MessageFailed that comes from a Meta `failed` status; Meta's own code is kept beside it. */
export const META_DELIVERY_FAILED = 'MetaDeliveryFailed';

export const decideMetaStatus = (command: RecordMetaStatus, state: OutboundState): OutboundEvent[] => {
  if (state.message === null)
    throw rejectOutbound('MessageNotReceived', 'No webhook was received for this message');
  const part = findPart(state, command.wamid);
  if (!part)
    throw rejectOutbound('UnknownWamid', 'The status is for a wamid that is not a part of this message');
  const at = metaTimestampToIso(command.timestamp);
  if (at === null) throw rejectOutbound('InvalidMetaTimestamp', 'Meta status timestamp is not Unix seconds');

  // Duplicate, stale, after a final failure, or a failure after delivery: nothing new to record.
  if (!canAdvance(part.status, command.status)) return [];
  const { wamid, recipientId } = command;
  const recipient = recipientId === undefined ? {} : { recipientId };

  switch (command.status) {
    case 'sent':
      return [{ type: 'StatusSent', data: { wamid, sentAt: at, ...recipient } }];
    case 'delivered':
      return [
        { type: 'Delivered', data: { wamid, deliveredAt: at, ...recipient, isInferredFromRead: false } },
      ];
    case 'read': {
      const read: OutboundEvent = { type: 'Read', data: { wamid, readAt: at, ...recipient } };
      if (part.status === 'delivered') return [read];
      // A read message was delivered; Meta's `delivered` may never come (or come later and be ignored).
      return [
        { type: 'Delivered', data: { wamid, deliveredAt: at, ...recipient, isInferredFromRead: true } },
        read,
      ];
    }
    case 'failed':
      return [{ type: 'MessageFailed', data: deliveryFailure(command) }];
  }
};

const deliveryFailure = ({ wamid, error }: RecordMetaStatus) => ({
  stage: 'delivery' as const,
  reason: META_DELIVERY_FAILED,
  message: error?.message ?? error?.title ?? 'Meta reported the message as failed',
  wamid,
  ...(error === undefined
    ? {}
    : {
        metaErrorCode: error.code,
        metaErrorTitle: error.title,
        ...(error.details === undefined ? {} : { metaErrorDetails: error.details }),
      }),
});

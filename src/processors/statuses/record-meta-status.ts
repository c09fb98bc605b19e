import type { RecordMetaStatus } from '../../commands/outbound-message/commands';
import { isTrackedMetaStatus, type MetaStatusRecord } from '../../events/schemas/meta-webhook-received';

/**
 * The outbound command for one recorded Meta status, or undefined for a status kind the bridge does not apply.
 * Meta lists one error per failed status in practice; the first is the one recorded on the message.
 * `recipient_user_id` (a business-scoped user id) is not a wa_id and is not passed on as the recipient.
 */
export const toRecordMetaStatus = (record: MetaStatusRecord): RecordMetaStatus | undefined => {
  if (!isTrackedMetaStatus(record.status)) return undefined;
  const error = record.errors?.[0];
  return {
    type: 'RecordMetaStatus',
    status: record.status,
    wamid: record.wamid,
    timestamp: record.timestamp,
    ...(record.recipientId !== undefined ? { recipientId: record.recipientId } : {}),
    ...(error
      ? {
          error: {
            code: error.code,
            title: error.title,
            ...(error.message !== undefined ? { message: error.message } : {}),
            ...(error.details !== undefined ? { details: error.details } : {}),
          },
        }
      : {}),
  };
};

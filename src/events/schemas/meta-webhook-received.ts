/**
 * MetaWebhookReceived: Meta POSTed a signed WhatsApp Business Account webhook to us (statuses, inbound messages).
 * Recorded as received, before anything is looked up, so the answer to Meta waits for one append only. Statuses
 * are applied to their outbound messages later, by the status processor.
 *
 * The stream is `meta-webhook-{sha256 of the raw body}` and is written once, at expected position 0: Meta retries
 * an unacknowledged webhook for up to 7 days with the same body, and such a retry changes nothing.
 *
 * Usually one event per webhook. A batch too large for one Kafka record (Meta batches up to 1000 updates; the
 * broker refuses records above about 1 MiB) is stored as several parts in the same single append: the parts'
 * `rawBody` strings concatenated in part order are the body exactly as received, and each part carries its share
 * of the statuses.
 */
import { z } from 'zod';
import { externalId, isoInstant, metaUnixSeconds, wamid } from './common';
import { defineEvent } from './define';

/**
 * Statuses that move an outbound message forward, earliest first: the one order the status processor and the read
 * models move along (`failed` is final). Meta also sends others (e.g. `deleted`, `warning`).
 */
export const TRACKED_META_STATUSES = ['sent', 'delivered', 'read', 'failed'] as const;
export type TrackedMetaStatus = (typeof TRACKED_META_STATUSES)[number];

export const isTrackedMetaStatus = (status: string): status is TrackedMetaStatus =>
  (TRACKED_META_STATUSES as readonly string[]).includes(status);

/** Tenant id of meta-webhook streams: a Meta app's webhook is not one tenant's, and `$` is never in a tenant id. */
export const META_WEBHOOK_TENANT_ID = '$meta';

export const metaWebhookStreamId = (bodySha256Hex: string): string => {
  if (!/^[0-9a-f]{64}$/.test(bodySha256Hex)) throw new TypeError('meta webhook stream ids need a sha256 hex');
  return `meta-webhook-${bodySha256Hex}`;
};

export const metaStatusErrorSchema = z.object({
  code: z.int().describe('Meta error code, e.g. 131047.'),
  title: z.string().describe('Meta error title.'),
  message: z.string().optional().describe('Meta error message.'),
  details: z.string().optional().describe('Meta `error_data.details`.'),
});

export const metaStatusRecordSchema = z
  .object({
    wamid: wamid().describe('Meta message id the status is about (`statuses[].id`).'),
    status: z
      .string()
      .min(1)
      .max(64)
      .describe('Status as Meta sent it: sent, delivered, read, failed, or another Meta status.'),
    isIgnored: z
      .boolean()
      .describe('True for statuses the bridge records but does not apply (anything but sent/delivered/read/failed).'),
    timestamp: metaUnixSeconds().describe("Meta's `timestamp` of the status: Unix seconds, as a string."),
    recipientId: externalId()
      .optional()
      .describe('`recipient_id` (the wa_id); absent when Meta sent it empty for a business-scoped user.'),
    recipientUserId: externalId()
      .optional()
      .describe('`recipient_user_id`: the business-scoped user id Meta sends instead of a phone number.'),
    phoneNumberId: externalId().describe('Business phone number id of the change (`value.metadata.phone_number_id`).'),
    wabaId: externalId().optional().describe('WhatsApp Business Account id (`entry[].id`).'),
    errors: z.array(metaStatusErrorSchema).optional().describe('Meta `errors[]` of a failed status.'),
    bizOpaqueCallbackData: z
      .string()
      .optional()
      .describe('`biz_opaque_callback_data` echoed from the send: the Genesys message id, set by the bridge.'),
  })
  .refine((status) => status.isIgnored !== isTrackedMetaStatus(status.status), {
    path: ['isIgnored'],
    message: 'isIgnored must be true exactly for statuses other than sent, delivered, read and failed',
  });

export type MetaStatusRecord = z.output<typeof metaStatusRecordSchema>;

/** At most this many malformed statuses are described in one event; `invalidStatusCount` counts them all. */
export const MAX_REPORTED_INVALID_STATUSES = 50;
/** At most this many issues per malformed status, each message cut to MAX_ISSUE_MESSAGE_LENGTH. */
export const MAX_ISSUES_PER_INVALID_STATUS = 3;
export const MAX_ISSUE_MESSAGE_LENGTH = 200;

export const metaInvalidStatusSchema = z
  .object({
    path: z
      .string()
      .max(200)
      .describe('Where the status is in the body, e.g. `entry.0.changes.0.value.statuses.3`.'),
    issues: z
      .array(
        z.object({
          path: z.string().max(200).describe('The field of the status, e.g. `timestamp`; empty for the status itself.'),
          message: z.string().max(MAX_ISSUE_MESSAGE_LENGTH).describe('Why it was refused (never the value).'),
        }),
      )
      .max(MAX_ISSUES_PER_INVALID_STATUS)
      .describe('Why the status cannot be applied.'),
  })
  .describe('A status of the batch that is not applied because it is malformed (its value stays in rawBody).');

export type MetaInvalidStatus = z.output<typeof metaInvalidStatusSchema>;
export type MetaStatusError = z.output<typeof metaStatusErrorSchema>;

export const metaWebhookReceivedDataSchema = z
  .object({
    webhookId: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .describe('SHA-256 (hex) of the whole raw body; the stream is `meta-webhook-{webhookId}`.'),
    part: z.int().nonnegative().describe('0-based part of the webhook this event holds.'),
    partCount: z.int().positive().describe('Number of parts the webhook was stored in (1 unless very large).'),
    rawBody: z
      .string()
      .describe(
        'The body exactly as received (UTF-8); for a webhook stored in parts, this part of it. Kept so the ' +
          'signature can be checked again later.',
      ),
    signature: z
      .string()
      .regex(/^sha256=[0-9a-fA-F]{64}$/)
      .describe('The `X-Hub-Signature-256` header as received: an HMAC of the whole body, not a secret.'),
    receivedAt: isoInstant().describe('When the bridge received the request.'),
    statuses: z
      .array(metaStatusRecordSchema)
      .describe('Every status of this part, from every entry and change, in the order Meta listed them.'),
    invalidStatuses: z
      .array(metaInvalidStatusSchema)
      .max(MAX_REPORTED_INVALID_STATUSES)
      .optional()
      .describe(
        'Statuses of the webhook left out of `statuses` because they are malformed (part 0 only): the valid ' +
          'statuses of a batch are applied whatever one bad status holds.',
      ),
    invalidStatusCount: z
      .int()
      .nonnegative()
      .optional()
      .describe('How many statuses were malformed in all (part 0 only); `invalidStatuses` describes the first ones.'),
  })
  .refine((data) => data.part < data.partCount, { path: ['part'], message: 'part must be below partCount' });

export type MetaWebhookReceivedData = z.output<typeof metaWebhookReceivedDataSchema>;

export const metaWebhookReceivedEvent = defineEvent({
  type: 'MetaWebhookReceived',
  version: 1,
  category: 'meta-webhook',
  description: 'Meta delivered a signed WhatsApp webhook (statuses, inbound messages); the raw body is kept verbatim.',
  schema: metaWebhookReceivedDataSchema,
});

/**
 * The body Meta POSTs to our WhatsApp webhook (WhatsApp Cloud API, "Webhooks" and the `messages` field reference),
 * and the flat list of statuses the rest of the pipeline works from.
 *
 * Strict only where we depend on a field: a status needs its wamid, its status and its timestamp, and the change
 * that carries it needs `metadata.phone_number_id`. Loose everywhere else: Meta adds fields and statuses over
 * time, a refused webhook is retried for 7 days and then lost, and everything unknown stays in the raw body we keep.
 *
 * Vendor facts this relies on (Meta webhook docs and test/fixtures/meta):
 * - one POST may batch up to 1000 updates, across several `entry[]` and `changes[]`;
 * - `timestamp` is Unix seconds as a string;
 * - `recipient_id` may be EMPTY for business-scoped users, with `recipient_user_id` carrying their id instead;
 * - besides sent/delivered/read/failed, Meta sends other statuses (e.g. `deleted`, `warning`);
 * - `biz_opaque_callback_data` echoes what the send set (the bridge sets the Genesys message id).
 */
import { z } from 'zod';
import { isTrackedMetaStatus, type MetaStatusRecord } from '../../events/schemas/meta-webhook-received';

/** Meta sends a string; a number is tolerated rather than losing the batch over it. */
const unixSeconds = z.union([
  z.string().regex(/^[0-9]{1,12}$/, 'must be Unix seconds'),
  z.int().nonnegative().max(999_999_999_999),
]);

const statusErrorSchema = z.looseObject({
  code: z.int(),
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: z.looseObject({ details: z.string().optional() }).optional(),
});

const statusSchema = z.looseObject({
  id: z.string().min(1).max(512),
  status: z.string().min(1).max(64),
  timestamp: unixSeconds,
  recipient_id: z.string().max(512).optional(),
  recipient_user_id: z.string().max(512).optional(),
  conversation: z.looseObject({}).optional(),
  pricing: z.looseObject({}).optional(),
  errors: z.array(statusErrorSchema).optional(),
  biz_opaque_callback_data: z.string().optional(),
});

/** Inbound customer messages: recorded in the raw body only (handling them is not the bridge's job yet). */
const inboundMessageSchema = z.looseObject({ id: z.string().optional() });

const changeValueSchema = z.looseObject({
  messaging_product: z.string().optional(),
  metadata: z
    .looseObject({ phone_number_id: z.string().min(1).max(512), display_phone_number: z.string().optional() })
    .optional(),
  statuses: z.array(statusSchema).optional(),
  messages: z.array(inboundMessageSchema).optional(),
  contacts: z.array(z.looseObject({})).optional(),
});

const changeSchema = z
  .looseObject({ field: z.string().optional(), value: changeValueSchema })
  .refine((change) => !change.value.statuses?.length || change.value.metadata !== undefined, {
    path: ['value', 'metadata'],
    message: 'statuses need metadata.phone_number_id',
  });

export const metaWebhookSchema = z.looseObject({
  object: z.string().min(1),
  // The WABA id goes into every status record, whose event schema caps it like any external id.
  entry: z.array(z.looseObject({ id: z.string().max(512).optional(), changes: z.array(changeSchema) })),
});

export type MetaWebhook = z.output<typeof metaWebhookSchema>;
type MetaStatus = z.output<typeof statusSchema>;

const nonEmpty = (value: string | undefined): value is string => value !== undefined && value.length > 0;

const statusErrors = (status: MetaStatus): Pick<MetaStatusRecord, 'errors'> => {
  if (!status.errors?.length) return {};
  return {
    errors: status.errors.map((error) => ({
      code: error.code,
      // Meta always sends a title; should one be missing, the message (or the code) still says what happened.
      title: error.title ?? error.message ?? `Meta error ${error.code}`,
      ...(error.message !== undefined ? { message: error.message } : {}),
      ...(error.error_data?.details !== undefined ? { details: error.error_data.details } : {}),
    })),
  };
};

const toRecord = (status: MetaStatus, phoneNumberId: string, wabaId: string | undefined): MetaStatusRecord => ({
  wamid: status.id,
  status: status.status,
  isIgnored: !isTrackedMetaStatus(status.status),
  timestamp: String(status.timestamp),
  ...(nonEmpty(status.recipient_id) ? { recipientId: status.recipient_id } : {}),
  ...(nonEmpty(status.recipient_user_id) ? { recipientUserId: status.recipient_user_id } : {}),
  phoneNumberId,
  ...(nonEmpty(wabaId) ? { wabaId } : {}),
  ...statusErrors(status),
  ...(status.biz_opaque_callback_data !== undefined
    ? { bizOpaqueCallbackData: status.biz_opaque_callback_data }
    : {}),
});

/** Every status of every change of every entry, in the order Meta listed them, each with its phone number id. */
export const statusRecordsOf = (webhook: MetaWebhook): MetaStatusRecord[] =>
  webhook.entry.flatMap((entry) =>
    entry.changes.flatMap((change) => {
      const phoneNumberId = change.value.metadata?.phone_number_id;
      if (phoneNumberId === undefined) return []; // only changes without statuses (see changeSchema)
      return (change.value.statuses ?? []).map((status) => toRecord(status, phoneNumberId, entry.id));
    }),
  );

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
import {
  isTrackedMetaStatus,
  MAX_ISSUE_MESSAGE_LENGTH,
  MAX_ISSUES_PER_INVALID_STATUS,
  MAX_REPORTED_INVALID_STATUSES,
  metaStatusRecordSchema,
  type MetaInvalidStatus,
  type MetaStatusRecord,
} from '../../events/schemas/meta-webhook-received';

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

// The limits of the fields copied into MetaWebhookReceived are the event schema's (one owner); recipient ids may
// also be empty (business-scoped users), which the record leaves out.
const recordField = metaStatusRecordSchema.shape;

const statusSchema = z.looseObject({
  id: recordField.wamid,
  status: recordField.status,
  timestamp: unixSeconds,
  recipient_id: z.literal('').or(recordField.recipientId.unwrap()).optional(),
  recipient_user_id: z.literal('').or(recordField.recipientUserId.unwrap()).optional(),
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
  // Checked one by one (metaStatusesOf): one malformed status must not cost the batch its valid ones.
  statuses: z.array(z.unknown()).optional(),
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

export interface MetaStatuses {
  /** The valid statuses, in the order Meta listed them. */
  statuses: MetaStatusRecord[];
  /** The first MAX_REPORTED_INVALID_STATUSES malformed ones: where they are and why (never their values). */
  invalid: MetaInvalidStatus[];
  invalidCount: number;
}

const toIssues = (issues: readonly z.core.$ZodIssue[]): MetaInvalidStatus['issues'] =>
  issues.slice(0, MAX_ISSUES_PER_INVALID_STATUS).map((issue) => ({
    path: issue.path.join('.').slice(0, 200),
    message: issue.message.slice(0, MAX_ISSUE_MESSAGE_LENGTH),
  }));

/**
 * Every status of every change of every entry, each with its phone number id; each checked on its own against
 * the request schema and then the event's record schema, so that a malformed one is reported, not fatal.
 */
export const metaStatusesOf = (webhook: MetaWebhook): MetaStatuses => {
  const result: MetaStatuses = { statuses: [], invalid: [], invalidCount: 0 };
  const refuse = (path: string, issues: readonly z.core.$ZodIssue[]) => {
    result.invalidCount += 1;
    if (result.invalid.length < MAX_REPORTED_INVALID_STATUSES) result.invalid.push({ path, issues: toIssues(issues) });
  };
  webhook.entry.forEach((entry, e) =>
    entry.changes.forEach((change, c) => {
      const phoneNumberId = change.value.metadata?.phone_number_id;
      if (phoneNumberId === undefined) return; // only changes without statuses (see changeSchema)
      (change.value.statuses ?? []).forEach((raw, s) => {
        const path = `entry.${e}.changes.${c}.value.statuses.${s}`;
        const status = statusSchema.safeParse(raw);
        if (!status.success) return refuse(path, status.error.issues);
        const record = metaStatusRecordSchema.safeParse(toRecord(status.data, phoneNumberId, entry.id));
        if (!record.success) return refuse(path, record.error.issues);
        result.statuses.push(record.data);
      });
    }),
  );
  return result;
};

/** The valid statuses of a webhook (metaStatusesOf without the report of malformed ones). */
export const statusRecordsOf = (webhook: MetaWebhook): MetaStatusRecord[] => metaStatusesOf(webhook).statuses;

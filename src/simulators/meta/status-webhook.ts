import { createHmac, randomBytes } from 'node:crypto';
import { postSignedWebhook, toBytes, type WebhookDelivery } from '../common/post-signed';

export type MetaStatus = 'sent' | 'delivered' | 'read' | 'failed';

/** One status update, the short way; the simulator fills in the rest like fixtures/meta/status-*.json. */
export interface StatusUpdate {
  wamid: string;
  status: MetaStatus;
  /** Unix seconds (Meta sends a string); defaults to now. */
  timestamp?: number | string;
  /** `recipient_id`: the customer's wa_id; absent for a send addressed by business-scoped user id only. */
  recipientId?: string;
  /**
   * `recipient_user_id` (2026): the customer's business-scoped user id. Meta includes it in sent, delivered and read
   * statuses whether the send went to a phone number or to a BSUID (developers.facebook.com, "Business-scoped user
   * IDs"; its webhook tables); the simulator includes it when given, or when the send was addressed by `recipient`.
   */
  recipientUserId?: string;
  /** For `failed`: Meta's errors[] (fixtures/meta/status-failed-131049.json). */
  errors?: { code: number; title: string; message?: string; details?: string }[];
  /** Meta echoes the send's `biz_opaque_callback_data` in its statuses. */
  bizOpaqueCallbackData?: string;
  phoneNumberId?: string;
  displayPhoneNumber?: string;
  /** WhatsApp Business Account id (`entry[].id`). */
  wabaId?: string;
}

/** A whole webhook body (an object, or raw bytes sent as they are), or one update to wrap in Meta's envelope. */
export type StatusWebhookInput = string | Buffer | { object: string; entry: unknown[] } | StatusUpdate;

const errorCodesHref = 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/';

const statusObject = (update: StatusUpdate): Record<string, unknown> => {
  const base: Record<string, unknown> = {
    id: update.wamid,
    status: update.status,
    timestamp: String(update.timestamp ?? Math.floor(Date.now() / 1000)),
  };
  if (update.recipientId !== undefined) base.recipient_id = update.recipientId;
  if (update.recipientUserId !== undefined) base.recipient_user_id = update.recipientUserId;
  if (update.bizOpaqueCallbackData !== undefined)
    base.biz_opaque_callback_data = update.bizOpaqueCallbackData;
  if (update.status === 'failed') {
    base.errors = (update.errors ?? [{ code: 131000, title: 'Something went wrong' }]).map((error) => ({
      code: error.code,
      title: error.title,
      message: error.message ?? error.title,
      error_data: { details: error.details ?? error.title },
      href: errorCodesHref,
    }));
    return base;
  }
  // Sent/delivered/read carry conversation and pricing (PMP pricing, as in the captured fixtures).
  base.conversation = { id: randomBytes(16).toString('hex'), origin: { type: 'service' } };
  base.pricing = {
    billable: false,
    pricing_model: 'PMP',
    category: 'service',
    type: 'free_customer_service',
  };
  return base;
};

export const buildStatusWebhook = (update: StatusUpdate): Record<string, unknown> => ({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: update.wabaId ?? '102290129340398',
      changes: [
        {
          value: {
            messaging_product: 'whatsapp',
            metadata: {
              display_phone_number: update.displayPhoneNumber ?? '15550783881',
              phone_number_id: update.phoneNumberId ?? '106540352242922',
            },
            statuses: [statusObject(update)],
          },
          field: 'messages',
        },
      ],
    },
  ],
});

/** Meta's webhook signature: `sha256=` and the HEX HMAC-SHA256 of the raw body with the app secret. */
export const signMetaWebhook = (appSecret: string, rawBody: string | Buffer): string =>
  `sha256=${createHmac('sha256', appSecret).update(toBytes(rawBody)).digest('hex')}`;

const isStatusUpdate = (input: StatusWebhookInput): input is StatusUpdate =>
  typeof input === 'object' && !Buffer.isBuffer(input) && !('object' in input);

export const statusWebhookBytes = (input: StatusWebhookInput): Buffer => {
  if (typeof input === 'string' || Buffer.isBuffer(input)) return toBytes(input);
  return Buffer.from(JSON.stringify(isStatusUpdate(input) ? buildStatusWebhook(input) : input), 'utf8');
};

/** POSTs a Meta status webhook, signed over the exact bytes sent. */
export const sendMetaStatusWebhook = (
  targetUrl: string,
  appSecret: string,
  input: StatusWebhookInput,
): Promise<WebhookDelivery> => {
  const raw = statusWebhookBytes(input);
  return postSignedWebhook(targetUrl, raw, signMetaWebhook(appSecret, raw));
};

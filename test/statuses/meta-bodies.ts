/** Meta status webhook bodies for tests, shaped like test/fixtures/meta/status-*.json. */
export interface StatusSpec {
  wamid: string;
  status: string;
  /** Unix seconds */
  timestamp: number;
  recipientId?: string;
  recipientUserId?: string;
  errors?: { code: number; title: string; message?: string; details?: string }[];
  bizOpaqueCallbackData?: string;
}

const statusObject = (spec: StatusSpec): Record<string, unknown> => ({
  id: spec.wamid,
  status: spec.status,
  timestamp: String(spec.timestamp),
  recipient_id: spec.recipientId ?? '16505551234',
  ...(spec.recipientUserId !== undefined ? { recipient_user_id: spec.recipientUserId } : {}),
  ...(spec.bizOpaqueCallbackData !== undefined
    ? { biz_opaque_callback_data: spec.bizOpaqueCallbackData }
    : {}),
  ...(spec.errors
    ? {
        errors: spec.errors.map((error) => ({
          code: error.code,
          title: error.title,
          message: error.message ?? error.title,
          error_data: { details: error.details ?? error.title },
        })),
      }
    : {}),
});

/** One webhook carrying `statuses` in one change (Meta batches like this). */
export const statusWebhookBody = (statuses: StatusSpec[], phoneNumberId = '106540352242922'): string =>
  JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId },
              statuses: statuses.map(statusObject),
            },
            field: 'messages',
          },
        ],
      },
    ],
  });

import { randomBytes } from 'node:crypto';
import { postSignedWebhook, type WebhookDelivery } from '../common/post-signed';
import { signMetaWebhook } from './status-webhook';

/** A customer writing to a business number, the short way; the simulator wraps it like fixtures/meta/inbound-*.json. */
export interface InboundCustomerSpec {
  /**
   * The customer's wa_id; leave it out (with `userId`) for a business-scoped user whose number Meta withholds:
   * the webhook then has no `from` and no `wa_id` at all, as Meta's 2026 reference shows it.
   */
  waId?: string;
  userId?: string;
  name?: string;
  username?: string;
}

/** One message: Meta's own message object without `from`/`id`/`timestamp` (those are filled in), or a text. */
export type InboundMessageSpec =
  string | ({ type: string; id?: string; timestamp?: string } & Record<string, unknown>);

export interface InboundWebhookInput {
  customer: InboundCustomerSpec;
  messages: InboundMessageSpec[];
  phoneNumberId?: string;
  displayPhoneNumber?: string;
  /** `entry[].id`, the WhatsApp Business Account id. */
  wabaId?: string;
}

export const newInboundWamid = (): string => `wamid.${randomBytes(24).toString('base64url')}`;

/** Meta's inbound `messages` webhook body for one customer (WhatsApp Cloud API webhook reference). */
export const buildInboundWebhook = (input: InboundWebhookInput): Record<string, unknown> => {
  const { customer } = input;
  const now = String(Math.floor(Date.now() / 1000));
  const messages = input.messages.map((spec) => {
    const message = typeof spec === 'string' ? { type: 'text', text: { body: spec } } : spec;
    return {
      ...(customer.waId !== undefined ? { from: customer.waId } : {}),
      ...(customer.userId !== undefined ? { from_user_id: customer.userId } : {}),
      id: message.id ?? newInboundWamid(),
      timestamp: message.timestamp ?? now,
      ...message,
    };
  });
  const profile = {
    ...(customer.name !== undefined ? { name: customer.name } : {}),
    ...(customer.username !== undefined ? { username: customer.username } : {}),
  };
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: input.wabaId ?? '102290129340398',
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: {
                display_phone_number: input.displayPhoneNumber ?? '15550783881',
                phone_number_id: input.phoneNumberId ?? '106540352242922',
              },
              contacts: [
                {
                  profile,
                  ...(customer.waId !== undefined ? { wa_id: customer.waId } : {}),
                  ...(customer.userId !== undefined ? { user_id: customer.userId } : {}),
                },
              ],
              messages,
            },
            field: 'messages',
          },
        ],
      },
    ],
  };
};

/** POSTs an inbound webhook signed like Meta (hex HMAC of the exact bytes); a Buffer is sent as it is. */
export const sendMetaInboundWebhook = (
  targetUrl: string,
  appSecret: string,
  input: InboundWebhookInput | Buffer,
): Promise<WebhookDelivery> => {
  const raw = Buffer.isBuffer(input)
    ? input
    : Buffer.from(JSON.stringify(buildInboundWebhook(input)), 'utf8');
  return postSignedWebhook(targetUrl, raw, signMetaWebhook(appSecret, raw));
};

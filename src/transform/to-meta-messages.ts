/**
 * A Genesys outbound message → the Meta messages that carry it to the customer, in send order. Pure: the
 * caller has already resolved the wa_id and stored any attachment.
 */
import { META_LIMITS } from './meta-limits';
import type { MetaEnvelope } from './meta-message';
import type { OutboundContent, Recipient, StoredMedia, TransformOptions } from './outbound-content';
import { planContents } from './plan-contents';
import { toE164 } from './recipient';
import { failure, type TransformResult } from './transform-result';

/**
 * The most Meta messages one Genesys message may become. Meta paces messages to one customer (pair rate limit,
 * error 131056: about one every six seconds in bursts), so ten parts (a text of about 40,000 characters) already
 * take a while to arrive, and a longer text is far more likely a paste gone wrong than a message: the agent gets a
 * Failed receipt rather than the customer hundreds of messages, and the conversation is not held up for minutes.
 */
export const MAX_PARTS_PER_MESSAGE = 10;

export const toMetaMessages = (
  content: OutboundContent,
  recipient: Recipient,
  media?: StoredMedia,
  options: TransformOptions = {},
): TransformResult => {
  if (!content.isSendable) {
    return failure('NotSendable', `${content.messageType} messages are recorded, never sent to WhatsApp`);
  }
  const to = toE164(recipient.waId);
  if (!to.ok) return failure('InvalidRecipient', to.message);
  const callback = options.bizOpaqueCallbackData;
  if (callback !== undefined && (callback === '' || callback.length > META_LIMITS.callbackData)) {
    return failure(
      'InvalidCallbackData',
      `biz_opaque_callback_data must be 1 to ${META_LIMITS.callbackData} characters`,
    );
  }

  const planned = planContents(content, media, options);
  if (!planned.ok) return planned;
  if (planned.contents.length > MAX_PARTS_PER_MESSAGE) {
    return failure(
      'MessageTooLong',
      `The message would be ${planned.contents.length} WhatsApp messages; at most ${MAX_PARTS_PER_MESSAGE} are sent for one message`,
    );
  }

  const envelope: MetaEnvelope = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: to.to,
    ...(callback === undefined ? {} : { biz_opaque_callback_data: callback }),
  };
  return {
    ok: true,
    messages: planned.contents.map((part) => ({ ...envelope, ...part })),
    notes: planned.notes,
  };
};

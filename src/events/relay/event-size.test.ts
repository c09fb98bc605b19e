import { randomUUID } from 'node:crypto';
import { genesysWebhookSchema } from '../../contracts/genesys/outbound-webhook';
import { toReceiveWebhook } from '../../http/webhook-to-command';
import { SUMMARY_LIST_MAX, SUMMARY_TEXT_MAX, webhookReceivedDataSchema } from '../schemas/webhook-received';
import type { StoredEvent } from '../store/types';
import { HTTP_BODY_LIMIT_BYTES, TOPIC_MAX_MESSAGE_BYTES } from './event-size';
import { toKafkaMessage } from './kafka-messages';

/** A code unit that costs the most once JSON-escaped: six bytes (`\u0001`). */
const costly = (length: number) => '\u0001'.repeat(length);
const id = (prefix: string) => `${prefix}${'x'.repeat(256 - prefix.length)}`;

/**
 * The worst Genesys webhook the route accepts: every summarised list longer than the summary keeps, every text
 * longer than a preview and made of the costliest characters, the longest ids, and a text of `"` (2 bytes in the
 * body, 4 once the raw body is escaped again) filling the body up to the limit.
 */
const worstBody = (): string => {
  const longText = costly(SUMMARY_TEXT_MAX + 1);
  const body = (text: string) =>
    JSON.stringify({
      id: id('m'),
      channel: { id: id('i'), messageId: id('m'), to: { id: id('c') }, time: '2024-05-01T10:00:00Z' },
      conversationId: id('v'),
      direction: 'Outbound',
      type: 'Structured',
      text,
      content: [
        {
          contentType: 'Attachment',
          attachment: {
            id: id('a'),
            mediaType: 'File',
            url: `https://example.com/${'p'.repeat(8000)}`,
            mime: `text/${'x'.repeat(200)}`,
            filename: costly(2000),
          },
        },
        {
          contentType: 'Notification',
          template: {
            id: `${'t'.repeat(200)}@${'n'.repeat(311)}`,
            language: 'en',
            header: { text: longText },
            body: {
              text: longText,
              parameters: Array.from({ length: SUMMARY_LIST_MAX * 2 }, () => ({
                name: longText,
                text: longText,
              })),
            },
          },
        },
        ...Array.from({ length: SUMMARY_LIST_MAX * 2 }, () => ({
          contentType: 'QuickReply',
          quickReply: { text: longText, payload: longText, action: 'Message' },
        })),
      ],
    });
  const base = Buffer.byteLength(body(''));
  // Each `"` of the text is two bytes in the body.
  return body('"'.repeat(Math.floor((HTTP_BODY_LIMIT_BYTES - base) / 2)));
};

describe('the largest event', () => {
  it('fits in the topic limit derived from the body limit', () => {
    const raw = worstBody();
    expect(Buffer.byteLength(raw)).toBeGreaterThan(HTTP_BODY_LIMIT_BYTES - 4);
    expect(Buffer.byteLength(raw)).toBeLessThanOrEqual(HTTP_BODY_LIMIT_BYTES);

    const { type: _type, ...command } = toReceiveWebhook(genesysWebhookSchema.parse(JSON.parse(raw)), {
      body: raw,
      signature: `sha256=${'A'.repeat(43)}=`,
      receivedAt: '2024-05-01T10:00:00.000Z',
    });
    const data = webhookReceivedDataSchema.parse({ ...command, isSendable: true });
    const event: StoredEvent = {
      eventId: randomUUID(),
      type: 'WebhookReceived',
      version: 2,
      streamId: `outbound-${'t'.repeat(64)}-${id('m')}`,
      streamPosition: 1,
      globalPosition: '9223372036854775807',
      transactionId: '9223372036854775807',
      tenantId: 't'.repeat(64),
      conversationId: id('v'),
      occurredAt: '2024-05-01T10:00:00.000Z',
      recordedAt: '2024-05-01T10:00:00.000Z',
      causationId: randomUUID(),
      correlationId: randomUUID(),
      metadata: {},
      data,
    };
    const message = toKafkaMessage(event);
    const headers = Object.entries(message.headers ?? {}).reduce(
      (sum, [name, value]) => sum + name.length + Buffer.byteLength(String(value)),
      0,
    );
    const bytes =
      Buffer.byteLength(message.value as string) + Buffer.byteLength(message.key as string) + headers;
    // The raw body really is escaped to twice its size: this is the worst case, not a gentle one.
    expect(bytes).toBeGreaterThan(1.8 * HTTP_BODY_LIMIT_BYTES);
    // Room left for the record batch framing (61 bytes of batch header, about 20 per record).
    expect(bytes).toBeLessThan(TOPIC_MAX_MESSAGE_BYTES - 1024);
  });
});

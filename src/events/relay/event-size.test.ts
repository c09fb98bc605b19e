import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { genesysWebhookSchema } from '../../contracts/genesys/outbound-webhook';
import { genesysBody } from '../schemas/testing/genesys-bodies';
import { webhookReceivedDataSchema } from '../schemas/webhook-received';
import { translateWebhook } from '../schemas/webhook-translation';
import type { StoredEvent } from '../store/types';
import { HTTP_BODY_LIMIT_BYTES, TOPIC_MAX_MESSAGE_BYTES } from './event-size';
import { toKafkaMessage } from './kafka-messages';

/** A code unit that costs the most once JSON-escaped: six bytes (`\u0001`), in the body and in the content. */
const costly = (length: number) => '\u0001'.repeat(length);
const id = (prefix: string) => `${prefix}${'x'.repeat(256 - prefix.length)}`;
/** The constant event-size.ts allows the content beyond the body's own bytes. */
const CONTENT_CONSTANT_BYTES = 300;

const translated = (body: string) => translateWebhook(genesysWebhookSchema.parse(JSON.parse(body)));
const contentBytes = (body: string) => Buffer.byteLength(JSON.stringify(translated(body).content));

/** Sizes written in the fewest characters JSON allows, which the event writes back in up to 16 digits. */
const shortNumbers = (json: string) => json.replaceAll('1000000000000000', '1e15');

/**
 * The worst Genesys webhook the route accepts: the longest ids, an attachment with the longest URL, a MIME type
 * kept twice (normalised in the content, as sent beside it) and a long file name of the costliest characters,
 * sizes written as `1e15`, a template with every member the content renames and a header attachment, a carousel of
 * cards without buttons, and a text of `"` (2 bytes in the body, 4 in the escaped raw body, 2 more in the content)
 * filling the body up to the limit.
 */
const worstBody = (): string => {
  const attachment = {
    id: id('a'),
    mediaType: 'File',
    url: `https://example.com/${'p'.repeat(8000)}`,
    mime: `TEXT/${'X'.repeat(240)}`,
    filename: costly(2000),
    contentSizeBytes: 1e15,
  };
  const body = (text: string) =>
    shortNumbers(
      JSON.stringify({
        id: id('m'),
        channel: { id: id('i'), messageId: id('m'), to: { id: id('c') }, time: '2024-05-01T10:00:00Z' },
        conversationId: id('v'),
        direction: 'Outbound',
        type: 'Structured',
        text,
        content: [
          { contentType: 'Attachment', attachment },
          {
            contentType: 'Notification',
            template: {
              id: `${'t'.repeat(200)}@${'n'.repeat(311)}`,
              language: 'en',
              header: { text: '', media: attachment, parameters: [] },
              body: {},
              footer: { text: '' },
            },
          },
          {
            contentType: 'Carousel',
            carousel: { cards: Array.from({ length: 100 }, () => ({ title: '' })) },
          },
        ],
      }),
    );
  const base = Buffer.byteLength(body(''));
  // Each `"` of the text is two bytes in the body.
  return body('"'.repeat(Math.floor((HTTP_BODY_LIMIT_BYTES - base) / 2)));
};

describe('the largest event', () => {
  it('fits in the topic limit derived from the body limit', () => {
    const raw = worstBody();
    expect(Buffer.byteLength(raw)).toBeGreaterThan(HTTP_BODY_LIMIT_BYTES - 4);
    expect(Buffer.byteLength(raw)).toBeLessThanOrEqual(HTTP_BODY_LIMIT_BYTES);

    const data = webhookReceivedDataSchema.parse({
      ...translated(raw),
      isSendable: true,
      rawBody: raw,
      signature: `sha256=${'A'.repeat(43)}=`,
      receivedAt: '2024-05-01T10:00:00.000Z',
    });
    expect(data.attachmentMimeAsSent).toBe(`TEXT/${'X'.repeat(240)}`); // the case where the MIME type is kept twice
    const event: StoredEvent = {
      eventId: randomUUID(),
      type: 'WebhookReceived',
      version: 3,
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
    // The raw body really is escaped to twice its size and the content is a third copy: the worst case.
    expect(bytes).toBeGreaterThan(2.9 * HTTP_BODY_LIMIT_BYTES);
    // Room left for the record batch framing (61 bytes of batch header, about 20 per record).
    expect(bytes).toBeLessThan(TOPIC_MAX_MESSAGE_BYTES - 1024);
  });
});

describe("the content's size", () => {
  it('is at most the body plus a constant, whatever the body holds', () => {
    fc.assert(
      fc.property(genesysBody(), (body) => {
        expect(contentBytes(body)).toBeLessThanOrEqual(Buffer.byteLength(body) + CONTENT_CONSTANT_BYTES);
      }),
      { numRuns: 500 },
    );
  });

  /** A body whose `count` grows one kind of item (or one text) while everything else stays the same. */
  const bodyOf =
    (content: (count: number) => unknown[], text: (count: number) => string = () => '') =>
    (count: number) =>
      shortNumbers(
        JSON.stringify({
          id: 'm',
          channel: { id: 'i', messageId: 'm', to: { id: 'c' } },
          type: 'Structured',
          text: text(count),
          content: content(count),
        }),
      );
  const times = <T>(count: number, item: () => T) => Array.from({ length: count }, item);
  const attachment = (fields: Record<string, unknown>) => ({
    contentType: 'Attachment',
    attachment: { mediaType: 'File', url: 'http://a.b', ...fields },
  });

  // The items that cost the least in the body for what they put in the content.
  it.each([
    [
      'more cards without buttons',
      bodyOf((n) => [{ contentType: 'Carousel', carousel: { cards: times(n, () => ({ title: '' })) } }]),
    ],
    [
      'more attachments with sizes written short',
      bodyOf((n) => times(n, () => attachment({ contentSizeBytes: 1e15 }))),
    ],
    [
      'a longer MIME type whose letters fold',
      bodyOf((n) => [attachment({ mime: `${'İ'.repeat(n)}/${'A'.repeat(n)}` })]),
    ],
    ['more unhandled items', bodyOf((n) => times(n, () => ({ contentType: 'X' })))],
    [
      'more quick replies',
      bodyOf((n) => times(n, () => ({ contentType: 'QuickReply', quickReply: { text: 'a' } }))),
    ],
    [
      'more template parameters',
      bodyOf((n) => [
        { contentType: 'Notification', template: { body: { parameters: times(n, () => ({ text: '' })) } } },
      ]),
    ],
    [
      'a longer text of escaped characters',
      bodyOf(
        () => [],
        (n) => '"\\\u0001\n😀'.repeat(n),
      ),
    ],
  ])('grows by no more than the body with %s', (_kind, bodyWith) => {
    const growth = (bytes: (body: string) => number) => bytes(bodyWith(1000)) - bytes(bodyWith(1));
    expect(growth(Buffer.byteLength)).toBeGreaterThan(1000);
    expect(growth(contentBytes)).toBeLessThanOrEqual(growth(Buffer.byteLength));
  });
});

describe('the brokers started for the bridge', () => {
  const repoFile = (name: string) => readFileSync(path.resolve(__dirname, '../../..', name), 'utf8');

  // Topics the relay creates carry their own limit; these cover topics created some other way.
  it.each([
    ['scripts/infra/kafka.sh', /^message\.max\.bytes=(\d+)$/m, /^replica\.fetch\.max\.bytes=(\d+)$/m],
    ['docker-compose.yml', /KAFKA_MESSAGE_MAX_BYTES: '(\d+)'/, /KAFKA_REPLICA_FETCH_MAX_BYTES: '(\d+)'/],
  ])('%s allows the largest event', (name, message, replicaFetch) => {
    const text = repoFile(name);
    expect(Number(message.exec(text)?.[1])).toBe(TOPIC_MAX_MESSAGE_BYTES);
    expect(Number(replicaFetch.exec(text)?.[1])).toBe(TOPIC_MAX_MESSAGE_BYTES);
  });
});

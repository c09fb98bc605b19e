import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { fixtureBytes, fixtureNames } from '../../../test/support/fixtures';
import { genesysWebhookSchema } from '../../contracts/genesys/outbound-webhook';
import { decodeEvent } from '../decode';
import type { StoredEvent } from '../store/types';
import { eventExamples } from './examples';
import { genesysBody } from './testing/genesys-bodies';
import { webhookReceivedV2For } from './testing/webhook-received-v2-writer';
import { webhookReceivedDataSchema, type WebhookReceivedData } from './webhook-received';
import { webhookReceivedV1DataSchema, webhookReceivedV2DataSchema } from './webhook-received-v2';
import { translateWebhook } from './webhook-translation';

const raw = (body: string) => ({
  body,
  signature: `sha256=${'A'.repeat(43)}=`,
  receivedAt: '2024-05-01T10:00:00.120Z',
});

/** What the edge appends today for a body (the decider adds only isSendable). */
const writtenToday = (body: string): WebhookReceivedData => {
  const { type } = genesysWebhookSchema.parse(JSON.parse(body));
  return webhookReceivedDataSchema.parse({
    ...translateWebhook(genesysWebhookSchema.parse(JSON.parse(body))),
    isSendable: type === 'Text' || type === 'Structured',
    rawBody: body,
    signature: raw(body).signature,
    receivedAt: raw(body).receivedAt,
  });
};

const writtenAsV2 = (body: string) =>
  webhookReceivedV2For(genesysWebhookSchema.parse(JSON.parse(body)), raw(body));

const stored = (version: number, data: Record<string, unknown>): StoredEvent => ({
  eventId: randomUUID(),
  type: 'WebhookReceived',
  version,
  streamId: 'outbound-tenant-001-gmsg-1',
  streamPosition: 1,
  globalPosition: '1',
  transactionId: '1',
  tenantId: 'tenant-001',
  conversationId: null,
  occurredAt: '2024-05-01T10:00:00.120Z',
  recordedAt: '2024-05-01T10:00:00.130Z',
  causationId: null,
  correlationId: null,
  metadata: {},
  data,
});

const decodedData = (event: StoredEvent) => {
  const decoded = decodeEvent(event);
  expect(decoded).toMatchObject({ type: 'WebhookReceived', version: 3 });
  return decoded.data as WebhookReceivedData;
};

const longTextBody = (text: string) =>
  JSON.stringify({
    id: 'gmsg-1',
    channel: { id: 'integration-1', messageId: 'gmsg-1', to: { id: 'customer-1' } },
    type: 'Text',
    text,
  });

describe('WebhookReceived v3', () => {
  const fixtures = fixtureNames('genesys', 'outbound-');

  it('decodes a v3 event as it was written', () => {
    const data = writtenToday(fixtureBytes('genesys/outbound-text.json').toString('utf8'));
    expect(decodedData(stored(3, data))).toEqual(data);
    expect(decodedData(stored(3, eventExamples.WebhookReceived))).toEqual(eventExamples.WebhookReceived);
  });

  it.each(fixtures)('upcasts a v2 event of %s to what the edge writes today', (name) => {
    const body = fixtureBytes(name).toString('utf8');
    expect(decodedData(stored(2, writtenAsV2(body)))).toEqual(writtenToday(body));
  });

  it('gives an upcast v2 event the whole text its preview cut short', () => {
    const text = `${'a'.repeat(300)}😀`;
    const v2 = writtenAsV2(longTextBody(text));
    expect(v2.textPreview).toHaveLength(256);
    expect(decodedData(stored(2, v2)).content?.text).toBe(text);
  });

  it('gives an upcast v2 typing event its typing state', () => {
    const body = fixtureBytes('genesys/outbound-event-typing.json').toString('utf8');
    expect(decodedData(stored(2, writtenAsV2(body))).typing).toBe('On');
  });

  it('upcasts a v1 event through v2: the content is the raw body, not what v1 copied beside it', () => {
    const body = longTextBody('the whole text');
    const { textPreview: _preview, textLength: _length, ...v2 } = writtenAsV2(body);
    const v1 = webhookReceivedV1DataSchema.parse({ ...v2, text: 'the whole' });
    expect(decodedData(stored(1, v1))).toEqual(writtenToday(body));
  });

  it('holds no content for a v2 event whose raw body no longer reads as a Genesys webhook', () => {
    const v2 = { ...writtenAsV2(longTextBody('hello')), rawBody: '{"text":"hello"}' };
    const data = decodedData(stored(2, v2));
    expect(data.content).toBeNull();
    expect(data).toMatchObject({ genesysMessageId: 'gmsg-1', messageType: 'Text', isSendable: true });
    expect(data).not.toHaveProperty('textPreview');
  });

  it('is what the upcaster derives from a v2 event, for any body the edge accepts', () => {
    fc.assert(
      fc.property(genesysBody(), (body) => {
        const v2 = writtenAsV2(body);
        fc.pre(webhookReceivedV2DataSchema.safeParse(v2).success);
        expect(decodedData(stored(2, v2))).toEqual(writtenToday(body));
      }),
      { numRuns: 300 },
    );
  });
});

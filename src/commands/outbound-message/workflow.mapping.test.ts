import type { OutboundEvent } from '../../events/schemas/outbound-events';
import { imageWebhookReceived, WA_ID, webhookReceived } from './test-fixtures';
import { after, given, RUN, T0 } from './workflow-testing';

const DAY_MS = 24 * 60 * 60 * 1000;
const RECIPIENT = { waId: WA_ID, resolvedBy: 'conversationId' as const, lastInboundAt: T0.toISOString() };
const mapped: OutboundEvent = { type: 'MappingResolved', data: RECIPIENT };

describe('outbound workflow: what a mapping lookup records', () => {
  it('records the recipient and the send request together, decided as the next step would decide it', () =>
    expect(given([webhookReceived()]).at(after(1000)).lookedUp(RECIPIENT)).toEqual({
      commands: [
        { type: 'ResolveMapping', ...RECIPIENT },
        {
          type: 'RequestSend',
          partCount: 1,
          metaMessageType: 'text',
          serviceWindow: {
            outcome: 'open',
            checkedAt: after(1000).toISOString(),
            lastInboundAt: T0.toISOString(),
          },
          runId: RUN,
        },
      ],
    }));

  it('records the recipient and the end of a message whose 24-hour window has closed together', () =>
    expect(given([webhookReceived()]).at(after(DAY_MS)).lookedUp(RECIPIENT).commands).toMatchObject([
      { type: 'ResolveMapping' },
      { type: 'RecordSendFailed', reason: 'MessageExpired', serviceWindow: { outcome: 'expired' } },
    ]));

  it('carries the notes of a send WhatsApp changed (the default template) with the records', () =>
    expect(
      given([webhookReceived()])
        .at(after(DAY_MS))
        .with({ tenant: { mediaMode: 'link', templateDefaults: { name: 'hello', languageCode: 'en' } } })
        .lookedUp(RECIPIENT),
    ).toMatchObject({
      commands: [{ type: 'ResolveMapping' }, { type: 'RequestSend', metaMessageType: 'template' }],
      notes: expect.arrayContaining([expect.stringContaining('default template')]),
    }));

  it('records the recipient alone when the next step is an action (the media is moved first)', () =>
    expect(given([imageWebhookReceived()]).lookedUp(RECIPIENT)).toEqual({
      commands: [{ type: 'ResolveMapping', ...RECIPIENT }],
    }));

  it('records that there is no mapping, and nothing with it', () =>
    expect(given([webhookReceived()]).lookedUp(undefined)).toEqual({
      commands: [{ type: 'RecordMappingMissing', reason: 'NoMappingFound' }],
    }));

  it('leaves a mapping the stream already has to the append, deciding nothing after it', () =>
    expect(given([webhookReceived(), mapped]).lookedUp(RECIPIENT)).toEqual({
      commands: [{ type: 'ResolveMapping', ...RECIPIENT }],
    }));
});

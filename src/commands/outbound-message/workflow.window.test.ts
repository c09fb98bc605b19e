import type { OutboundEvent } from '../../events/schemas/outbound-events';
import { imageWebhookReceived, mediaStored, WA_ID, webhookReceived } from './test-fixtures';
import { after, given, OTHER_RUN, refused, requested, T0, TEXT } from './workflow-testing';
import { afterMediaMove, afterMappingLookup, MAPPING_GRACE_MS, mappingNotYet } from './workflow';

const DAY_MS = 24 * 60 * 60 * 1000;
const lastWrote = (at: Date): OutboundEvent => ({
  type: 'MappingResolved',
  data: { waId: WA_ID, resolvedBy: 'conversationId', lastInboundAt: at.toISOString() },
});
const WITH_DEFAULT_TEMPLATE = {
  tenant: { mediaMode: 'link' as const, templateDefaults: { name: 'hello', languageCode: 'en' } },
};
const TEMPLATE_CONTENT = {
  ...TEXT,
  messageType: 'Notification',
  template: { id: 'ns@welcome', language: 'en', headerParameters: [], bodyParameters: [] },
};

describe('outbound workflow: the 24-hour window', () => {
  it('sends within 24 hours of the customer’s last message, recording the check', () =>
    given([webhookReceived(), lastWrote(T0)])
      .at(after(DAY_MS - 1))
      .then({
        command: {
          type: 'RequestSend',
          serviceWindow: { outcome: 'open', checkedAt: after(DAY_MS - 1).toISOString() },
        },
      }));

  it('ends the message as expired after 24 hours when the tenant has no default template', () =>
    given([webhookReceived(), lastWrote(T0)])
      .at(after(DAY_MS))
      .then({
        command: {
          type: 'RecordSendFailed',
          stage: 'transform',
          reason: 'MessageExpired',
          serviceWindow: { outcome: 'expired' },
        },
      }));

  it('sends the tenant’s default template instead after 24 hours', () =>
    given([webhookReceived(), lastWrote(T0)])
      .at(after(DAY_MS))
      .with(WITH_DEFAULT_TEMPLATE)
      .then({
        type: 'Record',
        command: {
          type: 'RequestSend',
          metaMessageType: 'template',
          serviceWindow: { outcome: 'defaultTemplate' },
        },
        notes: expect.arrayContaining([expect.stringContaining('default template was sent')]),
      }));

  it('sends the agent’s own template whatever the window', () =>
    given([webhookReceived(), lastWrote(T0)])
      .at(after(3 * DAY_MS))
      .with({ content: TEMPLATE_CONTENT })
      .then({
        command: { type: 'RequestSend', metaMessageType: 'template', serviceWindow: { outcome: 'template' } },
      }));

  it('sends when no inbound message is known (an admin link), leaving the window to Meta', () =>
    given([
      webhookReceived(),
      { type: 'MappingResolved', data: { waId: WA_ID, resolvedBy: 'conversationId' } },
    ]).then({
      command: { type: 'RequestSend', serviceWindow: { outcome: 'unknown' } },
    }));

  it('keeps the check of the first attempt on a retry, though the window closed since', () => {
    const firstCheck = {
      lastInboundAt: T0.toISOString(),
      checkedAt: T0.toISOString(),
      outcome: 'open' as const,
    };
    given([webhookReceived(), lastWrote(T0), requested(1, OTHER_RUN, 1, firstCheck), refused(1, T0)])
      .at(after(DAY_MS + 1))
      .then({ command: { type: 'RequestSend', metaMessageType: 'text', serviceWindow: firstCheck } });
  });
});

describe('outbound workflow: the attachment', () => {
  it('moves the attachment before anything is sent', () =>
    given([imageWebhookReceived(), lastWrote(T0)]).then({
      type: 'MoveMedia',
      attachment: { url: expect.any(String) },
    }));

  it('sends the stored media as an image part', () =>
    given([imageWebhookReceived(), lastWrote(T0), mediaStored()])
      .with({
        content: {
          ...TEXT,
          text: undefined,
          attachments: [{ mediaType: 'Image', url: 'https://x.example/a.jpg', mime: 'image/jpeg' }],
        },
      })
      .then({ command: { type: 'RequestSend', metaMessageType: 'image' } }));

  it('does not move the attachment of a message replaced by the default template', () =>
    given([imageWebhookReceived(), lastWrote(T0)])
      .at(after(DAY_MS))
      .with(WITH_DEFAULT_TEMPLATE)
      .then({ command: { type: 'RequestSend', metaMessageType: 'template' } }));

  it('waits out the backoff of a failed transfer, then tries again', () => {
    const failed = {
      type: 'MediaFailed' as const,
      reason: 'GenesysUnavailable',
      message: '503',
      retryAt: after(800).toISOString(),
    };
    given([imageWebhookReceived(), lastWrote(T0)])
      .knowing(failed)
      .then({ type: 'Wait', ms: 800, reason: 'MediaRetry' });
    given([imageWebhookReceived(), lastWrote(T0)])
      .knowing(failed)
      .at(after(800))
      .then({ type: 'MoveMedia' });
  });

  it('gives the message back to the consumer after the run’s transfers, without failing it', () => {
    const failed = {
      type: 'MediaFailed' as const,
      reason: 'GenesysUnavailable',
      message: '503',
      retryAt: T0.toISOString(),
    };
    given([imageWebhookReceived(), lastWrote(T0)])
      .knowing(failed, failed)
      .then({ type: 'GiveUp', message: expect.stringContaining('GenesysUnavailable') });
  });

  it('records a stored attachment, fails on a permanent failure, remembers a retryable one', () => {
    expect(afterMediaMove({ ok: true, data: mediaStored().data as never }, T0)).toMatchObject({
      command: { type: 'RecordMediaStored' },
    });
    expect(
      afterMediaMove(
        { ok: false, isRetryable: false, reason: 'MediaTooLarge', message: 'too big', delayMs: 0 },
        T0,
      ),
    ).toMatchObject({ command: { type: 'RecordSendFailed', stage: 'media', reason: 'MediaTooLarge' } });
    expect(
      afterMediaMove(
        { ok: false, isRetryable: true, reason: 'GenesysUnavailable', message: '503', delayMs: 500 },
        T0,
      ),
    ).toEqual({
      type: 'MediaFailed',
      reason: 'GenesysUnavailable',
      message: '503',
      retryAt: after(500).toISOString(),
    });
  });
});

describe('outbound workflow: the recipient', () => {
  it('records the recipient found, or that there is none', () => {
    expect(afterMappingLookup({ waId: WA_ID, resolvedBy: 'conversationId' })).toEqual({
      type: 'ResolveMapping',
      waId: WA_ID,
      resolvedBy: 'conversationId',
    });
    expect(afterMappingLookup(undefined)).toEqual({ type: 'RecordMappingMissing', reason: 'NoMappingFound' });
  });

  // The customer's first message links the conversation when Genesys answers; the agent may answer faster than
  // that link is projected.
  const receivedAt = T0.toISOString();
  it('looks again shortly when no mapping is found within the grace period after the webhook', () => {
    expect(mappingNotYet(undefined, receivedAt, after(MAPPING_GRACE_MS - 1), {})).toEqual({
      type: 'MappingNotYet',
      retryAt: after(MAPPING_GRACE_MS - 1 + 500).toISOString(),
    });
    expect(mappingNotYet(undefined, receivedAt, after(2_000), { mappingGraceMs: 1_000 })).toBeUndefined();
  });

  it('takes the lookup as final past the grace period, and a recipient found at once', () => {
    expect(mappingNotYet(undefined, receivedAt, after(MAPPING_GRACE_MS), {})).toBeUndefined();
    expect(mappingNotYet({ waId: WA_ID, resolvedBy: 'conversationId' }, receivedAt, T0, {})).toBeUndefined();
  });

  it('waits until the next look, then looks up the mapping again', () => {
    const notYet = { type: 'MappingNotYet' as const, retryAt: after(500).toISOString() };
    given([webhookReceived()])
      .knowing(notYet)
      .at(after(200))
      .then({ type: 'Wait', ms: 300, reason: 'MappingGrace' });
    given([webhookReceived()]).knowing(notYet).at(after(500)).then({ type: 'ResolveMapping' });
  });
});

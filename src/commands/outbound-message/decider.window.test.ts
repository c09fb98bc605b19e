import type { OutboundEvent } from '../../events/schemas/outbound-events';
import type { ServiceWindow } from '../../events/schemas/service-window';
import { isEnded } from './state';
import { outboundMessageDecider } from './decider';
import { foldEvents } from '../decider';
import { givenMessage, imageWebhookReceived, requestSend, WA_ID, webhookReceived } from './test-fixtures';

const LAST_INBOUND = '2026-03-09T11:00:00.000Z';
const window = (outcome: ServiceWindow['outcome']): ServiceWindow => ({
  lastInboundAt: LAST_INBOUND,
  checkedAt: '2026-03-10T12:00:00.000Z',
  outcome,
});
const resolvedWithInbound = (): OutboundEvent => ({
  type: 'MappingResolved',
  data: { waId: WA_ID, lastInboundAt: LAST_INBOUND, resolvedBy: 'conversationId' },
});

describe('outbound message: the 24-hour window', () => {
  it('records the window check on the SendRequested it allowed', () =>
    givenMessage([webhookReceived(), resolvedWithInbound()])
      .when(requestSend({ serviceWindow: window('open') }))
      .then([
        {
          type: 'SendRequested',
          data: {
            waId: WA_ID,
            attempt: 1,
            partCount: 1,
            metaMessageType: 'text',
            serviceWindow: window('open'),
          },
        },
      ]));

  it('refuses a send the window check says must not go', () =>
    givenMessage([webhookReceived(), resolvedWithInbound()])
      .when(requestSend({ serviceWindow: window('expired') }))
      .thenThrows('OutsideServiceWindow'));

  it('refuses free-form content when only the default template may go', () =>
    givenMessage([webhookReceived(), resolvedWithInbound()])
      .when(requestSend({ serviceWindow: window('defaultTemplate') }))
      .thenThrows('OutsideServiceWindow'));

  it('sends the default template instead of an attachment it never stored', () =>
    givenMessage([imageWebhookReceived(), resolvedWithInbound()])
      .when(requestSend({ metaMessageType: 'template', serviceWindow: window('defaultTemplate') }))
      .then([
        {
          type: 'SendRequested',
          data: {
            waId: WA_ID,
            attempt: 1,
            partCount: 1,
            metaMessageType: 'template',
            serviceWindow: window('defaultTemplate'),
          },
        },
      ]));

  it('ends the message with MessageExpired, carrying the inbound time it was decided on', () =>
    givenMessage([webhookReceived(), resolvedWithInbound()])
      .when({
        type: 'RecordSendFailed',
        stage: 'transform',
        reason: 'MessageExpired',
        message: 'a template is needed',
        serviceWindow: window('expired'),
      })
      .then([
        {
          type: 'MessageFailed',
          data: {
            stage: 'transform',
            reason: 'MessageExpired',
            message: 'a template is needed',
            serviceWindow: window('expired'),
          },
        },
      ]));

  it('keeps the first window check across attempts, and the last inbound time from the mapping', () => {
    const state = foldEvents(outboundMessageDecider, [
      webhookReceived(),
      resolvedWithInbound(),
      {
        type: 'SendRequested',
        data: {
          waId: WA_ID,
          attempt: 1,
          partCount: 1,
          metaMessageType: 'text',
          serviceWindow: window('open'),
        },
      },
      { type: 'SendRequested', data: { waId: WA_ID, attempt: 2, partCount: 1, metaMessageType: 'text' } },
    ]);
    expect(state.serviceWindow).toEqual(window('open'));
    expect(state.mapping).toEqual({ kind: 'resolved', waId: WA_ID, lastInboundAt: LAST_INBOUND });
    expect(isEnded(state)).toBe(false);
  });
});

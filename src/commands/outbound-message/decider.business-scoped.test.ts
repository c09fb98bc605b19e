import type { OutboundEvent } from '../../events/schemas/outbound-events';
import { givenMessage, requestSend, WA_ID, wamidOf, webhookReceived } from './test-fixtures';

/** A customer WhatsApp names only by a business-scoped user id (Meta, 2026). */
const BSUID = 'US.13491208655302741918';

const resolvedTo = (customer: { waId?: string; userId?: string }): OutboundEvent => ({
  type: 'MappingResolved',
  data: { ...customer, resolvedBy: 'conversationId' },
});

const requestedTo = (customer: { waId?: string; userId?: string }): OutboundEvent => ({
  type: 'SendRequested',
  data: { ...customer, attempt: 1, partCount: 1, metaMessageType: 'text' },
});

describe('outbound message to a customer known by a business-scoped user id', () => {
  it('requests the send to the user id when the mapping has no wa_id', () =>
    givenMessage([webhookReceived(), resolvedTo({ userId: BSUID })])
      .when(requestSend())
      .then([requestedTo({ userId: BSUID })]));

  it('records the part as sent to that user id', () =>
    givenMessage([webhookReceived(), resolvedTo({ userId: BSUID }), requestedTo({ userId: BSUID })])
      .when({ type: 'RecordSent', wamid: wamidOf(0), partIndex: 0 })
      .then([
        {
          type: 'MessageSent',
          data: { wamid: wamidOf(0), partIndex: 0, partCount: 1, userId: BSUID, attempt: 1 },
        },
      ]));

  it('keeps both ids of a customer the mapping knows by both', () =>
    givenMessage([webhookReceived(), resolvedTo({ waId: WA_ID, userId: BSUID })])
      .when(requestSend())
      .then([requestedTo({ waId: WA_ID, userId: BSUID })]));
});

import type { OutboundEvent } from '../../events/schemas/outbound-events';
import { WA_ID, webhookReceived } from './test-fixtures';
import { after, given, requested, RUN, T0 } from './workflow-testing';

/** A customer WhatsApp names only by a business-scoped user id (Meta, 2026). */
const BSUID = 'US.13491208655302741918';
const DAY_MS = 24 * 60 * 60 * 1000;

const resolvedTo = (customer: { waId?: string; userId?: string }, lastInboundAt = T0): OutboundEvent => ({
  type: 'MappingResolved',
  data: { ...customer, resolvedBy: 'conversationId', lastInboundAt: lastInboundAt.toISOString() },
});

describe('outbound workflow: a customer known only by a business-scoped user id', () => {
  it('sends the part addressed by `recipient`, with no `to`', () => {
    const action = given([webhookReceived(), resolvedTo({ userId: BSUID }), requested(1, RUN)]).step();
    expect(action).toMatchObject({ type: 'SendPart', body: { recipient: BSUID, type: 'text' } });
    expect(action.type === 'SendPart' && action.body).not.toHaveProperty('to');
  });

  it('addresses a customer known by both ids by `to`, the phone number Meta prefers', () => {
    const action = given([
      webhookReceived(),
      resolvedTo({ waId: WA_ID, userId: BSUID }),
      requested(1, RUN),
    ]).step();
    expect(action).toMatchObject({ type: 'SendPart', body: { to: `+${WA_ID}` } });
    expect(action.type === 'SendPart' && action.body).not.toHaveProperty('recipient');
  });

  it('answers within 24 hours of the customer’s last message', () =>
    given([webhookReceived(), resolvedTo({ userId: BSUID })])
      .at(after(DAY_MS - 1))
      .then({ command: { type: 'RequestSend', serviceWindow: { outcome: 'open' } } }));

  it('ends the message as expired 24 hours after the customer’s last message', () =>
    given([webhookReceived(), resolvedTo({ userId: BSUID })])
      .at(after(DAY_MS))
      .then({ command: { type: 'RecordSendFailed', reason: 'MessageExpired' } }));

  it('refuses a user id that is not a business-scoped user id instead of sending it', () =>
    given([webhookReceived(), resolvedTo({ userId: 'not a bsuid' })]).then({
      command: { type: 'RecordSendFailed', stage: 'transform' },
    }));
});

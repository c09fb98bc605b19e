import { validateEvent } from '../../events/encode';
import type { CustomerEvent } from '../../events/schemas/customer-events';
import { eventExamples } from '../../events/schemas/examples';
import { given } from '../testing';
import { customerDecider } from './decider';

const givenCustomer = (events: CustomerEvent[]) =>
  given(customerDecider, events, { validate: (event) => validateEvent(event) });

const received: CustomerEvent = {
  type: 'InboundMessageReceived',
  data: eventExamples.InboundMessageReceived,
};
const wamid = eventExamples.InboundMessageReceived.wamid;
const posted = {
  ...eventExamples.InboundPostedToGenesys,
  wamid,
  genesysMessageId: 'g-1',
  conversationId: 'conv-1',
};

describe('customer stream', () => {
  it('records the post of a received message', () =>
    givenCustomer([received])
      .when({ type: 'RecordInboundPosted', ...posted })
      .then([{ type: 'InboundPostedToGenesys', data: posted }]));

  it('refuses a second post of the same wamid (nothing new)', () =>
    givenCustomer([received, { type: 'InboundPostedToGenesys', data: posted }])
      .when({ type: 'RecordInboundPosted', ...posted, genesysMessageId: 'g-2' })
      .then([]));

  it('records a permanent refusal once, and no post after it', () =>
    givenCustomer([
      received,
      { type: 'InboundPostFailed', data: { wamid, reason: 'GenesysRejected', message: 'HTTP 400' } },
    ])
      .when({ type: 'RecordInboundPosted', ...posted })
      .then([]));

  it('refuses an outcome for a message the stream never received', () =>
    givenCustomer([])
      .when({ type: 'RecordInboundPosted', ...posted })
      .thenThrows('UnknownInboundMessage'));
});

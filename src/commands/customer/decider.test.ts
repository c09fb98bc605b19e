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

  describe('read marks', () => {
    const postedEvent: CustomerEvent = { type: 'InboundPostedToGenesys', data: posted };
    const failedMark = { wamid, reason: 'MetaRejected', message: 'HTTP 400', httpStatus: 400, metaCode: 100 };

    it('records a read mark of a posted message', () =>
      givenCustomer([received, postedEvent])
        .when({ type: 'RecordInboundMarkedRead', wamid })
        .then([{ type: 'InboundMarkedRead', data: { wamid } }]));

    it('refuses a second read mark (nothing new)', () =>
      givenCustomer([received, postedEvent, { type: 'InboundMarkedRead', data: { wamid } }])
        .when({ type: 'RecordInboundMarkedRead', wamid })
        .then([]));

    it('records a failed mark once, and no mark after it', () =>
      givenCustomer([received, postedEvent, { type: 'InboundMarkReadFailed', data: failedMark }])
        .when({ type: 'RecordInboundMarkedRead', wamid })
        .then([]));

    it('records a failed mark with what Meta said', () =>
      givenCustomer([received, postedEvent])
        .when({ type: 'RecordInboundMarkReadFailed', ...failedMark })
        .then([{ type: 'InboundMarkReadFailed', data: failedMark }]));

    it('refuses to mark read a message Genesys does not have', () =>
      givenCustomer([received])
        .when({ type: 'RecordInboundMarkedRead', wamid })
        .thenThrows('InboundMessageNotPosted'));
  });

  it("records Genesys' receipts about a received message, posted or not, and none about an unknown one", () => {
    const receipt = { ...eventExamples.InboundReceiptReceived, wamid };
    givenCustomer([received, { type: 'InboundPostedToGenesys', data: posted }])
      .when({ type: 'RecordInboundReceipt', ...receipt })
      .then([{ type: 'InboundReceiptReceived', data: receipt }]);
    givenCustomer([received])
      .when({ type: 'RecordInboundReceipt', ...receipt, status: 'Delivered' })
      .then([{ type: 'InboundReceiptReceived', data: { ...receipt, status: 'Delivered' } }]);
    givenCustomer([])
      .when({ type: 'RecordInboundReceipt', ...receipt })
      .thenThrows('UnknownInboundMessage');
  });
});

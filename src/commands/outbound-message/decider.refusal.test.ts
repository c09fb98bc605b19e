import type { OutboundEvent } from '../../events/schemas/outbound-events';
import type { RecordSendRefused } from './commands';
import {
  givenMessage,
  mappingResolved,
  messageSent,
  requestSend,
  sendRequested,
  webhookReceived,
} from './test-fixtures';

const refuse = (overrides: Partial<RecordSendRefused> = {}): RecordSendRefused => ({
  type: 'RecordSendRefused',
  attempt: 1,
  partIndex: 0,
  metaErrorCode: 130429,
  refusedAt: '2024-05-01T10:00:01.000Z',
  retryAt: '2024-05-01T10:00:03.000Z',
  ...overrides,
});

const refused = (overrides: Partial<RecordSendRefused> = {}): OutboundEvent => {
  const { type: _type, ...data } = refuse(overrides);
  return { type: 'SendRefused', data };
};

const requested = () => [webhookReceived(), mappingResolved(), sendRequested(1)];

describe('outbound message: Meta refused a part', () => {
  it('records the refusal of the attempt in progress', () =>
    givenMessage(requested()).when(refuse()).then([refused()]));

  it('settles the attempt: the next one needs no reconciliation', () =>
    givenMessage([...requested(), refused()])
      .when(requestSend())
      .then([{ type: 'SendRequested', data: expect.objectContaining({ attempt: 2 }) as never }]));

  it('keeps the first answer when the refusal is reported twice', () =>
    givenMessage([...requested(), refused()])
      .when(refuse({ retryAt: '2024-05-01T10:00:09.000Z' }))
      .then([]));

  it('refuses a refusal of an attempt superseded since', () =>
    givenMessage([...requested(), refused(), sendRequested(2)])
      .when(refuse())
      .thenThrows('AttemptSuperseded'));

  it('refuses a refusal with no send in progress', () =>
    givenMessage([webhookReceived(), mappingResolved()])
      .when(refuse({ attempt: 0 }))
      .thenThrows('NoSendInProgress'));

  it('refuses a refusal of a part Meta accepted', () =>
    givenMessage([
      webhookReceived(),
      mappingResolved(),
      sendRequested(1, 2),
      messageSent(0, { partCount: 2 }),
    ])
      .when(refuse())
      .thenThrows('PartAlreadySent'));

  it('lets a refused message end as a send failure, though no send is in progress', () =>
    givenMessage([...requested(), refused()])
      .when({ type: 'RecordSendFailed', stage: 'send', reason: 'DriverPassLimit', message: 'limit' })
      .then([
        { type: 'MessageFailed', data: { stage: 'send', reason: 'DriverPassLimit', message: 'limit' } },
      ]));

  it('records the run that requested an attempt', () =>
    givenMessage([webhookReceived(), mappingResolved()])
      .when(requestSend({ runId: 'run-1' }))
      .thenState((state) => expect(state.attemptRuns).toEqual(['run-1'])));
});

import { foldEvents } from '../../commands/decider';
import { outboundMessageDecider } from '../../commands/outbound-message/decider';
import {
  mappingResolved,
  messageSent,
  sendRequested,
  webhookReceived,
  wamidOf,
} from '../../commands/outbound-message/test-fixtures';
import type { OutboundEvent } from '../../events/schemas/outbound-events';
import { attributeUnknownSend } from './attribute-unknown-send';

const stateOf = (events: OutboundEvent[]) => foldEvents(outboundMessageDecider, events);
const REQUESTED_AT = '2026-05-01T10:00:00.000Z';
const seconds = (iso: string, plus = 0) => String(Date.parse(iso) / 1000 + plus);
const status = (wamid: string, plus = 2) => ({ wamid, timestamp: seconds(REQUESTED_AT, plus) });
const mapped = [webhookReceived(), mappingResolved()];

describe('attributeUnknownSend', () => {
  it('gives an unrecorded wamid to the first part of the attempt outstanding', () => {
    expect(
      attributeUnknownSend(stateOf([...mapped, sendRequested(1)]), REQUESTED_AT, status('wamid.new')),
    ).toEqual({
      kind: 'record',
      attempt: 1,
      partIndex: 0,
    });
  });

  it('gives it to the first part not recorded yet of a split message', () => {
    const state = stateOf([...mapped, sendRequested(2, 3), messageSent(0, { partCount: 3, attempt: 2 })]);
    expect(attributeUnknownSend(state, REQUESTED_AT, status('wamid.new'))).toEqual({
      kind: 'record',
      attempt: 2,
      partIndex: 1,
    });
  });

  it('leaves a status older than the attempt outstanding to the earlier attempt it reports', () => {
    const state = stateOf([...mapped, sendRequested(1), sendRequested(2)]);
    expect(attributeUnknownSend(state, REQUESTED_AT, status('wamid.old', -120))).toEqual({
      kind: 'skip',
      reason: 'EarlierAttempt',
    });
    // A few seconds of clock difference between Meta and the bridge are not an earlier attempt.
    expect(attributeUnknownSend(state, REQUESTED_AT, status('wamid.new', -3)).kind).toBe('record');
  });

  it('records nothing when no attempt is outstanding or the wamid is known', () => {
    const sent = stateOf([...mapped, sendRequested(1), messageSent(0)]);
    expect(attributeUnknownSend(sent, REQUESTED_AT, status('wamid.other')).kind).toBe('skip');
    expect(attributeUnknownSend(sent, REQUESTED_AT, status(wamidOf(0)))).toEqual({
      kind: 'skip',
      reason: 'AlreadyRecorded',
    });
    expect(attributeUnknownSend(stateOf(mapped), undefined, status('wamid.x'))).toEqual({
      kind: 'skip',
      reason: 'NothingOutstanding',
    });
  });
});

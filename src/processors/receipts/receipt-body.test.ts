import { fixtureJson } from '../../../test/support/fixtures';
import { toOpenMessagingReceipt } from './receipt-body';

const fixture = fixtureJson<Record<string, unknown> & { channel: Record<string, unknown> }>(
  'genesys/inbound-receipt-request-failed.json',
);

describe('toOpenMessagingReceipt', () => {
  const failed = toOpenMessagingReceipt({
    genesysMessageId: 'c327c2078ca056db130c55ce648d9fa2',
    integrationId: '73cb7fb7-c2db-4996-88f3-0a83a4fea1da',
    customerId: 'abcdef12345@socialmedia',
    status: 'Failed',
    time: '2021-02-01T15:04:05.123Z',
    failure: { reason: 'MessageExpired', message: 'Re-engagement message' },
  });

  it('has the fixture shape: the same values where the facts are the same', () =>
    expect(failed).toEqual({
      id: fixture.id,
      channel: {
        id: fixture.channel.id,
        platform: fixture.channel.platform,
        type: fixture.channel.type,
        to: fixture.channel.to,
        time: fixture.channel.time,
      },
      type: fixture.type,
      status: fixture.status,
      reasons: [{ code: 'MessageExpired', message: 'Re-engagement message' }],
      isFinalReceipt: true,
      direction: fixture.direction,
    }));

  it('uses only keys the fixture uses', () => {
    expect(Object.keys(failed).every((key) => key in fixture)).toBe(true);
    expect(Object.keys(failed.channel).every((key) => key in fixture.channel)).toBe(true);
  });

  it('carries no reasons on a Delivered receipt', () => {
    const delivered = toOpenMessagingReceipt({
      genesysMessageId: 'm',
      integrationId: 'i',
      customerId: 'c',
      status: 'Delivered',
      time: '2025-10-17T00:00:26.000Z',
    });
    expect(delivered).toMatchObject({ status: 'Delivered', type: 'Receipt', direction: 'Outbound' });
    expect(delivered).not.toHaveProperty('reasons');
  });
});

import type { MetaStatusRecord } from '../../events/schemas/meta-webhook-received';
import { toRecordMetaStatus } from './record-meta-status';

const base: MetaStatusRecord = {
  wamid: 'wamid.x',
  status: 'delivered',
  isIgnored: false,
  timestamp: '1760659226',
  recipientId: '593984679525',
  phoneNumberId: '253928731128192',
};

describe('toRecordMetaStatus', () => {
  it("turns a delivered status into the decider's command, Meta's timestamp as given", () =>
    expect(toRecordMetaStatus(base)).toEqual({
      type: 'RecordMetaStatus',
      status: 'delivered',
      wamid: 'wamid.x',
      timestamp: '1760659226',
      recipientId: '593984679525',
    }));

  it("carries a failed status's first error", () =>
    expect(
      toRecordMetaStatus({
        ...base,
        status: 'failed',
        errors: [
          {
            code: 131047,
            title: 'Re-engagement message',
            message: 'More than 24 hours',
            details: 'window closed',
          },
          { code: 1, title: 'second' },
        ],
      }),
    ).toMatchObject({
      status: 'failed',
      error: {
        code: 131047,
        title: 'Re-engagement message',
        message: 'More than 24 hours',
        details: 'window closed',
      },
    }));

  it('does not pass a business-scoped user id off as the recipient', () => {
    const { recipientId: _recipientId, ...withoutRecipient } = base;
    const command = toRecordMetaStatus({ ...withoutRecipient, recipientUserId: 'US.13491208655302741918' });
    expect(command).toBeDefined();
    expect(command).not.toHaveProperty('recipientId');
  });

  it.each(['deleted', 'warning'])('has no command for a %s status', (status) =>
    expect(toRecordMetaStatus({ ...base, status, isIgnored: true })).toBeUndefined(),
  );
});

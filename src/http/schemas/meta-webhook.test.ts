import { fixtureJson, fixtureNames } from '../../../test/support/fixtures';
import { metaStatusesOf, metaWebhookSchema, statusRecordsOf, type MetaWebhook } from './meta-webhook';

const parse = (body: unknown): MetaWebhook => metaWebhookSchema.parse(body);

const issuePaths = (body: unknown): string[] => {
  const result = metaWebhookSchema.safeParse(body);
  if (result.success) throw new Error('expected the body to be rejected');
  return result.error.issues.map((issue) => issue.path.join('.'));
};

const webhookWith = (statuses: unknown[]) => ({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: '102290129340398',
      changes: [{ field: 'messages', value: { metadata: { phone_number_id: '106540352242922' }, statuses } }],
    },
  ],
});

describe('metaWebhookSchema and statusRecordsOf', () => {
  it('reads the delivered fixture: wamid, time, recipient, phone number id and account', () => {
    expect(statusRecordsOf(parse(fixtureJson('meta/status-delivered.json')))).toEqual([
      {
        wamid: 'wamid.HBgMNTkzOTg0Njc5NTI1FQIAERgSRjlBOUJEODNENTFGMEUwNEIyAA==',
        status: 'delivered',
        isIgnored: false,
        timestamp: '1760659226',
        recipientId: '593984679525',
        phoneNumberId: '253928731128192',
        wabaId: '239137435940794',
      },
    ]);
  });

  it('reads the read fixture as a read status', () => {
    const [read] = statusRecordsOf(parse(fixtureJson('meta/status-read.json')));
    expect(read).toMatchObject({ status: 'read', timestamp: '1760659226', isIgnored: false });
  });

  it("keeps a failed status's errors: code, title, message and details", () => {
    const [failed] = statusRecordsOf(parse(fixtureJson('meta/status-failed-131049.json')));
    expect(failed).toMatchObject({
      status: 'failed',
      phoneNumberId: '106540352242922',
      errors: [
        {
          code: 131049,
          title: 'This message was not delivered to maintain healthy ecosystem engagement.',
          message: 'This message was not delivered to maintain healthy ecosystem engagement.',
          details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
        },
      ],
    });
  });

  it("accepts Meta's system-level error webhook (`value.errors`, no statuses, no messages): kept in the raw body", () => {
    expect(statusRecordsOf(parse(fixtureJson('meta/webhook-errors-130429.json')))).toEqual([]);
  });

  it.each(fixtureNames('meta', 'inbound-'))('accepts the inbound webhook %s, which has no statuses', (name) => {
    expect(statusRecordsOf(parse(fixtureJson(name)))).toEqual([]);
  });

  it('accepts a business-scoped user: empty recipient_id, recipient_user_id instead', () => {
    const [record] = statusRecordsOf(
      parse(
        webhookWith([
          {
            id: 'wamid.bsuid',
            status: 'delivered',
            timestamp: '1760659226',
            recipient_id: '',
            recipient_user_id: 'US.13491208655302741918',
          },
        ]),
      ),
    );
    expect(record).not.toHaveProperty('recipientId');
    expect(record).toMatchObject({ recipientUserId: 'US.13491208655302741918' });
  });

  it('marks statuses other than sent, delivered, read and failed as ignored instead of refusing them', () => {
    const records = statusRecordsOf(
      parse(
        webhookWith(['sent', 'deleted', 'warning', 'read'].map((status) => ({ id: 'w', status, timestamp: '1' }))),
      ),
    );
    expect(records.map((record) => [record.status, record.isIgnored])).toEqual([
      ['sent', false],
      ['deleted', true],
      ['warning', true],
      ['read', false],
    ]);
  });

  it('flattens every entry and change in order, each status with its own phone number id', () => {
    const body = {
      object: 'whatsapp_business_account',
      entry: ['a', 'b'].map((waba) => ({
        id: waba,
        changes: ['1', '2'].map((phone) => ({
          value: {
            metadata: { phone_number_id: `${waba}${phone}` },
            statuses: [{ id: `wamid.${waba}${phone}`, status: 'sent', timestamp: 1760659226 }],
          },
        })),
      })),
    };
    const records = statusRecordsOf(parse(body));
    expect(records.map((record) => [record.wamid, record.phoneNumberId, record.wabaId])).toEqual([
      ['wamid.a1', 'a1', 'a'],
      ['wamid.a2', 'a2', 'a'],
      ['wamid.b1', 'b1', 'b'],
      ['wamid.b2', 'b2', 'b'],
    ]);
    expect(records[0]!.timestamp).toBe('1760659226');
  });

  it('keeps biz_opaque_callback_data and lets unknown fields pass', () => {
    const [record] = statusRecordsOf(
      parse(
        webhookWith([
          {
            id: 'w',
            status: 'sent',
            timestamp: '1',
            biz_opaque_callback_data: 'gmsg-1',
            something_new: { nested: true },
          },
        ]),
      ),
    );
    expect(record).toMatchObject({ bizOpaqueCallbackData: 'gmsg-1' });
  });

  it.each([
    ['a status without an id', webhookWith([{ status: 'sent', timestamp: '1' }]), 'id'],
    [
      'a timestamp that is not Unix seconds',
      webhookWith([{ id: 'w', status: 'sent', timestamp: '2024-05-01T10:00:00Z' }]),
      'timestamp',
    ],
    ['a wamid longer than the event schema takes', webhookWith([{ id: 'w'.repeat(513), status: 'sent', timestamp: '1' }]), 'id'],
    ['a status that is not an object', webhookWith(['sent']), ''],
  ])('reports %s as a malformed status and keeps the valid ones beside it', (_what, body, field) => {
    const valid = { id: 'wamid.ok', status: 'delivered', timestamp: '1700000000' };
    const batch = body as { entry: { changes: { value: { statuses: unknown[] } }[] }[] };
    batch.entry[0]!.changes[0]!.value.statuses.unshift(valid);
    const { statuses, invalid, invalidCount } = metaStatusesOf(parse(batch));
    expect(statuses.map((status) => status.wamid)).toEqual(['wamid.ok']);
    expect(invalidCount).toBe(1);
    expect(invalid).toEqual([
      {
        path: 'entry.0.changes.0.value.statuses.1',
        issues: [expect.objectContaining({ path: field, message: expect.any(String) })],
      },
    ]);
  });

  it('describes at most 50 malformed statuses but counts them all', () => {
    const bad = Array.from({ length: 70 }, () => ({ status: 'sent', timestamp: '1' }));
    const { statuses, invalid, invalidCount } = metaStatusesOf(parse(webhookWith(bad)));
    expect([statuses.length, invalid.length, invalidCount]).toEqual([0, 50, 70]);
  });

  it.each([
    [
      'statuses without a phone number id',
      {
        object: 'whatsapp_business_account',
        entry: [{ changes: [{ value: { statuses: [{ id: 'w', status: 'sent', timestamp: '1' }] } }] }],
      },
      'entry.0.changes.0.value.metadata',
    ],
    ['no entry list', { object: 'whatsapp_business_account' }, 'entry'],
  ])('refuses %s', (_what, body, path) => expect(issuePaths(body)).toEqual([path]));
});

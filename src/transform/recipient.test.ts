import { recipientOf, toE164 } from './recipient';
import { toMetaMessages } from './to-meta-messages';

describe('toE164', () => {
  it.each([
    ['919876543210', '+919876543210'],
    ['+919876543210', '+919876543210'],
    ['+1 (555) 010-0199', '+15550100199'],
    ['33.6.33.08.13.29', '+33633081329'],
    ['123456789012345', '+123456789012345'],
  ])('%j → %j', (waId, to) => {
    expect(toE164(waId)).toEqual({ ok: true, to });
  });

  it.each([
    ['', 'wa_id has no digits'],
    ['+', 'wa_id has no digits'],
    ['()- ', 'wa_id has no digits'],
    ['1234567890123456', 'wa_id has 16 digits; E.164 allows 15'],
    ['abcdef12345@socialmedia', 'wa_id "abcdef12345@socialmedia" is not a phone number'],
    ['91987654321O', 'wa_id "91987654321O" is not a phone number'],
    ['91+9876543210', 'wa_id "91+9876543210" is not a phone number'],
  ])('refuses %j', (waId, message) => {
    expect(toE164(waId)).toEqual({ ok: false, message });
  });
});

describe('recipientOf', () => {
  it('addresses by wa_id when the customer has one, even beside a business-scoped user id', () => {
    expect(recipientOf({ waId: '919876543210', userId: 'US.13491208655302741918' })).toEqual({
      waId: '919876543210',
    });
  });

  it('addresses by business-scoped user id a customer without a wa_id', () => {
    expect(recipientOf({ userId: 'US.13491208655302741918' })).toEqual({ userId: 'US.13491208655302741918' });
  });

  it('has no recipient for a customer named by neither', () => {
    expect(recipientOf({})).toBeUndefined();
  });
});

describe('toMetaMessages recipient and callback data', () => {
  const text = { messageType: 'Text', isSendable: true, text: 'hi', attachments: [] };

  it.each(['US.13491208655302741918', 'US.ENT.11815799212886844830'])(
    'addresses %s (a BSUID, or a parent BSUID) by `recipient`',
    (userId) => {
      expect(toMetaMessages(text, { userId })).toMatchObject({ ok: true, messages: [{ recipient: userId }] });
    },
  );

  it.each(['13491208655302741918', 'US.', 'us.1349', 'US.ENT.', 'US.1349 1'])(
    'refuses %j as a user id',
    (userId) => {
      expect(toMetaMessages(text, { userId })).toMatchObject({ ok: false, reason: 'InvalidRecipient' });
    },
  );

  it('fails InvalidRecipient for a wa_id with no digits or too many', () => {
    expect(toMetaMessages(text, { waId: 'abc' })).toEqual({
      ok: false,
      reason: 'InvalidRecipient',
      message: 'wa_id "abc" is not a phone number',
    });
    expect(toMetaMessages(text, { waId: '1234567890123456' })).toMatchObject({ reason: 'InvalidRecipient' });
  });

  it('puts biz_opaque_callback_data on every part and omits it when not given', () => {
    const long = { ...text, text: `${'a'.repeat(4096)} b` };
    const result = toMetaMessages(long, { waId: '15550100199' }, undefined, { bizOpaqueCallbackData: 'g-1' });
    expect(result.ok && result.messages.map((message) => message.biz_opaque_callback_data)).toEqual([
      'g-1',
      'g-1',
    ]);
    const without = toMetaMessages(text, { waId: '15550100199' });
    expect(without.ok && without.messages[0]).not.toHaveProperty('biz_opaque_callback_data');
  });

  it('refuses callback data Meta would refuse (empty, over 512 characters)', () => {
    for (const data of ['', 'x'.repeat(513)]) {
      expect(
        toMetaMessages(text, { waId: '1555' }, undefined, { bizOpaqueCallbackData: data }),
      ).toMatchObject({
        ok: false,
        reason: 'InvalidCallbackData',
      });
    }
    expect(
      toMetaMessages(text, { waId: '1555' }, undefined, { bizOpaqueCallbackData: 'x'.repeat(512) }).ok,
    ).toBe(true);
  });
});

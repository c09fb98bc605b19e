import { fixtureJson, fixtureNames } from '../../../test/support/fixtures';
import { metaInboundMessagesOf } from './meta-inbound-messages';

const WEBHOOK_ID = 'a'.repeat(64);
const only = (name: string) => {
  const { messages, invalid } = metaInboundMessagesOf(fixtureJson(`meta/${name}.json`), WEBHOOK_ID);
  expect(invalid).toEqual([]);
  expect(messages).toHaveLength(1);
  return messages[0]!;
};

describe('metaInboundMessagesOf (Meta reference examples)', () => {
  it('reads every inbound fixture without refusing a message', () => {
    for (const name of fixtureNames('meta', 'inbound-')) {
      const { messages, invalid } = metaInboundMessagesOf(fixtureJson(name), WEBHOOK_ID);
      expect({ name, invalid, count: messages.length }).toEqual({ name, invalid: [], count: 1 });
    }
  });

  it('text: body, customer from contacts, seconds timestamp, business number', () => {
    expect(only('inbound-text')).toEqual({
      wamid: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
      phoneNumberId: '106540352242922',
      displayPhoneNumber: '15550783881',
      customer: { waId: '16505551234', name: 'Sheena Nelson' },
      sentAt: '2025-06-08T20:59:43.000Z',
      type: 'text',
      content: { kind: 'text', body: 'Does it come in another color?' },
      webhookId: WEBHOOK_ID,
    });
  });

  it('reads a millisecond timestamp as milliseconds', () => {
    expect(only('inbound-text-milliseconds').sentAt).toBe('2025-06-08T20:59:43.123Z');
  });

  it("business-scoped user as Meta's BSUID page shows it: no wa_id, no from; the contact's user_id identifies", () => {
    expect(only('inbound-business-scoped-user-no-phone').customer).toEqual({
      userId: 'US.13491208655302741918',
      username: '@sheena.nelson',
      name: 'Sheena Nelson',
    });
  });

  it('business-scoped user: empty from, from_user_id and username identify the customer', () => {
    expect(only('inbound-business-scoped-user').customer).toEqual({
      userId: 'US.13491208655302741918',
      username: '@sheena.nelson',
      name: 'Sheena Nelson',
    });
  });

  it('image: media id, mime, sha256, caption', () => {
    expect(only('inbound-image').content).toEqual({
      kind: 'media',
      mediaKind: 'image',
      mediaId: '1003383421387256',
      mime: 'image/jpeg',
      sha256: '8lLVXWELGkYWNjGQ1bLKSXoHSnNyBmPaNNn/lXOGDAI=',
      caption: 'This is the one I ordered',
    });
  });

  it('voice note: audio with voice, mime parameters left out', () => {
    expect(only('inbound-audio-voice').content).toMatchObject({
      kind: 'media',
      mediaKind: 'audio',
      mime: 'audio/ogg',
      voice: true,
    });
  });

  it('video, document (file name), sticker (animated flag)', () => {
    expect(only('inbound-video').content).toMatchObject({
      mediaKind: 'video',
      caption: 'Here is the problem',
    });
    expect(only('inbound-document').content).toMatchObject({
      mediaKind: 'document',
      filename: 'invoice-0524.pdf',
      mime: 'application/pdf',
    });
    expect(only('inbound-sticker').content).toMatchObject({ mediaKind: 'sticker', animated: false });
  });

  it('location', () => {
    expect(only('inbound-location').content).toEqual({
      kind: 'location',
      latitude: 37.483307,
      longitude: -122.148981,
      name: 'Main Office',
      address: '1 Hacker Way, Menlo Park, CA 94025',
    });
  });

  it('contacts', () => {
    expect(only('inbound-contacts').content).toEqual({
      kind: 'contacts',
      contacts: [
        {
          name: 'Barbara J. Johnson',
          phones: [{ phone: '+1 (650) 555-1234', waId: '16505551234', type: 'WORK' }],
          emails: ['bjohnson@example.com'],
          organization: 'Example, Inc.',
        },
      ],
    });
  });

  it('interactive replies, with their reply context', () => {
    const button = only('inbound-interactive-button-reply');
    expect(button.content).toEqual({
      kind: 'interactive',
      replyKind: 'button_reply',
      id: 'change-button',
      title: 'Change',
    });
    expect(button.context).toEqual({ replyTo: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA' });
    expect(only('inbound-interactive-list-reply').content).toEqual({
      kind: 'interactive',
      replyKind: 'list_reply',
      id: 'priority_express',
      title: 'Priority Mail Express',
      description: 'Next Day to 2 Days',
    });
  });

  it('template quick-reply button', () => {
    expect(only('inbound-button').content).toEqual({
      kind: 'button',
      payload: 'Unsubscribe from promos',
      text: 'Unsubscribe from promos',
    });
  });

  it('reaction and reply context', () => {
    expect(only('inbound-reaction').content).toEqual({
      kind: 'reaction',
      emoji: '👍',
      messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcD',
    });
    const reply = only('inbound-reply-context');
    expect(reply.content).toEqual({ kind: 'text', body: 'Yes, that one' });
    expect(reply.context?.replyTo).toBe('wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcE');
  });

  it("unsupported: Meta's errors", () => {
    expect(only('inbound-unsupported').content).toEqual({
      kind: 'unsupported',
      errors: [
        {
          code: 131051,
          title: 'Message type unknown',
          message: 'Message type unknown',
          details: 'Message type is currently not supported.',
        },
      ],
    });
  });

  it('reports a malformed message and keeps the rest of the batch', () => {
    const body = fixtureJson<{ entry: { changes: { value: { messages: unknown[] } }[] }[] }>(
      'meta/inbound-text.json',
    );
    const messages = body.entry[0]!.changes[0]!.value.messages;
    messages.unshift({
      id: 'wamid.bad',
      from: '16505551234',
      timestamp: 'yesterday',
      type: 'text',
      text: { body: 'x' },
    });
    const result = metaInboundMessagesOf(body, WEBHOOK_ID);
    expect(result.messages.map((message) => message.wamid)).toEqual([
      'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
    ]);
    expect(result.invalid).toEqual([
      {
        path: 'entry.0.changes.0.value.messages.0',
        issues: [expect.objectContaining({ path: 'timestamp' })],
      },
    ]);
  });
});

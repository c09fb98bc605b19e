import { fixtureJson, fixtureNames } from '../../../test/support/fixtures';
import { metaInboundMessagesOf } from './meta-inbound-messages';

const WEBHOOK_ID = 'a'.repeat(64);

/** The one message of a body, which must be read without refusal. */
const onlyOf = (body: unknown) => {
  const { messages, invalid } = metaInboundMessagesOf(body, WEBHOOK_ID);
  expect(invalid).toEqual([]);
  expect(messages).toHaveLength(1);
  return messages[0]!;
};
const only = (name: string) => onlyOf(fixtureJson(`meta/${name}.json`));

interface MetaBody {
  entry: {
    changes: { value: { contacts: Record<string, unknown>[]; messages: Record<string, unknown>[] } }[];
  }[];
}
/**
 * A fixture with its (only) message and contact changed in code: a variant Meta's examples lack is built from
 * Meta's example rather than written into a fixture of its own (test/fixtures/SOURCES.md).
 */
const variantOf = (
  name: string,
  change: (message: Record<string, unknown>, contact: Record<string, unknown>) => void,
): MetaBody => {
  const body = fixtureJson<MetaBody>(`meta/${name}.json`);
  const value = body.entry[0]!.changes[0]!.value;
  change(value.messages[0]!, value.contacts[0]!);
  return body;
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
    // Meta documents seconds; milliseconds have been seen in the wild: the text example, its timestamp in ms.
    let seconds = '';
    const body = variantOf('inbound-text', (message) => {
      seconds = String(message.timestamp);
      message.timestamp = `${seconds}123`;
    });
    expect(onlyOf(body).sentAt).toBe(new Date(Number(seconds) * 1000 + 123).toISOString());
  });

  it("2026 identity fields beside the phone number (Meta's BSUID page): both ids, username and name kept", () => {
    const body = variantOf('inbound-text', (message, contact) => {
      contact.profile = { name: 'Sheena Nelson', username: 'sheena.nelson', country_code: 'US' };
      contact.user_id = 'US.13491208655302741918';
      contact.parent_user_id = 'US.ENT.11815799212886844830';
      message.from_user_id = 'US.13491208655302741918';
      message.from_parent_user_id = 'US.ENT.11815799212886844830';
    });
    expect(onlyOf(body).customer).toEqual({
      waId: '16505551234',
      userId: 'US.13491208655302741918',
      username: 'sheena.nelson',
      name: 'Sheena Nelson',
    });
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

  it('image: media id, mime, sha256, caption; the media url Meta now adds is not kept (the id is fetched)', () => {
    expect(only('inbound-image').content).toEqual({
      kind: 'media',
      mediaKind: 'image',
      mediaId: '1003383421387256',
      mime: 'image/jpeg',
      sha256: 'SfInY0gGKTsJlUWbwxC1k+FAD0FZHvzwfpvO0zX0GUI=',
      caption: 'Taj Mahal',
    });
  });

  it('voice note: audio with voice, mime parameters left out', () => {
    expect(only('inbound-audio-voice').content).toEqual({
      kind: 'media',
      mediaKind: 'audio',
      mediaId: '1908647269898587',
      mime: 'audio/ogg',
      sha256: 'wvqXMe6n7n1W0zphvLPoLj+s/NtKqmr3zZ7YzTP7xFI=',
      voice: true,
    });
    const file = variantOf('inbound-audio-voice', (message) => {
      (message.audio as Record<string, unknown>).voice = false;
    });
    expect(onlyOf(file).content).toMatchObject({ mediaKind: 'audio', voice: false });
  });

  it('video, document (file name), sticker (animated flag)', () => {
    expect(only('inbound-video').content).toEqual({
      kind: 'media',
      mediaKind: 'video',
      mediaId: '731675419373506',
      mime: 'video/mp4',
      sha256: 'vdGU5X4caz12KwFgYwpljlUNqMt1YnkH+5GkPc3mMnc=',
      caption: 'Timelapse of growth',
    });
    expect(only('inbound-document').content).toEqual({
      kind: 'media',
      mediaKind: 'document',
      mediaId: '622684793477189',
      mime: 'application/pdf',
      sha256: 'V5OPpLD/gEG6Xjg0MbmQDLFgcKsL+j5LfY4ny/pZ4MY=',
      caption: 'my receipt',
      filename: 'receipt.pdf',
    });
    expect(only('inbound-sticker').content).toEqual({
      kind: 'media',
      mediaKind: 'sticker',
      mediaId: '1908647269898587',
      mime: 'image/webp',
      sha256: 'wvqXMe6n7n1W0zphvLPoLj+s/NtKqmr3zZ7YzTP7xFI=',
      animated: true,
    });
  });

  it('location (its url, sent for business locations, is not kept)', () => {
    expect(only('inbound-location').content).toEqual({
      kind: 'location',
      latitude: 37.44221496582,
      longitude: -122.16165924072,
      name: 'Philz Coffee',
      address: '101 Forest Ave, Palo Alto, CA 94301',
    });
  });

  it('contacts', () => {
    expect(only('inbound-contacts').content).toEqual({
      kind: 'contacts',
      contacts: [
        {
          name: 'Barbara J. Johnson',
          phones: [{ phone: '+1 (415) 555-0829', waId: '14125550829', type: 'MOBILE' }],
          emails: [],
          organization: 'Social Tsunami',
        },
      ],
    });
  });

  it('interactive replies, with their reply context', () => {
    const button = only('inbound-interactive-button-reply');
    expect(button.content).toEqual({
      kind: 'interactive',
      replyKind: 'button_reply',
      id: 'cancel-button',
      title: 'Cancel',
    });
    expect(button.context).toEqual({ replyTo: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MEM2RUJFNkI0RENGQTVDRjUA' });
    const list = only('inbound-interactive-list-reply');
    expect(list.content).toEqual({
      kind: 'interactive',
      replyKind: 'list_reply',
      id: 'priority_express',
      title: 'Priority Mail Express',
      description: 'Next Day to 2 Days',
    });
    expect(list.context).toEqual({
      replyTo: 'wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=',
    });
  });

  it('template quick-reply button, answering the template message', () => {
    const button = only('inbound-button');
    expect(button.content).toEqual({ kind: 'button', payload: 'Unsubscribe', text: 'Unsubscribe' });
    expect(button.context).toEqual({
      replyTo: 'wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=',
    });
  });

  it('reaction, and its removal (the same webhook without emoji)', () => {
    const messageId = 'wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=';
    expect(only('inbound-reaction').content).toEqual({ kind: 'reaction', emoji: '👍', messageId });
    // Meta's own "Reaction removed" sample is not valid JSON (a trailing comma): built from the reaction instead.
    const removed = variantOf('inbound-reaction', (message) => {
      delete (message.reaction as Record<string, unknown>).emoji;
    });
    expect(onlyOf(removed).content).toEqual({ kind: 'reaction', messageId });
  });

  it('text sent from a product message (context: the business message, referred_product left out)', () => {
    const reply = only('inbound-reply-context');
    expect(reply.content).toEqual({ kind: 'text', body: 'Is this still available?' });
    expect(reply.context).toEqual({ replyTo: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGA9wcm9kdWN0X2lucXVpcnkA' });
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

  it("finds no message, and nothing malformed, in Meta's system-level error webhook", () => {
    expect(metaInboundMessagesOf(fixtureJson('meta/webhook-errors-130429.json'), WEBHOOK_ID)).toEqual({
      messages: [],
      invalid: [],
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

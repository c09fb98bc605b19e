import type { OutboundContent } from './outbound-content';
import { MAX_PARTS_PER_MESSAGE, toMetaMessages } from './to-meta-messages';

const WA = { waId: '+1 555 010 0199' };
const to = { messaging_product: 'whatsapp', recipient_type: 'individual', to: '+15550100199' } as const;
const LINK = 'https://media.example.com/media-outbound/t1/outbound/images/2024-05-01/u.jpg';

const message = (fields: Partial<OutboundContent>): OutboundContent => ({
  messageType: 'Text',
  isSendable: true,
  attachments: [],
  ...fields,
});
const textBody = (body: string, previewUrl = false) => ({
  ...to,
  type: 'text',
  text: { preview_url: previewUrl, body },
});

describe('toMetaMessages', () => {
  it('splits a long text into ordered parts, an emoji at each cut kept whole', () => {
    const text = `${'x'.repeat(4095)}😀${'y'.repeat(4094)}😀z`;
    const result = toMetaMessages(message({ text }), WA, undefined, { bizOpaqueCallbackData: 'g-7' });
    expect(result).toEqual({
      ok: true,
      messages: [
        { ...textBody('x'.repeat(4095)), biz_opaque_callback_data: 'g-7' },
        { ...textBody(`😀${'y'.repeat(4094)}`), biz_opaque_callback_data: 'g-7' },
        { ...textBody('😀z'), biz_opaque_callback_data: 'g-7' },
      ],
      notes: [],
    });
  });

  it('splits long prose at spaces: exact count, order, every part within 4096', () => {
    const sentence = 'The quick brown fox jumps over the lazy dog. ';
    const text = sentence.repeat(300).trim(); // 13499 characters
    const result = toMetaMessages(message({ text }), WA);
    if (!result.ok) throw new Error(result.message);
    const bodies = result.messages.map((part) => (part.type === 'text' ? part.text.body : ''));
    expect(bodies).toHaveLength(4);
    expect(bodies.every((body) => body.length <= 4096 && body.endsWith('dog.'))).toBe(true);
    expect(bodies.join(' ')).toBe(text);
  });

  it('sends a text of exactly the most parts, and fails MessageTooLong for one part more', () => {
    const longest = 'x'.repeat(4096 * MAX_PARTS_PER_MESSAGE);
    const sent = toMetaMessages(message({ text: longest }), WA);
    expect(sent.ok && sent.messages.length).toBe(MAX_PARTS_PER_MESSAGE);

    const tooLong = toMetaMessages(message({ text: `${longest}y` }), WA);
    expect(tooLong).toEqual({
      ok: false,
      reason: 'MessageTooLong',
      message: expect.stringContaining(`${MAX_PARTS_PER_MESSAGE + 1} WhatsApp messages`),
    });
  });

  it('fails NotSendable for Receipt and Event messages, before looking at anything else', () => {
    expect(toMetaMessages(message({ messageType: 'Receipt', isSendable: false }), { waId: 'bad' })).toEqual({
      ok: false,
      reason: 'NotSendable',
      message: 'Receipt messages are recorded, never sent to WhatsApp',
    });
  });

  it('fails NothingToSend for a message with nothing in it, or only whitespace', () => {
    const expected = {
      ok: false,
      reason: 'NothingToSend',
      message: 'the message has no text, attachment, template or choices',
    };
    expect(toMetaMessages(message({}), WA)).toEqual(expected);
    expect(toMetaMessages(message({ text: ' \n\t ' }), WA)).toEqual(expected);
    expect(toMetaMessages(message({ text: '' }), WA)).toEqual(expected);
  });

  it('fails UnsupportedContent when only content WhatsApp cannot show is there', () => {
    expect(toMetaMessages(message({ unhandledContent: ['Location', 'Story'] }), WA)).toEqual({
      ok: false,
      reason: 'UnsupportedContent',
      message: 'nothing WhatsApp can show: Location, Story',
    });
  });

  it('sends what it can and notes the rest', () => {
    expect(toMetaMessages(message({ text: 'Here', unhandledContent: ['Location'] }), WA)).toEqual({
      ok: true,
      messages: [textBody('Here')],
      notes: ['Location content has no WhatsApp equivalent and is not sent'],
    });
  });

  it('notes a whitespace-only text that is not sent beside other content', () => {
    const result = toMetaMessages(
      message({
        text: '   ',
        attachments: [{ mediaType: 'Image', url: 'https://dl.test/a', mime: 'image/png' }],
      }),
      WA,
      { kind: 'image', link: LINK },
    );
    expect(result).toEqual({
      ok: true,
      messages: [{ ...to, type: 'image', image: { link: LINK } }],
      notes: ['the text is only whitespace and is not sent'],
    });
  });

  it('sends Link attachments as text with a preview, after the message text', () => {
    const result = toMetaMessages(
      message({
        text: 'Details:',
        attachments: [
          { mediaType: 'Link', url: 'https://example.com/terms', text: 'Our terms' },
          { mediaType: 'Link', url: 'https://example.com/faq' },
        ],
      }),
      WA,
    );
    expect(result).toEqual({
      ok: true,
      messages: [
        textBody('Details:\n\nOur terms\nhttps://example.com/terms\n\nhttps://example.com/faq', true),
      ],
      notes: [],
    });
  });

  it('refuses two attachments in one message instead of dropping one', () => {
    const image = { mediaType: 'Image', url: 'https://dl.test/a', mime: 'image/png' };
    expect(
      toMetaMessages(message({ attachments: [image, image] }), WA, { kind: 'image', link: LINK }),
    ).toEqual({
      ok: false,
      reason: 'UnsupportedContent',
      message: '2 attachments in one message; one per message is supported',
    });
  });

  it('sends media first, then the quick replies with the message text as their body', () => {
    const result = toMetaMessages(
      message({
        messageType: 'Structured',
        text: 'Is this your parcel?',
        attachments: [{ mediaType: 'Image', url: 'https://dl.test/a', mime: 'image/jpeg', text: 'Photo' }],
        quickReplies: [{ text: 'Yes' }, { text: 'No' }],
      }),
      WA,
      { kind: 'image', link: LINK },
    );
    expect(result).toEqual({
      ok: true,
      messages: [
        { ...to, type: 'image', image: { link: LINK, caption: 'Photo' } },
        {
          ...to,
          type: 'interactive',
          interactive: {
            type: 'button',
            body: { text: 'Is this your parcel?' },
            action: {
              buttons: [
                { type: 'reply', reply: { id: 'Yes', title: 'Yes' } },
                { type: 'reply', reply: { id: 'No', title: 'No' } },
              ],
            },
          },
        },
      ],
      notes: [],
    });
  });

  it('with quick replies, a caption audio cannot carry goes between the media and the buttons', () => {
    const result = toMetaMessages(
      message({
        messageType: 'Structured',
        text: 'Reply?',
        attachments: [
          { mediaType: 'Audio', url: 'https://dl.test/a', mime: 'audio/aac', text: 'Voice note' },
        ],
        quickReplies: [{ text: 'OK' }],
      }),
      WA,
      { kind: 'audio', mediaId: 'm-1' },
    );
    expect(result.ok && result.messages.map((part) => part.type)).toEqual(['audio', 'text', 'interactive']);
    expect(result.ok && result.messages[1]).toEqual(textBody('Voice note'));
  });
});

import type { OutboundAttachment, OutboundContent, StoredMedia } from './outbound-content';
import { toMetaMessages } from './to-meta-messages';

const WA = { waId: '15550100199' };
const LINK = 'https://media.example.com/media-outbound/t1/outbound/x/2024-05-01/u.bin';
const to = { messaging_product: 'whatsapp', recipient_type: 'individual', to: '+15550100199' } as const;

const withAttachment = (attachment: Partial<OutboundAttachment>, text?: string): OutboundContent => ({
  messageType: 'Text',
  isSendable: true,
  ...(text === undefined ? {} : { text }),
  attachments: [
    { mediaType: 'Image', url: 'https://api-downloads.mypurecloud.com/x', mime: 'image/jpeg', ...attachment },
  ],
});

const stored = (kind: StoredMedia['kind'], extra: Partial<StoredMedia> = {}): StoredMedia => ({
  kind,
  link: LINK,
  ...extra,
});

describe('media messages', () => {
  it('uses the message text as the caption of an image, video or document', () => {
    expect(toMetaMessages(withAttachment({}, 'Your receipt'), WA, stored('image'))).toEqual({
      ok: true,
      messages: [{ ...to, type: 'image', image: { link: LINK, caption: 'Your receipt' } }],
      notes: [],
    });
    const video = toMetaMessages(
      withAttachment({ mediaType: 'Video', mime: 'video/mp4' }, 'Watch'),
      WA,
      stored('video'),
    );
    expect(video.ok && video.messages).toEqual([
      { ...to, type: 'video', video: { link: LINK, caption: 'Watch' } },
    ]);
    const doc = toMetaMessages(
      withAttachment({ mediaType: 'File', mime: 'application/pdf', filename: 'a.pdf' }, 'Invoice'),
      WA,
      stored('document'),
    );
    expect(doc.ok && doc.messages).toEqual([
      { ...to, type: 'document', document: { link: LINK, caption: 'Invoice', filename: 'a.pdf' } },
    ]);
  });

  it("prefers the attachment's own caption, and then sends the message text after the media", () => {
    const result = toMetaMessages(
      withAttachment({ text: 'Front page' }, 'See attached'),
      WA,
      stored('image'),
    );
    expect(result.ok && result.messages).toEqual([
      { ...to, type: 'image', image: { link: LINK, caption: 'Front page' } },
      { ...to, type: 'text', text: { preview_url: false, body: 'See attached' } },
    ]);
  });

  it('sends the text once when the caption and the message text are the same', () => {
    const result = toMetaMessages(withAttachment({ text: 'Same' }, 'Same'), WA, stored('image'));
    expect(result.ok && result.messages).toHaveLength(1);
  });

  it("lets the stored media's caption override the attachment's", () => {
    const result = toMetaMessages(withAttachment({ text: 'old' }), WA, stored('image', { caption: 'new' }));
    expect(result.ok && result.messages).toEqual([
      { ...to, type: 'image', image: { link: LINK, caption: 'new' } },
    ]);
  });

  it('sends audio without caption and the text as a separate message after it, with a note', () => {
    const result = toMetaMessages(
      withAttachment({ mediaType: 'Audio', mime: 'audio/mpeg' }, 'Listen to this'),
      WA,
      stored('audio', { mediaId: undefined }),
    );
    expect(result).toEqual({
      ok: true,
      messages: [
        { ...to, type: 'audio', audio: { link: LINK } },
        { ...to, type: 'text', text: { preview_url: false, body: 'Listen to this' } },
      ],
      notes: ['WhatsApp audio messages take no caption; the text is sent as a separate message after it'],
    });
  });

  it('sends a webp image as a sticker, its text after it', () => {
    const result = toMetaMessages(withAttachment({ mime: 'image/webp' }, ':)'), WA, stored('sticker'));
    expect(result.ok && result.messages).toEqual([
      { ...to, type: 'sticker', sticker: { link: LINK } },
      { ...to, type: 'text', text: { preview_url: false, body: ':)' } },
    ]);
  });

  it('sends a caption over 1024 characters as text after the media, split if needed', () => {
    const caption = 'word '.repeat(1000).trim();
    const result = toMetaMessages(withAttachment({}, caption), WA, stored('image'));
    expect(result.ok && result.messages).toEqual([
      { ...to, type: 'image', image: { link: LINK } },
      { ...to, type: 'text', text: { preview_url: false, body: 'word '.repeat(819).trim() } },
      { ...to, type: 'text', text: { preview_url: false, body: 'word '.repeat(181).trim() } },
    ]);
    expect(result.ok && result.notes).toEqual([
      "the caption (4999 characters) exceeds WhatsApp's 1024; it is sent as a separate message after the media",
    ]);
  });

  it('notes a file name WhatsApp cannot show, and the OPUS-only rule for ogg', () => {
    const result = toMetaMessages(
      withAttachment({ mediaType: 'Audio', mime: 'audio/ogg', filename: 'voice.ogg' }),
      WA,
      stored('audio'),
    );
    expect(result.ok && result.notes).toEqual([
      'file name voice.ogg is not shown: WhatsApp audio messages have no file name',
      'WhatsApp plays audio/ogg only with the OPUS codec; Meta rejects other codecs',
    ]);
  });

  it('prefers the stored file name for a document', () => {
    const result = toMetaMessages(
      withAttachment({ mediaType: 'File', mime: 'application/pdf', filename: 'genesys.pdf' }),
      WA,
      stored('document', { filename: 'renamed.pdf' }),
    );
    expect(result.ok && result.messages[0]).toMatchObject({ document: { filename: 'renamed.pdf' } });
  });

  it('fails UnsupportedMediaType for a MIME type Meta does not take for that kind', () => {
    expect(toMetaMessages(withAttachment({ mime: 'image/gif' }), WA, stored('image'))).toEqual({
      ok: false,
      reason: 'UnsupportedMediaType',
      message: 'WhatsApp does not accept image/gif as Image; it accepts image/jpeg, image/png, image/webp',
    });
    expect(
      toMetaMessages(withAttachment({ mediaType: 'File', mime: 'application/zip' }), WA, stored('document')),
    ).toMatchObject({ ok: false, reason: 'UnsupportedMediaType' });
  });

  it('infers the MIME type from the file name when none is declared', () => {
    const result = toMetaMessages(
      withAttachment({ mediaType: 'File', mime: undefined, filename: 'scan.pdf' }),
      WA,
      stored('document'),
    );
    expect(result.ok && result.messages[0]).toMatchObject({
      type: 'document',
      document: { filename: 'scan.pdf' },
    });
    expect(
      toMetaMessages(
        withAttachment({ mediaType: 'File', mime: undefined, filename: 'a.zip' }),
        WA,
        stored('document'),
      ),
    ).toMatchObject({ ok: true, notes: [expect.stringContaining('declares no MIME type')] });
  });

  it('takes the stored kind when no MIME type is known, if the mediaType allows it', () => {
    const result = toMetaMessages(withAttachment({ mime: undefined }), WA, stored('sticker'));
    expect(result).toEqual({
      ok: true,
      messages: [{ ...to, type: 'sticker', sticker: { link: LINK } }],
      notes: ['the attachment declares no MIME type; sent as sticker, as the stored media was classified'],
    });
    expect(toMetaMessages(withAttachment({ mime: undefined }), WA, stored('video'))).toEqual({
      ok: false,
      reason: 'InvalidMedia',
      message: 'a Image attachment cannot be sent as video',
    });
    expect(
      toMetaMessages(withAttachment({ mediaType: 'Hologram', mime: undefined }), WA, stored('image')),
    ).toEqual({
      ok: false,
      reason: 'UnsupportedMediaType',
      message: 'Genesys mediaType Hologram is not a WhatsApp media kind',
    });
  });

  it('fails InvalidMedia when the stored kind disagrees with the attachment', () => {
    expect(toMetaMessages(withAttachment({}), WA, stored('document'))).toEqual({
      ok: false,
      reason: 'InvalidMedia',
      message: 'the attachment is image (image/jpeg) but was stored as document',
    });
  });

  it('fails InvalidMedia unless exactly one of link and mediaId is given', () => {
    for (const media of [{ kind: 'image' as const }, { kind: 'image' as const, link: LINK, mediaId: '1' }]) {
      expect(toMetaMessages(withAttachment({}), WA, media)).toEqual({
        ok: false,
        reason: 'InvalidMedia',
        message: 'stored media needs exactly one of link and mediaId',
      });
    }
  });

  it('fails MediaTooLarge above the kind limit, and accepts exactly the limit', () => {
    expect(
      toMetaMessages(withAttachment({ contentSizeBytes: 5 * 1024 * 1024 + 1 }), WA, stored('image')),
    ).toEqual({
      ok: false,
      reason: 'MediaTooLarge',
      message: "image of 5242881 bytes exceeds WhatsApp's limit of 5242880 bytes",
    });
    expect(
      toMetaMessages(withAttachment({ contentSizeBytes: 5 * 1024 * 1024 }), WA, stored('image')).ok,
    ).toBe(true);
    expect(
      toMetaMessages(
        withAttachment({ mime: 'image/webp', contentSizeBytes: 500 * 1024 + 1 }),
        WA,
        stored('sticker'),
      ),
    ).toMatchObject({ reason: 'MediaTooLarge' });
  });
});

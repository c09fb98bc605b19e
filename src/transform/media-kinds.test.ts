import { kindTakesCaption, mediaKindFor, META_MEDIA_MAX_BYTES, MEDIA_STORAGE_FOLDERS } from './media-kinds';

describe('mediaKindFor', () => {
  it.each([
    ['Image', 'image/jpeg', 'image'],
    ['Image', 'image/png', 'image'],
    ['Image', 'image/webp', 'sticker'],
    ['Video', 'video/mp4', 'video'],
    ['Video', 'video/3gpp', 'video'],
    ['Video', 'video/3gp', 'video'],
    ['Audio', 'audio/aac', 'audio'],
    ['Audio', 'audio/mp4', 'audio'],
    ['Audio', 'audio/mpeg', 'audio'],
    ['Audio', 'audio/amr', 'audio'],
    ['Audio', 'audio/ogg', 'audio'],
    ['Audio', 'audio/ogg; codecs=opus', 'audio'],
    ['File', 'application/pdf', 'document'],
    ['File', 'text/plain', 'document'],
    ['File', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'document'],
    ['File', 'application/vnd.ms-excel', 'document'],
    ['File', 'application/vnd.openxmlformats-officedocument.presentationml.presentation', 'document'],
    ['Image', 'IMAGE/PNG', 'image'],
  ])('%s %s → %s', (mediaType, mime, kind) => {
    expect(mediaKindFor(mediaType, mime)).toEqual({ ok: true, kind });
  });

  it.each([
    [
      'Image',
      'image/gif',
      'WhatsApp does not accept image/gif as Image; it accepts image/jpeg, image/png, image/webp',
    ],
    [
      'Image',
      'video/mp4',
      'WhatsApp does not accept video/mp4 as Image; it accepts image/jpeg, image/png, image/webp',
    ],
    [
      'Video',
      'video/quicktime',
      'WhatsApp does not accept video/quicktime as Video; it accepts video/mp4, video/3gpp, video/3gp',
    ],
    [
      'Audio',
      'audio/wav',
      'WhatsApp does not accept audio/wav as Audio; it accepts audio/aac, audio/mp4, audio/mpeg, audio/amr, audio/ogg',
    ],
    ['File', 'image/png', expect.stringContaining('WhatsApp does not accept image/png as File')],
    ['File', 'application/zip', expect.stringContaining('WhatsApp does not accept application/zip as File')],
    ['File', '', expect.stringContaining('WhatsApp does not accept an empty MIME type as File')],
    ['Link', 'text/html', 'Genesys mediaType Link is not a WhatsApp media kind'],
    ['Sticker', 'image/webp', 'Genesys mediaType Sticker is not a WhatsApp media kind'],
  ])('refuses %s %j', (mediaType, mime, message) => {
    expect(mediaKindFor(mediaType, mime)).toEqual({ ok: false, reason: 'UnsupportedMediaType', message });
  });
});

describe('media limits', () => {
  it("states Meta's size limits per kind", () => {
    expect(META_MEDIA_MAX_BYTES).toEqual({
      image: 5 * 1024 * 1024,
      video: 16 * 1024 * 1024,
      audio: 16 * 1024 * 1024,
      document: 100 * 1024 * 1024,
      sticker: 500 * 1024,
    });
  });

  it('names the storage folder of each kind', () => {
    expect(MEDIA_STORAGE_FOLDERS).toEqual({
      image: 'images',
      video: 'video',
      audio: 'audio',
      document: 'documents',
      sticker: 'stickers',
    });
  });

  it('lets only image, video and document carry a caption', () => {
    expect(
      (['image', 'video', 'document', 'audio', 'sticker'] as const).filter((kind) => kindTakesCaption(kind)),
    ).toEqual(['image', 'video', 'document']);
  });
});

import { extensionFor, mediaObjectKey, mimeForFilename } from './media-object-key';

const UUID = '6f1c1a8e-1f0e-4d7a-9a57-2f3e8b1c9d00';

describe('extensionFor', () => {
  it.each([
    ['image/jpeg', 'photo.JPEG', 'jpg'],
    ['image/png', undefined, 'png'],
    ['image/webp', 'sticker', 'webp'],
    ['video/3gpp', 'clip.3gpp', '3gp'],
    ['audio/mp4', 'voice.mp4', 'm4a'],
    ['audio/mpeg', undefined, 'mp3'],
    ['audio/ogg; codecs=opus', undefined, 'ogg'],
    ['application/pdf', 'file.pdf', 'pdf'],
    ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'x', 'xlsx'],
    ['Application/MSWord', undefined, 'doc'],
  ])('%s (%s) → %s: the MIME type decides', (mime, filename, extension) => {
    expect(extensionFor(mime, filename)).toBe(extension);
  });

  it.each([
    [undefined, 'Report.PDF', 'pdf'],
    ['application/x-custom', 'data.CSV', 'csv'],
    ['application/x-custom', '../../etc/passwd', 'bin'],
    ['application/x-custom', 'archive.tar.gz', 'gz'],
    ['application/x-custom', 'weird.ext/../x', 'bin'],
    ['application/x-custom', '.bashrc', 'bin'],
    ['application/x-custom', 'name.averyveryverylongext', 'bin'],
    [undefined, undefined, 'bin'],
  ])('%s (%s) → %s: else a plain file name extension, else bin', (mime, filename, extension) => {
    expect(extensionFor(mime, filename)).toBe(extension);
  });
});

describe('mimeForFilename', () => {
  it.each([
    ['file.pdf', 'application/pdf'],
    ['photo.JPG', 'image/jpeg'],
    ['photo.jpeg', 'image/jpeg'],
    ['clip.3gp', 'video/3gpp'],
    ['notes.txt', 'text/plain'],
    ['archive.zip', undefined],
    ['noextension', undefined],
    [undefined, undefined],
  ])('%s → %s', (filename, mime) => {
    expect(mimeForFilename(filename)).toBe(mime);
  });
});

describe('mediaObjectKey', () => {
  it('follows media-outbound/{tenant}/outbound/{folder}/{yyyy-MM-dd}/{uuid}.{ext}, UTC date', () => {
    expect(
      mediaObjectKey({
        tenantId: 'tenant-001',
        kind: 'image',
        storedAt: new Date('2024-05-01T23:30:00-02:00'),
        uuid: UUID.toUpperCase(),
        mime: 'image/jpeg',
        filename: 'receipt.png',
      }),
    ).toBe(`media-outbound/tenant-001/outbound/images/2024-05-02/${UUID}.jpg`);
  });

  it.each([
    ['document', 'documents', 'application/pdf', 'pdf'],
    ['audio', 'audio', 'audio/aac', 'aac'],
    ['video', 'video', 'video/mp4', 'mp4'],
    ['sticker', 'stickers', 'image/webp', 'webp'],
  ] as const)('puts a %s under %s/', (kind, folder, mime, extension) => {
    expect(
      mediaObjectKey({ tenantId: 't1', kind, storedAt: new Date('2026-03-25T13:20:05Z'), uuid: UUID, mime }),
    ).toBe(`media-outbound/t1/outbound/${folder}/2026-03-25/${UUID}.${extension}`);
  });

  it.each(['', '..', '../other', 'a/b', '.hidden'])(
    'throws on an unsafe tenant id %j (a bug)',
    (tenantId) => {
      expect(() => mediaObjectKey({ tenantId, kind: 'image', storedAt: new Date(), uuid: UUID })).toThrow(
        /tenant/,
      );
    },
  );

  it('throws on a uuid that is not one, and on an invalid date', () => {
    expect(() =>
      mediaObjectKey({ tenantId: 't', kind: 'image', storedAt: new Date(), uuid: '../x' }),
    ).toThrow(/uuid/);
    expect(() =>
      mediaObjectKey({ tenantId: 't', kind: 'image', storedAt: new Date('nope'), uuid: UUID }),
    ).toThrow(/date/);
  });
});

import { inboundExtensionFor, inboundMediaObjectKey } from './inbound-media-key';

const uuid = '3F2504E0-4F89-41D3-9A0C-0305E82C3301';

describe('inboundMediaObjectKey', () => {
  it("follows the design's layout, the day in UTC", () => {
    expect(
      inboundMediaObjectKey({
        tenantId: 'acme',
        kind: 'image',
        receivedAt: new Date('2026-12-05T23:30:00-02:00'),
        uuid,
        mimeType: 'image/jpeg',
      }),
    ).toBe('acme/inbound/images/2026-12-06/3f2504e0-4f89-41d3-9a0c-0305e82c3301.jpg');
  });

  it.each([
    ['document', 'application/pdf', 'documents', 'pdf'],
    ['audio', 'audio/ogg; codecs=opus', 'audio', 'ogg'],
    ['video', 'video/mp4', 'video', 'mp4'],
    ['sticker', 'image/webp', 'stickers', 'webp'],
  ] as const)('puts a %s (%s) in %s with .%s', (kind, mimeType, folder, extension) => {
    const key = inboundMediaObjectKey({ tenantId: 't1', kind, receivedAt: new Date(0), uuid, mimeType });
    expect(key).toBe(`t1/inbound/${folder}/1970-01-01/${uuid.toLowerCase()}.${extension}`);
  });

  it('escapes a tenant id that could leave its folder', () => {
    const key = inboundMediaObjectKey({
      tenantId: '../other/x',
      kind: 'image',
      receivedAt: new Date(0),
      uuid,
    });
    expect(key.startsWith('..%2Fother%2Fx/inbound/')).toBe(true);
    expect(key.split('/')).toHaveLength(5);
  });

  it('refuses a uuid that is not one, and an invalid date', () => {
    expect(() =>
      inboundMediaObjectKey({ tenantId: 't', kind: 'image', receivedAt: new Date(0), uuid: '../x' }),
    ).toThrow(/not a uuid/);
    expect(() =>
      inboundMediaObjectKey({ tenantId: 't', kind: 'image', receivedAt: new Date(Number.NaN), uuid }),
    ).toThrow(/invalid date/);
  });
});

describe('inboundExtensionFor', () => {
  it('knows the types customers send and falls back to bin', () => {
    expect(inboundExtensionFor('image/png')).toBe('png');
    expect(inboundExtensionFor('IMAGE/GIF')).toBe('gif');
    expect(inboundExtensionFor('video/quicktime')).toBe('mov');
    expect(inboundExtensionFor('application/x-msdownload')).toBe('bin');
    expect(inboundExtensionFor(undefined)).toBe('bin');
  });
});

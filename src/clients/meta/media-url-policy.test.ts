import { checkMediaUrl, MAX_MEDIA_URL_LENGTH, simulatorOriginFor } from './media-url-policy';

const meta = 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1037543291543636&ext=1&hash=abc';

describe('checkMediaUrl', () => {
  it("accepts Meta's media CDN over https", () => {
    expect(checkMediaUrl(meta)).toMatchObject({ ok: true });
    expect(checkMediaUrl(meta.replace('lookaside', 'LOOKASIDE'))).toMatchObject({ ok: true });
  });

  it.each([
    ['http on the right host', meta.replace('https:', 'http:'), /scheme http:/],
    ['another host', 'https://evil.example/whatsapp_business/attachments/', /not a Meta media host/],
    ['a look-alike suffix', 'https://lookaside.fbsbx.com.evil.example/x', /not a Meta media host/],
    ['an internal address', 'https://169.254.169.254/latest/meta-data/', /not a Meta media host/],
    ['a non-default port', 'https://lookaside.fbsbx.com:8443/x', /not a Meta media host/],
    ['credentials', 'https://user:pw@lookaside.fbsbx.com/x', /credentials/],
    ['garbage', 'not a url', /not a URL/],
    ['a huge URL', `${meta}&pad=${'a'.repeat(MAX_MEDIA_URL_LENGTH)}`, /longer than/],
  ])('refuses %s', (_label, url, reason) => {
    const check = checkMediaUrl(url);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.reason).toMatch(reason);
  });

  it('accepts the simulator origin, and only it, when one is given', () => {
    expect(
      checkMediaUrl('http://127.0.0.1:4100/whatsapp_business/attachments/', 'http://127.0.0.1:4100').ok,
    ).toBe(true);
    expect(checkMediaUrl('http://127.0.0.1:4101/x', 'http://127.0.0.1:4100').ok).toBe(false);
    expect(checkMediaUrl('http://127.0.0.1:4100/x').ok).toBe(false);
    expect(checkMediaUrl(meta, 'http://127.0.0.1:4100').ok).toBe(true);
  });
});

describe('simulatorOriginFor', () => {
  it('is the Graph URL origin only for a loopback Graph URL', () => {
    expect(simulatorOriginFor('http://127.0.0.1:4100/')).toBe('http://127.0.0.1:4100');
    expect(simulatorOriginFor('http://localhost:4100')).toBe('http://localhost:4100');
    expect(simulatorOriginFor('https://graph.facebook.com')).toBeUndefined();
    expect(simulatorOriginFor('http://10.0.0.5:4100')).toBeUndefined();
    expect(simulatorOriginFor('nonsense')).toBeUndefined();
  });
});

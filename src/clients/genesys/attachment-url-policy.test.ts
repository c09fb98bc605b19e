import { checkAttachmentUrl, MAX_ATTACHMENT_URL_LENGTH } from './attachment-url-policy';

const allowed = ['api-downloads.usw2.pure.cloud', 'API-DOWNLOADS.mypurecloud.ie'];
const fixtureUrl = 'https://api-downloads.usw2.pure.cloud/api/v2/downloads/pce1234456';

describe('checkAttachmentUrl', () => {
  it('accepts an https URL on an allowed host and requests it as is', () =>
    expect(checkAttachmentUrl(fixtureUrl, allowed)).toMatchObject({ ok: true, requestUrl: fixtureUrl }));

  it('compares hosts case-insensitively', () =>
    expect(checkAttachmentUrl('https://api-downloads.MyPureCloud.ie/api/v2/downloads/x', allowed).ok).toBe(
      true,
    ));

  it.each([
    ['a foreign host', 'https://evil.example/api/v2/downloads/x'],
    ['a look-alike suffix', 'https://api-downloads.usw2.pure.cloud.evil.example/x'],
    ['a look-alike prefix', 'https://xapi-downloads.usw2.pure.cloud/x'],
    ['an internal address', 'https://169.254.169.254/latest/meta-data'],
    ['a non-default port', 'https://api-downloads.usw2.pure.cloud:8443/x'],
    ['plain http', 'http://api-downloads.usw2.pure.cloud/x'],
    ['another scheme', 'file:///etc/passwd'],
    ['credentials in the URL', 'https://user:pw@api-downloads.usw2.pure.cloud/x'],
    ['not a URL', 'api-downloads.usw2.pure.cloud/x'],
  ])('refuses %s', (_what, url) => expect(checkAttachmentUrl(url, allowed).ok).toBe(false));

  it('refuses a URL longer than the limit, and accepts one at the limit', () => {
    const padded = (length: number) => `${fixtureUrl}?x=${'a'.repeat(length - fixtureUrl.length - 3)}`;
    expect(checkAttachmentUrl(padded(MAX_ATTACHMENT_URL_LENGTH), allowed).ok).toBe(true);
    expect(checkAttachmentUrl(padded(MAX_ATTACHMENT_URL_LENGTH + 1), allowed)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('longer'),
    });
  });

  it('sends the same path and query to the override origin, after checking the URL as given', () =>
    expect(checkAttachmentUrl(`${fixtureUrl}?a=1&b=2`, allowed, 'http://127.0.0.1:45678')).toMatchObject({
      ok: true,
      requestUrl: 'http://127.0.0.1:45678/api/v2/downloads/pce1234456?a=1&b=2',
    }));

  it('still refuses a foreign host when an override is set', () =>
    expect(checkAttachmentUrl('https://evil.example/x', allowed, 'http://127.0.0.1:45678').ok).toBe(false));

  it('accepts http only with an override (simulators)', () =>
    expect(
      checkAttachmentUrl('http://api-downloads.usw2.pure.cloud/x', allowed, 'http://127.0.0.1:1').ok,
    ).toBe(true));

  it('refuses everything when nothing is allowed', () =>
    expect(checkAttachmentUrl(fixtureUrl, []).ok).toBe(false));
});

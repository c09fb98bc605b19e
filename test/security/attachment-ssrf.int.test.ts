import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  downloadAttachment,
  type DownloadAttachmentRequest,
} from '../../src/clients/genesys/download-attachment';

/**
 * Server-side request forgery through the attachment URL of a webhook: every hostile URL must be refused before
 * the bridge opens any connection. Real downloads run against real loopback servers; `fetch` is watched, so a URL
 * that got through would show up as a request to a host other than the simulator's origin (and, without an origin
 * override, any call to fetch at all fails the case: nothing is ever sent off this machine).
 */

const ALLOWED = 'api-downloads.usw2.pure.cloud';
const ALLOWED_HOSTS = [ALLOWED, 'api-downloads.mypurecloud.ie'];
const TOKEN = 'ssrf-test-bearer-token';
const PAYLOAD = Buffer.from('%PDF-1.4 attachment bytes');

interface Recorder {
  url: string;
  requests: string[];
  close: () => Promise<void>;
}

const startServer = async (
  handle: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<Recorder> => {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(request.url ?? '/');
    handle(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
};

/** Stands in for Genesys (through the origin override): `/ok` serves the attachment, `/redirect?to=` redirects. */
let genesys: Recorder;
/** Stands in for an internal service an attacker wants reached: it must never see a request. */
let internal: Recorder;
/** Where `/redirect?to=<key>` sends the client: the key keeps the first URL short even for an overlong target. */
const redirects = new Map<string, string>();
let fetched: string[];
let fetchSpy: jest.SpyInstance;

beforeAll(async () => {
  genesys = await startServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://simulator');
    if (url.pathname === '/api/v2/downloads/ok') {
      response.writeHead(200, { 'content-type': 'application/pdf', 'content-length': PAYLOAD.length });
      response.end(PAYLOAD);
    } else if (url.pathname === '/api/v2/downloads/redirect') {
      response.writeHead(302, { location: redirects.get(url.searchParams.get('to') ?? '') ?? '' }).end();
    } else response.writeHead(404).end();
  });
  internal = await startServer((_request, response) => response.writeHead(200).end('internal secrets'));
});
afterAll(async () => {
  await genesys.close();
  await internal.close();
});

const realFetch = globalThis.fetch;
beforeEach(() => {
  fetched = [];
  // Sees every request the downloader makes; only the simulator's loopback origin is ever let through.
  fetchSpy = jest.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    fetched.push(url);
    if (new URL(url).origin !== genesys.url) throw new Error(`test guard: refused to connect to ${url}`);
    return realFetch(input, init);
  });
});
afterEach(() => fetchSpy.mockRestore());

const download = (url: string, overrides: Partial<DownloadAttachmentRequest> = {}) =>
  downloadAttachment({
    url,
    accessToken: TOKEN,
    allowedHosts: ALLOWED_HOSTS,
    originOverride: genesys.url,
    maxBytes: 1024 * 1024,
    timeoutMs: 2_000,
    ...overrides,
  });

const redirectTo = (target: string) => {
  const key = String(redirects.size);
  redirects.set(key, target);
  return `https://${ALLOWED}/api/v2/downloads/redirect?to=${key}`;
};

describe('the attachment downloader refuses hostile URLs before connecting', () => {
  it('downloads an allowed URL through the simulator (the guard sees real traffic)', async () => {
    const before = genesys.requests.length;
    expect(await download(`https://${ALLOWED}/api/v2/downloads/ok`)).toMatchObject({
      ok: true,
      bytes: PAYLOAD,
    });
    expect(fetched).toEqual([`${genesys.url}/api/v2/downloads/ok`]);
    expect(genesys.requests.length - before).toBe(1);
  });

  it('accepts the allowed host written in capitals and with its default port (the same host)', async () => {
    expect(await download(`HTTPS://API-DOWNLOADS.USW2.PURE.CLOUD:443/api/v2/downloads/ok`)).toMatchObject({
      ok: true,
    });
  });

  const hostile: [string, () => string][] = [
    ['loopback 127.0.0.1', () => 'https://127.0.0.1/api/v2/downloads/ok'],
    ['the internal server itself', () => `${internal.url}/secrets`],
    ['private 10.0.0.1', () => 'https://10.0.0.1/api/v2/downloads/ok'],
    ['cloud metadata 169.254.169.254', () => 'https://169.254.169.254/latest/meta-data/iam'],
    ['0.0.0.0', () => 'https://0.0.0.0/x'],
    ['decimal 2130706433', () => 'https://2130706433/x'],
    ['hex 0x7f.1', () => 'https://0x7f.1/x'],
    ['octal 0177.0.0.1', () => 'https://0177.0.0.1/x'],
    ['mixed 0x7f.0.0.01', () => 'https://0x7f.0.0.01/x'],
    ['IPv6 [::1]', () => 'https://[::1]/x'],
    ['IPv4-mapped IPv6 [::ffff:127.0.0.1]', () => 'https://[::ffff:127.0.0.1]/x'],
    ['IPv6 unique local [fd00::1]', () => 'https://[fd00::1]/x'],
    ['userinfo naming the allowed host', () => `https://${ALLOWED}@evil.example/api/v2/downloads/ok`],
    ['userinfo with a password', () => `https://${ALLOWED}:443@127.0.0.1/x`],
    ['credentials on the allowed host', () => `https://user:pw@${ALLOWED}/api/v2/downloads/ok`],
    ['a backslash before the allowed host', () => `https://evil.example\\@${ALLOWED}/x`],
    ['a newline hiding userinfo', () => `https://${ALLOWED}\n@evil.example/x`],
    ['plain http', () => `http://${ALLOWED}/api/v2/downloads/ok`],
    ['file://', () => 'file:///etc/passwd'],
    ['ftp://', () => `ftp://${ALLOWED}/x`],
    ['gopher://', () => 'gopher://127.0.0.1:6379/_FLUSHALL'],
    ['data:', () => 'data:text/plain,hello'],
    ['javascript:', () => 'javascript:alert(1)'],
    ['a foreign host in capitals', () => 'HTTPS://EVIL.EXAMPLE/x'],
    ['the allowed host with a trailing dot', () => `https://${ALLOWED}./api/v2/downloads/ok`],
    ['127.0.0.1 with a trailing dot', () => 'https://127.0.0.1./x'],
    ['a look-alike suffix', () => `https://${ALLOWED}.evil.example/x`],
    ['a Cyrillic look-alike', () => `https://\u0430pi-downloads.usw2.pure.cloud/x`],
    ['a non-default port on the allowed host', () => `https://${ALLOWED}:8443/x`],
    ['an overlong URL on the allowed host', () => `https://${ALLOWED}/api/v2/downloads/${'a'.repeat(9_000)}`],
    [
      'a huge URL on the allowed host',
      () => `https://${ALLOWED}/api/v2/downloads/ok?${'a'.repeat(2_000_000)}`,
    ],
    ['an overlong host', () => `https://${'a'.repeat(250)}.${ALLOWED}/x`],
    ['not a URL', () => `${ALLOWED}/api/v2/downloads/ok`],
    ['an empty string', () => ''],
  ];

  describe.each([
    ['with the simulator origin override', true],
    ['as configured in production (no override)', false],
  ])('%s', (_mode, sim) => {
    // Plain http is what the override exists for (simulators listen on http), so it is refused in production only.
    const cases = sim ? hostile.filter(([what]) => what !== 'plain http') : hostile;
    it.each(cases)('refuses %s without any request', async (_what, url) => {
      const before = { genesys: genesys.requests.length, internal: internal.requests.length };
      const result = await download(url(), sim ? {} : { originOverride: undefined });
      expect(result).toMatchObject({ ok: false, error: { kind: 'forbidden-host' } });
      expect(fetched).toEqual([]);
      expect(genesys.requests.length).toBe(before.genesys);
      expect(internal.requests.length).toBe(before.internal);
      expect(JSON.stringify(result)).not.toContain(TOKEN);
    });
  });

  it.each([
    ['the internal server', () => `${internal.url}/secrets`],
    ['cloud metadata', () => 'http://169.254.169.254/latest/meta-data/'],
    ['loopback by decimal', () => 'https://2130706433/x'],
    ['IPv6 loopback', () => 'https://[::1]/x'],
    ['userinfo naming the allowed host', () => `https://${ALLOWED}@evil.example/x`],
    ['file://', () => 'file:///etc/passwd'],
    ['a protocol-relative foreign host', () => '//evil.example/x'],
    // Over the policy's limit, under the HTTP client's header limit (a larger Location never reaches the policy).
    ['an overlong URL on the allowed host', () => `https://${ALLOWED}/${'b'.repeat(9_000)}`],
  ])(
    'follows a redirect from the allowed host to %s no further than the first request',
    async (_what, target) => {
      const before = internal.requests.length;
      const result = await download(redirectTo(target()));
      expect(result).toMatchObject({
        ok: false,
        error: { kind: 'forbidden-host', title: expect.stringContaining('redirected') },
      });
      expect(fetched).toHaveLength(1);
      expect(fetched[0]!.startsWith(`${genesys.url}/api/v2/downloads/redirect`)).toBe(true);
      expect(internal.requests.length).toBe(before);
    },
  );
});

import { GenesysSimulator } from '../../simulators/genesys/genesys-simulator';
import { urlFromTemplate } from './regions';
import { requestToken } from './request-token';

const clientId = 'b0f1b7a6-4b0e-4f55-9d1c-0c3f6f1e2a11';
// Characters that must be form-encoded for Basic authentication (RFC 6749 §2.3.1).
const clientSecret = 'Zx:9+/secret=with%odd&chars';
const sim = new GenesysSimulator({ clients: { [clientId]: clientSecret } });

beforeAll(() => sim.start());
afterEach(() => sim.clearFaults());
afterAll(() => sim.stop());

const request = (secret = clientSecret, timeoutMs = 2_000) =>
  requestToken({
    loginUrl: urlFromTemplate(sim.url, 'usw2.pure.cloud'),
    clientId,
    clientSecret: secret,
    timeoutMs,
  });

const expectNoSecret = (result: unknown) => expect(JSON.stringify(result)).not.toContain(clientSecret);

describe('requestToken against the Genesys simulator', () => {
  it('gets a bearer token with client credentials (Basic auth, form body)', async () => {
    const before = sim.tokenRequests;
    const result = await request();
    expect(result).toEqual({ ok: true, accessToken: expect.any(String), expiresIn: 86_399 });
    expect(sim.tokenRequests).toBe(before + 1);
    const sent = sim.requests.at(-1)!;
    expect(sent.path).toBe('/oauth/token');
    expect(sent.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(sent.body.toString('utf8')).toBe('grant_type=client_credentials');
    expect(sent.headers.authorization).toMatch(/^Basic /);
  });

  it('issues a different token each time', async () => {
    const first = await request();
    const second = await request();
    if (!first.ok || !second.ok) throw new Error('token request failed');
    expect(first.accessToken).not.toBe(second.accessToken);
  });

  it('answers permanent for a wrong secret, without quoting any secret', async () => {
    const wrong = 'not-the-secret-value';
    const result = await request(wrong);
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'permanent', httpStatus: 401, code: 'invalid_client' },
    });
    expectNoSecret(result);
    expect(JSON.stringify(result)).not.toContain(wrong);
  });

  it('answers rate-limited with the Retry-After of a 429', async () => {
    sim.failNext({ route: 'token', status: 429, retryAfterSeconds: 3 });
    const result = await request();
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'rate-limited', httpStatus: 429, code: 'too.many.requests', retryAfterMs: 3000 },
    });
    expectNoSecret(result);
  });

  it('answers retryable for a 503 and for a timeout', async () => {
    sim.failNext({ route: 'token', status: 503 });
    expect(await request()).toMatchObject({ ok: false, error: { kind: 'retryable', httpStatus: 503 } });
    sim.timeoutNext(1, { route: 'token' });
    const timedOut = await request(clientSecret, 200);
    expect(timedOut).toMatchObject({ ok: false, error: { kind: 'retryable' } });
    expectNoSecret(timedOut);
  });
});

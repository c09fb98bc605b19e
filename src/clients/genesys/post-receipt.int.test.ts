import { genesysWithClient } from '../../../test/support/genesys-client';
import { readFixture } from '../../simulators/common/fixtures';
import { postReceipt } from './post-receipt';

const genesys = genesysWithClient('receipt-client');
const { sim } = genesys;
const receiptFixture = readFixture('genesys/inbound-receipt-request-failed.json');
const receipt = JSON.parse(receiptFixture.toString('utf8')) as { channel: { id: string } } & Record<
  string,
  unknown
>;
const integrationId = receipt.channel.id;

afterEach(() => {
  sim.receipts.length = 0;
});

const post = (overrides: { token?: string; body?: Record<string, unknown>; timeoutMs?: number } = {}) =>
  postReceipt({
    apiUrl: sim.url,
    integrationId,
    accessToken: overrides.token ?? genesys.accessToken(),
    receipt: overrides.body ?? receipt,
    timeoutMs: overrides.timeoutMs ?? 2_000,
  });

const expectNoToken = (result: unknown) =>
  expect(JSON.stringify(result)).not.toContain(genesys.accessToken());

describe('postReceipt against the Genesys simulator', () => {
  it('posts the fixture receipt with the bearer token; Genesys records it and answers 202', async () => {
    expect(await post()).toEqual({ ok: true, httpStatus: 202 });
    const [recorded] = await sim.waitForReceipts(1, 1_000);
    expect(recorded!.integrationId).toBe('73cb7fb7-c2db-4996-88f3-0a83a4fea1da');
    expect(recorded!.body).toEqual(receipt);
    const request = sim.requests.at(-1)!;
    expect(request.path).toBe(`/api/v2/conversations/messages/${integrationId}/inbound/open/receipt`);
    expect(request.headers.authorization).toBe(`Bearer ${genesys.accessToken()}`);
  });

  it('answers unauthorized for a token Genesys no longer accepts', async () => {
    const result = await post({ token: 'expired-or-unknown-token' });
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'unauthorized', httpStatus: 401, code: 'bad.credentials' },
    });
    expect(JSON.stringify(result)).not.toContain('expired-or-unknown-token');
    expect(sim.receipts).toHaveLength(0);
  });

  it('answers permanent for a receipt Genesys refuses as malformed', async () => {
    const { status: _status, ...withoutStatus } = receipt;
    expect(await post({ body: withoutStatus })).toMatchObject({
      ok: false,
      error: { kind: 'permanent', httpStatus: 400, code: 'bad.request' },
    });
  });

  it.each([
    [500, 'retryable'],
    [503, 'retryable'],
    [429, 'rate-limited'],
  ])('classifies HTTP %i as %s', async (status, kind) => {
    sim.failNext({ route: 'receipt', status });
    const result = await post();
    expect(result).toMatchObject({ ok: false, error: { kind, httpStatus: status } });
    expectNoToken(result);
  });

  it('answers retryable on a timeout: a receipt repeats the same fact, so sending it again is safe', async () => {
    sim.timeoutNext(1, { route: 'receipt', key: integrationId });
    const result = await post({ timeoutMs: 200 });
    expect(result).toMatchObject({ ok: false, error: { kind: 'retryable' } });
    expectNoToken(result);
  });
});

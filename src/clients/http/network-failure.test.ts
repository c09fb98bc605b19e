import { classifyNetworkFailure, describeNetworkFailure } from './network-failure';

/** The shape undici gives a failed fetch: TypeError('fetch failed') with the socket error as cause. */
const fetchFailed = (code: string) =>
  Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(code), { code }) });
const timeout = () =>
  Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });

describe('classifyNetworkFailure', () => {
  it.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH'])(
    '%s happens before any byte is sent',
    (code) => expect(classifyNetworkFailure(fetchFailed(code))).toBe('not-sent'),
  );

  it.each(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE'])('%s may come after the request was sent', (code) =>
    expect(classifyNetworkFailure(fetchFailed(code))).toBe('maybe-sent'),
  );

  it('counts a timeout as maybe sent: it cannot tell which phase it interrupted', () =>
    expect(classifyNetworkFailure(timeout())).toBe('maybe-sent'));

  it('counts an unrecognisable failure as maybe sent', () =>
    expect(classifyNetworkFailure(new Error('something odd'))).toBe('maybe-sent'));

  it('describes a failure by its code or its timeout only', () => {
    expect(describeNetworkFailure(fetchFailed('ECONNREFUSED'), 100)).toBe('network error ECONNREFUSED');
    expect(describeNetworkFailure(timeout(), 250)).toBe('no answer within 250 ms');
  });
});

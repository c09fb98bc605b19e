import { classifyMetaAnswer } from '../../clients/meta/meta-error';
import { planAfterSendError } from './send-error-plan';

/** Given Meta's answer to a send, when the driver plans its next step, then … */
const given = (httpStatus: number, code?: number) => ({
  whenPlanned: (attempt = 1) =>
    planAfterSendError(
      { kind: classifyMetaAnswer(httpStatus, code), ...(code !== undefined ? { code } : {}) },
      attempt,
      { random: () => 0.5 },
    ),
});

describe('the driver after a send Meta did not confirm', () => {
  it.each([500, 502, 503])(
    'waits for reconciliation after a bare %i: the request reached Meta, which may have sent it',
    (status) => expect(given(status).whenPlanned()).toEqual({ action: 'reconcile' }),
  );

  it('waits for reconciliation after a 500 with a code that does not prove refusal', () =>
    expect(given(500, 1).whenPlanned()).toEqual({ action: 'reconcile' }));

  it.each([
    [500, 131000],
    [503, 131016],
    [503, 2],
  ])(
    'retries with backoff after HTTP %i with code %i: Meta says the message failed to send',
    (status, code) => expect(given(status, code).whenPlanned(2)).toMatchObject({ action: 'retry' }),
  );

  it('retries a 429 with the rate-limit backoff', () => {
    const plan = given(429, 130429).whenPlanned(1);
    expect(plan).toEqual({ action: 'retry', delayMs: expect.any(Number) });
    expect((plan as { delayMs: number }).delayMs).toBeGreaterThanOrEqual(1_000);
  });

  it("fails the message on a permanent refusal, naming Meta's code", () =>
    expect(given(400, 131026).whenPlanned()).toEqual({ action: 'fail', reason: 'meta_131026' }));
});

import { SERVICE_WINDOW_MS } from '../../events/schemas/service-window';
import { checkServiceWindow, type ServiceWindowFacts } from './service-window';

const NOW = new Date('2026-03-10T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
const HOUR = 60 * 60 * 1000;

const facts = (overrides: Partial<ServiceWindowFacts> = {}): ServiceWindowFacts => ({
  lastInboundAt: ago(HOUR),
  now: NOW,
  isTemplate: false,
  hasDefaultTemplate: false,
  ...overrides,
});

describe('the 24-hour customer service window', () => {
  it('lets a free-form message go when the customer wrote an hour ago, recording the time it used', () =>
    expect(checkServiceWindow(facts())).toEqual({
      lastInboundAt: ago(HOUR),
      checkedAt: NOW.toISOString(),
      outcome: 'open',
    }));

  it('is still open a millisecond before 24 hours', () =>
    expect(checkServiceWindow(facts({ lastInboundAt: ago(SERVICE_WINDOW_MS - 1) })).outcome).toBe('open'));

  it('refuses a free-form message when the customer last wrote 25 hours ago', () =>
    expect(checkServiceWindow(facts({ lastInboundAt: ago(25 * HOUR) }))).toEqual({
      lastInboundAt: ago(25 * HOUR),
      checkedAt: NOW.toISOString(),
      outcome: 'expired',
    }));

  it('is closed at exactly 24 hours', () =>
    expect(checkServiceWindow(facts({ lastInboundAt: ago(SERVICE_WINDOW_MS) })).outcome).toBe('expired'));

  it("substitutes the tenant's default template outside the window when one is configured", () =>
    expect(
      checkServiceWindow(facts({ lastInboundAt: ago(25 * HOUR), hasDefaultTemplate: true })).outcome,
    ).toBe('defaultTemplate'));

  it('keeps the free-form message inside the window even with a default template', () =>
    expect(checkServiceWindow(facts({ hasDefaultTemplate: true })).outcome).toBe('open'));

  it('always allows a template, inside or outside the window', () => {
    expect(checkServiceWindow(facts({ isTemplate: true, lastInboundAt: ago(25 * HOUR) })).outcome).toBe(
      'template',
    );
    expect(checkServiceWindow(facts({ isTemplate: true })).outcome).toBe('template');
  });

  it('sends as before when no inbound message is known (an admin-linked conversation)', () =>
    expect(checkServiceWindow(facts({ lastInboundAt: undefined }))).toEqual({
      lastInboundAt: null,
      checkedAt: NOW.toISOString(),
      outcome: 'unknown',
    }));
});

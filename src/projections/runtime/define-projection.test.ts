import type { StoredEvent } from '../../events/store/types';
import { defineProjection, handlerFor } from './define-projection';

const noop = async () => undefined;

describe('defineProjection', () => {
  it('passes stored events through unchanged when there is no decode hook', () => {
    const projection = defineProjection({ name: 'p', topics: ['t'], handlers: { A: noop } });
    const event = { type: 'A' } as StoredEvent;
    expect(projection.decode(event)).toBe(event);
  });

  it('finds the handler of a type, and none for a type it does not handle', () => {
    const projection = defineProjection({ name: 'p', topics: ['t'], handlers: { A: noop } });
    expect(handlerFor(projection, 'A')).toBe(noop);
    expect(handlerFor(projection, 'B')).toBeUndefined();
    expect(handlerFor(projection, 'toString')).toBeUndefined();
  });

  it('refuses a name that cannot name a consumer group and a projection without topics', () => {
    expect(() => defineProjection({ name: 'has space', topics: ['t'], handlers: {} })).toThrow(/name/);
    expect(() => defineProjection({ name: 'p', topics: [], handlers: {} })).toThrow(/no topic/);
  });
});

import { Slots } from './slots';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('processing slots', () => {
  it('lets no more than its size work at once; the next takes a slot when one is released', async () => {
    const slots = new Slots(2);
    await slots.acquire();
    await slots.acquire();
    let third = false;
    void slots.acquire().then(() => (third = true));
    await tick();
    expect(third).toBe(false);
    slots.release();
    await tick();
    expect(third).toBe(true);
    expect(slots.inUse).toBe(2);
  });

  it('gives the slot back while a handler waits, so another can work meanwhile', async () => {
    const slots = new Slots(1);
    await slots.acquire();
    let endWait!: () => void;
    const waiting = slots.whileWaiting(() => new Promise<void>((resolve) => (endWait = resolve)));
    // Given one slot held by a handler that now waits, when another handler asks, then it gets the slot.
    await slots.acquire();
    expect(slots.inUse).toBe(1);
    // The waiter queues for a slot after its wait and gets it once the other releases.
    endWait();
    await tick();
    expect(slots.waiting).toBe(1);
    slots.release();
    await waiting;
    expect(slots.inUse).toBe(1);
    expect(slots.waiting).toBe(0);
  });
});

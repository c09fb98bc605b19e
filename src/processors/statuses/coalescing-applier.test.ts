import { CoalescingApplier } from './coalescing-applier';
import type { MessageStatuses } from './group-by-message';
import type { StatusToApply } from './status-applier';

const groupOf = (genesysMessageId: string, ...wamids: string[]): MessageStatuses<StatusToApply> => ({
  message: { tenantId: 't', genesysMessageId },
  statuses: wamids.map((wamid) => ({
    record: { wamid, status: 'delivered', isIgnored: false, timestamp: '1760000000', phoneNumberId: 'p' },
    causationId: wamid,
    correlationId: wamid,
  })),
});

/** Records each batch it is given; fails any batch holding the poison message. */
const recordingApplier = () => {
  const batches: string[][] = [];
  let release: () => void = () => undefined;
  const firstHeld = new Promise<void>((resolve) => (release = resolve));
  return {
    batches,
    release: () => release(),
    apply: async (groups: readonly MessageStatuses<StatusToApply>[]) => {
      batches.push(groups.map((group) => `${group.message.genesysMessageId}:${group.statuses.length}`));
      if (batches.length === 1) await firstHeld;
      if (groups.some((group) => group.message.genesysMessageId === 'poison')) throw new Error('undecodable');
    },
  };
};

describe('CoalescingApplier', () => {
  it('applies what callers hand in while a batch runs as one batch, one group per message', async () => {
    const applier = recordingApplier();
    const coalescing = new CoalescingApplier(applier);

    const first = coalescing.apply([groupOf('m1', 'w1')]);
    const waiting = [
      coalescing.apply([groupOf('m1', 'w2'), groupOf('m2', 'w3')]),
      coalescing.apply([groupOf('m2', 'w4')]),
    ];
    applier.release();
    await Promise.all([first, ...waiting]);

    expect(applier.batches).toEqual([['m1:1'], ['m1:1', 'm2:2']]);
  });

  it('applies a failed batch caller by caller, so that only the caller whose statuses fail is told', async () => {
    const applier = recordingApplier();
    const coalescing = new CoalescingApplier(applier);

    const first = coalescing.apply([groupOf('m1', 'w1')]);
    const healthy = coalescing.apply([groupOf('m2', 'w2')]);
    const poisoned = coalescing.apply([groupOf('poison', 'w3')]);
    applier.release();

    await expect(first).resolves.toBeUndefined();
    await expect(healthy).resolves.toBeUndefined();
    await expect(poisoned).rejects.toThrow('undecodable');
    expect(applier.batches.slice(1)).toEqual([['m2:1', 'poison:1'], ['m2:1'], ['poison:1']]);
  });

  it('keeps a batch under its status limit', async () => {
    const applier = recordingApplier();
    const coalescing = new CoalescingApplier(applier, 2);

    const first = coalescing.apply([groupOf('m1', 'w1')]);
    const waiting = ['m2', 'm3', 'm4'].map((id) => coalescing.apply([groupOf(id, `${id}-w`)]));
    applier.release();
    await Promise.all([first, ...waiting]);

    expect(applier.batches).toEqual([['m1:1'], ['m2:1', 'm3:1'], ['m4:1']]);
  });
});

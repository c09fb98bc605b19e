import { groupByMessage, type MessageStatuses } from './group-by-message';
import type { StatusToApply } from './status-applier';

type Groups = readonly MessageStatuses<StatusToApply>[];

interface Waiting {
  groups: Groups;
  statuses: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Applies the statuses of webhooks handled at the same time as one batch, one batch after the other. Webhooks
 * handled side by side mostly touch different statuses of the same messages (Meta spreads a message's sent,
 * delivered and read over several webhooks): applied separately, their transactions would wait on each other's
 * stream locks and move each other's streams; applied together, a message is read and appended to once for all of
 * them. Each caller's promise settles when its statuses are applied. A batch that fails is applied again caller by
 * caller, so that a failure (a stream that cannot be decoded) reaches the webhook it belongs to and no other.
 */
export class CoalescingApplier {
  private readonly waiting: Waiting[] = [];
  private draining = false;

  constructor(
    private readonly applier: { apply(groups: Groups): Promise<void> },
    /** A batch takes callers until it holds this many statuses (one caller with more is a batch of its own). */
    private readonly maxStatuses = 5_000,
  ) {}

  apply(groups: Groups): Promise<void> {
    const statuses = groups.reduce((sum, group) => sum + group.statuses.length, 0);
    if (statuses === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ groups, statuses, resolve, reject });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.waiting.length > 0) await this.applyBatch(this.takeBatch());
    } finally {
      this.draining = false;
    }
  }

  private takeBatch(): Waiting[] {
    const batch = [this.waiting.shift()!];
    let statuses = batch[0]!.statuses;
    while (this.waiting.length > 0 && statuses + this.waiting[0]!.statuses <= this.maxStatuses) {
      const next = this.waiting.shift()!;
      statuses += next.statuses;
      batch.push(next);
    }
    return batch;
  }

  private async applyBatch(batch: Waiting[]): Promise<void> {
    try {
      await this.applier.apply(merged(batch));
      batch.forEach((caller) => caller.resolve());
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      for (const caller of batch) {
        await this.applier.apply(caller.groups).then(caller.resolve, caller.reject);
      }
    }
  }
}

/** One group per message, its statuses in the callers' order (the applier sorts them into apply order). */
const merged = (batch: readonly Waiting[]): MessageStatuses<StatusToApply>[] => {
  const pairs = batch.flatMap((caller) =>
    caller.groups.flatMap((group) => group.statuses.map((status) => ({ message: group.message, status }))),
  );
  const messages = new Map(pairs.map((pair) => [pair.status.record.wamid, pair.message]));
  return groupByMessage(
    pairs,
    (pair) => pair.status.record.wamid,
    (wamid) => messages.get(wamid),
  ).map((group) => ({ message: group.message, statuses: group.statuses.map((pair) => pair.status) }));
};

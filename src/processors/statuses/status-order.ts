/**
 * The order statuses are applied in. Meta does not guarantee order (a `read` can arrive before its `delivered`,
 * both in one batch), and the outbound decider only moves a part forward, so applying a batch as listed could drop
 * a real `delivered` time behind an earlier-applied `read`. Applying by Meta's time, and by progress within the
 * same second, gives each part the times Meta reported whenever they arrive together.
 */
import {
  TRACKED_META_STATUSES as STATUS_PROGRESS,
  type MetaStatusRecord,
} from '../../events/schemas/meta-webhook-received';

const PROGRESS: Record<string, number> = Object.fromEntries(
  STATUS_PROGRESS.map((status, rank) => [status, rank]),
);

const progressOf = (status: string): number => PROGRESS[status] ?? Number.MAX_SAFE_INTEGER;

export const compareStatuses = (a: MetaStatusRecord, b: MetaStatusRecord): number =>
  Number(a.timestamp) - Number(b.timestamp) || progressOf(a.status) - progressOf(b.status);

/** A sorted copy; statuses equal in time and progress keep their order (Array.prototype.sort is stable). */
export const inApplyOrder = (statuses: readonly MetaStatusRecord[]): MetaStatusRecord[] =>
  [...statuses].sort(compareStatuses);

import type { Pool, PoolClient } from 'pg';
import type { StoredEvent } from '../../events/store/types';
import type { ApplyOutcome } from './apply-event';

/**
 * Applies one event to the read model, inside the transaction that also records the stream position. Writes made
 * through `tx` take effect exactly once. A handler makes no network call besides `tx` (Redis, S3, HTTP): the
 * transaction would stay open across it, and an open transaction holds back the relay's $all cursor for everyone.
 * Such writes belong in `applyMany`, outside the transaction.
 */
export type EventHandler<E> = (event: E, tx: PoolClient) => Promise<void>;

/** One handler per event type the projection cares about; each receives its own type when E is a union. */
export type Handlers<E extends { type: string }> = {
  [T in E['type']]?: EventHandler<Extract<E, { type: T }>>;
};

export interface Projection<E extends { type: string }> {
  /** Names the consumer group, the rows of projection_positions and the dead letters' source. */
  name: string;
  /** Topic names without the deployment's prefix, e.g. `bridge.outbound-messages.v1`. */
  topics: string[];
  handlers: Handlers<E>;
  /** Validation and upcasting of a stored event before its handler sees it; throwing dead-letters the event. */
  decode: (event: StoredEvent) => E;
  /**
   * Optional: how a run of one partition's events is applied, in place of a handler call per event (applyBatch).
   * Set-based projections apply a run in a few statements; ones that write outside PostgreSQL, outside any
   * transaction. Returns an outcome per event, in order.
   */
  applyMany?: BatchApply;
  /** Optional: how an operator's retry of a dead letter is applied, in place of the handler in a transaction. */
  reapply?: (pool: Pool, event: StoredEvent) => Promise<void>;
}

export type BatchApply = (pool: Pool, events: StoredEvent[]) => Promise<ApplyOutcome[]>;

interface Definition<E extends { type: string }> {
  name: string;
  topics: readonly string[];
  handlers: Handlers<E>;
  applyMany?: BatchApply;
  reapply?: (pool: Pool, event: StoredEvent) => Promise<void>;
}

/** A projection over raw stored events, or, with `decode`, over decoded (validated, upcast) events. */
export function defineProjection(definition: Definition<StoredEvent>): Projection<StoredEvent>;
export function defineProjection<E extends { type: string }>(
  definition: Definition<E> & { decode: (event: StoredEvent) => E },
): Projection<E>;
export function defineProjection<E extends { type: string }>(
  definition: Definition<E> & { decode?: (event: StoredEvent) => E },
): Projection<E> {
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(definition.name)) {
    throw new Error(
      `Projection name "${definition.name}" must be letters, digits, dots, dashes or underscores`,
    );
  }
  if (definition.topics.length === 0) throw new Error(`Projection ${definition.name} reads no topic`);
  // Without a decode hook the overloads guarantee E is StoredEvent.
  const decode = definition.decode ?? ((event: StoredEvent) => event as unknown as E);
  return {
    name: definition.name,
    topics: [...definition.topics],
    handlers: definition.handlers,
    decode,
    ...(definition.applyMany ? { applyMany: definition.applyMany } : {}),
    ...(definition.reapply ? { reapply: definition.reapply } : {}),
  };
}

/** The handler for a stored event's type, if the projection has one. */
export const handlerFor = <E extends { type: string }>(
  projection: Projection<E>,
  type: string,
): EventHandler<E> | undefined => {
  // Own properties only: an event type named like an Object.prototype member must not find a "handler".
  if (!Object.hasOwn(projection.handlers, type)) return undefined;
  // The mapped type gives each handler its own narrowed parameter; a handler is only ever called with the decoded
  // form of an event of its own type, so widening the parameter back to E here is sound.
  return (projection.handlers as Partial<Record<string, EventHandler<E>>>)[type];
};

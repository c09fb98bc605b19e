import { decodeEvent, type DecodedEvent } from '../events/decode';
import { handlesType, type LiveDeps, type ProjectionDefinition } from './projection-definition';
import { liveHandlers } from './rebuild/table-targets';
import { applyExternalBatch } from './runtime/apply-external-batch';
import { reapplyDeadLettered } from './runtime/apply-event';
import { applyTableBatch } from './runtime/apply-table-batch';
import { defineProjection, type Projection } from './runtime/define-projection';

/** A registered projection as the live runner runs it (ProjectionRunner), with what it writes besides PostgreSQL. */
export const liveProjection = (
  definition: ProjectionDefinition,
  deps: LiveDeps,
): Projection<DecodedEvent> => {
  const common = { name: definition.name, topics: definition.topics, decode: decodeEvent };
  if (definition.kind === 'table') {
    // Each statement one event at a time: the slow path that isolates a poison event, and a dead letter's retry.
    const perEvent = defineProjection<DecodedEvent>({ ...common, handlers: liveHandlers(definition) });
    const afterCommit = definition.afterCommit?.(deps) ?? (async () => undefined);
    return defineProjection<DecodedEvent>({
      ...common,
      handlers: perEvent.handlers,
      applyMany: (pool, events) => applyTableBatch(pool, definition, perEvent, events, afterCommit),
      reapply: async (pool, event) => {
        await reapplyDeadLettered(pool, perEvent, event);
        await afterCommit([decodeEvent(event)]);
      },
    });
  }
  const write = definition.write(deps);
  const handles = (type: string) => handlesType(definition, type);
  return defineProjection<DecodedEvent>({
    ...common,
    // Only to tell the runner which event types to read: applyMany and reapply write, outside any transaction.
    handlers: Object.fromEntries(definition.handles.map((type) => [type, write])),
    applyMany: (pool, events) => applyExternalBatch(pool, { name: definition.name, handles, write }, events),
    reapply: async (_pool, event) => write(decodeEvent(event)),
  });
};

import type { PoolClient } from 'pg';
import type { DecodedEvent } from '../../events/decode';
import type { DomainEvent } from '../../events/registry';
import { applyConversationLinked, applyMappingResolved } from '../conversation-mappings';
import {
  applyDelivered,
  applyMessageFailed,
  applyMessageSent,
  applyRead,
  applyStatusSent,
} from '../message-tracking';

type Decoded<T extends DomainEvent['type']> = DecodedEvent<Extract<DomainEvent, { type: T }>>;

/** How one event type lands in a table: the live projection's own apply function, pointed at `table`. */
export interface TableHandler<T extends DomainEvent['type'] = DomainEvent['type']> {
  apply: (event: Decoded<T>, tx: PoolClient, table: string) => Promise<void>;
  /**
   * The read-model row the event writes (the apply function's WHERE / conflict key). Events with the same key are
   * applied in commit order on one connection; events with different keys touch different rows, so they may be
   * applied on different connections at once.
   */
  rowKey: (event: Decoded<T>) => string;
}

export type TableHandlers = { [T in DomainEvent['type']]?: TableHandler<T> };

/** A projection whose read model is one PostgreSQL table, rebuildable into a shadow copy of that table. */
export interface TableTarget {
  /** The projection's name: its rows in projection_positions and its consumer group carry it. */
  name: string;
  table: string;
  handlers: TableHandlers;
}

export const conversationMappingsTarget: TableTarget = {
  name: 'conversation-mappings',
  table: 'conversation_mappings',
  handlers: {
    ConversationLinked: {
      apply: applyConversationLinked,
      rowKey: (event) => `${event.envelope.tenantId}/${event.data.conversationId}`,
    },
    MappingResolved: {
      apply: applyMappingResolved,
      rowKey: (event) => `${event.envelope.tenantId}/${event.envelope.conversationId ?? ''}`,
    },
  },
};

export const messageTrackingTarget: TableTarget = {
  name: 'message-tracking',
  table: 'message_tracking',
  handlers: {
    MessageSent: { apply: applyMessageSent, rowKey: (event) => event.data.wamid },
    StatusSent: { apply: applyStatusSent, rowKey: (event) => event.data.wamid },
    Delivered: { apply: applyDelivered, rowKey: (event) => event.data.wamid },
    Read: { apply: applyRead, rowKey: (event) => event.data.wamid },
    // Without a wamid it touches no row at all; any connection will do.
    MessageFailed: {
      apply: applyMessageFailed,
      rowKey: (event) => event.data.wamid ?? event.envelope.streamId,
    },
  },
};

export const TABLE_TARGETS: readonly TableTarget[] = [conversationMappingsTarget, messageTrackingTarget];

/** The handler for a stored event's type, widened to any decoded event (it is only called with its own type). */
export const tableHandlerFor = (target: TableTarget, type: string): TableHandler | undefined => {
  if (!Object.hasOwn(target.handlers, type)) return undefined;
  // Each handler is typed for its own event; callers pass only the decoded form of an event of that type.
  return (target.handlers as Partial<Record<string, TableHandler>>)[type];
};

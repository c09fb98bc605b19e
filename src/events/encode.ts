/**
 * Domain event → NewEvent for the store. Validates against the current schema before anything is appended: an
 * invalid event written today would break every reader of the stream forever after.
 */
import { randomUUID } from 'node:crypto';
import type { NewEvent } from './store/types';
import { EventEncodeError, toEventIssues } from './event-errors';
import { findEventDefinition, type DomainEvent } from './registry';

export interface EncodeContext {
  tenantId: string;
  conversationId: string | null;
  /** Defaults to a fresh random uuid; pass a deterministic one to make a re-append idempotent. */
  eventId?: string;
  /** ISO instant the fact happened; the store uses its commit time when absent. */
  occurredAt?: string;
}

const validated = (event: DomainEvent): { version: number; data: Record<string, unknown> } => {
  const definition = findEventDefinition(event.type);
  if (!definition) throw new EventEncodeError('UnknownEventType', event.type, 'no such event type');
  const parsed = definition.schema.safeParse(event.data);
  if (!parsed.success) {
    throw new EventEncodeError(
      'InvalidEventData',
      event.type,
      'invalid data',
      toEventIssues(parsed.error.issues),
    );
  }
  return { version: definition.version, data: parsed.data };
};

/**
 * Checks an event against its current schema and returns the validated data (unknown keys stripped).
 * Exposed on its own so decider tests can prove that every emitted event would be accepted by the store.
 */
export const validateEvent = (event: DomainEvent): Record<string, unknown> => validated(event).data;

export const encodeEvent = (event: DomainEvent, context: EncodeContext): NewEvent => {
  // Always written at the current version: upcasters only ever read old versions, never produce them.
  const { version, data } = validated(event);
  const encoded: NewEvent = {
    eventId: context.eventId ?? randomUUID(),
    type: event.type,
    version,
    tenantId: context.tenantId,
    conversationId: context.conversationId,
    data,
  };
  if (context.occurredAt !== undefined) encoded.occurredAt = context.occurredAt;
  return encoded;
};

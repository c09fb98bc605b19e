import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../types';

/** Test and benchmark events: valid for the store, meaningless to the domain. */
export const newEvent = (overrides: Partial<NewEvent> = {}): NewEvent => ({
  eventId: randomUUID(),
  type: 'TestHappened',
  version: 1,
  tenantId: 'tenant-a',
  conversationId: null,
  data: {},
  ...overrides,
});

export const newEvents = (count: number, overrides: Partial<NewEvent> = {}): NewEvent[] =>
  Array.from({ length: count }, (_, index) => newEvent({ data: { index }, ...overrides }));

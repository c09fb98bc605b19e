import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { StoredEvent } from '../store/types';
import { envelopeSchemaFor, storedEventEnvelopeSchema } from './envelope';
import { eventExamples } from './examples';
import { readEvent } from './read';

// Compile-time proof that the zod envelope and the store contract describe the same object.
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const envelopeMatchesStoreContract: Equals<z.output<typeof storedEventEnvelopeSchema>, StoredEvent> = true;

const storedRead = (): StoredEvent => ({
  eventId: randomUUID(),
  type: 'Read',
  version: 1,
  streamId: 'outbound-tenant-001-gmsg-456',
  streamPosition: 7,
  globalPosition: '9007199254740993',
  transactionId: '771',
  tenantId: 'tenant-001',
  conversationId: null,
  occurredAt: '2024-05-01T10:05:00.000Z',
  recordedAt: '2024-05-01T10:05:00.031+00:00',
  causationId: null,
  correlationId: 'req-1',
  metadata: {},
  data: eventExamples.Read,
});

describe('event envelope', () => {
  it('matches the store contract type', () => {
    expect(envelopeMatchesStoreContract).toBe(true);
  });

  it('accepts a stored event, with a global position beyond the safe integer range', () => {
    expect(storedEventEnvelopeSchema.safeParse(storedRead()).success).toBe(true);
  });

  it.each([
    ['eventId', 'not-a-uuid'],
    ['globalPosition', 12],
    ['streamPosition', 0],
    ['recordedAt', 'yesterday'],
  ])('rejects a bad %s', (field, value) => {
    const result = storedEventEnvelopeSchema.safeParse({ ...storedRead(), [field]: value });
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual([field]);
  });

  it('pins type, version and data schema in the envelope of one event type', () => {
    const schema = envelopeSchemaFor(readEvent);
    expect(schema.safeParse(storedRead()).success).toBe(true);
    expect(schema.safeParse({ ...storedRead(), version: 2 }).success).toBe(false);
    expect(schema.safeParse({ ...storedRead(), data: { wamid: 'wamid.x' } }).success).toBe(false);
  });
});

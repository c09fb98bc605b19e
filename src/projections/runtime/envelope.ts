import { z } from 'zod';
import type { StoredEvent } from '../../events/store/types';

const digits = z.string().regex(/^\d+$/);

/**
 * The shape of a Kafka message value as the relay writes it (a StoredEvent). Deliberately structural only: the
 * per-type payload rules belong to the projection's `decode` hook (src/events/schemas), not to the transport.
 */
export const envelopeSchema = z.object({
  eventId: z.uuid(),
  type: z.string().min(1),
  version: z.int().positive(),
  streamId: z.string().min(1),
  streamPosition: z.int().positive(),
  globalPosition: digits,
  transactionId: digits,
  tenantId: z.string().min(1),
  conversationId: z.string().nullable(),
  occurredAt: z.string(),
  recordedAt: z.string(),
  causationId: z.string().nullable(),
  correlationId: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  data: z.record(z.string(), z.unknown()),
}) satisfies z.ZodType<StoredEvent>;

export type ParsedMessage = { ok: true; event: StoredEvent } | { ok: false; error: string; payload: unknown };

/** A Kafka message value → the envelope, or why not (with whatever could be read, for the dead-letter row). */
export const parseEnvelope = (value: Buffer | null): ParsedMessage => {
  if (value === null) return { ok: false, error: 'message has no value', payload: null };
  const text = value.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `value is not JSON: ${(error as Error).message}`, payload: text };
  }
  const parsed = envelopeSchema.safeParse(json);
  if (parsed.success) return { ok: true, event: parsed.data };
  const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  return { ok: false, error: `not an event envelope: ${issues.join('; ')}`, payload: json };
};

/**
 * SendRefused: Meta answered a send with an error that proves it did not take the part (429, a 5xx whose error body
 * says so). Unlike a timeout, the attempt's outcome is known: nothing reached the customer, so the attempt is
 * settled and a retry after `retryAt` cannot deliver twice. Recorded so that a restart during the backoff knows
 * this too, instead of treating the attempt as unknown and waiting out the reconciliation window.
 */
import { z } from 'zod';
import { isoInstant } from './common';
import { defineEvent } from './define';

export const sendRefusedDataSchema = z.object({
  attempt: z.int().positive().describe('The SendRequested attempt Meta refused.'),
  partIndex: z.int().nonnegative().describe('0-based index of the part Meta refused; later parts were not sent.'),
  metaErrorCode: z.int().optional().describe('Meta error code, when the answer carried one (e.g. 130429).'),
  metaErrorTitle: z.string().max(1024).optional().describe('Meta error title, for people.'),
  refusedAt: isoInstant().describe('When Meta answered.'),
  retryAt: isoInstant().describe('Not before this instant may the message be sent again (backoff, Retry-After).'),
});

export type SendRefusedData = z.output<typeof sendRefusedDataSchema>;

export const sendRefusedEvent = defineEvent({
  type: 'SendRefused',
  version: 1,
  category: 'outbound-message',
  description: 'Meta refused one part of a send attempt without taking it; the attempt may be retried after retryAt.',
  schema: sendRefusedDataSchema,
});

/** MessageFailed: the message will not (or did not) reach the customer. Final for the message. */
import { z } from 'zod';
import { machineCode, wamid } from './common';
import { defineEvent } from './define';
import { serviceWindowSchema } from './service-window';

/**
 * Where in the pipeline it failed. `delivery` comes from a Meta `failed` status after Meta had accepted the
 * message; every other stage is the bridge giving up before or while sending.
 */
export const FAILURE_STAGES = ['mapping', 'transform', 'media', 'send', 'delivery'] as const;
export type FailureStage = (typeof FAILURE_STAGES)[number];

export const messageFailedDataSchema = z.object({
  stage: z.enum(FAILURE_STAGES).describe('Pipeline stage that failed.'),
  reason: machineCode().describe('Machine-readable cause, e.g. `MetaRejected`, `MediaTooLarge`, `MetaDeliveryFailed`.'),
  message: z.string().min(1).max(2000).describe('Human-readable explanation (never contains secrets).'),
  metaErrorCode: z.int().optional().describe('Meta error code (e.g. 131047), when Meta reported the error.'),
  metaErrorTitle: z.string().optional().describe('Meta error title.'),
  metaErrorDetails: z.string().optional().describe('Meta `error_data.details` text.'),
  wamid: wamid().optional().describe('Meta message id of the failed part, for delivery failures.'),
  serviceWindow: serviceWindowSchema
    .optional()
    .describe('For `MessageExpired`: the 24-hour window check that refused the message before it reached Meta.'),
});

export type MessageFailedData = z.output<typeof messageFailedDataSchema>;

export const messageFailedEvent = defineEvent({
  type: 'MessageFailed',
  version: 1,
  category: 'outbound-message',
  description: 'The outbound message failed permanently at the given stage.',
  schema: messageFailedDataSchema,
});

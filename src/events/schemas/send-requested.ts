/**
 * SendRequested: the bridge is about to call Meta's send API. Appended *before* the call, so that a crash between
 * the call and its recorded result leaves a visible "outcome unknown" instead of a silent duplicate send.
 */
import { z } from 'zod';
import { businessScopedUserId, CUSTOMER_ADDRESS_REQUIRED, hasCustomerAddress, waId } from './common';
import { defineEvent, defineUpcaster } from './define';
import { serviceWindowSchema } from './service-window';

/** Meta Cloud API `type` of the message body we send. */
export const META_MESSAGE_TYPES = [
  'text',
  'image',
  'video',
  'audio',
  'document',
  'sticker',
  'template',
  'interactive',
] as const;
export type MetaMessageType = (typeof META_MESSAGE_TYPES)[number];

const sendFields = {
  attempt: z
    .int()
    .positive()
    .describe('1 for the first send; higher only after an earlier attempt was shown not to have reached Meta.'),
  partCount: z
    .int()
    .positive()
    .describe('Number of Meta messages this Genesys message becomes (a text over 4096 characters is split).'),
  metaMessageType: z.enum(META_MESSAGE_TYPES).describe('Meta message type of the first part.'),
  serviceWindow: serviceWindowSchema
    .optional()
    .describe('The 24-hour window check this send was decided on (absent on events recorded before it existed).'),
  runId: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe(
      'The processor run that requested the attempt and alone sends its parts; to any other run (or after a ' +
        'restart) the outcome of an attempt still in progress is unknown until reconciled.',
    ),
};

/** v1: the wa_id was the only address a message could be sent to. */
const sendRequestedV1DataSchema = z.object({
  waId: waId().describe('WhatsApp id the message is sent to.'),
  ...sendFields,
});

export const sendRequestedDataSchema = z
  .object({
    ...sendFields,
    waId: waId().optional().describe('WhatsApp id the message is sent to (Meta `to`), when the customer has one.'),
    userId: businessScopedUserId()
      .optional()
      .describe(
        'Business-scoped user id the message is sent to (Meta `recipient`) when there is no waId. At least one ' +
          'of waId, userId.',
      ),
  })
  .refine(hasCustomerAddress, CUSTOMER_ADDRESS_REQUIRED);

export type SendRequestedData = z.output<typeof sendRequestedDataSchema>;

/** Every v1 event is a valid v2 one; the version moved because waId is no longer always there. */
const sendRequestedV1ToV2 = defineUpcaster({
  fromVersion: 1,
  schema: sendRequestedV1DataSchema,
  upcast: (old): z.input<typeof sendRequestedDataSchema> => old,
});

export const sendRequestedEvent = defineEvent({
  type: 'SendRequested',
  version: 2,
  category: 'outbound-message',
  description: 'The bridge is calling the Meta send API for this message (attempt n).',
  schema: sendRequestedDataSchema,
  upcasters: [sendRequestedV1ToV2],
});

/**
 * InboundMessageReceived: a customer wrote to a tenant's business number on WhatsApp. One event per Meta message
 * (`value.messages[]`), on the customer's stream (`customer-{tenant}-{phoneNumberId}-{customerKey}`), with an event
 * id derived from (tenant, wamid): Meta's retries and duplicate copies re-append the same id, a store no-op.
 *
 * `content` keeps what the message carries, by kind; media is a Meta media id only (the media module downloads it).
 */
import { z } from 'zod';
import { externalId, isoInstant, MEDIA_KINDS, mimeType, wamid } from './common';
import { defineEvent } from './define';

export const inboundCustomerSchema = z
  .object({
    waId: z
      .string()
      .regex(/^[0-9]{5,20}$/)
      .optional()
      .describe('WhatsApp id (phone number, digits) from `from` / `contacts[].wa_id`; absent for business-scoped users.'),
    userId: externalId()
      .optional()
      .describe('Business-scoped user id (`from_user_id` / `contacts[].user_id`), when Meta sends one.'),
    username: z.string().min(1).max(512).optional().describe('WhatsApp username (`contacts[].profile.username`).'),
    name: z.string().min(1).max(512).optional().describe('Profile name (`contacts[].profile.name`).'),
  })
  .refine((customer) => customer.waId !== undefined || customer.userId !== undefined, {
    message: 'a customer needs a wa_id or a business-scoped user id',
  });

export type InboundCustomer = z.output<typeof inboundCustomerSchema>;

const errorSchema = z.object({
  code: z.int().describe('Meta error code, e.g. 131051.'),
  title: z.string().max(1000).describe('Meta error title.'),
  message: z.string().max(2000).optional().describe('Meta error message.'),
  details: z.string().max(2000).optional().describe('Meta `error_data.details`.'),
});

const contactSchema = z.object({
  name: z.string().max(1000).optional().describe('`name.formatted_name` (or first and last name).'),
  phones: z
    .array(z.object({ phone: z.string().max(100), waId: z.string().max(100).optional(), type: z.string().max(100).optional() }))
    .describe('Phone numbers of the shared contact.'),
  emails: z.array(z.string().max(1000)).describe('E-mail addresses of the shared contact.'),
  organization: z.string().max(1000).optional().describe('`org.company`.'),
});

export const inboundContentSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), body: z.string().max(65_536).describe('The text as the customer wrote it.') }),
  z.object({
    kind: z.literal('media'),
    mediaKind: z.enum(MEDIA_KINDS).describe('image, video, audio, document or sticker.'),
    mediaId: externalId().describe('Meta media id: GET /{media-id} gives a download URL valid for 5 minutes.'),
    mime: mimeType().describe('`mime_type` as Meta sent it (parameters such as `; codecs=opus` left out).'),
    sha256: z.string().max(512).optional().describe('`sha256` of the media as Meta sent it.'),
    caption: z.string().max(65_536).optional().describe('Caption of an image, video or document.'),
    filename: z.string().max(1000).optional().describe('File name of a document.'),
    voice: z.boolean().optional().describe('True for a voice note (audio recorded in WhatsApp).'),
    animated: z.boolean().optional().describe('True for an animated sticker.'),
  }),
  z.object({
    kind: z.literal('location'),
    latitude: z.number().min(-90).max(90).describe('Latitude in degrees.'),
    longitude: z.number().min(-180).max(180).describe('Longitude in degrees.'),
    name: z.string().max(1000).optional().describe('Name of the place.'),
    address: z.string().max(2000).optional().describe('Address of the place.'),
  }),
  z.object({ kind: z.literal('contacts'), contacts: z.array(contactSchema).max(257).describe('Shared contact cards.') }),
  z.object({
    kind: z.literal('interactive'),
    replyKind: z.enum(['button_reply', 'list_reply']).describe('Reply to reply buttons or to a list.'),
    id: z.string().max(1000).describe('Id of the chosen button or row, as the business set it.'),
    title: z.string().max(1000).describe('Title of the chosen button or row.'),
    description: z.string().max(1000).optional().describe('Description of the chosen list row.'),
  }),
  z.object({
    kind: z.literal('button'),
    payload: z.string().max(1000).optional().describe('Payload of the template quick-reply button.'),
    text: z.string().max(1000).describe('Text of the template quick-reply button.'),
  }),
  z.object({
    kind: z.literal('reaction'),
    emoji: z.string().max(64).optional().describe('The emoji; absent when the customer removed a reaction.'),
    messageId: wamid().describe('The wamid of the message reacted to.'),
  }),
  z.object({
    kind: z.literal('unsupported'),
    errors: z.array(errorSchema).max(20).describe("Meta's `errors[]` of an unsupported or unknown message."),
  }),
]);

export type InboundContent = z.output<typeof inboundContentSchema>;

export const inboundMessageReceivedDataSchema = z.object({
  wamid: wamid().describe('Meta message id (`messages[].id`).'),
  phoneNumberId: externalId().describe('Business phone number id the customer wrote to (`metadata.phone_number_id`).'),
  displayPhoneNumber: z.string().min(1).max(100).optional().describe('That number as shown to people.'),
  customer: inboundCustomerSchema.describe('Who wrote: wa_id and/or business-scoped id, username, profile name.'),
  sentAt: isoInstant().describe("Meta's `timestamp` (Unix seconds, or milliseconds) as an instant."),
  type: z.string().min(1).max(64).describe("Meta's message `type` as sent (text, image, …, unsupported)."),
  content: inboundContentSchema.describe('What the message carries, by kind.'),
  context: z
    .object({
      replyTo: wamid().optional().describe('`context.id`: the wamid of the message this one replies to.'),
      forwarded: z.boolean().optional().describe('`context.forwarded` (or frequently_forwarded).'),
    })
    .optional()
    .describe('Reply and forwarding context, when Meta sent one.'),
  webhookId: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .describe('The MetaWebhookReceived the message was read from (its body hash).'),
});

export type InboundMessageReceivedData = z.output<typeof inboundMessageReceivedDataSchema>;

export const inboundMessageReceivedEvent = defineEvent({
  type: 'InboundMessageReceived',
  version: 1,
  category: 'customer',
  description: 'A customer sent a WhatsApp message to a business number of the tenant.',
  schema: inboundMessageReceivedDataSchema,
});

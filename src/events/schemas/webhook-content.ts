/**
 * What a Genesys outbound message says, translated once at the edge and carried by WebhookReceived v3: the full
 * texts (the transform splits a long text into parts, so a preview would not do), every attachment, the template,
 * quick replies and cards, in the bridge's vocabulary. The processors read this; none of them parses the raw body.
 *
 * Limits are the Genesys contract's (src/contracts/genesys/outbound-webhook.ts), never stricter: the edge checks
 * the event against this schema before appending, and a limit only this schema had would refuse (422) a body
 * Genesys rightly sends. The event stays bounded because every value here is copied from the body and costs no
 * more bytes in the event than it did in the body (src/events/relay/event-size.ts).
 */
import { z } from 'zod';
import { webUrl } from './common';

/** Genesys `content[].attachment.mediaType`; `Link` is a URL the agent shared rather than a file. */
export const CONTENT_MEDIA_TYPES = ['Image', 'Video', 'Audio', 'File', 'Link'] as const;

export const contentAttachmentSchema = z
  .object({
    mediaType: z.enum(CONTENT_MEDIA_TYPES).describe('Kind of attachment as Genesys classifies it.'),
    url: webUrl().describe('Genesys download URL of the attachment, valid for a limited time.'),
    mime: z
      .string()
      .min(1)
      .optional()
      .describe('MIME type declared by Genesys, lower-cased and without parameters (`audio/ogg; codecs=opus` → `audio/ogg`).'),
    filename: z.string().min(1).optional().describe('File name as Genesys sent it.'),
    contentSizeBytes: z.int().nonnegative().optional().describe('Size declared by Genesys, in bytes.'),
    id: z.string().min(1).optional().describe('Genesys id of the attachment.'),
    text: z.string().optional().describe('A caption the agent gave the attachment.'),
    sha256: z.string().optional().describe('SHA-256 of the content as declared by Genesys.'),
  })
  .describe('An attachment as declared in the webhook (not yet downloaded).');

const templateParameterSchema = z.object({
  name: z.string().optional().describe('Placeholder name or position, when Genesys gives one.'),
  text: z.string().describe('Value substituted for the placeholder.'),
});

export const contentTemplateSchema = z
  .object({
    id: z.string().min(1).optional().describe('Genesys template id: `namespace@name` for WhatsApp.'),
    language: z.string().min(2).optional().describe('Template language tag.'),
    headerText: z.string().optional().describe('Rendered header text.'),
    headerMedia: contentAttachmentSchema.optional().describe('Header image, video or document.'),
    headerParameters: z.array(templateParameterSchema).describe('Header substitution values, in order.'),
    bodyText: z.string().optional().describe('Body text with placeholders as Genesys sent it.'),
    bodyParameters: z.array(templateParameterSchema).describe('Body substitution values, in order.'),
    footerText: z.string().optional().describe('Footer text.'),
  })
  .describe('The first Notification content: a WhatsApp template the agent chose.');

export const contentQuickReplySchema = z.object({
  text: z.string().min(1).describe('Button label shown to the customer.'),
  payload: z.string().optional().describe('Value returned to Genesys when the customer taps it.'),
  image: z.string().optional().describe('Image Genesys would show on the button (WhatsApp buttons have none).'),
});

const cardActionSchema = z.object({
  type: z.string().optional().describe('`Postback` (a reply) or `Link` (opens url).'),
  text: z.string().optional().describe('Button label.'),
  payload: z.string().optional().describe('Value returned to Genesys when the customer taps a Postback.'),
  url: z.string().optional().describe('Address a Link button opens.'),
});

export const contentCardSchema = z.object({
  title: z.string().describe('Card title.'),
  description: z.string().optional().describe('Card text under the title.'),
  image: z.string().optional().describe('Image URL Genesys shows on the card (WhatsApp text carries none).'),
  video: z.string().optional().describe('Video URL Genesys shows on the card (WhatsApp text carries none).'),
  defaultAction: cardActionSchema.optional().describe('What tapping the card does.'),
  actions: z.array(cardActionSchema).optional().describe('The card buttons; absent when it has none.'),
});

export const webhookContentSchema = z
  .object({
    text: z.string().optional().describe('The message text, whole, as the agent wrote it.'),
    attachments: z.array(contentAttachmentSchema).describe('Attachment contents, in order.'),
    template: contentTemplateSchema.optional(),
    quickReplies: z
      .array(contentQuickReplySchema)
      .optional()
      .describe('Quick-reply buttons of a Structured message, in display order.'),
    cards: z.array(contentCardSchema).optional().describe('Cards of Card and Carousel contents, in order.'),
    unhandledContent: z
      .array(z.string())
      .describe('contentType of every content item the bridge does not carry (Location, ButtonResponse, …).'),
  })
  .describe('The message as the bridge sends it on, translated from the body at the edge.');

export type WebhookContent = z.output<typeof webhookContentSchema>;

/**
 * The body Genesys Cloud POSTs to our Open Messaging outbound webhook (the "Outbound Open NormalizedMessage
 * format", developer.genesys.cloud/commdigital/digital/openmessaging/outboundMessages), and the summary of it
 * that the rest of the pipeline works from.
 *
 * Strict where we depend on a field (who sent it, which message, to whom, what type), loose everywhere else:
 * Genesys adds fields over time and a webhook we refuse is a message nobody ever sees, so unknown fields pass
 * through untouched (they stay in the raw body we archive) instead of failing the request.
 *
 * Field shapes follow Genesys' own models (platform-client SDK docs: ConversationContentAttachment,
 * ConversationContentQuickReply, ConversationContentNotificationTemplate, ConversationContentCard, …) and the
 * real payloads in shared/fixtures/genesys.
 */
import { z } from 'zod';

/** `type` of a normalized message. Only Text and Structured carry something for the customer. */
export const GENESYS_WEBHOOK_MESSAGE_TYPES = ['Text', 'Structured', 'Receipt', 'Event'] as const;

/**
 * `content[].attachment.mediaType`. `Link` is a URL the agent shared (not a file); Genesys' model lists it beside
 * the four media kinds.
 */
export const GENESYS_WEBHOOK_MEDIA_TYPES = ['Image', 'Video', 'Audio', 'File', 'Link'] as const;

/** Ids issued by Genesys: opaque, but never empty (an empty id would collide every message into one stream). */
const genesysId = () => z.string().min(1);

const attachmentSchema = z.looseObject({
  id: genesysId().optional(),
  mediaType: z.enum(GENESYS_WEBHOOK_MEDIA_TYPES),
  // We fetch this URL ourselves, so only web URLs; which hosts are allowed is decided where it is fetched.
  url: z.url({ protocol: /^https?$/ }),
  mime: z.string().min(1).optional(),
  filename: z.string().min(1).optional(),
  contentSizeBytes: z.int().nonnegative().optional(),
  // A caption the agent typed for this attachment.
  text: z.string().optional(),
  sha256: z.string().optional(),
});

const templateParameterSchema = z.looseObject({
  name: z.string().optional(),
  text: z.string(),
});

/**
 * A WhatsApp template the agent picked. Genesys documents `id` as "namespace@name" for WhatsApp and `language`
 * as the template language, both optional; `header.text`/`body.text`/`footer.text` are the rendered texts.
 */
const notificationTemplateSchema = z.looseObject({
  id: z.string().min(1).optional(),
  language: z.string().min(1).optional(),
  header: z
    .looseObject({
      type: z.string().optional(),
      text: z.string().optional(),
      media: attachmentSchema.optional(),
      parameters: z.array(templateParameterSchema).optional(),
    })
    .optional(),
  body: z.looseObject({
    text: z.string().optional(),
    parameters: z.array(templateParameterSchema).optional(),
  }),
  footer: z.looseObject({ text: z.string().optional() }).optional(),
});

const quickReplySchema = z.looseObject({
  text: z.string().min(1),
  payload: z.string().optional(),
  image: z.string().optional(),
  action: z.string().optional(),
});

const buttonResponseSchema = z.looseObject({
  type: z.string().optional(),
  text: z.string(),
  payload: z.string().optional(),
  originatingMessageId: z.string().optional(),
});

/** A card button: `Postback` replies with text/payload, `Link` opens `url`. */
const cardActionSchema = z.looseObject({
  type: z.string().optional(),
  text: z.string().optional(),
  payload: z.string().optional(),
  url: z.string().optional(),
});

const cardSchema = z.looseObject({
  title: z.string(),
  description: z.string().optional(),
  image: z.string().optional(),
  video: z.string().optional(),
  defaultAction: cardActionSchema.optional(),
  actions: z.array(cardActionSchema).optional(),
});

const carouselSchema = z.looseObject({ cards: z.array(cardSchema) });

/**
 * The field of a content item that each known `contentType` must carry. Other content types (Location, Story,
 * Reactions, …) are accepted as they are and reported as unhandled by the summary.
 */
const CONTENT_FIELD_BY_TYPE = {
  Attachment: 'attachment',
  QuickReply: 'quickReply',
  ButtonResponse: 'buttonResponse',
  Notification: 'template',
  Card: 'card',
  Carousel: 'carousel',
} as const;

const contentItemSchema = z
  .looseObject({
    contentType: z.string().min(1),
    attachment: attachmentSchema.optional(),
    quickReply: quickReplySchema.optional(),
    buttonResponse: buttonResponseSchema.optional(),
    template: notificationTemplateSchema.optional(),
    card: cardSchema.optional(),
    carousel: carouselSchema.optional(),
  })
  .superRefine((item, context) => {
    const field = (CONTENT_FIELD_BY_TYPE as Record<string, keyof typeof item | undefined>)[item.contentType];
    if (field !== undefined && item[field] === undefined) {
      context.addIssue({
        code: 'custom',
        path: [field],
        message: `contentType ${item.contentType} requires "${field}"`,
      });
    }
  });

const eventSchema = z.looseObject({ eventType: z.string().min(1) });

const reasonSchema = z.looseObject({ code: z.string().optional(), message: z.string().optional() });

const participantSchema = z.looseObject({ id: genesysId(), idType: z.string().optional() });

const channelSchema = z.looseObject({
  // The Open Messaging integration id: how we find the tenant.
  id: genesysId(),
  messageId: genesysId().optional(),
  platform: z.string().optional(),
  type: z.string().optional(),
  // The customer id our integration gave Genesys when the conversation started.
  to: participantSchema,
  from: z.looseObject({ id: z.string().optional() }).optional(),
  time: z.string().optional(),
  metadata: z.looseObject({}).optional(),
});

export const genesysWebhookSchema = z
  .looseObject({
    id: genesysId().optional(),
    channel: channelSchema,
    // Newer payloads only; older ones identify the conversation through channel.to.id alone.
    conversationId: genesysId().optional(),
    // The outbound webhook carries outbound messages only: an Inbound body here is a misrouted request.
    direction: z.literal('Outbound').optional(),
    type: z.enum(GENESYS_WEBHOOK_MESSAGE_TYPES),
    originatingEntity: z.string().optional(),
    text: z.string().optional(),
    content: z.array(contentItemSchema).optional(),
    events: z.array(eventSchema).optional(),
    reasons: z.array(reasonSchema).optional(),
    relatedMessages: z.array(z.unknown()).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    status: z.string().optional(),
    isFinalReceipt: z.boolean().optional(),
  })
  .superRefine((body, context) => {
    // The message id names the event stream and dedupes Genesys' retries; older payloads carry only `id`.
    if (body.channel.messageId === undefined && body.id === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['channel', 'messageId'],
        message: 'a message id is required: channel.messageId or the top-level id',
      });
    }
  });

export type GenesysWebhook = z.output<typeof genesysWebhookSchema>;
export type GenesysWebhookMessageType = GenesysWebhook['type'];
export type GenesysWebhookMediaType = (typeof GENESYS_WEBHOOK_MEDIA_TYPES)[number];

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
 * real payloads in test/fixtures/genesys.
 *
 * A vendor's wire format sits below every layer of ours and imports none of them: the WebhookReceived event
 * (src/events/schemas) translates a body with this summary, at the edge and in its upcaster alike.
 */
import { z } from 'zod';

/** `type` of a normalized message. Only Text and Structured carry something for the customer. */
export const GENESYS_WEBHOOK_MESSAGE_TYPES = ['Text', 'Structured', 'Receipt', 'Event'] as const;

/**
 * `content[].attachment.mediaType`. `Link` is a URL the agent shared (not a file); Genesys' model lists it beside
 * the four media kinds.
 */
export const GENESYS_WEBHOOK_MEDIA_TYPES = ['Image', 'Video', 'Audio', 'File', 'Link'] as const;

/**
 * Ids issued by Genesys: opaque, but never empty (an empty id would collide every message into one stream), and
 * short (real ones are uuids or 32 hex digits): the message id names the stream and the conversation id is indexed,
 * and PostgreSQL refuses an index entry over ~2.7 kB, which would fail the append on every retry.
 */
const genesysId = () => z.string().min(1).max(256);

/** Template ids and language tags are short; the event's limits on them (512, 35) are checked again at the edge. */
const templateIdSchema = z.string().min(1).max(512);
const templateLanguageSchema = z.string().min(2).max(35);

/** Longest attachment URL accepted. */
export const GENESYS_URL_MAX = 8192;

const attachmentSchema = z.looseObject({
  id: genesysId().optional(),
  mediaType: z.enum(GENESYS_WEBHOOK_MEDIA_TYPES),
  // We fetch this URL ourselves, so only web URLs; which hosts are allowed is decided where it is fetched. Bounded
  // because the event copies it (src/events/relay/event-size.ts); real download URLs are a few hundred characters.
  url: z.url({ protocol: /^https?$/ }).max(GENESYS_URL_MAX),
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
  id: templateIdSchema.optional(),
  language: templateLanguageSchema.optional(),
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

/** `typing.type` is `On` or `Off` (fixtures/genesys/outbound-event-typing.json). */
const eventSchema = z.looseObject({
  eventType: z.string().min(1),
  typing: z.looseObject({ type: z.string().optional() }).optional(),
});

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

// ---------------------------------------------------------------------------------------------------------------
// Summary: what the pipeline needs from a parsed webhook, in our vocabulary.

export interface AttachmentSummary {
  mediaType: GenesysWebhookMediaType;
  url: string;
  /** Lower-cased, without parameters (`audio/ogg; codecs=opus` → `audio/ogg`), as Meta's MIME lists are written. */
  mime?: string;
  filename?: string;
  contentSizeBytes?: number;
  id?: string;
  /** A caption the agent gave this attachment. */
  text?: string;
  sha256?: string;
}

export interface TemplateParameterSummary {
  name?: string;
  text: string;
}

export interface TemplateSummary {
  /** Genesys: "the messaging provider template ID. For WhatsApp, 'namespace@name'". */
  id?: string;
  language?: string;
  headerText?: string;
  headerMedia?: AttachmentSummary;
  headerParameters: TemplateParameterSummary[];
  bodyText?: string;
  bodyParameters: TemplateParameterSummary[];
  footerText?: string;
}

export interface QuickReplySummary {
  text: string;
  payload?: string;
  /** Genesys lets a quick reply show an image; WhatsApp buttons cannot. */
  image?: string;
}

export interface CardActionSummary {
  type?: string;
  text?: string;
  payload?: string;
  url?: string;
}

export interface CardSummary {
  title: string;
  description?: string;
  image?: string;
  video?: string;
  defaultAction?: CardActionSummary;
  /** Absent when the card has none, so that a card costs no more in the event than in the body. */
  actions?: CardActionSummary[];
}

export interface WebhookSummary {
  integrationId: string;
  genesysMessageId: string;
  /** Null for older payloads that carry no top-level conversationId. */
  conversationId: string | null;
  customerId: string;
  messageType: GenesysWebhookMessageType;
  /** Text and Structured messages go to the customer; Receipt and Event are recorded, never sent. */
  isSendable: boolean;
  text?: string;
  attachments: AttachmentSummary[];
  /** The first Notification content; a second one is listed in unhandledContent. */
  template?: TemplateSummary;
  quickReplies?: QuickReplySummary[];
  /** Cards of Card contents and of Carousel contents, in order. */
  cards?: CardSummary[];
  /** `eventType` of each event of an Event message (Typing, Presence, …). */
  eventTypes?: string[];
  /**
   * An Event message's typing state: `On` when an agent started typing (any Typing event not `Off`), `Off` when
   * its Typing events all say stopped; absent without a Typing event.
   */
  typing?: 'On' | 'Off';
  genesysMessageTime?: string;
  /** contentType of every content item this summary does not carry (Location, ButtonResponse, …), in order. */
  unhandledContent: string[];
}

type ParsedAttachment = z.output<typeof attachmentSchema>;
type ParsedParameter = z.output<typeof templateParameterSchema>;
type ParsedTemplate = z.output<typeof notificationTemplateSchema>;
type ParsedCard = z.output<typeof cardSchema>;
type ParsedCardAction = z.output<typeof cardActionSchema>;

/** Copies only the keys whose value is defined, so summaries compare and serialize without `undefined`s. */
const definedOnly = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;

/**
 * MIME types are ASCII (RFC 6838), so only ASCII letters are folded: a full Unicode toLowerCase can lengthen a
 * string (`İ` becomes two code points), and the event must never hold a value longer than the body sent it.
 */
const normalizeMime = (mime: string | undefined): string | undefined => {
  const essence = mime
    ?.split(';')[0]
    ?.trim()
    .replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
  return essence === undefined || essence === '' ? undefined : essence;
};

const summarizeAttachment = (attachment: ParsedAttachment): AttachmentSummary =>
  definedOnly({
    mediaType: attachment.mediaType,
    url: attachment.url,
    mime: normalizeMime(attachment.mime),
    filename: attachment.filename,
    contentSizeBytes: attachment.contentSizeBytes,
    id: attachment.id,
    text: attachment.text,
    sha256: attachment.sha256,
  });

const summarizeParameters = (parameters: ParsedParameter[] | undefined): TemplateParameterSummary[] =>
  (parameters ?? []).map((parameter) => definedOnly({ name: parameter.name, text: parameter.text }));

const summarizeTemplate = (template: ParsedTemplate): TemplateSummary =>
  definedOnly({
    id: template.id,
    language: template.language,
    headerText: template.header?.text,
    headerMedia:
      template.header?.media === undefined ? undefined : summarizeAttachment(template.header.media),
    headerParameters: summarizeParameters(template.header?.parameters),
    bodyText: template.body.text,
    bodyParameters: summarizeParameters(template.body.parameters),
    footerText: template.footer?.text,
  });

const summarizeCardAction = (action: ParsedCardAction): CardActionSummary =>
  definedOnly({ type: action.type, text: action.text, payload: action.payload, url: action.url });

const summarizeCard = (card: ParsedCard): CardSummary =>
  definedOnly({
    title: card.title,
    description: card.description,
    image: card.image,
    video: card.video,
    defaultAction: card.defaultAction === undefined ? undefined : summarizeCardAction(card.defaultAction),
    actions: card.actions?.map(summarizeCardAction),
  });

const typingOf = (events: GenesysWebhook['events']): 'On' | 'Off' | undefined => {
  const typing = (events ?? []).filter((event) => event.eventType === 'Typing');
  if (typing.length === 0) return undefined;
  return typing.some((event) => event.typing?.type !== 'Off') ? 'On' : 'Off';
};

/** Reduces a parsed webhook to what the bridge acts on. Pure; the raw body is kept elsewhere for audit. */
export const summarizeWebhook = (webhook: GenesysWebhook): WebhookSummary => {
  const attachments: AttachmentSummary[] = [];
  const quickReplies: QuickReplySummary[] = [];
  const cards: CardSummary[] = [];
  const unhandledContent: string[] = [];
  let template: TemplateSummary | undefined;

  for (const item of webhook.content ?? []) {
    if (item.contentType === 'Attachment' && item.attachment) {
      attachments.push(summarizeAttachment(item.attachment));
    } else if (item.contentType === 'QuickReply' && item.quickReply) {
      const { text, payload, image } = item.quickReply;
      quickReplies.push(definedOnly({ text, payload, image }));
    } else if (item.contentType === 'Notification' && item.template && template === undefined) {
      template = summarizeTemplate(item.template);
    } else if (item.contentType === 'Card' && item.card) {
      cards.push(summarizeCard(item.card));
    } else if (item.contentType === 'Carousel' && item.carousel) {
      cards.push(...item.carousel.cards.map(summarizeCard));
    } else {
      unhandledContent.push(item.contentType);
    }
  }

  const genesysMessageId = webhook.channel.messageId ?? webhook.id;
  if (genesysMessageId === undefined) {
    // genesysWebhookSchema refuses such a body, so reaching this is a caller that skipped validation.
    throw new Error('summarizeWebhook: webhook has neither channel.messageId nor id; parse it first');
  }

  return definedOnly({
    integrationId: webhook.channel.id,
    genesysMessageId,
    conversationId: webhook.conversationId ?? null,
    customerId: webhook.channel.to.id,
    messageType: webhook.type,
    isSendable: webhook.type === 'Text' || webhook.type === 'Structured',
    text: webhook.text,
    attachments,
    template,
    quickReplies: quickReplies.length > 0 ? quickReplies : undefined,
    cards: cards.length > 0 ? cards : undefined,
    eventTypes: webhook.events?.map((event) => event.eventType),
    typing: typingOf(webhook.events),
    genesysMessageTime: webhook.channel.time,
    unhandledContent,
  });
};

import { z } from 'zod';

/** The message types the simulator accepts, like Cloud API's `POST /{phone-number-id}/messages`. */
export const mediaTypes = ['image', 'video', 'audio', 'document', 'sticker'] as const;
export type MediaType = (typeof mediaTypes)[number];
const messageTypes = ['text', ...mediaTypes, 'template', 'interactive'] as const;
export type MessageType = (typeof messageTypes)[number];

/** A media object carries exactly one of `id` (an uploaded media id) or `link` (a URL Meta fetches). */
const mediaObject = z
  .object({
    id: z.string().min(1).optional(),
    link: z.url({ protocol: /^https?$/ }).optional(),
    caption: z.string().max(1024).optional(),
    filename: z.string().optional(),
  })
  .refine((media) => (media.id === undefined) !== (media.link === undefined), 'exactly one of id or link');

const typeObjects = {
  text: z.object({ body: z.string().min(1).max(4096), preview_url: z.boolean().optional() }),
  image: mediaObject,
  video: mediaObject,
  audio: mediaObject,
  document: mediaObject,
  sticker: mediaObject,
  template: z.object({
    name: z.string().min(1),
    language: z.object({ code: z.string().min(1) }),
    components: z.array(z.record(z.string(), z.unknown())).optional(),
  }),
  interactive: z.object({ type: z.string().min(1), action: z.record(z.string(), z.unknown()) }),
} satisfies Record<MessageType, z.ZodType>;

const envelope = z.object({
  messaging_product: z.literal('whatsapp'),
  recipient_type: z.literal('individual').optional(),
  // A phone number, or (2026) `recipient`, a business-scoped user id; Meta takes `to` when both are present.
  to: z.string().min(1).optional(),
  recipient: z
    .string()
    .regex(/^[A-Z]{2}\.[A-Za-z0-9]{1,128}$/, 'not a business-scoped user id')
    .optional(),
  // Meta: "type: optional, defaults to text".
  type: z.enum(messageTypes).default('text'),
  biz_opaque_callback_data: z.string().max(512).optional(),
  context: z.object({ message_id: z.string().min(1) }).optional(),
});

export interface ParsedSend {
  /** The phone number sent to; for a send to a business-scoped user id, that id. */
  to: string;
  /** Set when the send was addressed by business-scoped user id (`recipient`) rather than `to`. */
  userId?: string;
  type: MessageType;
  /** The object named by `type` (`text`, `image`, …) as validated. */
  content: Record<string, unknown>;
  media?: { id?: string; link?: string };
  bizOpaqueCallbackData?: string;
}

export type SendBodyCheck = { ok: true; send: ParsedSend } | { ok: false; details: string };

/** Meta's details name the parameter: "Param text.body: …". */
const describe = (error: z.ZodError, prefix: string[] = []): string => {
  const issue = error.issues[0];
  const name = [...prefix, ...(issue?.path.map(String) ?? [])].join('.') || 'body';
  return `Param ${name}: ${issue?.message ?? 'invalid'}`;
};

/** Checks a send body roughly as Meta does: envelope, a known type, and the object for that type. */
export const checkSendBody = (json: unknown): SendBodyCheck => {
  const parsedEnvelope = envelope.safeParse(json);
  if (!parsedEnvelope.success) return { ok: false, details: describe(parsedEnvelope.error) };
  const { to, recipient, type, biz_opaque_callback_data: bizOpaqueCallbackData } = parsedEnvelope.data;
  if (to === undefined && recipient === undefined)
    return { ok: false, details: 'Param to or recipient is required' };
  const raw = (json as Record<string, unknown>)[type];
  if (raw === undefined) return { ok: false, details: `Param ${type} is required for type ${type}` };
  const parsedContent = typeObjects[type].safeParse(raw);
  if (!parsedContent.success) return { ok: false, details: describe(parsedContent.error, [type]) };
  const content = parsedContent.data as Record<string, unknown>;
  const send: ParsedSend =
    to !== undefined ? { to, type, content } : { to: recipient!, userId: recipient!, type, content };
  if ((mediaTypes as readonly string[]).includes(type)) {
    const media = parsedContent.data as { id?: string; link?: string };
    send.media = { ...(media.id ? { id: media.id } : {}), ...(media.link ? { link: media.link } : {}) };
  }
  if (bizOpaqueCallbackData !== undefined) send.bizOpaqueCallbackData = bizOpaqueCallbackData;
  return { ok: true, send };
};

/**
 * The inbound messages of a Meta webhook body (`entry[].changes[].value.messages[]`, WhatsApp Cloud API webhook
 * reference), each as InboundMessageReceived data. Each message is read on its own: a malformed one is reported
 * and left out, the others of the batch go on (a refused batch would be retried by Meta for 7 days and then lost).
 *
 * Vendor facts this relies on (test/fixtures/meta/inbound-*.json):
 * - `from` is the customer's wa_id; for business-scoped users (2026) it may be empty or absent, and `from_user_id`
 *   names the customer; `contacts[]` carries `wa_id` / `user_id` and `profile.name` / `profile.username`;
 * - `timestamp` is Unix seconds as a string; milliseconds are read too (common.ts);
 * - media messages carry a media id, `mime_type`, `sha256` and, since late 2025, a `url`: it needs the same token
 *   as the id, so the id is what the bridge keeps and fetches;
 * - `unsupported` (older: `unknown`) messages carry `errors[]`.
 */
import { z } from 'zod';
import { metaSecondsOrMillisToIso } from '../../events/schemas/common';
import {
  inboundMessageReceivedDataSchema,
  type InboundContent,
  type InboundCustomer,
  type InboundMessageReceivedData,
} from '../../events/schemas/inbound-message-received';
import { MEDIA_KINDS, type MediaKind } from '../../events/schemas/common';

const str = z.string();
const optionalText = str.optional();

const contactSchema = z.looseObject({
  wa_id: optionalText,
  user_id: optionalText,
  profile: z.looseObject({ name: optionalText, username: optionalText }).optional(),
});

const mediaSchema = z.looseObject({
  id: str.min(1),
  mime_type: str.min(1),
  sha256: optionalText,
  caption: optionalText,
  filename: optionalText,
  voice: z.boolean().optional(),
  animated: z.boolean().optional(),
});

const errorSchema = z.looseObject({
  code: z.int(),
  title: optionalText,
  message: optionalText,
  error_data: z.looseObject({ details: optionalText }).optional(),
});

const messageSchema = z.looseObject({
  id: str.min(1),
  from: optionalText,
  from_user_id: optionalText,
  timestamp: z.union([str, z.int().nonnegative()]),
  type: str.min(1),
  text: z.looseObject({ body: str }).optional(),
  image: mediaSchema.optional(),
  video: mediaSchema.optional(),
  audio: mediaSchema.optional(),
  document: mediaSchema.optional(),
  sticker: mediaSchema.optional(),
  location: z
    .looseObject({ latitude: z.number(), longitude: z.number(), name: optionalText, address: optionalText })
    .optional(),
  contacts: z.array(z.looseObject({})).optional(),
  interactive: z
    .looseObject({
      type: str,
      button_reply: z.looseObject({ id: str, title: str }).optional(),
      list_reply: z.looseObject({ id: str, title: str, description: optionalText }).optional(),
    })
    .optional(),
  button: z.looseObject({ payload: optionalText, text: str }).optional(),
  reaction: z.looseObject({ message_id: str.min(1), emoji: optionalText }).optional(),
  errors: z.array(errorSchema).optional(),
  context: z
    .looseObject({
      id: optionalText,
      forwarded: z.boolean().optional(),
      frequently_forwarded: z.boolean().optional(),
    })
    .optional(),
});

type MetaMessage = z.output<typeof messageSchema>;

const sharedContactSchema = z.looseObject({
  name: z
    .looseObject({ formatted_name: optionalText, first_name: optionalText, last_name: optionalText })
    .optional(),
  phones: z.array(z.looseObject({ phone: optionalText, wa_id: optionalText, type: optionalText })).optional(),
  emails: z.array(z.looseObject({ email: optionalText })).optional(),
  org: z.looseObject({ company: optionalText }).optional(),
});

const nonEmpty = (value: string | undefined): string | undefined =>
  value !== undefined && value.length > 0 ? value : undefined;

/** Drops undefined fields: event data is compared and stored as JSON, where "absent" and "undefined" differ. */
const compact = <T extends Record<string, unknown>>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;

const isMediaKind = (type: string): type is MediaKind => (MEDIA_KINDS as readonly string[]).includes(type);

/** `audio/ogg; codecs=opus` → `audio/ogg`: the event keeps the media type, parameters are Meta's detail. */
const bareMime = (mime: string): string => mime.split(';')[0]!.trim();

const sharedContacts = (raw: unknown[]): InboundContent => ({
  kind: 'contacts',
  contacts: raw.map((entry) => {
    const contact = sharedContactSchema.parse(entry);
    const name =
      nonEmpty(contact.name?.formatted_name) ??
      nonEmpty([contact.name?.first_name, contact.name?.last_name].filter(Boolean).join(' '));
    return compact({
      name,
      phones: (contact.phones ?? [])
        .filter((phone) => nonEmpty(phone.phone))
        .map((phone) =>
          compact({ phone: phone.phone!, waId: nonEmpty(phone.wa_id), type: nonEmpty(phone.type) }),
        ),
      emails: (contact.emails ?? []).map((email) => email.email).filter((email): email is string => !!email),
      organization: nonEmpty(contact.org?.company),
    });
  }),
});

const unsupported = (message: MetaMessage): InboundContent => ({
  kind: 'unsupported',
  errors: (message.errors ?? []).map((error) =>
    compact({
      code: error.code,
      title: error.title ?? error.message ?? `Meta error ${error.code}`,
      message: error.message,
      details: error.error_data?.details,
    }),
  ),
});

/** What the message carries; a type Meta adds later is recorded as unsupported (its body stays in rawBody). */
export const contentOf = (message: MetaMessage): InboundContent => {
  const type = message.type;
  if (type === 'text' && message.text) return { kind: 'text', body: message.text.body };
  if (isMediaKind(type)) {
    const media = message[type];
    if (media)
      return compact({
        kind: 'media' as const,
        mediaKind: type,
        mediaId: media.id,
        mime: bareMime(media.mime_type),
        sha256: nonEmpty(media.sha256),
        caption: nonEmpty(media.caption),
        filename: nonEmpty(media.filename),
        voice: media.voice,
        animated: media.animated,
      });
  }
  if (type === 'location' && message.location)
    return compact({
      kind: 'location' as const,
      latitude: message.location.latitude,
      longitude: message.location.longitude,
      name: nonEmpty(message.location.name),
      address: nonEmpty(message.location.address),
    });
  if (type === 'contacts' && message.contacts) return sharedContacts(message.contacts);
  if (type === 'interactive' && message.interactive) {
    const reply = message.interactive.button_reply ?? message.interactive.list_reply;
    const replyKind = message.interactive.button_reply ? 'button_reply' : 'list_reply';
    if (reply)
      return compact({
        kind: 'interactive' as const,
        replyKind,
        id: reply.id,
        title: reply.title,
        description: nonEmpty(message.interactive.list_reply?.description),
      });
  }
  if (type === 'button' && message.button)
    return compact({
      kind: 'button' as const,
      payload: nonEmpty(message.button.payload),
      text: message.button.text,
    });
  if (type === 'reaction' && message.reaction)
    return compact({
      kind: 'reaction' as const,
      messageId: message.reaction.message_id,
      emoji: nonEmpty(message.reaction.emoji),
    });
  return unsupported(message);
};

/** The customer of a message: ids from the message, completed by the `contacts[]` entry that names the same id. */
export const customerOf = (
  message: MetaMessage,
  contacts: z.output<typeof contactSchema>[],
): InboundCustomer => {
  const waId = nonEmpty(message.from);
  const userId = nonEmpty(message.from_user_id);
  const contact =
    contacts.find(
      (entry) =>
        (waId !== undefined && entry.wa_id === waId) || (userId !== undefined && entry.user_id === userId),
    ) ?? (contacts.length === 1 ? contacts[0] : undefined);
  return compact({
    waId: waId ?? nonEmpty(contact?.wa_id),
    userId: userId ?? nonEmpty(contact?.user_id),
    username: nonEmpty(contact?.profile?.username),
    name: nonEmpty(contact?.profile?.name),
  });
};

export interface InvalidInboundMessage {
  path: string;
  issues: { path: string; message: string }[];
}

export interface MetaInboundMessages {
  messages: InboundMessageReceivedData[];
  invalid: InvalidInboundMessage[];
}

const changeSchema = z.looseObject({
  value: z.looseObject({
    metadata: z.looseObject({ phone_number_id: optionalText, display_phone_number: optionalText }).optional(),
    contacts: z.array(z.unknown()).optional(),
    messages: z.array(z.unknown()).optional(),
  }),
});
const bodySchema = z.looseObject({ entry: z.array(z.looseObject({ changes: z.array(z.unknown()) })) });

const toIssues = (issues: readonly z.core.$ZodIssue[]) =>
  issues
    .slice(0, 3)
    .map((issue) => ({ path: issue.path.join('.').slice(0, 200), message: issue.message.slice(0, 200) }));

/** Every inbound message of a webhook body, in the order Meta listed them. */
export const metaInboundMessagesOf = (body: unknown, webhookId: string): MetaInboundMessages => {
  const result: MetaInboundMessages = { messages: [], invalid: [] };
  const parsed = bodySchema.safeParse(body);
  if (!parsed.success) return result; // the webhook route refuses such bodies; nothing inbound to find here
  parsed.data.entry.forEach((entry, e) =>
    entry.changes.forEach((rawChange, c) => {
      const change = changeSchema.safeParse(rawChange);
      if (!change.success || !change.data.value.messages?.length) return;
      const { metadata } = change.data.value;
      const contacts = (change.data.value.contacts ?? []).flatMap((raw) => {
        const contact = contactSchema.safeParse(raw);
        return contact.success ? [contact.data] : [];
      });
      change.data.value.messages.forEach((raw, m) => {
        const path = `entry.${e}.changes.${c}.value.messages.${m}`;
        const refuse = (issues: InvalidInboundMessage['issues']) => result.invalid.push({ path, issues });
        const message = messageSchema.safeParse(raw);
        if (!message.success) return refuse(toIssues(message.error.issues));
        const sentAt = metaSecondsOrMillisToIso(message.data.timestamp);
        if (sentAt === null)
          return refuse([{ path: 'timestamp', message: 'not Unix seconds or milliseconds' }]);
        let content: InboundContent;
        try {
          content = contentOf(message.data);
        } catch (error) {
          return refuse(
            error instanceof z.ZodError ? toIssues(error.issues) : [{ path: '', message: 'unreadable' }],
          );
        }
        const context = message.data.context;
        const data = inboundMessageReceivedDataSchema.safeParse(
          compact({
            wamid: message.data.id,
            phoneNumberId: metadata?.phone_number_id ?? '',
            displayPhoneNumber: nonEmpty(metadata?.display_phone_number),
            customer: customerOf(message.data, contacts),
            sentAt,
            type: message.data.type,
            content,
            context:
              context && (nonEmpty(context.id) || context.forwarded || context.frequently_forwarded)
                ? compact({
                    replyTo: nonEmpty(context.id),
                    forwarded: context.forwarded || context.frequently_forwarded ? true : undefined,
                  })
                : undefined,
            webhookId,
          }),
        );
        if (!data.success) return refuse(toIssues(data.error.issues));
        result.messages.push(data.data);
      });
    }),
  );
  return result;
};

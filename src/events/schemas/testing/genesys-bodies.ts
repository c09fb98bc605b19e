/**
 * Generated Genesys outbound webhook bodies (fast-check) for the property tests of WebhookReceived: every content
 * type the translation handles, optional members present or not, and texts made of the characters that cost the
 * most or behave oddly once escaped or lower-cased (quotes, backslashes, control characters, `İ`, astral ones).
 */
import fc from 'fast-check';

const CHARACTERS = ['"', '\\', '/', '\n', '\t', '\u0001', '\u001f', '\u2028', 'İ', 'é', '😀', 'A', 'z', ' ', ';', '@'];

const text = (minLength = 0) => fc.string({ unit: fc.constantFrom(...CHARACTERS), minLength, maxLength: 12 });
const id = fc.stringMatching(/^[a-z0-9-]{1,24}$/);
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

const attachment = fc.record(
  {
    mediaType: fc.constantFrom('Image', 'Video', 'Audio', 'File', 'Link'),
    url: id.map((path) => `https://api-downloads.mypurecloud.com/${path}`),
    mime: fc.oneof(fc.constantFrom('image/png', 'Audio/OGG; codecs=opus', 'text/plain', ' ; '), text(1)),
    filename: text(1),
    contentSizeBytes: fc.nat(),
    id,
    text: text(),
  },
  { requiredKeys: ['mediaType', 'url'] },
);

const parameter = fc.record({ name: text(), text: text() }, { requiredKeys: ['text'] });

const template = fc.record(
  {
    id: fc.tuple(id, id).map(([namespace, name]) => `${namespace}@${name}`),
    language: fc.constantFrom('en', 'pt_BR'),
    header: fc.record(
      { text: text(), media: attachment, parameters: fc.array(parameter, { maxLength: 3 }) },
      { requiredKeys: [] },
    ),
    body: fc.record({ text: text(), parameters: fc.array(parameter, { maxLength: 3 }) }, { requiredKeys: [] }),
    footer: fc.record({ text: text() }, { requiredKeys: [] }),
  },
  { requiredKeys: ['body'] },
);

const action = fc.record(
  { type: fc.constantFrom('Postback', 'Link'), text: text(), payload: text(), url: text() },
  { requiredKeys: [] },
);

const card = fc.record(
  {
    title: text(),
    description: text(),
    image: text(),
    defaultAction: action,
    actions: fc.array(action, { maxLength: 3 }),
  },
  { requiredKeys: ['title'] },
);

const contentItem = fc.oneof(
  attachment.map((value) => ({ contentType: 'Attachment', attachment: value })),
  fc
    .record({ text: text(1), payload: text() }, { requiredKeys: ['text'] })
    .map((quickReply) => ({ contentType: 'QuickReply', quickReply })),
  template.map((value) => ({ contentType: 'Notification', template: value })),
  card.map((value) => ({ contentType: 'Card', card: value })),
  fc.array(card, { maxLength: 3 }).map((cards) => ({ contentType: 'Carousel', carousel: { cards } })),
  fc.constantFrom('Location', 'Story').map((contentType) => ({ contentType })),
);

const typingEvent = fc.record(
  {
    eventType: fc.constantFrom('Typing', 'Presence'),
    typing: fc.record({ type: fc.constantFrom('On', 'Off') }, { requiredKeys: [] }),
  },
  { requiredKeys: ['eventType'] },
);

/** A body the Genesys contract accepts, as the JSON text Genesys would POST. */
export const genesysBody = (): fc.Arbitrary<string> =>
  fc
    .record({
      messageId: id,
      conversationId: optional(id),
      type: fc.constantFrom('Text', 'Structured', 'Receipt', 'Event'),
      time: optional(fc.constantFrom('2024-05-01T10:00:00Z', '2024-05-01T12:00:00+02:00', 'yesterday')),
      text: optional(text()),
      content: optional(fc.array(contentItem, { maxLength: 5 })),
      events: optional(fc.array(typingEvent, { maxLength: 3 })),
    })
    .map(({ messageId, time, ...rest }) =>
      JSON.stringify({
        id: messageId,
        channel: {
          id: 'integration-1',
          messageId,
          platform: 'Open',
          to: { id: 'customer-1' },
          ...(time === undefined ? {} : { time }),
        },
        direction: 'Outbound',
        ...rest,
      }),
    );

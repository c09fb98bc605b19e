/**
 * The AsyncAPI 3.0 document of the bridge's published interface: the Kafka topics (one per stream family, every
 * event type and version a message of its family's topic) and the legacy RabbitMQ queue. Built from the same
 * registry as the JSON Schemas, so a new event type or version appears in both at the next `npm run schemas`.
 */
import type { EventCategory } from '../../events/schemas/define';
import {
  CONVERSATIONS_TOPIC,
  INBOUND_MESSAGES_TOPIC,
  META_WEBHOOKS_TOPIC,
  OUTBOUND_MESSAGES_TOPIC,
} from '../../events/relay/topic-routing';
import type { EventSchemaDocument } from './event-json-schemas';
import { LEGACY_QUEUE_SCHEMA_FILE, SCHEMAS_DIR } from './schema-ids';

interface TopicChannel {
  id: string;
  topic: string;
  title: string;
  description: string;
}

/** How a consumer splits a stream id (src/events/schemas/stream-ids.ts); the envelope's tenantId is the plain id. */
const STREAM_ID_TENANT_NOTE =
  '`{tenant}` is the tenant id with `%` written `%25` and `-` written `%2D`: the first `-` after the prefix ends ' +
  'it, and the rest of the stream id is the message or conversation id as is.';

/** The topic of each stream family; a Record, so a new family cannot be left out of the document. */
const CHANNEL_BY_CATEGORY: Record<EventCategory, TopicChannel> = {
  'outbound-message': {
    id: 'outboundMessages',
    topic: OUTBOUND_MESSAGES_TOPIC,
    title: 'Outbound messages',
    description:
      'Every event of every outbound message stream (`outbound-{tenant}-{genesysMessageId}`): the Genesys ' +
      'webhook, mapping, media, send attempts, Meta statuses and receipts. The delivery funnel is read here. ' +
      STREAM_ID_TENANT_NOTE,
  },
  conversation: {
    id: 'conversations',
    topic: CONVERSATIONS_TOPIC,
    title: 'Conversations',
    description:
      'Links between Genesys conversations and WhatsApp ids (`conversation-{tenant}-{conversationId}`). ' +
      STREAM_ID_TENANT_NOTE,
  },
  'meta-webhook': {
    id: 'metaWebhooks',
    topic: META_WEBHOOKS_TOPIC,
    title: 'Meta webhooks',
    description:
      'Signed Meta webhooks as received (`meta-webhook-{sha256}`), before their statuses are applied to ' +
      'outbound messages.',
  },
  customer: {
    id: 'inboundMessages',
    topic: INBOUND_MESSAGES_TOPIC,
    title: 'Inbound messages',
    description:
      'What customers write on WhatsApp and what became of it at Genesys ' +
      '(`customer-{tenant}-{phoneNumberId}-{customerKey}`; the phone number id is escaped like the tenant, the ' +
      'customer key is `wa.{digits}` or `bsu.{business-scoped id}`). Keyed by the stream: one customer in order. ' +
      STREAM_ID_TENANT_NOTE,
  },
};

export const LEGACY_QUEUE = 'OUTBOUND_GENESYS_MESSAGES';
const LEGACY_MESSAGE_ID = 'LegacyOutboundMessage';

export const messageIdOf = (document: Pick<EventSchemaDocument, 'type' | 'version'>): string =>
  `${document.type}.v${document.version}`;

export const channelIdOf = (category: EventCategory): string => CHANNEL_BY_CATEGORY[category].id;

const KAFKA_BINDING_VERSION = '0.5.0';
const AMQP_BINDING_VERSION = '0.3.0';

const kafkaHeaders = (type: string) => ({
  type: 'object',
  properties: {
    'event-type': { type: 'string', const: type, description: 'The event type, as in the envelope.' },
    'event-id': { type: 'string', format: 'uuid', description: 'The event id, as in the envelope.' },
  },
  required: ['event-type', 'event-id'],
});

const eventMessage = (document: EventSchemaDocument) => ({
  name: document.type,
  title: `${document.type} v${document.version}`,
  summary: document.description,
  contentType: 'application/json',
  headers: kafkaHeaders(document.type),
  payload: { $ref: `./${SCHEMAS_DIR}/${document.file}` },
  bindings: {
    kafka: {
      key: {
        type: 'string',
        description: 'The envelope conversationId; the streamId for an event without a conversation.',
      },
      bindingVersion: KAFKA_BINDING_VERSION,
    },
  },
});

const legacyMessage = () => ({
  name: LEGACY_MESSAGE_ID,
  title: 'Legacy outbound message',
  summary:
    'A Genesys outbound message (every WebhookReceived, whatever its type) in the legacy queue format. At least ' +
    'once: deduplicate on the AMQP messageId.',
  contentType: 'application/json',
  payload: { $ref: `./${SCHEMAS_DIR}/${LEGACY_QUEUE_SCHEMA_FILE}` },
  correlationId: { location: '$message.header#/messageId', description: 'The Genesys message id.' },
  bindings: { amqp: { deliveryMode: 2, bindingVersion: AMQP_BINDING_VERSION } },
});

/** The document as plain data, ready to be written as YAML. */
export const asyncApiDocument = (events: EventSchemaDocument[], version: string): Record<string, unknown> => {
  const categories = (Object.keys(CHANNEL_BY_CATEGORY) as EventCategory[]).filter((category) =>
    events.some((event) => event.category === category),
  );
  const messageRef = (id: string) => ({ $ref: `#/components/messages/${id}` });

  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  for (const category of categories) {
    const { id, topic, title, description } = CHANNEL_BY_CATEGORY[category];
    const ids = events.filter((event) => event.category === category).map(messageIdOf);
    channels[id] = {
      address: topic,
      title,
      description:
        `${description} The address gets the deployment's KAFKA_TOPIC_PREFIX in front. Key: the envelope's ` +
        'conversationId (one conversation stays in order on one partition), its streamId when it has none; ' +
        'header `event-type`; value: the JSON envelope. Retention is unlimited: the topic is the replay log.',
      servers: [{ $ref: '#/servers/kafka' }],
      messages: Object.fromEntries(ids.map((messageId) => [messageId, messageRef(messageId)])),
    };
    operations[`publish${id[0]!.toUpperCase()}${id.slice(1)}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${id}` },
      summary: `The relay publishes every ${category} event here, in commit order per key, at least once.`,
      messages: ids.map((messageId) => ({ $ref: `#/channels/${id}/messages/${messageId}` })),
    };
  }
  channels.legacyOutboundQueue = {
    address: LEGACY_QUEUE,
    title: 'Legacy outbound queue',
    description:
      'The durable queue existing consumers read (name set by AMQP_OUTBOUND_QUEUE). Persistent JSON messages, ' +
      'AMQP messageId = Genesys message id, content type application/json.',
    servers: [{ $ref: '#/servers/rabbitmq' }],
    messages: { [LEGACY_MESSAGE_ID]: messageRef(LEGACY_MESSAGE_ID) },
    bindings: {
      amqp: {
        is: 'queue',
        queue: { name: LEGACY_QUEUE, durable: true, exclusive: false, autoDelete: false, vhost: '/' },
        bindingVersion: AMQP_BINDING_VERSION,
      },
    },
  };
  operations.publishLegacyOutboundQueue = {
    action: 'send',
    channel: { $ref: '#/channels/legacyOutboundQueue' },
    summary:
      'The AMQP bridge publishes every WebhookReceived here with publisher confirms, at least once; the Kafka ' +
      'offset is committed only after the confirm.',
    messages: [{ $ref: `#/channels/legacyOutboundQueue/messages/${LEGACY_MESSAGE_ID}` }],
  };

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'genesys-whatsapp-bridge',
      version,
      description:
        'Events of the Genesys Cloud → WhatsApp bridge on Kafka, and the legacy RabbitMQ queue. Generated by ' +
        '`npm run schemas` from the zod event schemas; see docs/analytics.md for the compatibility rules.',
    },
    defaultContentType: 'application/json',
    servers: {
      kafka: {
        host: '127.0.0.1:9092',
        protocol: 'kafka',
        description: 'The brokers of KAFKA_BROKERS (loopback in development).',
      },
      rabbitmq: {
        host: '127.0.0.1:5672',
        protocol: 'amqp',
        description: 'The broker of AMQP_URL (loopback in development).',
      },
    },
    channels,
    operations,
    components: {
      messages: {
        ...Object.fromEntries(events.map((event) => [messageIdOf(event), eventMessage(event)])),
        [LEGACY_MESSAGE_ID]: legacyMessage(),
      },
    },
  };
};

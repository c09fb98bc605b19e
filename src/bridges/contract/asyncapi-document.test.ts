import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { eventDefinitions } from '../../events/registry';
import { relayTopics } from '../../events/relay/topic-routing';
import { ASYNCAPI_FILE } from './schema-ids';

const root = path.resolve(__dirname, '../../..');

interface AsyncApi {
  asyncapi: string;
  channels: Record<
    string,
    { address: string; messages: Record<string, { $ref: string }>; bindings?: unknown }
  >;
  operations: Record<string, { action: string; channel: { $ref: string }; messages: { $ref: string }[] }>;
  components: {
    messages: Record<
      string,
      { name: string; payload: { $ref: string }; headers?: unknown; bindings?: Record<string, unknown> }
    >;
  };
}

/** The committed document, as a consumer's tooling would read it. */
const document = parse(readFileSync(path.join(root, ASYNCAPI_FILE), 'utf8')) as AsyncApi;

/** Follows a local `#/a/b/c` reference. */
const resolve = (ref: string): unknown =>
  ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], document);

const componentMessages = Object.entries(document.components.messages);

describe(`${ASYNCAPI_FILE}`, () => {
  it('is an AsyncAPI 3.0 document', () => {
    expect(document.asyncapi).toBe('3.0.0');
  });

  it('references every event type at every version it can be read in', () => {
    const referenced = new Set(componentMessages.map(([, message]) => message.payload.$ref));
    for (const definition of eventDefinitions) {
      const versions = [...definition.upcasters.map((upcaster) => upcaster.fromVersion), definition.version];
      for (const version of versions) {
        expect(referenced).toContain(`./schemas/${definition.type}.v${version}.json`);
      }
    }
  });

  it('points only at schema files that exist', () => {
    for (const [id, message] of componentMessages) {
      expect([id, existsSync(path.join(root, message.payload.$ref))]).toEqual([id, true]);
    }
  });

  it('describes every topic the relay writes to, with the type header on each event message', () => {
    const addresses = Object.values(document.channels).map((channel) => channel.address);
    expect(addresses).toEqual(expect.arrayContaining(relayTopics('', 1).map((topic) => topic.name)));
    for (const definition of eventDefinitions) {
      const message = document.components.messages[`${definition.type}.v${definition.version}`];
      expect(message).toMatchObject({
        name: definition.type,
        headers: { properties: { 'event-type': { const: definition.type } } },
        bindings: { kafka: { key: { type: 'string' } } },
      });
    }
  });

  it('describes the legacy durable queue with its schema', () => {
    expect(document.channels.legacyOutboundQueue).toMatchObject({
      address: 'OUTBOUND_GENESYS_MESSAGES',
      bindings: { amqp: { is: 'queue', queue: { durable: true } } },
    });
    expect(document.components.messages.LegacyOutboundMessage).toMatchObject({
      payload: { $ref: './schemas/legacy-outbound-queue-message.json' },
      bindings: { amqp: { deliveryMode: 2 } },
    });
  });

  it('resolves every channel and operation reference', () => {
    for (const channel of Object.values(document.channels)) {
      for (const message of Object.values(channel.messages)) expect(resolve(message.$ref)).toBeDefined();
    }
    for (const operation of Object.values(document.operations)) {
      expect(resolve(operation.channel.$ref)).toBeDefined();
      for (const message of operation.messages) expect(resolve(message.$ref)).toBeDefined();
    }
  });
});

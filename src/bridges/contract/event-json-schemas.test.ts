import { eventDefinitions } from '../../events/registry';
import { envelopeSchemaFor } from '../../events/schemas/envelope';
import { eventSchemaDocuments } from './event-json-schemas';
import { legacyQueueJsonSchema } from './legacy-queue-json-schema';

const documents = eventSchemaDocuments();

describe('event JSON Schemas', () => {
  it('has one document per event type and version, current and upcast', () => {
    const expected = eventDefinitions.flatMap((definition) => [
      ...definition.upcasters.map((upcaster) => `${definition.type}.v${upcaster.fromVersion}.json`),
      `${definition.type}.v${definition.version}.json`,
    ]);
    expect(documents.map((document) => document.file)).toEqual(expected);
    expect(new Set(expected).size).toBe(expected.length);
  });

  it.each(documents.map((document) => [document.file, document] as const))(
    '%s names itself and describes the envelope with data of its own type and version',
    (_file, document) => {
      const { schema } = document;
      expect(schema).toMatchObject({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        $id: `urn:genesys-whatsapp-bridge:schema:event:${document.type}:v${document.version}`,
        title: `${document.type} v${document.version}`,
        description: expect.stringContaining(
          eventDefinitions.find((definition) => definition.type === document.type)!.description,
        ),
        type: 'object',
        properties: {
          type: { const: document.type },
          version: { const: document.version },
          data: { type: 'object' },
          eventId: { format: 'uuid' },
          conversationId: expect.any(Object),
        },
      });
      expect(schema.required).toEqual(
        expect.arrayContaining(['eventId', 'type', 'version', 'tenantId', 'data']),
      );
    },
  );

  it('leaves objects open, so fields added later do not break consumers that validate', () => {
    expect(JSON.stringify(documents.map((document) => document.schema))).not.toContain(
      '"additionalProperties":false',
    );
  });

  it.each(eventDefinitions.map((definition) => [definition.type, definition] as const))(
    '%s carries a whole-envelope example that the bridge itself accepts',
    (_type, definition) => {
      const current = documents.find((document) => document.type === definition.type && document.isCurrent)!;
      const examples = current.schema.examples as unknown[];
      expect(examples).toHaveLength(1);
      expect(envelopeSchemaFor(definition).safeParse(examples[0]).error?.issues).toBeUndefined();
    },
  );

  it('keeps the data schema of an older version: Delivered v1 has Meta unix seconds', () => {
    const v1 = documents.find((document) => document.file === 'Delivered.v1.json')!;
    expect(v1.isCurrent).toBe(false);
    expect(v1.schema).toMatchObject({
      properties: { version: { const: 1 }, data: { properties: { timestamp: { type: 'string' } } } },
    });
  });
});

describe('legacy queue JSON Schema', () => {
  it('is closed and requires the five legacy keys', () => {
    expect(legacyQueueJsonSchema()).toMatchObject({
      $id: 'urn:genesys-whatsapp-bridge:schema:amqp:legacy-outbound-queue-message',
      additionalProperties: false,
      required: ['conversationId', 'messageId', 'type', 'text', 'tenantId'],
      properties: { attachment: { additionalProperties: false } },
    });
  });
});

/**
 * One JSON Schema per event type and version: the whole Kafka value (the envelope) with `data` of that type and
 * version, generated from the zod schemas the bridge itself validates with, so the two cannot disagree.
 *
 * Older versions are published too: the relay puts stored events on the topics as they were written, so a replay
 * from the beginning delivers e.g. Delivered v1 beside Delivered v2.
 */
import { z } from 'zod';
import { eventDefinitions } from '../../events/registry';
import type { EventDefinition } from '../../events/schemas/define';
import { envelopeSchemaFor, storedEventEnvelopeSchema } from '../../events/schemas/envelope';
import { envelopeExample } from './envelope-example';
import { eventSchemaFile, eventSchemaId } from './schema-ids';

export interface EventSchemaDocument {
  type: string;
  version: number;
  /** True for the version the bridge writes today. */
  isCurrent: boolean;
  category: EventDefinition['category'];
  description: string;
  /** File name inside `schemas/`. */
  file: string;
  schema: Record<string, unknown>;
}

/**
 * `io: 'input'` leaves objects open (no `additionalProperties: false`): the compatibility rules let the bridge
 * add fields to a version at any time, so a consumer validating with these schemas must not reject them.
 */
const toJsonSchema = (schema: z.ZodType): Record<string, unknown> => z.toJSONSchema(schema, { io: 'input' });

const document = (
  definition: EventDefinition,
  version: number,
  description: string,
  envelope: z.ZodType,
  example: unknown,
): EventSchemaDocument => {
  const { $schema, ...body } = toJsonSchema(envelope);
  return {
    type: definition.type,
    version,
    isCurrent: version === definition.version,
    category: definition.category,
    description,
    file: eventSchemaFile(definition.type, version),
    schema: {
      $schema,
      $id: eventSchemaId(definition.type, version),
      title: `${definition.type} v${version}`,
      ...body,
      description,
      ...(example === undefined ? {} : { examples: [example] }),
    },
  };
};

/** Versions an upcaster still reads: the envelope as stored then, with that version's data schema. */
const olderVersions = (definition: EventDefinition): EventSchemaDocument[] =>
  definition.upcasters.map((upcaster) => {
    const description =
      `${definition.description} Version ${upcaster.fromVersion}, as stored by earlier releases; ` +
      `superseded by v${definition.version}.`;
    const envelope = storedEventEnvelopeSchema.extend({
      type: z.literal(definition.type).describe('Event type.'),
      version: z.literal(upcaster.fromVersion).describe('Version of the `data` schema.'),
      data: upcaster.schema.describe(`Payload of ${definition.type} v${upcaster.fromVersion}.`),
    });
    return document(definition, upcaster.fromVersion, description, envelope, undefined);
  });

/** Every event type's schemas, oldest version first, types in registry order. */
export const eventSchemaDocuments = (): EventSchemaDocument[] =>
  eventDefinitions.flatMap((definition) => [
    ...olderVersions(definition),
    document(
      definition,
      definition.version,
      definition.description,
      envelopeSchemaFor(definition),
      envelopeExample(definition),
    ),
  ]);

import { z } from 'zod';
import { eventDefinitions } from '../registry';
import { envelopeSchemaFor } from './envelope';

interface JsonSchemaNode {
  description?: string;
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
  anyOf?: JsonSchemaNode[];
}

/** Paths of object properties that carry no description, found anywhere in the schema. */
const undescribedProperties = (node: JsonSchemaNode, path: string): string[] => {
  const own = Object.entries(node.properties ?? {}).flatMap(([name, child]) => [
    ...(child.description ? [] : [`${path}.${name}`]),
    ...undescribedProperties(child, `${path}.${name}`),
  ]);
  const nested = [node.items, ...(node.anyOf ?? [])].flatMap((child) =>
    child ? undescribedProperties(child, path) : [],
  );
  return [...own, ...nested];
};

describe('JSON Schemas for analytics consumers', () => {
  it.each(eventDefinitions.map((definition) => [definition.type, definition] as const))(
    '%s converts to a JSON Schema in which every field is described',
    (_type, definition) => {
      const schema = z.toJSONSchema(envelopeSchemaFor(definition)) as JsonSchemaNode;
      expect(schema.description).toBe(definition.description);
      expect(undescribedProperties(schema, '$')).toEqual([]);
    },
  );
});

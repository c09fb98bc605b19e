/**
 * Names of the published contract files. The file names are part of the contract (analytics consumers and the
 * AsyncAPI document point at them), so they are derived in one place and never hand-written.
 */

/** Folder of the generated JSON Schemas, relative to the repository root. */
export const SCHEMAS_DIR = 'schemas';

/** The AsyncAPI document, relative to the repository root. */
export const ASYNCAPI_FILE = 'asyncapi.yaml';

export const LEGACY_QUEUE_SCHEMA_FILE = 'legacy-outbound-queue-message.json';

/** `WebhookReceived.v1.json`: one file per event type and version, never reused for another shape. */
export const eventSchemaFile = (type: string, version: number): string => `${type}.v${version}.json`;

/**
 * `$id`s are URNs: stable names that do not pretend to be fetchable from a host this project does not run. Tools
 * resolve the files through the AsyncAPI document's relative references instead.
 */
export const eventSchemaId = (type: string, version: number): string =>
  `urn:genesys-whatsapp-bridge:schema:event:${type}:v${version}`;

export const LEGACY_QUEUE_SCHEMA_ID = 'urn:genesys-whatsapp-bridge:schema:amqp:legacy-outbound-queue-message';

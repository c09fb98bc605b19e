import { conversationMappings } from './conversation-mappings';
import { messageTracking } from './message-tracking';
import type { ProjectionDefinition } from './projection-definition';
import { webhookArchive } from './webhook-archive';

/**
 * Every projection the bridge runs: the ONE list. The live runner (runtime/workers.ts), the rebuild and the CLI
 * (rebuild/rebuild-projection.ts), and the lag metrics and `bridge projections status` (CONSUMERS) all read it.
 * A new projection is its definition file (name, topics, table, statements) plus its migration, and a line here.
 */
export const PROJECTIONS: readonly ProjectionDefinition[] = [
  conversationMappings,
  messageTracking,
  webhookArchive,
];

export const findProjection = (name: string): ProjectionDefinition | undefined =>
  PROJECTIONS.find((projection) => projection.name === name);

/** A projection's consumer group, before the deployment's prefix. */
export const consumerNameOf = (projection: ProjectionDefinition): string => `projection.${projection.name}`;

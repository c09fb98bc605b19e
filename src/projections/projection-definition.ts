import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import type { DecodedEvent } from '../events/decode';
import type { DomainEvent } from '../events/registry';
import type { Logger } from '../infra/logger';
import type { S3 } from '../infra/s3';
import type { TableTarget } from './rebuild/table-targets';

/** What a projection may write besides PostgreSQL, for the live runner and the rebuild alike. */
export interface ProjectionDeps {
  redis: Redis;
  s3: S3;
  archiveBucket: string;
}

/** The live runner's: it also logs what it skips. */
export interface LiveDeps extends ProjectionDeps {
  logger: Logger;
}

interface Registered {
  /** Names the consumer group (`projection.<name>`), the rows of projection_positions and the dead letters' source. */
  name: string;
  /** Topic names without the deployment's prefix, e.g. `bridge.outbound-messages.v1`. */
  topics: readonly string[];
}

/**
 * A read model in one PostgreSQL table: a set-based statement per event type (TableTarget), applied live a Kafka
 * batch per transaction and rebuilt into a shadow table with the very same statements.
 */
export interface TableProjection extends Registered, TableTarget {
  kind: 'table';
  /**
   * Copies of the rows kept outside PostgreSQL (a cache), written after the transaction committed, with the events
   * it applied: never while a transaction is open. Best effort: a lost write costs a cache miss.
   */
  afterCommit?: (deps: LiveDeps) => (events: readonly DecodedEvent[]) => Promise<void>;
  /** After a rebuild swapped the table in: brings those copies in line; its counts join the rebuild's result. */
  afterRebuild?: (pool: Pool, deps: ProjectionDeps) => Promise<{ cacheKeysWritten?: number }>;
}

/**
 * A projection whose output lives outside PostgreSQL (objects in S3): one write per event, under a key that comes
 * from the event alone, so that replaying writes the same thing again. It records nothing in PostgreSQL but its
 * dead letters: no transaction is ever open across the write.
 */
export interface ExternalProjection extends Registered {
  kind: 'external';
  handles: readonly DomainEvent['type'][];
  write: (deps: ProjectionDeps) => (event: DecodedEvent) => Promise<void>;
}

export type ProjectionDefinition = TableProjection | ExternalProjection;

export const handlesType = (definition: ProjectionDefinition, type: string): boolean =>
  definition.kind === 'table'
    ? Object.hasOwn(definition.handlers, type)
    : (definition.handles as readonly string[]).includes(type);

import type { Redis } from 'ioredis';
import type { Client as S3 } from 'minio';
import type { Pool } from 'pg';
import type { RebuildProgress } from './progress';
import { rebuildWebhookArchive, type ArchiveRebuildResult } from './rebuild-archive';
import { rebuildTable, type TableRebuildOptions, type TableRebuildResult } from './rebuild-table';
import { conversationMappingsTarget, messageTrackingTarget } from './table-targets';
import { warmMappingCache } from './warm-mapping-cache';

export const REBUILDABLE = ['conversation-mappings', 'message-tracking', 'webhook-archive'] as const;
export type RebuildableProjection = (typeof REBUILDABLE)[number];

export const isRebuildable = (name: string): name is RebuildableProjection =>
  (REBUILDABLE as readonly string[]).includes(name);

export interface RebuildDeps {
  pool: Pool;
  redis: Redis;
  s3: S3;
  archiveBucket: string;
  progress?: RebuildProgress;
  table?: Omit<TableRebuildOptions, 'progress'>;
}

export type RebuildResult = (TableRebuildResult & { cacheKeysWritten?: number }) | ArchiveRebuildResult;

/** Rebuilds one projection from the event store while the service keeps running. */
export const rebuildProjection = async (
  name: RebuildableProjection,
  deps: RebuildDeps,
): Promise<RebuildResult> => {
  const options = { ...deps.table, ...(deps.progress ? { progress: deps.progress } : {}) };
  switch (name) {
    case 'conversation-mappings': {
      const result = await rebuildTable(deps.pool, conversationMappingsTarget, options);
      return { ...result, cacheKeysWritten: await warmMappingCache(deps.pool, deps.redis) };
    }
    case 'message-tracking':
      return rebuildTable(deps.pool, messageTrackingTarget, options);
    case 'webhook-archive':
      return rebuildWebhookArchive(deps.pool, deps.s3, deps.archiveBucket, {
        ...(deps.progress ? { progress: deps.progress } : {}),
      });
  }
};

/** `all`: one after the other, so that each has the database to itself. */
export const rebuildAll = async (deps: RebuildDeps): Promise<RebuildResult[]> => {
  const results: RebuildResult[] = [];
  for (const name of REBUILDABLE) results.push(await rebuildProjection(name, deps));
  return results;
};

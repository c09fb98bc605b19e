import type { Client as S3 } from 'minio';
import type { Pool } from 'pg';
import { decodeEvent, type DecodedEvent } from '../../events/decode';
import type { OutboundEvent } from '../../events/schemas/outbound-events';
import { PostgresEventStore } from '../../events/store/postgres-event-store';
import { readAllPages } from '../../events/store/read-all-pages';
import { START_OF_ALL } from '../../events/store/types';
import { runLimited } from '../../infra/run-limited';
import { archiveWebhook } from '../webhook-archive';
import { silentProgress, type RebuildProgress } from './progress';

type WebhookReceived = DecodedEvent<Extract<OutboundEvent, { type: 'WebhookReceived' }>>;

export interface ArchiveRebuildResult {
  projection: 'webhook-archive';
  events: number;
  objects: number;
  poisoned: number;
  durationMs: number;
}

/**
 * The raw webhook archive has no table to swap: every object's key comes from its event alone (archiveKey), so
 * writing every WebhookReceived again is idempotent and leaves the archive complete, while the live projection
 * goes on writing the same keys. Positions stay as they are: the live runner owes nothing new.
 */
export const rebuildWebhookArchive = async (
  pool: Pool,
  s3: S3,
  bucket: string,
  options: { pageSize?: number; concurrency?: number; progress?: RebuildProgress } = {},
): Promise<ArchiveRebuildResult> => {
  const { pageSize = 5000, concurrency = 16, progress = silentProgress } = options;
  const started = Date.now();
  const store = new PostgresEventStore(pool);
  const total = await store.countAfter(START_OF_ALL);
  progress.start('webhook-archive', total);
  let events = 0;
  let objects = 0;
  let poisoned = 0;
  try {
    for await (const page of readAllPages(store, { pageSize })) {
      const webhooks: WebhookReceived[] = [];
      for (const stored of page) {
        if (stored.type !== 'WebhookReceived') continue;
        try {
          const event = decodeEvent(stored);
          if (event.type === 'WebhookReceived') webhooks.push(event);
        } catch {
          poisoned++; // dead-lettered by the live projection as well; nothing to archive
        }
      }
      // A fixed number of uploads in flight: object stores answer in milliseconds, one at a time would crawl.
      await runLimited(webhooks, concurrency, (webhook) => archiveWebhook(s3, bucket, webhook));
      objects += webhooks.length;
      events += page.length;
      progress.update(events, Math.max(total, events));
    }
  } finally {
    progress.stop();
  }
  return { projection: 'webhook-archive', events, objects, poisoned, durationMs: Date.now() - started };
};

import { readAllPages } from '../../../src/events/store/read-all-pages';
import type { PostgresEventStore } from '../../../src/events/store/postgres-event-store';

/** Reads $all from the start in keyset pages, as a rebuild does; events per second over the whole read. */
export const readAllThroughput = async (
  store: PostgresEventStore,
  pageSize: number,
): Promise<{ events: number; perSecond: number }> => {
  const started = process.hrtime.bigint();
  let events = 0;
  for await (const page of readAllPages(store, { pageSize })) events += page.length;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { events, perSecond: events / seconds };
};

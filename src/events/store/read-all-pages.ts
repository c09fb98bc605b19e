import { cursorOf } from './stored-event';
import { START_OF_ALL, type AllCursor, type EventStore, type StoredEvent } from './types';

export interface ReadAllPagesOptions {
  after?: AllCursor;
  /** Rows per round trip; a few thousand keeps a full rebuild bound by PostgreSQL, not by latency. */
  pageSize?: number;
}

/**
 * $all as keyset pages, for rebuilds and replays: each page starts after the last event of the previous one, so
 * reading a million events costs the same per page as reading the first thousand. Ends at the first empty page
 * (events committed later are picked up by the next call with the last cursor).
 */
export async function* readAllPages(
  store: Pick<EventStore, 'readAll'>,
  { after = START_OF_ALL, pageSize = 5000 }: ReadAllPagesOptions = {},
): AsyncGenerator<StoredEvent[], AllCursor> {
  let cursor = after;
  for (;;) {
    const page = await store.readAll({ after: cursor, limit: pageSize });
    if (page.length === 0) return cursor;
    cursor = cursorOf(page[page.length - 1]!);
    yield page;
  }
}

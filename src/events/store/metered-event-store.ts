import type { MultiStreamStore, StreamAppend } from './multi-stream';
import type { EventMetadata, EventStore, ExpectedPosition, NewEvent } from './types';

/** Counts what is really appended (not idempotent re-appends), by event type, around any EventStore. */
export const meteredEventStore = <S extends EventStore>(
  store: S,
  count: (type: string, n: number) => void,
): S => {
  const metered = Object.create(store) as S;
  metered.appendToStream = async (
    streamId: string,
    expected: ExpectedPosition,
    events: NewEvent[],
    metadata?: EventMetadata,
  ) => {
    const result = await store.appendToStream(streamId, expected, events, metadata);
    if (!result.duplicate) for (const event of events) count(event.type, 1);
    return result;
  };
  const multi = store as Partial<MultiStreamStore>;
  if (multi.appendToStreams) {
    const appendToStreams = multi.appendToStreams.bind(store);
    (metered as Partial<MultiStreamStore>).appendToStreams = async (appends: readonly StreamAppend[]) => {
      const outcomes = await appendToStreams(appends);
      const isAppended = new Set(outcomes.filter((outcome) => outcome.appended).map((o) => o.streamId));
      for (const append of appends)
        if (isAppended.has(append.streamId)) for (const event of append.events) count(event.type, 1);
      return outcomes;
    };
  }
  return metered;
};

/**
 * Runs one command against one stream: read, decode, fold, decide, append with the expected position. On a
 * concurrent append (ExpectedVersionConflict) it reads what was appended since, decides again, a bounded number of
 * times, so the decision is always made on the state the append is checked against.
 */
import type { DecodedEvent } from '../events/decode';
import { encodeEvent } from '../events/encode';
import type { DomainEvent } from '../events/registry';
import {
  ExpectedVersionConflict,
  type EventMetadata,
  type EventStore,
  type ExpectedPosition,
  type StoredEvent,
} from '../events/store/types';
import { CommandRejected } from './command-rejected';
import { foldEvents, type Decider } from './decider';

export interface HandleCommandOptions<Event extends DomainEvent> {
  /** Decodes one stored event of this stream; throws on anything the stream should not contain. */
  decode: (stored: StoredEvent) => DecodedEvent<Event>;
  tenantId: string;
  /**
   * Envelope conversation id of the new events (the Kafka key). When omitted, the one of the stream's first event
   * is used, since every event of a stream belongs to the same conversation; null if neither is known.
   */
  conversationId?: string | null;
  /** Correlation and causation ids, stored with every appended event. */
  metadata?: EventMetadata;
  /** Re-reads and re-decides after this many conflicts before giving up. Default 10. */
  maxRetries?: number;
  /**
   * Expected position for the append, from the stream's current position (0 when empty). The default checks
   * exactly that position; return `'any'` only for a command whose decision cannot depend on the state.
   */
  expectedFor?: (currentPosition: number) => ExpectedPosition;
  /**
   * The stream is most likely new (a first webhook): decide on the initial state and append expecting position 0,
   * without reading first. Should the stream exist after all, the conflict falls back to the usual
   * read–decide–append, so the outcome is the same and only the common case saves a round trip.
   */
  isLikelyNewStream?: boolean;
  /**
   * The stream as the caller has just read it: decide on it and append expecting its last position, without
   * reading again. A stream that moved meanwhile fails the append, and the events after it are read and the command
   * decided again; so does a decision to do nothing or a refusal, which no append confirms. The outcome is the same
   * as without it.
   */
  known?: StoredEvent[];
  /** Event ids for new events; random when omitted. Deterministic ids make a repeated append a store no-op. */
  eventIdFor?: (event: Event, index: number) => string;
}

export type AppendedEvent<Event> = Event & {
  eventId: string;
  streamPosition: number;
  globalPosition: string;
};

export interface CommandResult<Event extends DomainEvent, State> {
  /** Events written by this call, in order. Empty for a no-op. */
  events: AppendedEvent<Event>[];
  /** The state after the call (unchanged for a no-op). */
  newState: State;
  /**
   * True when nothing new was written: the decider chose no events (a duplicate command, e.g. a Genesys retry) or
   * the store already held every event id (an idempotent re-append).
   */
  isNoOp: boolean;
  /** Stream position after the call. */
  streamPosition: number;
  /** The events the decision was based on, e.g. to answer a duplicate webhook with the original event id. */
  history: DecodedEvent<Event>[];
  /**
   * The whole stream as stored after the call, for a caller that decides again on it (pass it as `known`). Absent
   * after an idempotent re-append, whose events an earlier call stored.
   */
  stream?: StoredEvent[];
}

// Each lost race costs one read of the events appended since, so a hot stream (a long message whose statuses come
// back while its parts are still being recorded) can afford several.
const DEFAULT_MAX_RETRIES = 10;

export const handleCommand = <Command, Event extends DomainEvent, State>(
  store: EventStore,
  decider: Decider<Command, Event, State>,
  streamId: string,
  command: Command,
  options: HandleCommandOptions<Event>,
): Promise<CommandResult<Event, State>> => handleCommands(store, decider, streamId, [command], options);

/**
 * Several commands on one stream, decided one after the other (each on the state the ones before it leave) and
 * appended together: one transaction where there would be one per command, and all or nothing. A conflict or a
 * refusal re-decides all of them, exactly as for one command.
 */
export const handleCommands = async <Command, Event extends DomainEvent, State>(
  store: EventStore,
  decider: Decider<Command, Event, State>,
  streamId: string,
  commands: readonly Command[],
  options: HandleCommandOptions<Event>,
): Promise<CommandResult<Event, State>> => {
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  const given = options.known ?? (options.isLikelyNewStream ? [] : undefined);
  let stored = given ?? (await store.readStream(streamId));
  // A decision on a stream the caller passed in is confirmed only by an append: "nothing to do" and a refusal are
  // checked again on the stream as it is now.
  let isConfirmed = given === undefined;
  for (let conflicts = 0; ;) {
    try {
      const result = await decideAndAppend(store, decider, streamId, commands, options, stored);
      if (isConfirmed || result.events.length > 0 || !result.isNoOp) return result;
    } catch (error) {
      const isConflict = error instanceof ExpectedVersionConflict;
      if (!isConflict && !(isConfirmed === false && error instanceof CommandRejected)) throw error;
      if (isConflict && ++conflicts > maxRetries) throw error;
    }
    // Streams only grow, so what this call holds is a prefix of the stream: reading the events after it is enough
    // (a hot stream with a large first event is not read whole on every lost race).
    const tail = await store.readStream(streamId, { from: (stored.at(-1)?.streamPosition ?? 0) + 1 });
    if (!isConfirmed && tail.length === 0) {
      isConfirmed = true; // the stream had not moved: decide once more on it, and that decision stands
    }
    stored = [...stored, ...tail];
  }
};

const decideAndAppend = async <Command, Event extends DomainEvent, State>(
  store: EventStore,
  decider: Decider<Command, Event, State>,
  streamId: string,
  commands: readonly Command[],
  options: HandleCommandOptions<Event>,
  known?: StoredEvent[],
): Promise<CommandResult<Event, State>> => {
  const stored = known ?? (await store.readStream(streamId));
  // Decode errors propagate: deciding on a partly understood stream could send a message twice.
  const history = stored.map(options.decode);
  const state = foldEvents(decider, history);
  const currentPosition = stored.at(-1)?.streamPosition ?? 0;

  const decided: Event[] = [];
  let decidedState = state;
  for (const command of commands) {
    const events = decider.decide(command, decidedState);
    decided.push(...events);
    decidedState = foldEvents(decider, events, decidedState);
  }
  if (decided.length === 0) {
    return {
      events: [],
      newState: state,
      isNoOp: true,
      streamPosition: currentPosition,
      history,
      stream: stored,
    };
  }

  const conversationId =
    options.conversationId !== undefined ? options.conversationId : (stored[0]?.conversationId ?? null);
  const encoded = decided.map((event, index) => ({
    event,
    newEvent: encodeEvent(event, {
      tenantId: options.tenantId,
      conversationId,
      ...(options.eventIdFor ? { eventId: options.eventIdFor(event, index) } : {}),
    }),
  }));
  const expected = options.expectedFor ? options.expectedFor(currentPosition) : currentPosition;
  const result = await store.appendToStream(
    streamId,
    expected,
    encoded.map(({ newEvent }) => newEvent),
    options.metadata,
  );

  const firstPosition = result.nextExpectedPosition - decided.length + 1;
  const events = encoded.map(({ event, newEvent }, index) => ({
    ...event,
    eventId: newEvent.eventId,
    streamPosition: firstPosition + index,
    globalPosition: globalPositionAt(result.globalPositions, index, streamId),
  }));
  return {
    events,
    newState: decidedState,
    isNoOp: result.duplicate,
    streamPosition: result.nextExpectedPosition,
    history,
    ...(result.stored ? { stream: [...stored, ...result.stored] } : {}),
  };
};

const globalPositionAt = (positions: readonly string[], index: number, streamId: string): string => {
  const position = positions[index];
  if (position === undefined) {
    throw new Error(`Event store returned ${positions.length} global positions for stream ${streamId}`);
  }
  return position;
};

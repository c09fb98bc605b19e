import { workflowState, type OutboundWorkflowState } from '../../commands/outbound-message/workflow';
import { decodeOutboundEvent, type DecodedEvent } from '../../events/decode';
import type { OutboundEvent } from '../../events/schemas/outbound-events';
import type { StoredEvent } from '../../events/store/types';

/**
 * The stream of one message as a run last saw it, decoded once: a step that extends it (the run's own append, the
 * events read after a lost race) decodes only the new events. Decoding validates every event against its schema,
 * and the first one carries a raw body of up to 1 MiB: decoding it again on every step was most of a step's cost.
 */
export class DecodedStream {
  constructor(
    /** Undefined: not read yet, or dropped to be read again. */
    readonly stored?: StoredEvent[],
    private readonly decoded: readonly DecodedEvent<OutboundEvent>[] = [],
  ) {}

  /** This stream grown to `stored` (decoding only what is new), or forgotten when `stored` is undefined. */
  extendedTo(stored: StoredEvent[] | undefined): DecodedStream {
    if (!stored) return new DecodedStream(undefined, this.decoded);
    const reusable = this.decoded.filter((event, index) => stored[index]?.eventId === event.envelope.eventId);
    const kept = reusable.length === this.decoded.length ? reusable : [];
    return new DecodedStream(stored, [...kept, ...stored.slice(kept.length).map(decodeOutboundEvent)]);
  }

  state(): OutboundWorkflowState {
    return workflowState(this.decoded);
  }
}

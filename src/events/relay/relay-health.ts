import type { TopicLimitProblem } from './ensure-topics';

/** An event the broker refuses (too large for its topic): the relay holds at it, so nothing behind it moves. */
export interface UnpublishableEvent {
  eventId: string;
  streamId: string;
  type: string;
  topic: string;
  /** Key plus value, as sent. */
  bytes: number;
  /** When the first refusal came. */
  since: string;
  attempts: number;
  error: string;
}

export interface RelayHealthView {
  unpublishable: UnpublishableEvent | null;
  topicsTooSmall: TopicLimitProblem[];
}

export interface RelayHealthObserver {
  unpublishable(count: number): void;
  topicsTooSmall(count: number): void;
}

/**
 * What the relay knows is wrong beyond "Kafka is down": shared between the relay (which writes it) and the health
 * view and metrics (which read it), so that one stuck event is visible without reading logs.
 */
export class RelayHealth {
  private unpublishableEvent: UnpublishableEvent | null = null;
  private tooSmall: TopicLimitProblem[] = [];

  constructor(private readonly observer?: RelayHealthObserver) {}

  view(): RelayHealthView {
    return { unpublishable: this.unpublishableEvent, topicsTooSmall: this.tooSmall };
  }

  get unpublishable(): UnpublishableEvent | null {
    return this.unpublishableEvent;
  }

  /** Records one more refusal; returns the record (attempts counts refusals of this same event). */
  refused(event: Omit<UnpublishableEvent, 'since' | 'attempts'>, now = new Date()): UnpublishableEvent {
    const previous = this.unpublishableEvent;
    this.unpublishableEvent =
      previous?.eventId === event.eventId
        ? { ...previous, ...event, attempts: previous.attempts + 1 }
        : { ...event, since: now.toISOString(), attempts: 1 };
    this.observer?.unpublishable(1);
    return this.unpublishableEvent;
  }

  /** The held event went out (or another relay published it): returns what was cleared, if anything. */
  published(): UnpublishableEvent | null {
    const cleared = this.unpublishableEvent;
    if (cleared) {
      this.unpublishableEvent = null;
      this.observer?.unpublishable(0);
    }
    return cleared;
  }

  topicLimits(problems: TopicLimitProblem[]): void {
    this.tooSmall = problems;
    this.observer?.topicsTooSmall(problems.length);
  }
}

/**
 * What the rules need to know about one outbound message, folded from its events. Meta statuses are tracked per
 * part (wamid): a long text is several WhatsApp messages, each delivered and read on its own.
 */
import type { FailureStage } from '../../events/schemas/message-failed';
import type { OutboundEvent } from '../../events/schemas/outbound-events';
import type { ReceiptStatus } from '../../events/schemas/receipt-posted';
import type { ServiceWindow } from '../../events/schemas/service-window';

/** `accepted` = Meta returned a wamid; the rest mirror Meta's statuses. */
export type PartStatus = 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';

export interface SentPart {
  partIndex: number;
  wamid: string;
  status: PartStatus;
}

export interface ReceivedMessage {
  conversationId: string | null;
  customerId: string;
  isSendable: boolean;
  hasAttachment: boolean;
}

/** A resolved mapping names the customer by wa_id, business-scoped user id, or both (at least one, see events). */
export type MappingOutcome =
  | { kind: 'resolved'; waId?: string; userId?: string; lastInboundAt?: string }
  | { kind: 'missing'; reason: string };

export interface OutboundState {
  /** Null until WebhookReceived. */
  message: ReceivedMessage | null;
  mapping: MappingOutcome | null;
  isMediaStored: boolean;
  /** Number of the last SendRequested; 0 before any. */
  attempt: number;
  /** Part count of the last SendRequested. */
  partCount: number;
  /** A SendRequested is not yet followed by every part's MessageSent or by a MessageFailed. */
  isAwaitingSendOutcome: boolean;
  parts: readonly SentPart[];
  failure: { stage: FailureStage; reason: string } | null;
  receiptsPosted: readonly ReceiptStatus[];
  /**
   * The window check of the first SendRequested that carried one: retries keep it, so that a retry sends the same
   * parts (a window closing between attempts would otherwise change what the attempt is).
   */
  serviceWindow: ServiceWindow | null;
  /** The run that requested each attempt, by attempt - 1 (null for attempts recorded before runs were named). */
  attemptRuns: readonly (string | null)[];
  /** Meta's refusal of the latest attempt, if it refused it: the attempt is settled, retried from `retryAt`. */
  refusal: { attempt: number; partIndex: number; retryAt: string } | null;
}

export const initialOutboundState = (): OutboundState => ({
  message: null,
  mapping: null,
  isMediaStored: false,
  attempt: 0,
  partCount: 0,
  isAwaitingSendOutcome: false,
  parts: [],
  failure: null,
  receiptsPosted: [],
  serviceWindow: null,
  attemptRuns: [],
  refusal: null,
});

/** Order of delivery progress. `failed` is outside the order: it is final. */
const PROGRESS: Record<Exclude<PartStatus, 'failed'>, number> = {
  accepted: 0,
  sent: 1,
  delivered: 2,
  read: 3,
};

/**
 * Whether a part in status `from` may move to `to`: only forward, never out of `failed`, and into `failed` only
 * before delivery (see meta-status.ts for why).
 */
export const canAdvance = (from: PartStatus, to: PartStatus): boolean => {
  if (from === 'failed') return false;
  if (to === 'failed') return PROGRESS[from] < PROGRESS.delivered;
  return PROGRESS[to] > PROGRESS[from];
};

const withPartStatus = (state: OutboundState, wamid: string, status: PartStatus): OutboundState => ({
  ...state,
  parts: state.parts.map((part) =>
    part.wamid === wamid && canAdvance(part.status, status) ? { ...part, status } : part,
  ),
});

export const findPart = (state: OutboundState, wamid: string): SentPart | undefined =>
  state.parts.find((part) => part.wamid === wamid);

export const isFullySent = (state: OutboundState): boolean =>
  state.partCount > 0 && state.parts.length === state.partCount;

/** The message will never be sent: no recipient, or a final failure. */
export const isEnded = (state: OutboundState): boolean =>
  state.failure !== null || state.mapping?.kind === 'missing';

export const evolveOutbound = (state: OutboundState, event: OutboundEvent): OutboundState => {
  switch (event.type) {
    case 'WebhookReceived':
      return {
        ...state,
        message: {
          conversationId: event.data.conversationId,
          customerId: event.data.customerId,
          isSendable: event.data.isSendable,
          hasAttachment: event.data.attachment !== undefined,
        },
      };
    case 'MappingResolved':
      return {
        ...state,
        mapping: {
          kind: 'resolved',
          ...(event.data.waId === undefined ? {} : { waId: event.data.waId }),
          ...(event.data.userId === undefined ? {} : { userId: event.data.userId }),
          ...(event.data.lastInboundAt === undefined ? {} : { lastInboundAt: event.data.lastInboundAt }),
        },
      };
    case 'MappingMissing':
      return { ...state, mapping: { kind: 'missing', reason: event.data.reason } };
    case 'MediaStored':
      return { ...state, isMediaStored: true };
    case 'SendRequested':
      return {
        ...state,
        attempt: event.data.attempt,
        partCount: event.data.partCount,
        isAwaitingSendOutcome: true,
        serviceWindow: state.serviceWindow ?? event.data.serviceWindow ?? null,
        attemptRuns: [...state.attemptRuns, event.data.runId ?? null],
        refusal: null,
      };
    case 'SendRefused':
      return {
        ...state,
        isAwaitingSendOutcome: false,
        refusal: {
          attempt: event.data.attempt,
          partIndex: event.data.partIndex,
          retryAt: event.data.retryAt,
        },
      };
    case 'MessageSent': {
      const parts = [
        ...state.parts,
        { partIndex: event.data.partIndex, wamid: event.data.wamid, status: 'accepted' as const },
      ];
      return { ...state, parts, isAwaitingSendOutcome: parts.length < state.partCount };
    }
    case 'MessageFailed': {
      const failed = { ...state, failure: { stage: event.data.stage, reason: event.data.reason } };
      // A delivery failure is about one part Meta accepted; it says nothing about parts still being sent.
      if (event.data.stage === 'delivery' && event.data.wamid !== undefined) {
        return withPartStatus(failed, event.data.wamid, 'failed');
      }
      return { ...failed, isAwaitingSendOutcome: false };
    }
    case 'StatusSent':
      return withPartStatus(state, event.data.wamid, 'sent');
    case 'Delivered':
      return withPartStatus(state, event.data.wamid, 'delivered');
    case 'Read':
      return withPartStatus(state, event.data.wamid, 'read');
    case 'ReceiptPosted':
      return { ...state, receiptsPosted: [...state.receiptsPosted, event.data.status] };
  }
};

/**
 * The outbound process manager as a pure workflow: what to do next for one message, from its stream (folded into
 * OutboundWorkflowState) and what its current run knows (RunFacts), with the clock as an input. Every send rule
 * lives here: the 24-hour window, the default template, media retries, who may send an attempt's parts, refusals
 * and their backoff, the reconciliation window of an unknown outcome, the attempt and pass limits. The executor
 * (src/processors/outbound/outbound-driver.ts) performs the one action asked for and records its outcome.
 *
 * Who may send is read from the stream, never from memory: the attempt's SendRequested names the run that
 * requested it. Another processor appending to the stream meanwhile (a status, a receipt) cannot make the run
 * lose its attempt, and a restart (a new run) sees an attempt in progress as one whose outcome is unknown.
 */
import type { GenesysAttachment } from '../../events/schemas/webhook-received';
import type { MetaMessageType } from '../../events/schemas/send-requested';
import type { ServiceWindow } from '../../events/schemas/service-window';
import type { MetaMessageBody } from '../../transform/meta-message';
import type { OutboundContent } from '../../transform/outbound-content';
import { recipientOf } from '../../transform/recipient';
import { MAX_PARTS_PER_MESSAGE } from '../../transform/to-meta-messages';
import type { MappingResolvedData } from '../../events/schemas/mapping-resolved';
import type { MediaStoredData } from '../../events/schemas/media-stored';
import type { DecodedEvent } from '../../events/decode';
import type { OutboundEvent } from '../../events/schemas/outbound-events';
import { foldEvents } from '../decider';
import type { OutboundMessageCommand, RecordSendFailed } from './commands';
import { outboundMessageDecider } from './decider';
import { outboundView, type OutboundView } from './outbound-view';
import { hasDefaultTemplate, planSend, type SendTenant } from './send-plan';
import { checkServiceWindow, EXPIRED_MESSAGE } from './service-window';
import { isEnded, isFullySent, type OutboundState } from './state';

export interface OutboundWorkflowState {
  message: OutboundState;
  /** Undefined until WebhookReceived. */
  view: OutboundView | undefined;
}

/** The workflow's state is the stream's: the decider's state and the facts the actions need. */
export const workflowState = (history: readonly DecodedEvent<OutboundEvent>[]): OutboundWorkflowState => ({
  message: foldEvents(outboundMessageDecider, history),
  view: outboundView(history),
});

export interface WorkflowSettings {
  /** Attempts one run may request; then the consumer runs the message again later (Meta keeps refusing). */
  maxSendAttempts: number;
  /** Media transfers one run may try while they fail retryably. */
  maxMediaAttempts: number;
  /** How long an attempt whose outcome is unknown waits for Meta's status to name it before a resend. */
  reconcileWindowMs: number;
  /** How long after its webhook a message waits for its conversation's mapping (default MAPPING_GRACE_MS). */
  mappingGraceMs?: number;
}

/** What the current run knows that the stream does not record. A restart starts from `startRun`. */
export interface RunFacts {
  runId: string;
  /** Steps taken by this run (see maxPasses). */
  pass: number;
  mediaFailures: number;
  /** The last retryable media failure: the next transfer waits until retryAt. */
  mediaRetryAt?: string;
  /** No mapping yet while the conversation may still be linking: the next lookup waits until then. */
  mappingRetryAt?: string;
  mediaFailure?: { reason: string; message: string };
  /** The part of this run's attempt whose answer was lost (timeout, bare 5xx): Meta may have it. */
  lostPart?: { attempt: number; partIndex: number };
  /** A part Meta took, until its MessageSent is on the stream (recording it may fail, or lose a race). */
  acceptedPart?: { wamid: string; attempt: number; partIndex: number };
}

export type RunFact =
  | { type: 'PassStarted' }
  /** The pass failed on a dependency outage and is retried in place: it uses up none of the passes. */
  | { type: 'PassRetried' }
  | { type: 'PartAccepted'; wamid: string; attempt: number; partIndex: number }
  | { type: 'MediaFailed'; reason: string; message: string; retryAt: string }
  | { type: 'PartLost'; attempt: number; partIndex: number }
  /** No mapping found while the conversation may still be linking (see MAPPING_GRACE_MS). */
  | { type: 'MappingNotYet'; retryAt: string };

export const startRun = (runId: string): RunFacts => ({ runId, pass: 0, mediaFailures: 0 });

export const evolveRun = (run: RunFacts, fact: RunFact): RunFacts => {
  switch (fact.type) {
    case 'PassStarted':
      return { ...run, pass: run.pass + 1 };
    case 'PassRetried':
      return { ...run, pass: Math.max(0, run.pass - 1) };
    case 'PartAccepted':
      return {
        ...run,
        acceptedPart: { wamid: fact.wamid, attempt: fact.attempt, partIndex: fact.partIndex },
      };
    case 'MediaFailed':
      return {
        ...run,
        mediaFailures: run.mediaFailures + 1,
        mediaRetryAt: fact.retryAt,
        mediaFailure: { reason: fact.reason, message: fact.message },
      };
    case 'PartLost':
      return { ...run, lostPart: { attempt: fact.attempt, partIndex: fact.partIndex } };
    case 'MappingNotYet':
      return { ...run, mappingRetryAt: fact.retryAt };
  }
};

export interface StepInput {
  now: Date;
  run: RunFacts;
  /** The tenant's WhatsApp settings; null when the tenant or its credentials are not configured. */
  tenant: SendTenant | null;
  /** The webhook's content as the transform reads it; undefined when it cannot be read. */
  content: OutboundContent | undefined;
  settings: WorkflowSettings;
}

export type WaitReason = 'Backoff' | 'Reconciliation' | 'MediaRetry' | 'MappingGrace';

export type OutboundAction =
  | { type: 'Done'; reason: 'Settled' | 'PassLimit' }
  | { type: 'Record'; command: OutboundMessageCommand; notes?: readonly string[] }
  | { type: 'ResolveMapping'; conversationId: string | null; customerId: string; receivedAt: string }
  | { type: 'MoveMedia'; attachment: GenesysAttachment }
  | { type: 'SendPart'; attempt: number; partIndex: number; body: MetaMessageBody }
  | { type: 'Wait'; ms: number; reason: WaitReason }
  /** Transient: the consumer runs the message again after its own backoff; the message does not end. */
  | { type: 'GiveUp'; message: string };

/**
 * The most passes a message can legitimately take: per send attempt a request, a send and a record per part, a
 * refusal, a backoff and the looks during a reconciliation window (see RECONCILE_LOOKS); per media attempt a
 * try, a wait and a record; a margin for refusals by the rules after a concurrent append.
 */
export const maxPasses = ({ maxSendAttempts, maxMediaAttempts }: WorkflowSettings): number =>
  maxSendAttempts * (3 + 2 * MAX_PARTS_PER_MESSAGE + RECONCILE_LOOKS + 1) + maxMediaAttempts * 3 + 50;

/**
 * Looked at again a few times within a reconciliation window, not only at its end: Meta's status usually names
 * the send within seconds, the status processor records it, and the message is done without a resend.
 */
const RECONCILE_LOOKS = 50;
const MIN_LOOK_MS = 1000;

type RecordAction = { type: 'Record'; command: OutboundMessageCommand };

const fail = (command: Omit<RecordSendFailed, 'type'>): RecordAction => ({
  type: 'Record',
  command: { type: 'RecordSendFailed', ...command },
});

const hasPart = (message: OutboundState, partIndex: number): boolean =>
  message.parts.some((part) => part.partIndex === partIndex);

const isSettled = (message: OutboundState): boolean =>
  !message.message?.isSendable || isEnded(message) || isFullySent(message);

export const nextStep = (state: OutboundWorkflowState, input: StepInput): OutboundAction => {
  const { message, view } = state;
  const { now, run, tenant, settings } = input;
  const accepted = run.acceptedPart;
  if (accepted && accepted.attempt === message.attempt && !hasPart(message, accepted.partIndex)) {
    // Meta took this part and only this run knows it: recorded before anything else, so it is never sent again.
    // (A part recorded meanwhile from Meta's status, or of an attempt superseded since, needs no record of ours.)
    return { type: 'Record', command: { type: 'RecordSent', ...accepted } };
  }
  if (!view || isSettled(message)) return { type: 'Done', reason: 'Settled' };
  if (run.pass >= maxPasses(settings)) {
    // Only a bug gets here (the bound is above anything the settings allow). End the message as failed so that
    // Genesys hears of it, unless Meta may have taken it.
    if (message.isAwaitingSendOutcome) return { type: 'Done', reason: 'PassLimit' };
    return fail({
      // 'send' only once an attempt was refused: a send failure needs a send to have failed.
      stage: message.attempt > 0 ? 'send' : 'transform',
      reason: 'DriverPassLimit',
      message: 'The message did not settle within the processing limit',
    });
  }
  if (!tenant) {
    // Stage 'transform': nothing was sent, the message could not even be prepared for this tenant.
    return fail({
      stage: 'transform',
      reason: 'TenantCredentialsMissing',
      message: 'The tenant or its WhatsApp credentials are not configured',
    });
  }
  const mapping = message.mapping;
  if (!mapping) {
    const grace = run.mappingRetryAt ? Date.parse(run.mappingRetryAt) - now.getTime() : 0;
    if (grace > 0) return { type: 'Wait', ms: grace, reason: 'MappingGrace' };
    return {
      type: 'ResolveMapping',
      conversationId: view.webhook.conversationId,
      customerId: view.webhook.customerId,
      receivedAt: view.webhook.receivedAt,
    };
  }
  if (mapping.kind !== 'resolved') return { type: 'Done', reason: 'Settled' };

  // The recorded check stands once an attempt carried it, so a retry sends what the first attempt planned.
  const window: ServiceWindow =
    message.serviceWindow ??
    checkServiceWindow({
      lastInboundAt: mapping.lastInboundAt,
      now,
      isTemplate: input.content?.template !== undefined,
      hasDefaultTemplate: hasDefaultTemplate(tenant),
    });
  if (window.outcome === 'expired') {
    return fail({
      stage: 'transform',
      reason: 'MessageExpired',
      message: EXPIRED_MESSAGE,
      serviceWindow: window,
    });
  }

  // The default template replaces the agent's content: its attachment is not sent, so not moved either.
  const attachment = view.webhook.attachment;
  if (attachment && !message.isMediaStored && window.outcome !== 'defaultTemplate') {
    return mediaStep(attachment, input);
  }

  const recipient = recipientOf(mapping);
  if (!recipient) {
    // The events refuse a mapping without either id; only a bug gets here. End it as failed, nothing was sent.
    return fail({ stage: 'transform', reason: 'NoRecipient', message: 'The mapping names no customer id' });
  }
  const planned = planSend(input.content, view, recipient, tenant, window);
  if (!planned.ok) return fail({ stage: 'transform', reason: planned.reason, message: planned.message });

  if (ownsAttempt(message, run) && message.isAwaitingSendOutcome) {
    const sent = new Set(message.parts.map((part) => part.partIndex));
    const partIndex = planned.messages.findIndex((_, index) => !sent.has(index));
    return { type: 'SendPart', attempt: message.attempt, partIndex, body: planned.messages[partIndex]! };
  }
  if (message.isAwaitingSendOutcome) {
    // Another run's attempt, one cut short by a crash, or one whose answer this run lost: Meta may have it. Give
    // Meta's status webhook the reconciliation window to name it before sending again.
    const since = Date.parse(view.lastSendRequestedAt ?? new Date(0).toISOString());
    const remaining = settings.reconcileWindowMs - (now.getTime() - since);
    if (remaining > 0) {
      const look = Math.max(MIN_LOOK_MS, settings.reconcileWindowMs / RECONCILE_LOOKS);
      return { type: 'Wait', ms: Math.min(remaining, look), reason: 'Reconciliation' };
    }
  }
  const refusal = message.refusal;
  if (refusal && refusal.attempt === message.attempt) {
    const remaining = Date.parse(refusal.retryAt) - now.getTime();
    if (remaining > 0) return { type: 'Wait', ms: remaining, reason: 'Backoff' };
  }
  const requestedByRun = message.attemptRuns.filter((runId) => runId === run.runId).length;
  if (requestedByRun >= settings.maxSendAttempts) {
    // Meta kept refusing or kept leaving the outcome unknown: transient, so the message does not end. The
    // recorded attempts keep the next run's backoff long.
    return {
      type: 'GiveUp',
      message: `Meta did not take the message in ${requestedByRun} attempts of this run (attempt ${message.attempt})`,
    };
  }
  return {
    type: 'Record',
    command: {
      type: 'RequestSend',
      partCount: planned.messages.length,
      metaMessageType: planned.messages[0]!.type as MetaMessageType,
      serviceWindow: window,
      runId: run.runId,
      ...(message.isAwaitingSendOutcome ? { isPreviousAttemptReconciled: true } : {}),
    },
    notes: planned.notes,
  };
};

/**
 * The run sends the parts of the latest attempt only if it requested it, and only while it knows what became of
 * each part it sent: after a lost answer it waits like anyone else, unless Meta's status has since recorded the
 * lost part (the parts after it were never sent: a run sends one part at a time, in order).
 */
const ownsAttempt = (message: OutboundState, run: RunFacts): boolean => {
  if (message.attempt === 0 || message.attemptRuns[message.attempt - 1] !== run.runId) return false;
  const lost = run.lostPart;
  if (!lost || lost.attempt !== message.attempt) return true;
  return hasPart(message, lost.partIndex);
};

const mediaStep = (attachment: GenesysAttachment, { now, run, settings }: StepInput): OutboundAction => {
  if (run.mediaFailures >= settings.maxMediaAttempts) {
    // Genesys or Meta still failing for a while: a transient failure never ends the message.
    const last = run.mediaFailure;
    return { type: 'GiveUp', message: `media transfer still failing (${last?.reason}): ${last?.message}` };
  }
  const remaining = run.mediaRetryAt ? Date.parse(run.mediaRetryAt) - now.getTime() : 0;
  if (remaining > 0) return { type: 'Wait', ms: remaining, reason: 'MediaRetry' };
  return { type: 'MoveMedia', attachment };
};

/** Meta's answer to one part, as the executor classified it (see send-error-plan.ts). */
export type SendAnswer =
  | { kind: 'accepted'; wamid: string }
  /** Meta did not take the part (429, an error body proving refusal): retry after delayMs. */
  | { kind: 'refused'; delayMs: number; code?: number; title: string }
  /** Meta refused for good. */
  | { kind: 'rejected'; reason: string; code?: number; title: string; details?: string }
  /** Meta may have taken it (timeout, a bare 5xx): only its status can tell. */
  | { kind: 'unknown' };

export type SendOutcome = RecordAction | RunFact;

export const afterSend = (
  { attempt, partIndex }: { attempt: number; partIndex: number },
  answer: SendAnswer,
  now: Date,
): SendOutcome => {
  const sent = { attempt, partIndex };
  switch (answer.kind) {
    case 'accepted':
      // Remembered first, recorded by the next step: should recording fail, the run still knows Meta has it.
      return { type: 'PartAccepted', wamid: answer.wamid, ...sent };
    case 'refused':
      return {
        type: 'Record',
        command: {
          type: 'RecordSendRefused',
          ...sent,
          ...(answer.code !== undefined ? { metaErrorCode: answer.code } : {}),
          metaErrorTitle: answer.title.slice(0, 1024),
          refusedAt: now.toISOString(),
          retryAt: new Date(now.getTime() + answer.delayMs).toISOString(),
        },
      };
    case 'rejected':
      return {
        type: 'Record',
        command: {
          type: 'RecordSendFailed',
          stage: 'send',
          reason: answer.reason,
          message: answer.title,
          ...(answer.code !== undefined ? { metaErrorCode: answer.code } : {}),
          metaErrorTitle: answer.title,
          ...(answer.details ? { metaErrorDetails: answer.details } : {}),
        },
      };
    case 'unknown':
      return { type: 'PartLost', ...sent };
  }
};

/**
 * How long after its webhook a message waits for its conversation's mapping to appear. A customer's first message
 * links the conversation when Genesys answers the inbound post, and the agent's reply can reach the bridge before
 * that link is projected (milliseconds to a few seconds): such a reply must wait for it, not end unsent.
 */
export const MAPPING_GRACE_MS = 15_000;
const MAPPING_LOOK_MS = 500;

/**
 * No mapping yet, but the webhook is recent: look again shortly (a run fact: nothing is recorded). Past the grace
 * period the lookup's answer is final, whatever it is.
 */
export const mappingNotYet = (
  recipient: MappingResolvedData | undefined,
  receivedAt: string,
  now: Date,
  settings: Pick<WorkflowSettings, 'mappingGraceMs'>,
): RunFact | undefined =>
  recipient === undefined &&
  now.getTime() - Date.parse(receivedAt) < (settings.mappingGraceMs ?? MAPPING_GRACE_MS)
    ? { type: 'MappingNotYet', retryAt: new Date(now.getTime() + MAPPING_LOOK_MS).toISOString() }
    : undefined;

/** What a mapping lookup records: the recipient, or that there is none (the message ends unsent). */
export const afterMappingLookup = (recipient: MappingResolvedData | undefined): OutboundMessageCommand =>
  recipient
    ? { type: 'ResolveMapping', ...recipient }
    : { type: 'RecordMappingMissing', reason: 'NoMappingFound' };

/**
 * What a mapping lookup records, together with the step that follows it when that step is a record too (the send
 * request, or the end of a message whose window has closed): the executor appends them in one transaction instead
 * of two. The following step is decided exactly as the next pass would decide it; the view does not depend on a
 * mapping, so only the decider's state moves. A mapping the stream already has (another run was quicker) is left
 * to the append, which refuses it as it always did.
 */
export const recordsAfterMappingLookup = (
  state: OutboundWorkflowState,
  input: StepInput,
  recipient: MappingResolvedData | undefined,
): { commands: OutboundMessageCommand[]; notes?: readonly string[] } => {
  const command = afterMappingLookup(recipient);
  if (command.type !== 'ResolveMapping' || state.message.mapping) return { commands: [command] };
  const decided = outboundMessageDecider.decide(command, state.message);
  const message = foldEvents(outboundMessageDecider, decided, state.message);
  const next = nextStep({ ...state, message }, input);
  if (next.type !== 'Record') return { commands: [command] };
  return { commands: [command, next.command], ...(next.notes?.length ? { notes: next.notes } : {}) };
};

export type MediaMoveAnswer =
  | { ok: true; data: MediaStoredData }
  | { ok: false; isRetryable: boolean; reason: string; message: string; delayMs: number };

export const afterMediaMove = (answer: MediaMoveAnswer, now: Date): SendOutcome => {
  if (answer.ok) return { type: 'Record', command: { type: 'RecordMediaStored', ...answer.data } };
  if (!answer.isRetryable) return fail({ stage: 'media', reason: answer.reason, message: answer.message });
  return {
    type: 'MediaFailed',
    reason: answer.reason,
    message: answer.message,
    retryAt: new Date(now.getTime() + answer.delayMs).toISOString(),
  };
};

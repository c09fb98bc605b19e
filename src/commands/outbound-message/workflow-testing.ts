/**
 * Given/when/then for the outbound workflow (test-only):
 *
 *   given([received, mapped, requested(1, OTHER_RUN).at(t0)]).at(t0 + 5 s).then({ type: 'Wait', … });
 *
 * Events are stamped as recorded at T0 unless `recordedAt` says otherwise (the reconciliation window starts when
 * SendRequested was recorded). Every given event is checked against its schema.
 */
import type { DecodedEvent } from '../../events/decode';
import { validateEvent } from '../../events/encode';
import type { OutboundEvent } from '../../events/schemas/outbound-events';
import type { MappingResolvedData } from '../../events/schemas/mapping-resolved';
import type { ServiceWindow } from '../../events/schemas/service-window';
import type { OutboundContent } from '../../transform/outbound-content';
import type { SendTenant } from './send-plan';
import { WA_ID } from './test-fixtures';
import {
  evolveRun,
  nextStep,
  recordsAfterMappingLookup,
  startRun,
  workflowState,
  type OutboundAction,
  type RunFact,
  type RunFacts,
  type StepInput,
  type WorkflowSettings,
} from './workflow';

export const T0 = new Date('2024-05-01T10:00:00.000Z');
export const RUN = 'run-this';
export const OTHER_RUN = 'run-other';
export const SETTINGS: WorkflowSettings = {
  maxSendAttempts: 3,
  maxMediaAttempts: 2,
  reconcileWindowMs: 60_000,
};
export const TENANT: SendTenant = { mediaMode: 'link' };
export const TEXT: OutboundContent = {
  messageType: 'Text',
  isSendable: true,
  text: 'Hello',
  attachments: [],
};

export const after = (ms: number, from = T0): Date => new Date(from.getTime() + ms);

/** SendRequested of `attempt` in the name of `runId`. */
export const requested = (
  attempt: number,
  runId: string,
  partCount = 1,
  serviceWindow?: ServiceWindow,
): OutboundEvent => ({
  type: 'SendRequested',
  data: {
    waId: WA_ID,
    attempt,
    partCount,
    metaMessageType: 'text',
    runId,
    ...(serviceWindow ? { serviceWindow } : {}),
  },
});

/** Meta refused part `partIndex` of `attempt` (130429); it may be sent again from `retryAt`. */
export const refused = (attempt: number, retryAt: Date, partIndex = 0): OutboundEvent => ({
  type: 'SendRefused',
  data: {
    attempt,
    partIndex,
    metaErrorCode: 130429,
    refusedAt: T0.toISOString(),
    retryAt: retryAt.toISOString(),
  },
});

type Given = OutboundEvent | { event: OutboundEvent; recordedAt: Date };

/** An event recorded at a given instant (default T0). */
export const recordedAt = (event: OutboundEvent, at: Date): Given => ({ event, recordedAt: at });

const decoded = (given: Given, index: number): DecodedEvent<OutboundEvent> => {
  const { event, recordedAt: at } = 'event' in given ? given : { event: given, recordedAt: T0 };
  validateEvent(event);
  return {
    ...event,
    version: 1,
    envelope: { streamPosition: index + 1, recordedAt: at.toISOString() },
  } as never;
};

export const given = (events: readonly Given[]) => {
  const input: StepInput = { now: T0, run: startRun(RUN), tenant: TENANT, content: TEXT, settings: SETTINGS };
  const scenario = {
    /** The clock the step is decided at. */
    at: (now: Date) => ((input.now = now), scenario),
    /** What this run learnt without recording it (a lost answer, a media failure). */
    knowing: (...facts: RunFact[]) => ((input.run = facts.reduce(evolveRun, input.run)), scenario),
    withRun: (run: Partial<RunFacts>) => ((input.run = { ...input.run, ...run }), scenario),
    with: (overrides: Partial<Omit<StepInput, 'run' | 'now'>>) => (Object.assign(input, overrides), scenario),
    step: (): OutboundAction => nextStep(workflowState(events.map(decoded)), input),
    /** What the executor records after a mapping lookup answered `recipient` (see recordsAfterMappingLookup). */
    lookedUp: (recipient: MappingResolvedData | undefined) =>
      recordsAfterMappingLookup(workflowState(events.map(decoded)), input, recipient),
    /** The next action matches `expected` (fields not named are not checked). */
    then: (expected: { type?: OutboundAction['type']; command?: object; [field: string]: unknown }) => {
      expect(scenario.step()).toMatchObject(expected);
    },
  };
  return scenario;
};

/**
 * Errors for events that cannot be read or written. Messages name the event and the paths of invalid fields but
 * never their values: payloads hold customer texts and phone numbers, and error messages end up in logs.
 */
import type { z } from 'zod';

export type EventDecodeErrorCode =
  'UnknownEventType' | 'UnknownEventVersion' | 'InvalidEventData' | 'UnexpectedEventType';
export type EventEncodeErrorCode = 'UnknownEventType' | 'InvalidEventData';

/** One schema violation, reduced to what is safe to log. */
export interface EventIssue {
  path: string;
  code: string;
}

export const toEventIssues = (issues: readonly z.core.$ZodIssue[]): EventIssue[] =>
  issues.map((issue) => ({ path: ['data', ...issue.path.map(String)].join('.'), code: issue.code }));

const describeIssues = (issues: readonly EventIssue[]): string =>
  issues.map((issue) => `${issue.path} (${issue.code})`).join(', ');

export class EventDecodeError extends Error {
  constructor(
    readonly code: EventDecodeErrorCode,
    readonly eventId: string,
    readonly eventType: string,
    readonly eventVersion: number,
    detail: string,
    readonly issues: readonly EventIssue[] = [],
  ) {
    const issueText = issues.length > 0 ? `: ${describeIssues(issues)}` : '';
    super(`Cannot decode event ${eventId} (${eventType} v${eventVersion}): ${detail}${issueText}`);
    this.name = 'EventDecodeError';
  }
}

export class EventEncodeError extends Error {
  constructor(
    readonly code: EventEncodeErrorCode,
    readonly eventType: string,
    detail: string,
    readonly issues: readonly EventIssue[] = [],
  ) {
    const issueText = issues.length > 0 ? `: ${describeIssues(issues)}` : '';
    super(`Cannot encode ${eventType} event: ${detail}${issueText}`);
    this.name = 'EventEncodeError';
  }
}

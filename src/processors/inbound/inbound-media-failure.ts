/**
 * How a failed lookup or download of inbound media ends: retried inside the call with a fresh URL, or reported
 * to the caller as a typed failure (which then tells the agent that a file could not be fetched).
 */
import type { MediaDownloadError, MetaError } from '../../clients/meta';

export type InboundMediaFailureReason =
  /** Meta no longer has it, or it was never sent to this phone number (lookup 404 / Graph code 100). */
  | 'MediaNotFound'
  /** The tenant's token was refused (401 / code 190, or another refusal of the lookup). */
  | 'MediaAccessDenied'
  /** The lookup kept failing transiently (5xx, 429, timeout). */
  | 'MediaLookupFailed'
  /** Over the Genesys attachment limit (by the lookup's size, the announced length or the bytes sent). */
  | 'MediaTooLarge'
  /** The lookup pointed somewhere that is not Meta's CDN; nothing was fetched. */
  | 'ForbiddenMediaHost'
  /** Fresh URLs kept answering 401/403/404, or the CDN answered another 4xx. */
  | 'MediaUnavailable'
  /** The download kept failing transiently (5xx, 429, timeout, a cut-off body). */
  | 'MediaDownloadFailed'
  /** The bytes never matched the sha256 Meta stated. */
  | 'MediaChecksumMismatch'
  /** Object storage refused or did not answer. */
  | 'MediaStoreFailed';

export interface InboundMediaFailure {
  ok: false;
  reason: InboundMediaFailureReason;
  /** True: the same call later may succeed (the caller's lane may retry); false: it never will. */
  isTransient: boolean;
  /** Person-readable, without tokens or signed URLs. */
  message: string;
  retryAfterMs?: number;
}

export const mediaFailure = (
  reason: InboundMediaFailureReason,
  isTransient: boolean,
  message: string,
  retryAfterMs?: number,
): InboundMediaFailure => ({
  ok: false,
  reason,
  isTransient,
  message,
  ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
});

/** A lookup failure. A lookup changes nothing at Meta, so an unknown outcome is as safe to repeat as a 5xx. */
export const lookupFailure = (error: MetaError): InboundMediaFailure => {
  if (error.kind !== 'permanent')
    return mediaFailure('MediaLookupFailed', true, error.title, error.retryAfterMs);
  if (error.httpStatus === 404 || error.code === 100)
    return mediaFailure('MediaNotFound', false, error.title);
  return mediaFailure('MediaAccessDenied', false, error.title);
};

/**
 * A download failure, and whether another attempt (fresh lookup, fresh URL) is worth it. An expired URL answers
 * 401/403/404 from the CDN, so those are retried with a new URL; if new URLs keep being refused, that is final.
 */
export const downloadFailure = (
  error: MediaDownloadError,
): { failure: InboundMediaFailure; retry: boolean } => {
  switch (error.kind) {
    case 'forbidden-url':
      return { failure: mediaFailure('ForbiddenMediaHost', false, error.title), retry: false };
    case 'too-large':
      return { failure: mediaFailure('MediaTooLarge', false, error.title), retry: false };
    case 'permanent':
      return { failure: mediaFailure('MediaUnavailable', false, error.title), retry: false };
    case 'unavailable':
      return { failure: mediaFailure('MediaUnavailable', false, error.title), retry: true };
    case 'transient':
      return {
        failure: mediaFailure('MediaDownloadFailed', true, error.title, error.retryAfterMs),
        retry: true,
      };
  }
};

/** Longest wait between attempts inside one call: the call holds its customer's lane meanwhile. */
export const MAX_ATTEMPT_DELAY_MS = 10_000;

/** Exponential from `baseMs`, or what Meta asked for (Retry-After), never above MAX_ATTEMPT_DELAY_MS. */
export const attemptDelayMs = (attempt: number, baseMs: number, retryAfterMs?: number): number =>
  Math.min(MAX_ATTEMPT_DELAY_MS, Math.max(retryAfterMs ?? 0, baseMs * 2 ** (attempt - 1)));

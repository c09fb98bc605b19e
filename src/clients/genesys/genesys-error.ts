/**
 * What went wrong talking to Genesys Cloud, in the terms a caller acts on:
 * - `rate-limited`: 429; wait `retryAfterMs` (Genesys sends Retry-After in seconds) before trying again.
 * - `retryable`: a transient failure (5xx, timeout, network); trying again is safe for these requests.
 * - `unauthorized`: the bearer token was refused (expired or revoked): get a new token, then try again.
 * - `permanent`: the same request will fail the same way (bad credentials, unknown attachment, bad receipt).
 * - `forbidden-host`: an attachment URL outside the allowed Genesys hosts; refused before any request was made.
 * - `too-large`: an attachment larger than the caller's byte cap.
 */
export type GenesysErrorKind =
  'rate-limited' | 'retryable' | 'unauthorized' | 'permanent' | 'forbidden-host' | 'too-large';

export interface GenesysError {
  kind: GenesysErrorKind;
  httpStatus?: number;
  /** Genesys' machine code (`code` in its error body, `error` in an OAuth error), when it sent one. */
  code?: string;
  /** A person-readable summary; never contains a token, a client secret or an attachment URL's query string. */
  title: string;
  retryAfterMs?: number;
}

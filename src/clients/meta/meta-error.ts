/**
 * What went wrong talking to the Graph API, in the terms a caller acts on:
 * - `rate-limited`: Meta asked us to slow down; back off (longer than for `retryable`), then send again.
 * - `retryable`: Meta did not act on the request (a transient failure on its side, or we never reached it).
 * - `permanent`: sending the same request again will fail the same way (bad token, bad recipient, bad body).
 * - `unknown-outcome`: the request may have reached Meta and been acted upon (timeout, connection reset after
 *   sending, a 5xx without an error body that proves refusal). The message may already be on its way: reconcile through the status webhook
 *   (`biz_opaque_callback_data`), never blindly resend.
 */
export type MetaErrorKind = 'rate-limited' | 'retryable' | 'permanent' | 'unknown-outcome';

export interface MetaError {
  kind: MetaErrorKind;
  /** Meta's error code (`error.code`), when Meta answered with an error body. */
  code?: number;
  httpStatus?: number;
  /** A person-readable summary; never contains a token. */
  title: string;
  /** Meta's `error.error_data.details`, when present. */
  details?: string;
  /** From a `Retry-After` header, when one was sent. */
  retryAfterMs?: number;
  /** Meta's `fbtrace_id`, the id Meta support asks for. */
  fbtraceId?: string;
}

/**
 * Meta error codes and what they mean for a retry. Source: WhatsApp Cloud API "Error codes" reference
 * (developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes) and the Graph API error handling guide.
 * Meta recommends acting on `code` rather than on the HTTP status or the subcode.
 */
const rateLimitedCodes = new Set([
  4, // Graph: application request limit reached
  80007, // WhatsApp Business Account rate limit
  130429, // Cloud API throughput (messages per second per phone number) reached
  131056, // (business, consumer) pair rate limit: too many messages to the same recipient in a short time
]);

const retryableCodes = new Set([
  1, // Graph: unknown error, "possibly a temporary issue"
  2, // Graph: service temporarily unavailable (downtime or overload)
  131000, // "Something went wrong": message failed for an unknown reason; Meta advises to retry
  131016, // Service unavailable: a service is temporarily unavailable
]);

const permanentCodes = new Set([
  100, // invalid parameter
  190, // access token expired or invalid
  131026, // message undeliverable (recipient not on WhatsApp, old app version, terms not accepted)
  131047, // re-engagement: more than 24 hours since the customer last replied; a template is required
  131051, // unsupported message type
  131053, // media upload error (Meta could not fetch or process the media)
]);

export const kindForMetaCode = (code: number): MetaErrorKind | undefined => {
  if (rateLimitedCodes.has(code)) return 'rate-limited';
  if (retryableCodes.has(code)) return 'retryable';
  if (permanentCodes.has(code)) return 'permanent';
  return undefined;
};

/**
 * Codes whose error body proves Meta did not take the message, even when it comes with a 5xx: the Graph API
 * answered after deciding, and its own words say nothing was sent. Source: the Cloud API "Error codes" table
 * (developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes): 131000 "Message failed to send due to an
 * unknown error" (HTTP 500), 131016 "A service is temporarily unavailable" (HTTP 503), 2 "Temporary due to
 * downtime or due to being overloaded" (HTTP 503); plus every throttling and permanent code, which are refusals
 * by definition. Code 1 ("Invalid request or possible server error") is left out on purpose: with a 5xx it says
 * something broke, not that nothing was sent.
 */
const notTakenWith5xxCodes = new Set([2, 131000, 131016]);

const provesNotTaken = (code: number | undefined): boolean => {
  if (code === undefined) return false;
  if (notTakenWith5xxCodes.has(code)) return true;
  const kind = kindForMetaCode(code);
  return kind === 'rate-limited' || kind === 'permanent';
};

/**
 * The kind for an error answer. The rule, in order:
 * 1. A 5xx whose body does not prove non-acceptance (no Graph error JSON, an unknown code, code 1) is an
 *    `unknown-outcome`: the request reached Meta's edge, and a 500/502/503/504 from it (or from a proxy in front
 *    of it) may come after the message was queued. Resending at once could reach the customer twice; the
 *    message is reconciled through Meta's statuses within the window instead (README, "Where the design was
 *    changed").
 * 2. Otherwise a code we know decides (Meta recommends acting on `code`, not on the HTTP status).
 * 3. Otherwise the status: 429 is a rate limit, any other 4xx is permanent.
 */
export const classifyMetaAnswer = (httpStatus: number, code: number | undefined): MetaErrorKind => {
  if (httpStatus >= 500 && !provesNotTaken(code)) return 'unknown-outcome';
  const byCode = code === undefined ? undefined : kindForMetaCode(code);
  if (byCode) return byCode;
  if (httpStatus === 429) return 'rate-limited';
  return 'permanent';
};

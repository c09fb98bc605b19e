/**
 * What a failed `fetch` tells us about whether the request reached the server.
 *
 * - `not-sent`: the connection was never established (refused, no route, DNS, TLS handshake), so the server cannot
 *   have acted on the request and it is safe to send it again.
 * - `maybe-sent`: the request may have been written and acted upon (timeout, reset, the peer closed mid-answer). A
 *   non-idempotent request (a WhatsApp send) must not be blindly repeated after this.
 */
export type NetworkFailure = 'not-sent' | 'maybe-sent';

/**
 * Error codes undici and Node report while connecting, before a single request byte is written. Everything else,
 * including a timeout (AbortSignal.timeout cannot say which phase it interrupted), counts as `maybe-sent`.
 */
const connectPhaseCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

const codeOf = (value: unknown): string | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  const code = (value as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
};

/** Undici wraps the socket error: `TypeError('fetch failed', { cause })`; the code sits on the cause (or deeper). */
const errorCodes = (error: unknown): string[] => {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth += 1) {
    const code = codeOf(current);
    if (code) codes.push(code);
    current = typeof current === 'object' ? (current as { cause?: unknown }).cause : undefined;
  }
  return codes;
};

export const isTimeout = (error: unknown): boolean =>
  error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');

export const classifyNetworkFailure = (error: unknown): NetworkFailure =>
  !isTimeout(error) && errorCodes(error).some((code) => connectPhaseCodes.has(code))
    ? 'not-sent'
    : 'maybe-sent';

/** A short, secret-free description of a network failure for an error title (never the request or its headers). */
export const describeNetworkFailure = (error: unknown, timeoutMs: number): string => {
  if (isTimeout(error)) return `no answer within ${timeoutMs} ms`;
  const code = errorCodes(error).at(-1);
  return code ? `network error ${code}` : 'network error';
};

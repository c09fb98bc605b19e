/**
 * The one place that says whether a failure is transient: the database, the network or a dependency failed, or
 * asked for a retry, and the same work will succeed once it recovers. Transient failures are retried in place,
 * for as long as they last (projections hold their partition, processors the conversation's lane); anything else
 * is permanent: a projection dead-letters the event, a processor ends the message visibly (MessageFailed).
 *
 * SQLSTATE classes (PostgreSQL appendix A): 08 connection exception, 40 transaction rollback (serialization
 * failure, deadlock), 53 insufficient resources, 57 operator intervention (shutdown, query canceled, statement
 * timeout), 58 system error; plus 55P03 lock not available.
 */
const TRANSIENT_SQLSTATE_CLASSES = new Set(['08', '40', '53', '57', '58']);
const TRANSIENT_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  // undici (fetch): connection and timeout failures.
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
/** S3 error codes that mean "the service is busy or failed; try again" (AWS S3 error responses). */
const TRANSIENT_S3_CODES = new Set([
  'SlowDown',
  'ServiceUnavailable',
  'InternalError',
  'RequestTimeout',
  'RequestTimeoutException',
]);
/**
 * Error names of aborted or timed-out calls (AbortSignal.timeout), of ioredis giving up on a request, and of a
 * command that lost a race for its stream more often than its handler retries: the same command decided again on
 * the stream as it then is succeeds, so ending the message (or dead-lettering the event) for it would be wrong.
 */
const TRANSIENT_NAMES = new Set([
  'TimeoutError',
  'AbortError',
  'MaxRetriesPerRequestError',
  'ExpectedVersionConflict',
]);
const TRANSIENT_MESSAGES =
  // node-postgres: a connection that went away mid-query, a pool or query timeout; ioredis: a closed or
  // unwritable connection.
  /Connection terminated|connection ended|Client has encountered a connection error|timeout exceeded when trying to connect|Query read timeout|Connection is closed|Stream isn't writeable|max retries per request/i;

/**
 * Thrown by code that knows its failure is transient (a Genesys or Meta 5xx, 429 or timeout turned into an
 * exception), so that the consumer retries it instead of ending the message.
 */
export class TransientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientError';
  }
}

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  cause?: unknown;
  retriable?: unknown;
  errors?: unknown;
}

/**
 * Duck-typed, not `instanceof Error`: errors made by Node's own modules (http, net) come from another realm under
 * jest's VM and in some bundlers, and would not count as errors at all.
 */
const asErrorLike = (error: unknown): ErrorLike | undefined =>
  typeof error === 'object' && error !== null && typeof (error as ErrorLike).message === 'string'
    ? (error as ErrorLike)
    : undefined;

export const isTransientError = (error: unknown, depth = 0): boolean => {
  const candidate = asErrorLike(error);
  if (!candidate || depth > 4) return false;
  if (error instanceof TransientError) return true;
  // kafkajs marks the errors worth retrying.
  if (candidate.retriable === true) return true;
  if (typeof candidate.name === 'string' && TRANSIENT_NAMES.has(candidate.name)) return true;
  const code = candidate.code;
  if (typeof code === 'string') {
    if (TRANSIENT_NODE_CODES.has(code) || TRANSIENT_S3_CODES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code)) {
      return TRANSIENT_SQLSTATE_CLASSES.has(code.slice(0, 2)) || code === '55P03';
    }
  }
  if (TRANSIENT_MESSAGES.test(candidate.message as string)) return true;
  // fetch reports "fetch failed" with the network error as its cause; Node reports a refused connection to
  // several addresses as an AggregateError.
  if (candidate.cause !== undefined && isTransientError(candidate.cause, depth + 1)) return true;
  if (Array.isArray(candidate.errors))
    return candidate.errors.some((inner) => isTransientError(inner, depth + 1));
  return false;
};

/**
 * Errors that say nothing about the event: the database or the network failed, or PostgreSQL asked for a retry.
 * They are retried in place (the partition waits) instead of sending a good event to the dead letters.
 *
 * SQLSTATE classes (PostgreSQL appendix A): 08 connection exception, 40 transaction rollback (serialization
 * failure, deadlock), 53 insufficient resources, 57 operator intervention (shutdown, query canceled), 58 system
 * error; plus 55P03 lock not available.
 */
const TRANSIENT_SQLSTATE_CLASSES = new Set(['08', '40', '53', '57', '58']);
const TRANSIENT_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

export const isTransientError = (error: unknown): boolean => {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (TRANSIENT_NODE_CODES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code)) {
      return TRANSIENT_SQLSTATE_CLASSES.has(code.slice(0, 2)) || code === '55P03';
    }
  }
  // node-postgres reports a connection that went away mid-query without a code.
  return /Connection terminated|connection ended|Client has encountered a connection error/i.test(
    error.message,
  );
};

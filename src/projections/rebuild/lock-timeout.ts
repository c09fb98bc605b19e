/** PostgreSQL's lock_not_available (SQLSTATE 55P03): the swap's lock_timeout expired waiting for its locks. */
export const isLockTimeout = (error: unknown): boolean =>
  error instanceof Error && (error as { code?: unknown }).code === '55P03';

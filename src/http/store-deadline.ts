/** A webhook's store work took longer than its deadline (WEBHOOK_STORE_TIMEOUT_MS). */
export class StoreDeadlineExceeded extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer from the store within ${timeoutMs} ms`);
    this.name = 'StoreDeadlineExceeded';
  }
}

/** The default when a caller gives none: well under the 2 s within which a stalled store must answer 503. */
export const DEFAULT_WEBHOOK_STORE_TIMEOUT_MS = 1500;

/**
 * `work`, or a StoreDeadlineExceeded once `timeoutMs` passed. The work is not cancelled: its query ends by the
 * pool's own timeouts. That is safe for webhooks because their append is idempotent: one that commits after its
 * 503 is answered as a duplicate when the sender retries.
 */
export const withinDeadline = <T>(work: Promise<T>, timeoutMs: number): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreDeadlineExceeded(timeoutMs)), timeoutMs);
  });
  // The late outcome of abandoned work is nobody's to handle.
  work.catch(() => undefined);
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
};

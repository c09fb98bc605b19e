/**
 * Waits for `work` at most `ms`: 'done' when it settled in time (a rejection counts as done: the caller logs it),
 * 'timeout' otherwise. The work is not cancelled, only no longer waited for: used where the process is about to
 * exit anyway, so what did not finish is redone after the restart (offsets move only for finished work).
 */
export const withDeadline = async (
  work: Promise<unknown>,
  ms: number,
): Promise<{ outcome: 'done'; error?: Error } | { outcome: 'timeout' }> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ outcome: 'timeout' }>((resolve) => {
    timer = setTimeout(() => resolve({ outcome: 'timeout' }), ms);
  });
  try {
    return await Promise.race([
      work.then(
        () => ({ outcome: 'done' as const }),
        (error: unknown) => ({
          outcome: 'done' as const,
          error: error instanceof Error ? error : new Error(String(error)),
        }),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
};

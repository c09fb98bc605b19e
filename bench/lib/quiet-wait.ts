/**
 * Polls `count` until it reaches `target`, or until it has not grown for `quietMs` (the rest is then taken to be
 * lost or stuck, and the caller reports it). Answers the last count.
 */
export const waitUntilQuiet = async (
  count: () => number,
  target: number,
  quietMs: number,
): Promise<number> => {
  let reached = 0;
  let lastProgress = Date.now();
  for (;;) {
    const now = count();
    if (now > reached) {
      reached = now;
      lastProgress = Date.now();
    }
    if (reached >= target || Date.now() - lastProgress > quietMs) return reached;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

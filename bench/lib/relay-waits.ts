/**
 * The relay's pauses (bridge_relay_waits_total, by reason and what ended them) read from a bridge's /metrics: how
 * often each wait path was taken during a phase, the evidence for where the relay stage's time goes. Empty when the
 * build does not expose the counter (a baseline from before it existed).
 */
export const relayWaitCounts = async (internalUrl: string): Promise<Map<string, number>> => {
  const response = await fetch(`${internalUrl}/metrics`);
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  const counts = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    const match = /^bridge_relay_waits_total\{(.*)\} (\S+)$/.exec(line);
    if (match) counts.set(match[1]!.replace(/"/g, ''), Number(match[2]));
  }
  return counts;
};

/** What a phase added to each count, as one line for a report. */
export const relayWaitsNote = (before: Map<string, number>, after: Map<string, number>): string => {
  if (after.size === 0) return 'relay waits: not exposed by this build (bridge_relay_waits_total)';
  const parts = [...after]
    .map(([labels, value]) => [labels, value - (before.get(labels) ?? 0)] as const)
    .filter(([, delta]) => delta > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([labels, delta]) => `${delta} × ${labels}`);
  return `relay waits in the measured phase (bridge_relay_waits_total): ${parts.join(', ') || 'none'}`;
};

import { leaderBackendQuery } from '../../../src/events/relay/queries';
import type { FaultHarness } from './harness';
import { settle, sleep, timeUntil, withHarness, type Scenario, type ScenarioContext } from './scenario';
import { isAck, tally } from './tally';

const healthz = (harness: FaultHarness) => async () =>
  (await fetch(`${harness.bridge.url}/healthz`, { signal: AbortSignal.timeout(1000) })).status === 200;

/** The first webhook due after `fromMs` that was acknowledged: seconds after `fromMs`. */
const firstAckAfter = async (harness: FaultHarness, fromMs: number, timeoutMs: number) => {
  const ms = await timeUntil(
    async () => harness.traffic.sent.some((record) => record.dueAtMs >= fromMs && isAck(record)),
    timeoutMs,
  );
  if (ms === null) return null;
  const first = harness.traffic.sent.filter((record) => record.dueAtMs >= fromMs && isAck(record));
  return (Math.min(...first.map((record) => record.answeredAtMs!)) - fromMs) / 1000;
};

/**
 * kill -9 of the whole bridge (every role in one process) three times under load, started again at once each
 * time, as a supervisor would. Measured: how soon the webhook listener answers after each restart (target 5 s),
 * and what became of every acknowledged webhook.
 */
const killNine =
  (statuses: boolean): Scenario =>
  (context) =>
    withHarness(context, { roles: ['all'], statuses, label: 'faultskill' }, async (harness) => {
      const notes: string[] = [];
      const listener: number[] = [];
      const recovery: number[] = [];
      harness.traffic.start(context.rate);
      await sleep(context.scaled(10) * 1000);
      for (let round = 1; round <= 3; round++) {
        context.progress(`kill -9 ${round} of 3`);
        await harness.bridge.kill9(0);
        const restartedAt = Date.now();
        await harness.bridge.restart(0);
        const ms = await timeUntil(healthz(harness), 120_000);
        listener.push(ms === null ? Number.NaN : ms / 1000);
        recovery.push((await firstAckAfter(harness, restartedAt, 120_000)) ?? Number.NaN);
        await sleep(context.scaled(10) * 1000);
      }
      await settle(harness, context, notes);
      notes.push(
        `listener answering /healthz after each restart: ${listener.map((s) => `${s.toFixed(1)} s`).join(', ')} (target ≤ 5 s)`,
        `first webhook acknowledged after each restart: ${recovery.map((s) => `${s.toFixed(1)} s`).join(', ')}`,
      );
      const slow = listener.filter((s) => !(s <= 5)).length;
      return tally(harness, Math.max(...recovery), notes, {
        failures: slow ? [`listener answered later than 5 s after ${slow} of 3 restarts`] : [],
        allowDuplicates: !statuses,
      });
    });

export const kill9: Scenario = killNine(true);
export const kill9NoStatuses: Scenario = killNine(false);

/** Which child holds the relay's advisory lock: the OS pid owning the PostgreSQL connection that holds it. */
export const relayLeaderIndex = async (harness: FaultHarness): Promise<number | undefined> => {
  // Only the relay's lock: appends hold per-stream advisory locks too, on the API's connections.
  const leader = leaderBackendQuery('kafka');
  const { rows } = await harness.bridge.db.pool.query<{ port: number }>({
    text: `SELECT client_port AS port FROM pg_stat_activity WHERE pid IN (${leader.text})`,
    values: leader.values,
  });
  const { execFile } = await import('node:child_process');
  for (const { port } of rows) {
    const out = await new Promise<string>((resolve) =>
      execFile('ss', ['-Htnp', 'state', 'established', `( sport = :${port} )`], (_error, stdout) =>
        resolve(stdout),
      ),
    );
    const pid = Number(/pid=(\d+)/.exec(out)?.[1]);
    const index = harness.bridge.processes.findIndex((process) => process.pid === pid);
    if (index >= 0) return index;
  }
  return undefined;
};

/**
 * Two bridge processes (all roles, plus a second relay): kill -9 whichever holds the relay's advisory lock, start
 * it again as a supervisor would, twice, so that both processes are killed as leader once (the second round is
 * the other one). The survivor must take the lock over and sends to Meta go on.
 */
export const relayFailover: Scenario = (context: ScenarioContext) =>
  withHarness(context, { roles: ['all', 'relay'], label: 'faultsrelay' }, async (harness) => {
    const notes: string[] = [];
    const failures: string[] = [];
    const resumed: number[] = [];
    harness.traffic.start(context.rate);
    await sleep(context.scaled(10) * 1000);
    for (let round = 1; round <= 2; round++) {
      const leader = await relayLeaderIndex(harness);
      if (leader === undefined) {
        failures.push(`round ${round}: no bridge process holds the relay lock`);
        break;
      }
      const role = harness.bridge.processes[leader]!.role;
      context.progress(`kill -9 of the relay leader (--role ${role})`);
      await harness.bridge.kill9(leader);
      // Started again at once, as a supervisor would; it must not win the lock back before the other takes it.
      await harness.bridge.restart(leader);
      const sentBefore = harness.meta.sentMessages.length;
      const [takeover, flowing] = await Promise.all([
        timeUntil(
          async () => {
            const now = await relayLeaderIndex(harness);
            return now !== undefined && now !== leader;
          },
          60_000,
          200,
        ),
        timeUntil(async () => harness.meta.sentMessages.length > sentBefore, 60_000, 100),
      ]);
      if (leader === 0) await harness.bridge.waitReady(0, 120_000);
      notes.push(
        `round ${round}: leader --role ${role} killed; the other took the lock after ${takeover === null ? 'NEVER (60 s)' : `${(takeover / 1000).toFixed(1)} s`}, sends at Meta went on after ${flowing === null ? 'never (60 s)' : `${(flowing / 1000).toFixed(1)} s`}${leader === 0 ? ' (the killed process also served the API and the processors)' : ''}`,
      );
      if (takeover === null) failures.push(`round ${round}: the relay lock was not taken over within 60 s`);
      if (flowing === null) failures.push(`round ${round}: no send reached Meta within 60 s of the kill`);
      else resumed.push(flowing / 1000);
      await sleep(context.scaled(10) * 1000);
    }
    await settle(harness, context, notes);
    return tally(harness, resumed.length ? Math.max(...resumed) : null, notes, { failures });
  });

/**
 * Webhook acknowledgement benchmark: POST /webhook/genesys of a real bridge child process (`serve --role api`,
 * compiled, its own database) beside an empty Fastify route in a child of its own, both driven from this process.
 *
 *   saturation  autocannon, N connections, every request a new signed message: 2xx/s, latency, non-2xx; rounds
 *               alternate baseline and bridge (both servers stay up), and the median round of each counts
 *   cost        CPU per request of the bridge, its PostgreSQL backends, the baseline and the generator (/proc)
 *   fixed rate  open-loop paced requests (bench/lib/paced-load.ts) at R/s: acknowledgement latency p50/p99
 *   overallRate the same rate through autocannon's overallRate, for comparison (bursty, see paced-load.ts)
 *   no loss     every 2xx answer's event id is looked up as a WebhookReceived in the database
 *
 *   npm run bench -- webhook [--seconds 10] [--repeat 3] [--connections 50] [--rate 500] [--rate-seconds 15]
 *                            [--history 100000] [--cpu-prof]
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { MetaSimulator } from '../src/simulators/meta';
import { AckLedger } from './lib/ack-ledger';
import { flag, intOption, progress } from './lib/args';
import { defineBench, type Metric } from './lib/bench';
import { BENCH_META_TOKEN, BENCH_PHONE_NUMBER_ID, BENCH_TENANT, createBenchTenant } from './lib/bridge-admin';
import { buildBridge } from './lib/bridge-build';
import { cpuProfileDir, startBridge, stopBridgeWithNotes } from './lib/bridge-process';
import { runCannon, type CannonOptions, type CannonResult } from './lib/cannon';
import { freePort, repoRoot, spawnServer, terminate, waitForHttpOk } from './lib/child-process';
import { webhookFactory } from './lib/genesys-webhooks';
import { fillHistory, historyNote } from './lib/history';
import { percentile } from './lib/latency';
import { runPaced } from './lib/paced-load';
import { groupsMeter, databaseBackends, type CpuGroup, type GroupUse } from './lib/process-cpu';

const WEBHOOK_PATH = '/webhook/genesys';

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

/** The round with the median throughput: one slow or lucky round (a busy neighbour) does not decide. */
const median = (runs: CannonResult[]): CannonResult =>
  [...runs].sort((a, b) => a.okPerSecond - b.okPerSecond)[Math.floor(runs.length / 2)]!;

const saturationMetrics = (label: string, result: CannonResult, targets: boolean): Metric[] => [
  {
    name: `${label}: throughput (2xx)`,
    value: result.okPerSecond,
    unit: 'req/s',
    ...(targets && { target: { kind: 'min' as const, value: 2000 } }),
  },
  { name: `${label}: p50 latency`, value: result.p50Ms, unit: 'ms' },
  { name: `${label}: p99 latency`, value: result.p99Ms, unit: 'ms' },
  {
    name: `${label}: non-2xx + errors`,
    value: result.non2xx + result.errors,
    unit: 'requests',
    ...(targets && { target: { kind: 'max' as const, value: 0 } }),
  },
];

/** Runs autocannon while metering the CPU of `groups` and of this process (the generator). */
const meteredCannon = async (options: CannonOptions, groups: CpuGroup[]) => {
  const meter = await groupsMeter([...groups, { name: 'generator', pids: [process.pid] }]);
  const result = await runCannon(options);
  return { result, cpu: await meter.stop() };
};

/** CPU milliseconds per 2xx answer of each group, over several metered runs. */
const cpuPerRequest = (runs: Array<{ result: CannonResult; cpu: GroupUse[] }>): Map<string, number> => {
  const requests = runs.reduce((sum, run) => sum + run.result.ok, 0);
  const seconds = new Map<string, number>();
  for (const { cpu } of runs) {
    for (const group of cpu) seconds.set(group.name, (seconds.get(group.name) ?? 0) + group.seconds);
  }
  return new Map([...seconds].map(([name, total]) => [name, (1000 * total) / requests]));
};

export default defineBench({
  description:
    'POST /webhook/genesys of a bridge child (--role api) vs an empty Fastify route: saturation, CPU cost, latency at a fixed rate, no acknowledged loss',
  run: async (args) => {
    const seconds = intOption(args, 'seconds', 10);
    const repeat = intOption(args, 'repeat', 3);
    const connections = intOption(args, 'connections', 50);
    const rate = intOption(args, 'rate', 500);
    const rateSeconds = intOption(args, 'rate-seconds', 15);
    const history = intOption(args, 'history', 100_000, 0);
    const profile = flag(args, 'cpu-prof');
    const metrics: Metric[] = [];
    const notes: string[] = [
      `machine: ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(2)} at start; PostgreSQL, Kafka, Redis, RabbitMQ, S3Proxy, both servers and the load generator all share it`,
    ];

    progress('compiling src/ for the child bridge');
    const build = await buildBridge();
    const meta = new MetaSimulator({ phoneNumbers: { [BENCH_PHONE_NUMBER_ID]: BENCH_META_TOKEN } });
    await meta.start();
    const port = await freePort();
    progress('starting the baseline (empty Fastify route) and the bridge (--role api)');
    const baselineServer = await spawnServer(
      `baseline-${port}`,
      ['--import', 'tsx', path.join(repoRoot, 'bench/lib/baseline-server.ts'), String(port)],
      process.env,
    );
    try {
      const baselineUrl = `http://127.0.0.1:${port}`;
      await waitForHttpOk(baselineServer, `${baselineUrl}/healthz`, 30_000);
      const bridge = await startBridge({
        label: 'webhook',
        roles: ['api'],
        mainJs: build.mainJs,
        metaGraphUrl: meta.url,
        prepare: (db) => fillHistory(db, history),
        ...(profile ? { cpuProfileDir: cpuProfileDir('webhook') } : {}),
      });
      try {
        const secret = await createBenchTenant(bridge);
        const conversations = Array.from({ length: 1000 }, () => randomUUID());
        // The baseline checks no signature, but it gets the same requests: the generator's work is the same.
        const signed = webhookFactory(secret);
        let index = 0;
        const request = () => {
          const next = index++;
          const { body, headers } = signed(next, conversations[next % conversations.length]!);
          return { path: WEBHOOK_PATH, headers, body };
        };
        const ledger = new AckLedger();
        const record = (status: number, body: string) => ledger.record(status, body);
        const baselineRun = { url: baselineUrl, connections, request };
        const bridgeRun = { url: bridge.url, connections, request, onAnswer: record };

        progress('warm-up (JIT, connection pools)');
        await runCannon({ ...baselineRun, seconds: 2 });
        await runCannon({ ...bridgeRun, seconds: 3 });
        const bridgeGroups: CpuGroup[] = [
          { name: 'bridge', pids: bridge.processes.map((child) => child.pid) },
          { name: 'PostgreSQL', pids: () => databaseBackends(bridge.db.pool) },
        ];
        const baselineGroups: CpuGroup[] = [{ name: 'baseline', pids: [baselineServer.child.pid ?? 0] }];
        const baselineRounds: Array<{ result: CannonResult; cpu: GroupUse[] }> = [];
        const bridgeRounds: Array<{ result: CannonResult; cpu: GroupUse[] }> = [];
        for (let pass = 1; pass <= repeat; pass++) {
          progress(`saturation round ${pass}/${repeat}: baseline, then bridge, ${seconds} s each`);
          baselineRounds.push(await meteredCannon({ ...baselineRun, seconds }, baselineGroups));
          bridgeRounds.push(await meteredCannon({ ...bridgeRun, seconds }, bridgeGroups));
        }
        const baseline = median(baselineRounds.map((run) => run.result));
        const saturation = median(bridgeRounds.map((run) => run.result));
        const baselineCost = cpuPerRequest(baselineRounds);
        const bridgeCost = cpuPerRequest(bridgeRounds);
        const bridgeMs = bridgeCost.get('bridge')!;
        const postgresMs = bridgeCost.get('PostgreSQL')!;
        const generatorMs = bridgeCost.get('generator')!;
        metrics.push(
          ...saturationMetrics('baseline, empty Fastify route', baseline, false),
          ...saturationMetrics('bridge, --role api, saturation', saturation, true),
          {
            name: 'bridge/baseline throughput',
            value: saturation.okPerSecond / baseline.okPerSecond,
            unit: 'ratio',
          },
          { name: 'CPU per request: baseline server', value: baselineCost.get('baseline')!, unit: 'ms' },
          { name: 'CPU per webhook: bridge process', value: bridgeMs, unit: 'ms' },
          { name: 'CPU per webhook: PostgreSQL backends', value: postgresMs, unit: 'ms' },
          { name: 'CPU per request: load generator', value: generatorMs, unit: 'ms' },
          {
            name: `CPU bound: ${os.cpus().length} cores / (bridge + PostgreSQL + generator)`,
            value: (os.cpus().length * 1000) / (bridgeMs + postgresMs + generatorMs),
            unit: 'req/s',
          },
        );
        notes.push(
          `saturation rounds (2xx/s), baseline: ${baselineRounds.map((run) => Math.round(run.result.okPerSecond)).join(', ')}; bridge: ${bridgeRounds.map((run) => Math.round(run.result.okPerSecond)).join(', ')} (median shown)`,
          `CPU per request from /proc utime+stime over all rounds: the bridge process, the PostgreSQL backends serving its database, and this process (the generator); baseline server ${round(baselineCost.get('baseline')!, 3)} ms, generator against it ${round(baselineCost.get('generator')!, 3)} ms. The bound is what ${os.cpus().length} otherwise idle cores could carry at these costs (WAL writer, Redis and the kernel's share not counted); contention on a busy machine inflates CPU per request too`,
        );

        progress(`bridge: paced ${rate}/s for ${rateSeconds} s`);
        const paced = await runPaced({
          url: bridge.url,
          ratePerSecond: rate,
          seconds: rateSeconds,
          connections,
          request: () => request(),
          onAnswer: (_index, status, body) => record(status, body),
        });
        const pacedNon2xx =
          Object.entries(paced.statuses)
            .filter(([status]) => !status.startsWith('2'))
            .reduce((sum, [, count]) => sum + count, 0) + paced.errors;
        metrics.push(
          { name: `bridge, ${rate}/s paced: achieved`, value: paced.answered / paced.seconds, unit: 'req/s' },
          {
            name: `bridge, ${rate}/s paced: p50 latency`,
            value: percentile(paced.latenciesMs, 50),
            unit: 'ms',
          },
          {
            name: `bridge, ${rate}/s paced: p99 latency`,
            value: percentile(paced.latenciesMs, 99),
            unit: 'ms',
            target: { kind: 'max', value: 20 },
          },
          {
            name: `bridge, ${rate}/s paced: max latency`,
            value: paced.latenciesMs.at(-1) ?? NaN,
            unit: 'ms',
          },
          {
            name: `bridge, ${rate}/s paced: non-2xx + errors`,
            value: pacedNon2xx,
            unit: 'requests',
            target: { kind: 'max', value: 0 },
          },
        );

        progress(`bridge: autocannon overallRate ${rate} for ${rateSeconds} s`);
        const bursty = await runCannon({ ...bridgeRun, seconds: rateSeconds, overallRate: rate });
        metrics.push(
          { name: `bridge, autocannon overallRate ${rate}: p50`, value: bursty.p50Ms, unit: 'ms' },
          { name: `bridge, autocannon overallRate ${rate}: p99`, value: bursty.p99Ms, unit: 'ms' },
        );

        const check = await ledger.check(bridge.db.pool, BENCH_TENANT);
        metrics.push({
          name: 'acknowledged webhooks missing from the store',
          value: check.missing + check.unreadable,
          unit: 'messages',
          target: { kind: 'max', value: 0 },
        });
        notes.push(
          `bridge: \`serve --role api\` only (HTTP API; no relay, projector or processors), compiled JS under node ${process.version}, LOG_LEVEL=warn, a database of its own; baseline: a Fastify POST route that parses the same JSON body and answers a constant (bench/lib/baseline-server.ts), also a child process`,
          `every request is a new message (unique id, valid base64 HMAC signature; shared outbound-text fixture shape), spread over ${conversations.length} conversations`,
          `saturation: autocannon, ${connections} connections, ${seconds} s per round after a warm-up (2 s baseline, 3 s bridge); latencies there are closed-loop (queueing at saturation), not a target`,
          historyNote(history),
          `fixed rate: open loop, a request due every ${round(1000 / rate, 2)} ms for ${rateSeconds} s over up to ${connections} keep-alive connections, latency from the due time (no coordinated omission); ${paced.answered} answered, generator timer late by p99 ${round(paced.lateP99Ms)} ms, max ${round(paced.lateMaxMs)} ms`,
          `autocannon overallRate ${rate} shown for comparison only: it sends each connection's per-second quota back to back at the start of every second, i.e. bursts, not a steady ${rate}/s (non-2xx ${bursty.non2xx}, errors ${bursty.errors})`,
          `no loss: ${check.acknowledged} webhooks acknowledged with 2xx over all bridge runs (${check.duplicates} as duplicates); ${check.acknowledged - check.missing - check.unreadable} of them found as WebhookReceived by event id, ${check.missing} missing, ${check.unreadable} answers without an event id; ${check.storedEvents} WebhookReceived of the bench tenant stored in all (${check.storedEvents - check.acknowledged} more than acknowledged: requests in flight when autocannon stopped, stored but their answers not counted)`,
          `compile of src/ for the child: ${build.files} files in ${round(build.seconds)} s (transpile only; see bench/lib/bridge-build.ts)`,
        );
      } finally {
        progress('stopping the bridge, removing its topics, keys, buckets and database');
        notes.push(...(await stopBridgeWithNotes(bridge)));
        if (profile) notes.push(`CPU profile of the bridge in ${cpuProfileDir('webhook')}`);
      }
      return { metrics, notes };
    } finally {
      await terminate(baselineServer, 10_000);
      await meta.stop();
      await build.remove();
    }
  },
});

/**
 * Webhook acknowledgement benchmark: POST /webhook/genesys of a real bridge child process (`serve --role api`,
 * compiled, its own database) beside an empty Fastify route in a child of its own, both driven from this process.
 *
 *   saturation  autocannon, N connections, every request a new signed message: 2xx/s, latency, non-2xx
 *   fixed rate  open-loop paced requests (bench/lib/paced-load.ts) at R/s: acknowledgement latency p50/p99
 *   overallRate the same rate through autocannon's overallRate, for comparison (bursty, see paced-load.ts)
 *   no loss     every 2xx answer's event id is looked up as a WebhookReceived in the database
 *
 *   npm run bench -- webhook [--seconds 10] [--connections 50] [--rate 500] [--rate-seconds 15] [--cpu-prof]
 *                            [--history 100000]
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
import { cpuProfileDir, startBridge } from './lib/bridge-process';
import { fillHistory, historyNote } from './lib/history';
import { runCannon, type CannonResult } from './lib/cannon';
import { freePort, repoRoot, spawnServer, terminate, waitForHttpOk } from './lib/child-process';
import { webhookFactory } from './lib/genesys-webhooks';
import { percentile } from './lib/latency';
import { runPaced } from './lib/paced-load';
import { cpuMeter, databaseBackends, selfCpuMeter, type CpuSeconds } from './lib/process-cpu';

const WEBHOOK_PATH = '/webhook/genesys';

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

const perRequestMs = (cpu: CpuSeconds, requests: number) => ((cpu.user + cpu.system) * 1000) / requests;

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

export default defineBench({
  description:
    'POST /webhook/genesys of a bridge child (--role api) vs an empty Fastify route: saturation, latency at a fixed rate, no acknowledged loss',
  run: async (args) => {
    const seconds = intOption(args, 'seconds', 10);
    const connections = intOption(args, 'connections', 50);
    const rate = intOption(args, 'rate', 500);
    const rateSeconds = intOption(args, 'rate-seconds', 15);
    const profile = flag(args, 'cpu-prof');
    const history = intOption(args, 'history', 100_000, 0);
    const metrics: Metric[] = [];
    const notes: string[] = [
      `machine: ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(2)} at start; PostgreSQL, Kafka, Redis, RabbitMQ, S3Proxy, the bridge and the load generator all share it`,
    ];

    progress('compiling src/ for the child bridge');
    const build = await buildBridge();
    const meta = new MetaSimulator({ phoneNumbers: { [BENCH_PHONE_NUMBER_ID]: BENCH_META_TOKEN } });
    await meta.start();
    try {
      // A placeholder secret for the baseline: it checks nothing, but the generator does the same work for both.
      const baselineWebhook = webhookFactory('baseline-secret-not-checked');
      let baselineIndex = 0;
      const conversations = Array.from({ length: 1000 }, () => randomUUID());

      progress('baseline: empty Fastify route in a child process');
      const port = await freePort();
      const baselineServer = await spawnServer(
        `baseline-${port}`,
        ['--import', 'tsx', path.join(repoRoot, 'bench/lib/baseline-server.ts'), String(port)],
        process.env,
      );
      let baseline: CannonResult;
      let baselineCost: { server: number; generator: number };
      try {
        const url = `http://127.0.0.1:${port}`;
        await waitForHttpOk(baselineServer, `${url}/healthz`, 30_000);
        const baselineRequest = () => {
          const index = baselineIndex++;
          const { body, headers } = baselineWebhook(index, conversations[index % conversations.length]!);
          return { path: WEBHOOK_PATH, headers, body };
        };
        await runCannon({ url, connections, seconds: 2, request: baselineRequest }); // warm-up (JIT)
        const serverCpu = await cpuMeter([baselineServer.child.pid ?? 0]);
        const generatorCpu = selfCpuMeter();
        baseline = await runCannon({ url, connections, seconds, request: baselineRequest });
        baselineCost = {
          server: perRequestMs(await serverCpu.stop(), baseline.ok),
          generator: perRequestMs(generatorCpu.stop(), baseline.ok),
        };
      } finally {
        await terminate(baselineServer, 10_000);
      }
      metrics.push(...saturationMetrics('baseline, empty Fastify route', baseline, false));

      progress('starting the bridge (--role api)');
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
        const signed = webhookFactory(secret);
        const ledger = new AckLedger();
        let index = 0;
        const request = () => {
          const next = index++;
          const { body, headers } = signed(next, conversations[next % conversations.length]!);
          return { path: WEBHOOK_PATH, headers, body };
        };
        const record = (status: number, body: string) => ledger.record(status, body);

        progress('bridge: warm-up');
        await runCannon({ url: bridge.url, connections, seconds: 3, request, onAnswer: record });
        progress(`bridge: saturation, ${connections} connections, ${seconds} s`);
        // Every pool connection is open after the warm-up, so the backends listed now are the ones that work.
        const bridgeCpu = await cpuMeter(bridge.processes.map((child) => child.pid));
        const postgresCpu = await cpuMeter(await databaseBackends(bridge.db.pool));
        const generatorCpu = selfCpuMeter();
        const saturation = await runCannon({
          url: bridge.url,
          connections,
          seconds,
          request,
          onAnswer: record,
        });
        const cost = {
          bridge: await bridgeCpu.stop(),
          postgres: await postgresCpu.stop(),
          generator: generatorCpu.stop(),
        };
        const costPerWebhook = {
          bridge: perRequestMs(cost.bridge, saturation.ok),
          postgres: perRequestMs(cost.postgres, saturation.ok),
          generator: perRequestMs(cost.generator, saturation.ok),
        };
        metrics.push(
          ...saturationMetrics('bridge, --role api, saturation', saturation, true),
          {
            name: 'bridge/baseline throughput',
            value: saturation.okPerSecond / baseline.okPerSecond,
            unit: 'ratio',
          },
          { name: 'CPU per request: baseline server', value: baselineCost.server, unit: 'ms' },
          { name: 'CPU per webhook: bridge process', value: costPerWebhook.bridge, unit: 'ms' },
          { name: 'CPU per webhook: PostgreSQL backends', value: costPerWebhook.postgres, unit: 'ms' },
          { name: 'CPU per request: load generator', value: costPerWebhook.generator, unit: 'ms' },
          {
            name: `CPU bound: ${os.cpus().length} cores / (bridge + PostgreSQL + generator)`,
            value:
              (os.cpus().length * 1000) /
              (costPerWebhook.bridge + costPerWebhook.postgres + costPerWebhook.generator),
            unit: 'req/s',
          },
        );
        notes.push(
          `CPU during the saturation run (/proc utime+stime): bridge ${round(cost.bridge.user)} s user + ${round(cost.bridge.system)} s system, PostgreSQL backends of its database ${round(cost.postgres.user)} + ${round(cost.postgres.system)} s, generator ${round(cost.generator.user)} + ${round(cost.generator.system)} s, for ${saturation.ok} webhooks in ${round(saturation.seconds)} s; baseline: server ${round(baselineCost.server, 3)} ms and generator ${round(baselineCost.generator, 3)} ms per request. The CPU bound is what two otherwise idle cores could carry at that cost (WAL writer, Redis and the kernel's share not counted)`,
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
          {
            name: `bridge, ${rate}/s paced: achieved`,
            value: paced.answered / paced.seconds,
            unit: 'req/s',
          },
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
        const bursty = await runCannon({
          url: bridge.url,
          connections,
          seconds: rateSeconds,
          overallRate: rate,
          request,
          onAnswer: record,
        });
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
          `every bridge request is a new message (unique id, valid base64 HMAC signature; shared outbound-text fixture shape), spread over ${conversations.length} conversations; the generator does the same per-request work (JSON + HMAC) for the baseline`,
          `saturation: autocannon, ${connections} connections, ${seconds} s, after a warm-up (2 s baseline, 3 s bridge); latencies there are closed-loop (queueing at saturation), not a target`,
          historyNote(history),
          `fixed rate: open loop, a request due every ${round(1000 / rate, 2)} ms for ${rateSeconds} s over up to ${connections} keep-alive connections, latency from the due time (no coordinated omission); ${paced.answered} answered, generator timer late by p99 ${round(paced.lateP99Ms)} ms, max ${round(paced.lateMaxMs)} ms`,
          `autocannon overallRate ${rate} shown for comparison only: it sends each connection's per-second quota back to back at the start of every second, i.e. bursts, not a steady ${rate}/s (p99 ${round(bursty.p99Ms)} ms, non-2xx ${bursty.non2xx}, errors ${bursty.errors})`,
          `no loss: ${check.acknowledged} webhooks acknowledged with 2xx over all bridge runs (${check.duplicates} as duplicates); ${check.acknowledged - check.missing - check.unreadable} of them found as WebhookReceived by event id, ${check.missing} missing, ${check.unreadable} answers without an event id; ${check.storedEvents} WebhookReceived stored in all (${check.storedEvents - check.acknowledged} more than acknowledged: requests in flight when autocannon stopped, stored but their answers not counted)`,
          `compile of src/ for the child: ${build.files} files in ${round(build.seconds)} s (transpile only; see bench/lib/bridge-build.ts)`,
        );
      } finally {
        progress('stopping the bridge, removing its topics, keys, buckets and database');
        const { problems, log } = await bridge.stop();
        notes.push(
          `bridge log: ${log.warnings} warnings, ${log.errors} errors${log.messages.length ? ` (${log.messages.join('; ')})` : ''}`,
          ...problems.map((problem) => `cleanup: ${problem}`),
        );
        if (profile) notes.push(`CPU profile of the bridge in ${cpuProfileDir('webhook')}`);
      }
      return { metrics, notes };
    } finally {
      await meta.stop();
      await build.remove();
    }
  },
});

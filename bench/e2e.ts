/**
 * End-to-end benchmark: signed Genesys webhooks into a real bridge (`serve --role all` in one child process, or
 * with --split one child per role; compiled; its own database, topics, keys and buckets) until the Meta simulator
 * in this process receives the send. Latency = Meta's receive time − the webhook's due time, per Genesys message
 * id (which comes back to Meta as biz_opaque_callback_data). Also measured: where the time goes (per-stage split
 * from the events' timestamps), and what a message costs in CPU (per process, net of what each burns idle).
 *
 * Open loop: webhooks are due on a fixed schedule (bench/lib/paced-load.ts) spread over the linked
 * conversations, whatever the bridge does; a warm-up of a few seconds runs first and is not counted.
 *
 * The whole machine is metered: besides the bridge and its PostgreSQL backends, the shared servers (Kafka,
 * S3Proxy, RabbitMQ, Redis, PostgreSQL's own WAL writer and checkpointer), and the committed PostgreSQL
 * transactions of the bridge's database. The same load is first run against a BASELINE build (another commit,
 * checked out and compiled under .cache/), so that a number is read beside the same number measured minutes
 * apart on the same busy machine rather than beside one from another day.
 *
 *   npm run bench -- e2e [--seconds 60] [--rate 50] [--conversations 200] [--warmup 3] [--cpu-prof] [--history 100000]
 *                        [--split] [--saturate] [--baseline <ref> | --no-baseline]
 *
 * --saturate offers far more than the bridge can take (default 600/s for 20 s): the delivery rate is then the
 * saturation throughput, and the costs per message are those at saturation.
 */
import os from 'node:os';
import type { Pool } from 'pg';
import { MetaSimulator } from '../src/simulators/meta';
import { AckLedger } from './lib/ack-ledger';
import { flag, intOption, progress, stringOption } from './lib/args';
import { baselineSource } from './lib/baseline-source';
import { defineBench, type Metric } from './lib/bench';
import {
  BENCH_META_TOKEN,
  BENCH_PHONE_NUMBER_ID,
  BENCH_TENANT,
  createBenchTenant,
  linkConversations,
} from './lib/bridge-admin';
import { buildBridge, type BridgeBuild } from './lib/bridge-build';
import { cpuProfileDir, startBridge, stopBridgeWithNotes } from './lib/bridge-process';
import { fillHistory, historyNote } from './lib/history';
import { stageBreakdown, undeliveredOutcomes, type MessageTimes } from './lib/e2e-stages';
import { webhookFactory } from './lib/genesys-webhooks';
import { relayTimestamps } from './lib/kafka-timestamps';
import { relayWaitCounts, relayWaitsNote } from './lib/relay-waits';
import { percentile } from './lib/latency';
import { runPaced, type PacedResult } from './lib/paced-load';
import {
  databaseBackends,
  groupsMeter,
  selfCpuMeter,
  type CpuGroup,
  type CpuSeconds,
  type GroupUse,
} from './lib/process-cpu';
import { waitUntilQuiet } from './lib/quiet-wait';
import { serviceGroups } from './lib/service-pids';
import { tableWriteCounters, writesPerMessage } from './lib/table-writes';

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

/** Waits until Meta has every message of `ids`, or nothing new arrived for `quietMs`. */
const waitForDelivery = (meta: MetaSimulator, ids: ReadonlySet<string>, quietMs: number) =>
  waitUntilQuiet(
    () => meta.sentMessages.filter((message) => ids.has(message.bizOpaqueCallbackData ?? '')).length,
    ids.size,
    quietMs,
  );

interface E2eOptions {
  seconds: number;
  rate: number;
  conversationCount: number;
  warmupSeconds: number;
  profile: boolean;
  roles: string[];
  history: number;
  saturate: boolean;
}

interface RunResult {
  metrics: Metric[];
  notes: string[];
}

const loadAverage = () =>
  os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

/** One bridge build under the configured load, from its start to its stop: the metrics and notes of one run. */
const measure = async (build: BridgeBuild, label: string, options: E2eOptions): Promise<RunResult> => {
  const { seconds, rate, conversationCount, warmupSeconds, profile, roles, history } = options;
  const metrics: Metric[] = [];
  const notes: string[] = [];
  // A simulator per run: the Genesys message ids (and so what Meta is told) repeat from one run to the next.
  const meta = new MetaSimulator({ phoneNumbers: { [BENCH_PHONE_NUMBER_ID]: BENCH_META_TOKEN } });
  await meta.start();
  try {
    progress(`${label}: starting the bridge (${roles.map((role) => `--role ${role}`).join(', ')})`);
    const bridge = await startBridge({
      label: `e2e${label}`,
      roles,
      mainJs: build.mainJs,
      migrationsDir: build.migrationsDir,
      metaGraphUrl: meta.url,
      prepare: (db) => fillHistory(db, history),
      ...(profile ? { cpuProfileDir: cpuProfileDir(`e2e-${label}`) } : {}),
    });
    try {
      const secret = await createBenchTenant(bridge);
      progress(`linking ${conversationCount} conversations, waiting for their mappings`);
      const linkStarted = Date.now();
      const conversations = await linkConversations(bridge, conversationCount);
      const linkSeconds = (Date.now() - linkStarted) / 1000;

      const signed = webhookFactory(secret);
      const ledger = new AckLedger();
      let counter = 0;
      /** One phase of paced sending; answers the due time of every message by its Genesys id. */
      const sendPhase = async (phaseSeconds: number) => {
        const sent = new Map<string, MessageTimes>();
        const result = await runPaced({
          url: bridge.url,
          ratePerSecond: rate,
          seconds: phaseSeconds,
          connections: 32,
          request: (_index, scheduledAtMs) => {
            const n = counter++;
            const webhook = signed(n, conversations[n % conversations.length]!);
            sent.set(webhook.messageId, { sentAtMs: scheduledAtMs, metaAtMs: undefined });
            return { path: '/webhook/genesys', headers: webhook.headers, body: webhook.body };
          },
          onAnswer: (_index, status, body) => ledger.record(status, body),
        });
        return { sent, result };
      };

      progress(`warm-up: ${rate}/s for ${warmupSeconds} s`);
      const warmup = await sendPhase(warmupSeconds);
      const warmupDelivered = await waitForDelivery(meta, new Set(warmup.sent.keys()), 20_000);

      // What each process burns with nothing to do (consumers polling, timers), so that the cost per message
      // can be told apart from it: at a low rate the idle share would otherwise dominate.
      // The warm-up's tail (MessageSent appends, their relay and projection) is still being worked off when the
      // last send reaches Meta: let it settle first, or it would count as idle burn.
      await new Promise((resolve) => setTimeout(resolve, 5000));
      progress('measuring idle CPU for 5 s');
      const services = await serviceGroups();
      // The bridge and its backends make the cost the targets speak of; the shared servers are metered beside it.
      const ownGroups: CpuGroup[] = [
        ...bridge.processes.map((child) => ({ name: `bridge --role ${child.role}`, pids: [child.pid] })),
        { name: 'PostgreSQL backends', pids: () => databaseBackends(bridge.db.pool) },
      ];
      const groups = [...ownGroups, ...services.groups];
      const idleMeter = await groupsMeter(groups);
      await new Promise((resolve) => setTimeout(resolve, 5000));
      const idle = await idleMeter.stop();

      progress(`${label}: measuring: ${rate}/s for ${seconds} s`);
      const loadAtStart = os.loadavg();
      const transactionsBefore = await committedTransactions(bridge.db.pool);
      const writesBefore = await tableWriteCounters(bridge.db.pool);
      const noWaits = new Map<string, number>();
      const waitsBefore = await relayWaitCounts(bridge.internalUrl).catch(() => noWaits);
      const meter = await groupsMeter(groups);
      const benchCpu = selfCpuMeter();
      const { sent, result } = await sendPhase(seconds);
      progress(`${label}: waiting for the last messages to reach Meta`);
      const ids = new Set(sent.keys());
      await waitForDelivery(meta, ids, 30_000);
      const used = await meter.stop();
      const waitsAfter = await relayWaitCounts(bridge.internalUrl).catch(() => noWaits);
      const loadAtEnd = loadAverage();
      const benchUsed = benchCpu.stop();
      // Backends report their counters when idle, at most once a second: give them that second.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const transactions = (await committedTransactions(bridge.db.pool)) - transactionsBefore;
      const writes = writesPerMessage(
        writesBefore,
        await tableWriteCounters(bridge.db.pool),
        result.scheduled,
      );

      const deliveries = new Map<string, number>();
      for (const message of meta.sentMessages) {
        const id = message.bizOpaqueCallbackData;
        if (id === undefined || !ids.has(id)) continue;
        deliveries.set(id, (deliveries.get(id) ?? 0) + 1);
        const times = sent.get(id)!;
        if (times.metaAtMs === undefined) times.metaAtMs = message.receivedAt.getTime();
      }
      const latencies = [...sent.values()]
        .flatMap((times) => (times.metaAtMs === undefined ? [] : [times.metaAtMs - times.sentAtMs]))
        .sort((a, b) => a - b);
      const firstDue = Math.min(...[...sent.values()].map((times) => times.sentAtMs));
      const lastAtMeta = Math.max(...[...sent.values()].map((times) => times.metaAtMs ?? 0));
      const undelivered = [...sent.keys()].filter((id) => sent.get(id)!.metaAtMs === undefined);
      const twice = [...deliveries.values()].filter((count) => count > 1).length;
      const non2xx = result.scheduled - (result.statuses['200'] ?? 0);

      metrics.push(
        { name: 'end-to-end p50', value: percentile(latencies, 50), unit: 'ms' },
        {
          name: 'end-to-end p99',
          value: percentile(latencies, 99),
          unit: 'ms',
          // Issue 12's target is for 50 messages/s offered; at saturation the queue sets the latency.
          ...(options.saturate ? {} : { target: { kind: 'max' as const, value: 50 } }),
        },
        { name: 'end-to-end max', value: latencies.at(-1) ?? NaN, unit: 'ms' },
        { name: 'webhooks sent', value: result.scheduled, unit: 'messages' },
        {
          name: 'webhooks not acknowledged with 200',
          value: non2xx,
          unit: 'messages',
          target: { kind: 'max', value: 0 },
        },
        {
          name: 'reached Meta',
          value: latencies.length,
          unit: 'messages',
          target: { kind: 'min', value: result.scheduled },
        },
        {
          name: 'sent to Meta more than once',
          value: twice,
          unit: 'messages',
          target: { kind: 'max', value: 0 },
        },
        { name: 'webhook rate achieved', value: result.answered / result.seconds, unit: 'msg/s' },
        {
          name: 'delivery throughput (reached Meta / first due → last at Meta)',
          value: latencies.length / ((lastAtMeta - firstDue) / 1000),
          unit: 'msg/s',
          ...(options.saturate ? { target: { kind: 'min' as const, value: 500 } } : {}),
        },
        ...ackMetrics(result),
        {
          name: 'PostgreSQL committed transactions per message',
          value: transactions / result.scheduled,
          unit: 'xact',
          target: { kind: 'max', value: 3 },
        },
        {
          // A webhook refused (503) or never delivered costs little: per delivered message, runs that shed
          // different shares of the load compare.
          name: 'PostgreSQL committed transactions per message that reached Meta',
          value: transactions / latencies.length,
          unit: 'xact',
        },
        ...writes.map((w) => ({
          name: `PostgreSQL rows written per message: ${w.table}`,
          value: w.inserted + w.updated + w.deleted,
          unit: 'rows',
        })),
        ...costMetrics(idle, used, ownGroups.length, benchUsed, result.scheduled),
        { name: 'load average (1 min) at the start of the measured phase', value: loadAtStart[0]!, unit: '' },
      );
      // A diagnostic only: without the timestamps the relay and Kafka stages are simply left empty.
      const published = await relayTimestamps(bridge.config, 'WebhookReceived').catch((error: Error) => {
        notes.push(`relay stage not split: ${error.message}`);
        return new Map<string, number>();
      });
      const stages = await stageBreakdown(bridge.db.pool, BENCH_TENANT, sent, published);
      for (const stage of stages) {
        const relay = stage.name.includes('(relay)');
        metrics.push(
          { name: `stage p50: ${stage.name}`, value: stage.p50Ms, unit: 'ms' },
          {
            name: `stage p99: ${stage.name}`,
            value: stage.p99Ms,
            unit: 'ms',
            ...(relay && !options.saturate ? { target: { kind: 'max' as const, value: 10 } } : {}),
          },
        );
      }
      const check = await ledger.check(bridge.db.pool, BENCH_TENANT);
      notes.push(
        `bridge: ${roles.length === 1 ? '`serve --role all` (API, relay, projections, outbound processor) in one child process' : `one child process per role (${roles.map((role) => `--role ${role}`).join(', ')})`}, compiled JS under node ${process.version}, LOG_LEVEL=warn, KAFKA_TOPIC_PARTITIONS default (6), a database of its own; Meta is the MetaSimulator in the bench process (no artificial latency)`,
        `open loop: a webhook due every ${round(1000 / rate, 2)} ms for ${seconds} s over up to 32 keep-alive connections, round-robin over ${conversationCount} linked conversations (distinct wa_ids); latency from the due time to the simulator's receivedAt (millisecond clock, same process); generator timer late by p99 ${round(result.lateP99Ms)} ms, max ${round(result.lateMaxMs)} ms`,
        `setup: tenant through POST /admin/tenants, ${conversationCount} conversations through POST /admin/conversations, all projected into conversation_mappings after ${round(linkSeconds)} s; warm-up ${warmupSeconds} s at ${rate}/s not counted (${warmupDelivered} of ${warmup.sent.size} reached Meta before measuring)`,
        `stages per message from the events' recorded_at (start of the appending transaction) and the Kafka CreateTime of its WebhookReceived (when the relay produced it; acks=all comes later): webhook → WebhookReceived is the API; append → published is the relay (NOTIFY or poll, read of $all); published → MappingResolved is the broker, the consumer's fetch and the driver's first step (read stream, tenant, mapping)`,
        `CPU (/proc utime+stime) from the start of the measured phase until the last message reached Meta (${round(used[0]!.wallSeconds)} s): ${used.map((group) => `${group.name} ${round(group.user)} s user + ${round(group.system)} s system`).join(', ')}; bench process (generator and Meta simulator) ${round(benchUsed.user)} + ${round(benchUsed.system)} s. Idle, before: ${idle.map((group) => `${group.name} ${round((1000 * group.seconds) / group.wallSeconds)} ms/s`).join(', ')}. "net" subtracts the idle rate; the bound is (cores − idle) / net cost per message of the bridge and its backends. The shared servers (${services.groups.map((group) => group.name).join(', ')}${services.missing.length ? `; not found: ${services.missing.join(', ')}` : ''}) also serve whoever else uses the machine: their figures are upper bounds`,
        `load average (1, 5, 15 min): ${loadAtStart.map((value) => value.toFixed(2)).join(' ')} at the start of the measured phase, ${loadAtEnd} at its end`,
        `PostgreSQL: ${round(transactions / result.scheduled)} committed transactions per message in the measured phase (pg_stat_database.xact_commit of the bridge's database: API, relay, projections, processor; a few are the bench's own)`,
        `PostgreSQL rows written per message, by table (inserted/updated/deleted; pg_stat_user_tables): ${writes.map((w) => `${w.table} ${round(w.inserted, 2)}/${round(w.updated, 2)}/${round(w.deleted, 2)}`).join(', ')}`,
        historyNote(history),
        relayWaitsNote(waitsBefore, waitsAfter),
        `acknowledged webhooks over warm-up and measurement: ${check.acknowledged}, of which ${check.missing + check.unreadable} not found in the store`,
        ...(undelivered.length
          ? [
              `never reached Meta (${undelivered.length}): ${await undeliveredOutcomes(bridge.db.pool, BENCH_TENANT, undelivered)}`,
            ]
          : []),
      );
    } finally {
      progress(`${label}: stopping the bridge, removing its topics, keys, buckets and database`);
      notes.push(...(await stopBridgeWithNotes(bridge)));
      if (profile) notes.push(`CPU profile of the bridge in ${cpuProfileDir(`e2e-${label}`)}`);
    }
    return { metrics, notes };
  } finally {
    await meta.stop();
  }
};

/** The candidate's metrics with the baseline's value of the same name beside each. */
const besideBaseline = (candidate: Metric[], baseline: Metric[]): Metric[] => {
  const byName = new Map(baseline.map((metric) => [metric.name, metric.value]));
  return candidate.map((metric) => {
    const value = byName.get(metric.name);
    return value === undefined ? metric : { ...metric, baseline: value };
  });
};

export default defineBench({
  description:
    'signed Genesys webhooks → bridge child process(es) → Meta simulator: end-to-end latency at a fixed rate, open loop, beside a baseline build',
  run: async (args) => {
    const saturate = flag(args, 'saturate');
    const options: E2eOptions = {
      seconds: intOption(args, 'seconds', saturate ? 20 : 60),
      rate: intOption(args, 'rate', saturate ? 600 : 50),
      conversationCount: intOption(args, 'conversations', 200),
      warmupSeconds: intOption(args, 'warmup', 3),
      profile: flag(args, 'cpu-prof'),
      // --split: one process per role, as a deployment scales out; it also gives the CPU cost of each role.
      roles: flag(args, 'split') ? ['api', 'relay', 'projector', 'processor'] : ['all'],
      history: intOption(args, 'history', 100_000, 0),
      saturate,
    };
    const notes: string[] = [
      `machine: ${os.cpus().length} cores, load average ${loadAverage()} at start; PostgreSQL, Kafka, Redis, RabbitMQ, S3Proxy, the bridge, the Meta simulator and the load generator all share it`,
    ];
    const baseline = flag(args, 'no-baseline')
      ? undefined
      : await baselineSource(stringOption(args, 'baseline'));
    progress('compiling src/ for the child bridge');
    const build = await buildBridge();
    try {
      let baselineRun: RunResult | undefined;
      if (baseline) {
        progress(`compiling the baseline ${baseline.subject}`);
        const baselineBuild = await buildBridge(baseline.root);
        try {
          baselineRun = await measure(baselineBuild, 'baseline', options);
        } finally {
          await baselineBuild.remove();
        }
      }
      const run = await measure(build, 'candidate', options);
      notes.push(...run.notes);
      if (baseline && baselineRun) {
        notes.push(
          `baseline: ${baseline.subject} (${baseline.ref}), checked out in ${baseline.root}, run first under the same load, then this checkout (with its uncommitted changes); the ratio is this checkout ÷ baseline. Baseline run: ${baselineRun.notes.filter((note) => /^(CPU|load average|PostgreSQL|never|bridge log|cleanup)/.test(note)).join(' | ')}`,
        );
      }
      return { metrics: baselineRun ? besideBaseline(run.metrics, baselineRun.metrics) : run.metrics, notes };
    } finally {
      await build.remove();
    }
  },
});

const committedTransactions = async (pool: Pool): Promise<number> => {
  const { rows } = await pool.query<{ commits: string }>(
    'SELECT xact_commit AS commits FROM pg_stat_database WHERE datname = current_database()',
  );
  return Number(rows[0]!.commits);
};

/**
 * CPU per message per group, net of each group's idle rate. The first `own` groups are the bridge and its
 * PostgreSQL backends (what issue 12's cost target counts); the rest are the shared servers.
 */
const costMetrics = (
  idle: GroupUse[],
  used: GroupUse[],
  own: number,
  bench: CpuSeconds,
  messages: number,
): Metric[] => {
  const idleRate = new Map(idle.map((group) => [group.name, group.seconds / group.wallSeconds]));
  const net = used.map((group) => ({
    name: group.name,
    gross: (1000 * group.seconds) / messages,
    net: (1000 * (group.seconds - (idleRate.get(group.name) ?? 0) * group.wallSeconds)) / messages,
  }));
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  const idleCores = sum([...idleRate.values()]);
  const ownNet = sum(net.slice(0, own).map((group) => group.net));
  const machineNet = sum(net.map((group) => group.net));
  const machineGross = sum(net.map((group) => group.gross));
  // Gross counts the idle burn as if it were work; net assumes it goes on beside the work. A saturated process
  // polls less, so the truth lies between the two.
  return [
    ...net.map((group) => ({
      name: `CPU per message, net of idle: ${group.name}`,
      value: group.net,
      unit: 'ms',
    })),
    {
      name: 'CPU per message, net of idle: bridge + PostgreSQL backends',
      value: ownNet,
      unit: 'ms',
      target: { kind: 'max', value: 5 },
    },
    {
      name: 'CPU per message, net of idle: whole machine (bridge + all servers)',
      value: machineNet,
      unit: 'ms',
    },
    { name: 'CPU per message, gross: whole machine', value: machineGross, unit: 'ms' },
    { name: 'idle CPU: whole machine', value: idleCores * 1000, unit: 'ms/s' },
    {
      name: 'CPU per message: bench (generator + Meta simulator)',
      value: (1000 * (bench.user + bench.system)) / messages,
      unit: 'ms',
    },
    {
      name: `CPU bound: (${os.cpus().length} cores − idle) / net cost of the whole machine`,
      value: ((os.cpus().length - idleCores) * 1000) / machineNet,
      unit: 'msg/s',
    },
    {
      name: `CPU bound: ${os.cpus().length} cores / gross cost of the whole machine`,
      value: (os.cpus().length * 1000) / machineGross,
      unit: 'msg/s',
    },
  ];
};

const ackMetrics = (result: PacedResult): Metric[] => [
  { name: 'webhook acknowledgement p50', value: percentile(result.latenciesMs, 50), unit: 'ms' },
  { name: 'webhook acknowledgement p99', value: percentile(result.latenciesMs, 99), unit: 'ms' },
];

/**
 * Inbound benchmark (issue 13): signed Meta webhooks of customers writing to the bench tenant's number, into a
 * real bridge (`serve --role all`, compiled, a database, topics, keys and buckets of its own), until the Genesys
 * simulator in this process receives each message on …/inbound/open/message. Then, in the same run and against
 * the same bridge, the agents answer those customers (Genesys webhooks → Meta simulator), so that the inbound
 * figures stand beside outbound ones measured minutes apart on the same busy machine.
 *
 *   warm-up  every customer writes once (this creates its Genesys conversation and the mapping); not counted
 *   A        inbound at --ack-rate (200/s) for --seconds: acknowledgement latency of POST /webhook/meta
 *   B        inbound at --rate (50/s) for --seconds: end to end, due time of the webhook → Genesys's receivedAt,
 *            matched by wamid = channel.messageId
 *   C        outbound at --rate for --seconds to the conversations the inbound traffic created: end to end, due
 *            time of the Genesys webhook → Meta's receivedAt, matched by the Genesys message id
 *
 * Open loop (bench/lib/paced-load.ts). Every inbound message is checked to reach Genesys exactly once and, per
 * customer, in the order it was acknowledged.
 *
 *   npm run bench -- inbound [--seconds 20] [--ack-rate 200] [--rate 50] [--customers 200] [--split]
 *
 * --split: one child process per role, as a deployment scales out, so that the API's acknowledgements do not
 * share an event loop with the processors.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { GenesysSimulator, type RecordedInboundMessage } from '../src/simulators/genesys';
import { MetaSimulator } from '../src/simulators/meta';
import { flag, intOption, progress } from './lib/args';
import { defineBench, type Metric } from './lib/bench';
import {
  BENCH_META_TOKEN,
  BENCH_PHONE_NUMBER_ID,
  BENCH_TENANT,
  createBenchTenant,
  type BenchGenesysClient,
} from './lib/bridge-admin';
import { buildBridge } from './lib/bridge-build';
import { startBridge, stopBridgeWithNotes, type BridgeProcess } from './lib/bridge-process';
import { webhookFactory } from './lib/genesys-webhooks';
import { percentile } from './lib/latency';
import { inboundWebhookFactory } from './lib/meta-inbound-webhooks';
import { runPaced, type PacedResult } from './lib/paced-load';
import { databaseBackends, groupsMeter, type CpuGroup, type GroupUse } from './lib/process-cpu';
import { waitUntilQuiet } from './lib/quiet-wait';

const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const loadAverage = () =>
  os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

interface InboundOptions {
  seconds: number;
  ackRate: number;
  rate: number;
  customers: number;
  roles: string[];
}

/** One inbound message as the bench sent it and as Genesys got it. */
interface InboundSent {
  customer: number;
  /** Epoch ms the webhook was due (latency is measured from here: no coordinated omission). */
  dueAtMs: number;
  /** Epoch ms the bridge answered 200: from then on the bridge owes the customer's order. */
  ackedAtMs: number | undefined;
  /** Epoch ms of every arrival at Genesys (more than one is a duplicate). */
  arrivalsMs: number[];
}

/** One paced phase's figures: what its metrics are made of. */
interface PhaseFigures {
  paced: PacedResult;
  endToEndMs: number[];
  /** Epoch ms from the first due time to the last arrival: for the delivery throughput. */
  spanSeconds: number;
  cpu: GroupUse[];
  loadAtStart: string;
  loadAtEnd: string;
}

const non2xx = (result: PacedResult) =>
  Object.entries(result.statuses)
    .filter(([status]) => !status.startsWith('2'))
    .reduce((sum, [, count]) => sum + count, 0) + result.errors;

/** The bridge and the PostgreSQL backends of its database: what a message costs the service itself. */
const bridgeGroups = (bridge: BridgeProcess): CpuGroup[] => [
  ...bridge.processes.map((child) => ({ name: `bridge --role ${child.role}`, pids: [child.pid] })),
  { name: 'PostgreSQL backends', pids: () => databaseBackends(bridge.db.pool) },
];

/** CPU ms per message of the bridge + backends: gross, and net of the rate they burn idle. */
const cpuPerMessage = (used: GroupUse[], idleMsPerSecond: number, messages: number) => {
  const seconds = used.reduce((sum, group) => sum + group.seconds, 0);
  const wall = used[0]?.wallSeconds ?? 0;
  return {
    gross: (1000 * seconds) / messages,
    net: (1000 * seconds - idleMsPerSecond * wall) / messages,
  };
};

const phaseMetrics = (
  label: string,
  figures: PhaseFigures,
  idleMsPerSecond: number,
  endToEndTarget: string,
): Metric[] => {
  const cost = cpuPerMessage(figures.cpu, idleMsPerSecond, figures.paced.scheduled);
  return [
    {
      name: `${label}: webhook acknowledgement p50`,
      value: percentile(figures.paced.latenciesMs, 50),
      unit: 'ms',
    },
    {
      name: `${label}: webhook acknowledgement p99`,
      value: percentile(figures.paced.latenciesMs, 99),
      unit: 'ms',
    },
    {
      name: `${label}: webhook acknowledgement max`,
      value: figures.paced.latenciesMs.at(-1) ?? NaN,
      unit: 'ms',
    },
    {
      name: `${label}: webhooks not acknowledged with 2xx`,
      value: non2xx(figures.paced),
      unit: 'messages',
      target: { kind: 'max', value: 0 },
    },
    {
      name: `${label}: end to end (${endToEndTarget}) p50`,
      value: percentile(figures.endToEndMs, 50),
      unit: 'ms',
    },
    {
      name: `${label}: end to end (${endToEndTarget}) p99`,
      value: percentile(figures.endToEndMs, 99),
      unit: 'ms',
    },
    {
      name: `${label}: end to end (${endToEndTarget}) max`,
      value: figures.endToEndMs.at(-1) ?? NaN,
      unit: 'ms',
    },
    {
      name: `${label}: reached ${endToEndTarget.split(' → ')[1]}`,
      value: figures.endToEndMs.length,
      unit: 'messages',
      target: { kind: 'min', value: figures.paced.scheduled },
    },
    {
      name: `${label}: delivery throughput (first due → last arrival)`,
      value: figures.endToEndMs.length / figures.spanSeconds,
      unit: 'msg/s',
    },
    { name: `${label}: CPU per message, bridge + PostgreSQL backends, gross`, value: cost.gross, unit: 'ms' },
    {
      name: `${label}: CPU per message, bridge + PostgreSQL backends, net of idle`,
      value: cost.net,
      unit: 'ms',
    },
  ];
};

const phaseNote = (label: string, figures: PhaseFigures): string =>
  `${label}: ${figures.paced.scheduled} webhooks, achieved ${round(figures.paced.answered / figures.paced.seconds)}/s, generator timer late by p99 ${round(figures.paced.lateP99Ms)} ms; CPU until the last arrival (${round(figures.cpu[0]?.wallSeconds ?? 0)} s): ${figures.cpu.map((group) => `${group.name} ${round(group.user)} s user + ${round(group.system)} s system`).join(', ')}; load average (1, 5, 15 min) ${figures.loadAtStart} at the start, ${figures.loadAtEnd} at the end`;

/** Per customer, the wamids in the order Genesys received them (first arrival of each). */
const orderViolations = (sent: Map<string, InboundSent>, received: RecordedInboundMessage[]) => {
  const byCustomer = new Map<number, string[]>();
  const seen = new Set<string>();
  for (const message of received) {
    const wamid = channelMessageId(message);
    const times = wamid === undefined ? undefined : sent.get(wamid);
    if (wamid === undefined || times === undefined || seen.has(wamid)) continue;
    seen.add(wamid);
    byCustomer.set(times.customer, [...(byCustomer.get(times.customer) ?? []), wamid]);
  }
  let inversions = 0;
  let owed = 0;
  for (const wamids of byCustomer.values()) {
    for (let index = 1; index < wamids.length; index++) {
      const earlier = sent.get(wamids[index - 1]!)!;
      const later = sent.get(wamids[index]!)!;
      if (earlier.dueAtMs <= later.dueAtMs) continue;
      inversions++;
      // Genesys got `earlier` (sent later) first although `later` was recorded before `earlier` was even due:
      // the bridge broke an order it had promised. Otherwise the two raced on the wire and no order was owed.
      if (later.ackedAtMs !== undefined && later.ackedAtMs <= earlier.dueAtMs) owed++;
    }
  }
  return { inversions, owed };
};

const channelMessageId = (message: RecordedInboundMessage): string | undefined => {
  const channel = message.body.channel as { messageId?: unknown } | undefined;
  return typeof channel?.messageId === 'string' ? channel.messageId : undefined;
};

const measure = async (
  bridge: BridgeProcess,
  meta: MetaSimulator,
  genesys: GenesysSimulator,
  client: BenchGenesysClient,
  options: InboundOptions,
) => {
  const { seconds, ackRate, rate, customers } = options;
  const metrics: Metric[] = [];
  const notes: string[] = [];
  const webhookSecret = await createBenchTenant(bridge, client);
  const appSecret = bridge.config.META_APP_SECRET;
  if (appSecret === undefined) throw new Error('the bench bridge has no META_APP_SECRET');
  const signedInbound = inboundWebhookFactory(appSecret);
  // Distinct customers, as in real traffic: 4477010 + six digits.
  const waIds = Array.from({ length: customers }, (_, index) => `4477010${String(index).padStart(6, '0')}`);

  const sent = new Map<string, InboundSent>();
  const unsubscribe = genesys.onInboundMessage((message) => {
    const wamid = channelMessageId(message);
    const times = wamid === undefined ? undefined : sent.get(wamid);
    times?.arrivalsMs.push(message.receivedAt.getTime());
  });
  const groups = bridgeGroups(bridge);
  let counter = 0;
  /** Paced inbound webhooks, round-robin over the customers, until every one reached Genesys (or went quiet). */
  const inboundPhase = async (phaseRate: number, phaseSeconds: number) => {
    const phase: string[] = [];
    const byIndex: string[] = [];
    const loadAtStart = loadAverage();
    const meter = await groupsMeter(groups);
    const paced = await runPaced({
      url: bridge.url,
      ratePerSecond: phaseRate,
      seconds: phaseSeconds,
      connections: 32,
      request: (index, dueAtMs) => {
        const n = counter++;
        const webhook = signedInbound(n, waIds[n % customers]!);
        sent.set(webhook.wamid, {
          customer: n % customers,
          dueAtMs,
          ackedAtMs: undefined,
          arrivalsMs: [],
        });
        phase.push(webhook.wamid);
        byIndex[index] = webhook.wamid;
        return webhook;
      },
      onAnswer: (index, status) => {
        const times = sent.get(byIndex[index]!);
        if (times && status >= 200 && status < 300) times.ackedAtMs = Date.now();
      },
    });
    // Only an acknowledged message is owed to Genesys: one refused (503 under overload) is Meta's to retry.
    const acked = phase.filter((wamid) => sent.get(wamid)!.ackedAtMs !== undefined).length;
    const arrived = () => phase.filter((wamid) => sent.get(wamid)!.arrivalsMs.length > 0).length;
    await waitUntilQuiet(arrived, acked, 30_000);
    const cpu = await meter.stop();
    const times = phase.map((wamid) => sent.get(wamid)!);
    const endToEndMs = times
      .flatMap((time) => (time.arrivalsMs.length ? [time.arrivalsMs[0]! - time.dueAtMs] : []))
      .sort((a, b) => a - b);
    const firstDue = Math.min(...times.map((time) => time.dueAtMs));
    const lastArrival = Math.max(...times.flatMap((time) => time.arrivalsMs));
    const figures: PhaseFigures = {
      paced,
      endToEndMs,
      spanSeconds: (lastArrival - firstDue) / 1000,
      cpu,
      loadAtStart,
      loadAtEnd: loadAverage(),
    };
    return figures;
  };

  try {
    const warmupSeconds = Math.max(3, Math.ceil(customers / rate));
    progress(`warm-up: every customer writes once (${rate}/s for ${warmupSeconds} s)`);
    const warmup = await inboundPhase(rate, warmupSeconds);
    const mapped = await waitForMappings(bridge, customers, 60_000);

    // What the bridge and its backends burn with nothing to do, so that a message's cost can be told apart.
    await sleep(3000);
    progress('measuring idle CPU for 5 s');
    const idleMeter = await groupsMeter(groups);
    await sleep(5000);
    const idle = await idleMeter.stop();
    const idleMsPerSecond =
      (1000 * idle.reduce((sum, group) => sum + group.seconds, 0)) / (idle[0]?.wallSeconds ?? 1);

    progress(`A: inbound ${ackRate}/s for ${seconds} s`);
    const phaseA = await inboundPhase(ackRate, seconds);
    await sleep(3000);
    progress(`B: inbound ${rate}/s for ${seconds} s`);
    const phaseB = await inboundPhase(rate, seconds);
    await sleep(3000);

    progress(`C: outbound ${rate}/s for ${seconds} s to the conversations inbound created`);
    const conversations = [...new Set(genesys.inboundMessages.map((message) => message.conversationId))];
    const phaseC = await outboundPhase(bridge, meta, webhookFactory(webhookSecret), conversations, {
      rate,
      seconds,
      groups,
    });
    unsubscribe();

    const arrivals = [...sent.values()];
    const lost = arrivals.filter(
      (time) => time.ackedAtMs !== undefined && time.arrivalsMs.length === 0,
    ).length;
    const repeated = arrivals.filter((time) => time.arrivalsMs.length > 1);
    const twice = repeated.length;
    // How long after the first post the repeat came: a retry after a failed append, or two posts racing.
    const repeatGapsMs = repeated
      .map((time) => time.arrivalsMs[1]! - time.arrivalsMs[0]!)
      .sort((x, y) => x - y);
    const order = orderViolations(sent, genesys.inboundMessages);
    metrics.push(
      ...phaseMetrics(`A inbound ${ackRate}/s`, phaseA, idleMsPerSecond, 'Meta webhook → Genesys'),
      ...phaseMetrics(`B inbound ${rate}/s`, phaseB, idleMsPerSecond, 'Meta webhook → Genesys'),
      ...phaseMetrics(`C outbound ${rate}/s`, phaseC, idleMsPerSecond, 'Genesys webhook → Meta'),
      {
        name: 'inbound messages acknowledged but never at Genesys (all phases)',
        value: lost,
        unit: 'messages',
        target: { kind: 'max', value: 0 },
      },
      {
        name: 'inbound messages Genesys received more than once',
        value: twice,
        unit: 'messages',
        target: { kind: 'max', value: 0 },
      },
      {
        name: 'inbound messages out of the acknowledged order per customer',
        value: order.owed,
        unit: 'pairs',
        target: { kind: 'max', value: 0 },
      },
      { name: 'idle CPU: bridge + PostgreSQL backends', value: idleMsPerSecond, unit: 'ms/s' },
    );
    notes.push(
      `bridge: ${options.roles.length === 1 ? '`serve --role all` (API, relay, projections, processors) in one child process' : `one child process per role (${options.roles.map((role) => `--role ${role}`).join(', ')})`}, compiled JS under node ${process.version}, LOG_LEVEL=warn, a database of its own; Meta and Genesys are the simulators in the bench process (no artificial latency); the tenant has a Genesys OAuth client, so processor.inbound posts each message to …/inbound/open/message and, once delivered, marks it read on Meta`,
      `inbound: one text message per signed webhook (the Meta simulator's buildInboundWebhook, a wamid of its own), round-robin over ${customers} customers (distinct wa_ids), so a customer writes every ${round(customers / ackRate, 2)} s in A and every ${round(customers / rate, 2)} s in B; latency from the webhook's due time to the Genesys simulator's receivedAt (millisecond clock, same process), matched by channel.messageId`,
      `warm-up: ${warmup.paced.scheduled} messages (each customer's first: Genesys opens its conversation, the bridge records ConversationLinked), ${warmup.endToEndMs.length} reached Genesys, ${mapped} of ${customers} mappings projected; not counted`,
      `outbound: ${conversations.length} conversations, those Genesys opened for the customers (the agents answer within the 24-hour window), signed Genesys text webhooks (bench/lib/genesys-webhooks.ts); latency from the due time to the Meta simulator's receivedAt, matched by biz_opaque_callback_data`,
      `open loop, up to 32 keep-alive connections per phase; a phase ends when every message arrived or none arrived for 30 s; 3 s pause between phases (A's backlog, if any, is drained before B starts)`,
      phaseNote(`A inbound ${ackRate}/s`, phaseA),
      phaseNote(`B inbound ${rate}/s`, phaseB),
      phaseNote(`C outbound ${rate}/s`, phaseC),
      `CPU: /proc utime+stime of the bridge process and the PostgreSQL backends of its database, per webhook sent, from the start of a phase to its last arrival; "net" subtracts the idle rate measured for 5 s before A (${round(idleMsPerSecond)} ms/s). The shared servers (Kafka, Redis, RabbitMQ, S3Proxy, PostgreSQL's own processes) are not metered here: bench/e2e.ts does that for outbound`,
      `order: per customer, ${order.inversions} pairs reached Genesys in another order than they were sent; in ${order.owed} of them the message sent first had been acknowledged before the other was even due (a broken order: the target); in the others both were in flight at once, so no order was owed`,
      ...(twice
        ? [
            `repeats at Genesys: ${twice} messages posted more than once (${repeated.reduce((sum, time) => sum + time.arrivalsMs.length, 0)} posts), the second post after the first by p50 ${round(percentile(repeatGapsMs, 50))} ms, max ${round(repeatGapsMs.at(-1)!)} ms; processor.inbound is at-least-once when the append after Genesys's answer fails (src/processors/inbound/inbound-poster.ts): see the bridge log below`,
          ]
        : []),
      `Genesys simulator: ${genesys.inboundMessages.length} inbound messages recorded, ${genesys.tokenRequests} OAuth token requests; Meta simulator: ${meta.readMarks.length} read marks`,
    );
    return { metrics, notes };
  } finally {
    unsubscribe();
  }
};

/** Paced outbound Genesys webhooks over `conversations` until each reached Meta (or none did for 30 s). */
const outboundPhase = async (
  bridge: BridgeProcess,
  meta: MetaSimulator,
  signed: ReturnType<typeof webhookFactory>,
  conversations: string[],
  options: { rate: number; seconds: number; groups: CpuGroup[] },
): Promise<PhaseFigures> => {
  const due = new Map<string, number>();
  const loadAtStart = loadAverage();
  const meter = await groupsMeter(options.groups);
  const paced = await runPaced({
    url: bridge.url,
    ratePerSecond: options.rate,
    seconds: options.seconds,
    connections: 32,
    request: (index, dueAtMs) => {
      const webhook = signed(index, conversations[index % conversations.length]!);
      due.set(webhook.messageId, dueAtMs);
      return { path: '/webhook/genesys', headers: webhook.headers, body: webhook.body };
    },
  });
  const atMeta = () => meta.sentMessages.filter((message) => due.has(message.bizOpaqueCallbackData ?? ''));
  await waitUntilQuiet(() => atMeta().length, due.size, 30_000);
  const cpu = await meter.stop();
  const first = new Map<string, number>();
  for (const message of atMeta()) {
    const id = message.bizOpaqueCallbackData!;
    if (!first.has(id)) first.set(id, message.receivedAt.getTime());
  }
  const endToEndMs = [...first].map(([id, at]) => at - due.get(id)!).sort((a, b) => a - b);
  return {
    paced,
    endToEndMs,
    spanSeconds: (Math.max(...first.values()) - Math.min(...due.values())) / 1000,
    cpu,
    loadAtStart,
    loadAtEnd: loadAverage(),
  };
};

/** Until the conversation_mappings projection holds a conversation for `count` customers of the bench tenant. */
const waitForMappings = async (bridge: BridgeProcess, count: number, timeoutMs: number): Promise<number> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await bridge.db.pool.query<{ count: string }>(
      'SELECT count(*) FROM conversation_mappings WHERE tenant_id = $1',
      [BENCH_TENANT],
    );
    const mapped = Number(rows[0]!.count);
    if (mapped >= count || Date.now() > deadline) return mapped;
    await sleep(200);
  }
};

export default defineBench({
  description:
    'signed Meta inbound webhooks → bridge child process → Genesys simulator (acknowledgement at 200/s, end to end at 50/s), beside outbound at 50/s in the same run',
  run: async (args) => {
    const options: InboundOptions = {
      seconds: intOption(args, 'seconds', 20),
      ackRate: intOption(args, 'ack-rate', 200),
      rate: intOption(args, 'rate', 50),
      customers: intOption(args, 'customers', 200),
      roles: flag(args, 'split') ? ['api', 'relay', 'projector', 'processor'] : ['all'],
    };
    const notes: string[] = [
      `machine: ${os.cpus().length} cores, load average ${loadAverage()} at start; PostgreSQL, Kafka, Redis, RabbitMQ, S3Proxy, the bridge, both simulators and the load generator all share it`,
    ];
    progress('compiling src/ for the child bridge');
    const build = await buildBridge();
    const client: BenchGenesysClient = {
      clientId: 'bench-genesys-client',
      clientSecret: randomBytes(16).toString('hex'),
    };
    const meta = new MetaSimulator({ phoneNumbers: { [BENCH_PHONE_NUMBER_ID]: BENCH_META_TOKEN } });
    const genesys = new GenesysSimulator({ clients: { [client.clientId]: client.clientSecret } });
    await Promise.all([meta.start(), genesys.start()]);
    try {
      progress(`starting the bridge (${options.roles.map((role) => `--role ${role}`).join(', ')})`);
      const bridge = await startBridge({
        label: 'inbound',
        roles: options.roles,
        mainJs: build.mainJs,
        migrationsDir: build.migrationsDir,
        metaGraphUrl: meta.url,
        // No {region} in the templates: every tenant's Genesys is the simulator.
        env: { GENESYS_API_URL_TEMPLATE: genesys.url, GENESYS_LOGIN_URL_TEMPLATE: genesys.url },
      });
      try {
        const run = await measure(bridge, meta, genesys, client, options);
        notes.push(...run.notes);
        // The same array: the bridge's log summary, added below once it stopped, still reaches the report.
        return { metrics: run.metrics, notes };
      } finally {
        progress('stopping the bridge, removing its topics, keys, buckets and database');
        notes.push(...(await stopBridgeWithNotes(bridge)));
      }
    } finally {
      await Promise.all([meta.stop(), genesys.stop()]);
      await build.remove();
    }
  },
});

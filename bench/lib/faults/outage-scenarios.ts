import { percentile } from '../latency';
import type { FaultHarness } from './harness';
import { TENANTS } from './harness';
import { startPrivateKafka, startPrivateRedis } from './private-servers';
import { settle, sleep, withHarness, type Scenario, type ScenarioContext } from './scenario';
import { isAck, recoveryAfter, tally, type Expectations } from './tally';
import { TcpFaultProxy } from './tcp-proxy';
import type { SentWebhook } from './traffic';

interface Outage {
  /** Nominal duration in seconds (at --seconds 60). */
  seconds: number;
  down: () => Promise<void> | void;
  up: () => Promise<void> | void;
  /** How to measure recovery: the first webhook acknowledged, or the first send at Meta, after the fault. */
  recovery: 'ack' | 'meta';
  /**
   * What every webhook due while the fault lasts must get: acknowledged (the dependency is not needed to accept
   * a webhook), or 503 within 2 s (PostgreSQL: nothing can be stored). The last 2 s of the fault are not judged:
   * their answer may come after it ended.
   */
  during: 'ack' | '503';
  quietMs?: number;
}

const judgeDuring = (sent: readonly SentWebhook[], from: number, to: number, during: 'ack' | '503') => {
  const judged = sent.filter((record) => record.sentAtMs >= from && record.sentAtMs < to - 2000);
  const bad =
    during === 'ack'
      ? judged.filter((record) => !isAck(record))
      : judged.filter(
          (record) => record.status !== 503 || (record.answeredAtMs ?? Infinity) - record.sentAtMs > 2000,
        );
  if (!bad.length) return [];
  const expected = during === 'ack' ? 'acknowledged (2xx)' : 'answered 503 within 2 s';
  return [`${bad.length} of ${judged.length} webhooks sent during the fault not ${expected}`];
};

const round = (value: number) => Math.round(value * 10) / 10;

/** How the webhooks sent during [from, to) were answered: by status, and how many within 2 s. */
const answersDuring = (sent: readonly SentWebhook[], from: number, to: number): string => {
  const during = sent.filter((record) => record.sentAtMs >= from && record.sentAtMs < to);
  const by = new Map<string, number>();
  for (const record of during) {
    const key = record.status ? String(record.status) : `no answer (${(record.error ?? '').slice(0, 30)})`;
    by.set(key, (by.get(key) ?? 0) + 1);
  }
  const slow = during.filter((record) => (record.answeredAtMs ?? Infinity) - record.sentAtMs > 2000).length;
  const times = during
    .map((record) => (record.answeredAtMs ?? Infinity) - record.sentAtMs)
    .sort((a, b) => a - b);
  return `${during.length} webhooks sent during the fault: ${[...by].map(([key, count]) => `${key} ×${count}`).join(', ') || 'none'}; ${slow} answered after more than 2 s (or never); answer time p99 ${round(percentile(times, 99))} ms`;
};

/** Seconds from `from` to the first send at Meta after it. */
const firstAtMetaAfter = (harness: FaultHarness, from: number): number | null => {
  const times = harness.meta.sentMessages.map((m) => m.receivedAt.getTime()).filter((t) => t >= from);
  return times.length ? round((Math.min(...times) - from) / 1000) : null;
};

/** Load, then the outage, then load again, then quiescence and the count. */
const underLoad = async (
  context: ScenarioContext,
  harness: FaultHarness,
  outage: Outage,
  notes: string[],
) => {
  harness.traffic.start(context.rate);
  await sleep(context.scaled(10) * 1000);
  const seconds = context.scaled(outage.seconds);
  context.progress(`fault on for ${seconds} s`);
  const from = Date.now();
  await outage.down();
  await sleep(seconds * 1000);
  await outage.up();
  const to = Date.now();
  context.progress('fault over');
  await sleep(context.scaled(10) * 1000);
  await settle(harness, context, notes, outage.quietMs);
  notes.push(`fault lasted ${round((to - from) / 1000)} s`, answersDuring(harness.traffic.sent, from, to));
  const recovery =
    outage.recovery === 'ack' ? recoveryAfter(harness.traffic.sent, to) : firstAtMetaAfter(harness, to);
  return { recovery, from, to, failures: judgeDuring(harness.traffic.sent, from, to, outage.during) };
};

type ScenarioHarnessOptions = Parameters<typeof withHarness>[1];

/** What a scenario breaks: how the bridge is pointed at it, the outage, and how it is removed afterwards. */
interface FaultTarget {
  harness: ScenarioHarnessOptions;
  outage: Outage;
  remove: () => Promise<void>;
}

/** The shape of every outage scenario: start the target, load, outage, load, count; always remove the target. */
const outageScenario =
  (
    start: (context: ScenarioContext) => Promise<FaultTarget>,
    expectations: Omit<Expectations, 'failures'> = {},
  ): Scenario =>
  async (context) => {
    const target = await start(context);
    try {
      return await withHarness(context, target.harness, async (harness) => {
        const notes: string[] = [];
        const { recovery, failures } = await underLoad(context, harness, target.outage, notes);
        return tally(harness, recovery, notes, { ...expectations, failures });
      });
    } finally {
      await target.remove();
    }
  };

/** A fault proxy in front of a loopback service: the bridge reaches the service only through it. */
const behindProxy =
  (port: number, target: (proxy: TcpFaultProxy) => Omit<FaultTarget, 'remove'>) =>
  async (): Promise<FaultTarget> => {
    const proxy = new TcpFaultProxy(port);
    await proxy.start();
    return { ...target(proxy), remove: () => proxy.stop() };
  };

/**
 * PostgreSQL unavailable (a fault proxy holding every connection, as a hung server or a partition does): every
 * webhook must be answered 503 within 2 s (never 2xx without a durable append) and the bridge must recover by
 * itself.
 */
export const postgres = outageScenario(
  behindProxy(5432, (proxy) => ({
    harness: { roles: ['all'], databasePort: proxy.port, label: 'faultspg' },
    outage: {
      seconds: 15,
      down: () => proxy.pause(),
      up: () => proxy.resume(),
      recovery: 'ack',
      during: '503',
    },
  })),
);

/** PostgreSQL refusing connections (crashed, restarting): same expectations as the hung case. */
export const postgresReset = outageScenario(
  behindProxy(5432, (proxy) => ({
    harness: { roles: ['all'], databasePort: proxy.port, label: 'faultspgreset' },
    outage: {
      seconds: 15,
      down: () => proxy.reset(true),
      up: () => proxy.resume(),
      recovery: 'ack',
      during: '503',
    },
  })),
);

/** Redis killed for 30 s (a private redis-server): slower, not down: webhooks 2xx, messages reach Meta. */
export const redis = outageScenario(async () => {
  const server = await startPrivateRedis();
  return {
    harness: { roles: ['all'], env: { REDIS_URL: server.address }, label: 'faultsredis' },
    outage: { seconds: 30, down: server.kill9, up: server.restart, recovery: 'meta', during: 'ack' },
    remove: server.remove,
  };
});

/** RabbitMQ unreachable for 30 s (fault proxy resets and refuses): webhooks 2xx, legacy queue complete after. */
export const rabbitmq = outageScenario(
  behindProxy(5672, (proxy) => ({
    harness: {
      roles: ['all'],
      env: { AMQP_URL: `amqp://guest:guest@127.0.0.1:${proxy.port}` },
      label: 'faultsamqp',
    },
    outage: {
      seconds: 30,
      down: () => proxy.reset(true),
      up: () => proxy.resume(),
      recovery: 'meta',
      during: 'ack',
    },
  })),
);

/**
 * S3 unreachable for 60 s while half the messages carry an image: each media message must reach Meta after the
 * outage or end with a Failed receipt to Genesys, never silently.
 */
export const s3 = outageScenario(
  behindProxy(9000, (proxy) => ({
    harness: {
      roles: ['all'],
      env: { S3_ENDPOINT: `http://127.0.0.1:${proxy.port}` },
      mediaEvery: 2,
      label: 'faultss3',
    },
    outage: {
      seconds: 60,
      down: () => proxy.reset(true),
      up: () => proxy.resume(),
      recovery: 'meta',
      during: 'ack',
      quietMs: 15_000,
    },
  })),
  { allowFailedWithReceipt: true },
);

/** The Kafka broker (a private one: never the shared broker on 9092) killed -9 for 30 s, then started again. */
export const kafka: Scenario = async (context) => {
  let address = '';
  const result = await outageScenario(async () => {
    context.progress('starting a private Kafka broker');
    const broker = await startPrivateKafka();
    address = broker.address;
    return {
      harness: { roles: ['all'], env: { KAFKA_BROKERS: broker.address }, label: 'faultskafka' },
      outage: {
        seconds: 30,
        down: broker.kill9,
        up: broker.restart,
        recovery: 'meta',
        during: 'ack',
        quietMs: 15_000,
      },
      remove: broker.remove,
    };
  })(context);
  // Groups the restarted broker still counts as non-empty go with the whole private broker, removed with it.
  result.notes = result.notes.map((note) =>
    note.startsWith('cleanup: Kafka') ? `${note} (the private broker and its data are removed anyway)` : note,
  );
  result.notes.push(`private Kafka broker ${address}, removed with its data after the scenario`);
  return result;
};

/** p99 of Meta receive time − due time for a tenant's acknowledged webhooks due in [from, to). */
const tenantP99 = (harness: FaultHarness, tenant: number, from: number, to: number): number => {
  const firstAtMeta = new Map<string, number>();
  for (const message of harness.meta.sentMessages) {
    const id = message.bizOpaqueCallbackData ?? '';
    if (!firstAtMeta.has(id)) firstAtMeta.set(id, message.receivedAt.getTime());
  }
  const latencies = harness.traffic.sent
    .filter((r) => r.tenant === tenant && isAck(r) && r.dueAtMs >= from && r.dueAtMs < to)
    .flatMap((r) => {
      const at = firstAtMeta.get(r.messageId);
      return at === undefined ? [] : [at - r.dueAtMs];
    })
    .sort((a, b) => a - b);
  return percentile(latencies, 99);
};

/**
 * Meta answering 429, 500 and timeouts for 60 s for one tenant's number: the other tenant's p99 end-to-end
 * latency during the storm must stay within 2× of its value before.
 */
export const metaStorm: Scenario = (context) =>
  withHarness(context, { roles: ['all'], label: 'faultsmeta' }, async (harness) => {
    const notes: string[] = [];
    const stormy = TENANTS[0]!.phoneNumberId;
    const warmFrom = Date.now();
    const { from, to, recovery, failures } = await underLoad(
      context,
      harness,
      {
        seconds: 60,
        down: () => {
          // A rotation of the three, far more than the storm can use; cleared when it ends.
          for (let i = 0; i < 3000; i++) {
            if (i % 3 === 0)
              harness.meta.failNext({ phoneNumberId: stormy, metaErrorCode: 130429, retryAfterSeconds: 1 });
            else if (i % 3 === 1) harness.meta.failNext({ phoneNumberId: stormy, status: 500, body: '' });
            else harness.meta.timeoutNext(1, { phoneNumberId: stormy });
          }
        },
        up: () => harness.meta.clearFaults(),
        recovery: 'meta',
        during: 'ack',
        quietMs: 15_000,
      },
      notes,
    );
    const before = tenantP99(harness, 1, warmFrom, from);
    const during = tenantP99(harness, 1, from, to);
    notes.push(
      `other tenant p99 end to end: before the storm ${round(before)} ms, during ${round(during)} ms (${during <= 2 * before ? 'within' : 'MORE than'} 2×)`,
      `stormy tenant p99 during the storm: ${round(tenantP99(harness, 0, from, to))} ms`,
    );
    if (!(during <= 2 * before)) {
      failures.push(`other tenant p99 ${round(during)} ms during the storm > 2 × ${round(before)} ms before`);
    }
    return tally(harness, recovery, notes, { failures });
  });

/** Genesys' receipts endpoint failing (503) for 5 minutes: receipts delayed, none lost. */
export const receipts: Scenario = (context) =>
  withHarness(context, { roles: ['all'], label: 'faultsreceipt' }, async (harness) => {
    const notes: string[] = [];
    const { recovery, failures } = await underLoad(
      context,
      harness,
      {
        seconds: 300,
        down: () => harness.genesys.failNext({ route: 'receipt', status: 503, count: 1_000_000 }),
        up: () => harness.genesys.clearFaults(),
        recovery: 'meta',
        during: 'ack',
        quietMs: 30_000,
      },
      notes,
    );
    return tally(harness, recovery, notes, { failures });
  });

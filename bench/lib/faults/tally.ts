import { connectAmqp } from '../../../src/infra/amqp';
import { undeliveredOutcomes } from '../e2e-stages';
import { TENANTS, type FaultHarness } from './harness';
import type { SentWebhook } from './traffic';

/** What became of one scenario's acknowledged webhooks (the figures of bench/results/faults.json). */
export interface ScenarioResult {
  /** Webhooks answered 2xx. */
  acknowledged: number;
  reachedMetaOnce: number;
  /** Acknowledged, never reached Meta: lost unless a Failed receipt told Genesys (see notes). */
  never: number;
  /** Acknowledged and sent to Meta more than once. */
  duplicates: number;
  /** Per conversation: a message acknowledged before another was even due, yet at Meta after it. */
  orderViolations: number;
  /** Status webhooks the bridge acknowledged whose event is not in the store. */
  statusesLost: number;
  /** Delivered statuses acknowledged with no Delivered receipt at Genesys. */
  receiptsLost: number;
  /** Receipts posted more than once (same message, same status). */
  receiptsDuplicated: number;
  /** Acknowledged webhooks missing from the legacy queue. */
  legacyLost: number;
  /** Extra copies on the legacy queue (allowed: the queue is at least once). */
  legacyDuplicates: number;
  /** From the end of the fault to the first webhook acknowledged after it; null when not measured. */
  recoverySeconds: number | null;
  /** Every expectation of the scenario that was not met; empty when it passed. */
  failures: string[];
  notes: string[];
}

export interface Expectations {
  /** Failures the scenario found itself (listener too slow, a 2xx while PostgreSQL was down…). */
  failures?: string[];
  /** Duplicates at Meta are reported but allowed (no status webhooks to reconcile with). */
  allowDuplicates?: boolean;
  /** A message that never reached Meta is fine when Genesys got a Failed receipt for it (never silent). */
  allowFailedWithReceipt?: boolean;
}

const AMQP_DIRECT = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/**
 * Waits until nothing moves any more: no new send at Meta, no receipt at Genesys, no status still being echoed,
 * no new message on the legacy queue, for `quietMs`, and every acknowledged webhook is accounted for (at Meta, or
 * a Failed receipt). Messages held back by a retry backoff or a reconciliation window move again later: while
 * some are unaccounted for, it waits for `patienceMs` of stillness (or `maxMs` in all) before counting them lost.
 */
export const waitForQuiescence = async (
  harness: FaultHarness,
  quietMs: number,
  maxMs: number,
  // Longer than the bridge's reconciliation window (120 s, src/runtime/workers.ts): a send whose outcome Meta
  // left unknown (a timeout it never processed) holds its conversation that long, by design, then goes again.
  patienceMs = 150_000,
): Promise<boolean> => {
  const started = Date.now();
  let last = '';
  let since = Date.now();
  for (;;) {
    const queued = await queueDepth(harness).catch(() => -1);
    const now = `${harness.meta.sentMessages.length}/${harness.genesys.receipts.length}/${queued}/${harness.echo?.busy ?? false}`;
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (!harness.echo?.busy) {
      const still = Date.now() - since;
      if (still >= patienceMs || (still >= quietMs && unaccounted(harness) === 0)) return true;
    }
    if (Date.now() - started > maxMs) return false;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
};

/** Acknowledged webhooks neither at Meta nor answered with a Failed receipt. */
const unaccounted = (harness: FaultHarness): number => {
  const done = new Set(harness.meta.sentMessages.map((m) => m.bizOpaqueCallbackData ?? ''));
  for (const receipt of harness.genesys.receipts) {
    if (receipt.body.status === 'Failed') done.add(String(receipt.body.id));
  }
  return harness.traffic.sent.filter((record) => isAck(record) && !done.has(record.messageId)).length;
};

const queueDepth = async (harness: FaultHarness): Promise<number> => {
  const connection = await connectAmqp(AMQP_DIRECT);
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    const { messageCount } = await channel.checkQueue(harness.bridge.ns.queue);
    return messageCount;
  } finally {
    await connection.close().catch(() => undefined);
  }
};

/** Drains the namespace's legacy queue and counts each Genesys message id (the AMQP messageId). */
const drainLegacyQueue = async (harness: FaultHarness): Promise<Map<string, number>> => {
  const counts = new Map<string, number>();
  const connection = await connectAmqp(AMQP_DIRECT);
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    for (;;) {
      const message = await channel.get(harness.bridge.ns.queue, { noAck: true });
      if (message === false) break;
      const id = String(message.properties.messageId ?? '');
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  } finally {
    await connection.close().catch(() => undefined);
  }
  return counts;
};

export const isAck = (record: SentWebhook): boolean => record.status >= 200 && record.status < 300;

/** Seconds from `faultEndMs` to the first webhook due after it that was acknowledged. */
export const recoveryAfter = (sent: readonly SentWebhook[], faultEndMs: number): number | null => {
  const firsts = sent
    .filter((record) => isAck(record) && record.dueAtMs >= faultEndMs)
    .map((record) => record.answeredAtMs!);
  return firsts.length ? Math.round((Math.min(...firsts) - faultEndMs) / 100) / 10 : null;
};

/**
 * Counts what became of every acknowledged webhook of the harness since `fromIndex` of its traffic (the whole
 * run by default). Call after waitForQuiescence.
 */
export const tally = async (
  harness: FaultHarness,
  recoverySeconds: number | null,
  notes: string[] = [],
  expectations: Expectations = {},
  sent: readonly SentWebhook[] = harness.traffic.sent,
): Promise<ScenarioResult> => {
  const acked = sent.filter(isAck);
  const metaTimes = new Map<string, number[]>();
  for (const message of harness.meta.sentMessages) {
    const id = message.bizOpaqueCallbackData ?? '';
    const list = metaTimes.get(id) ?? [];
    list.push(message.receivedAt.getTime());
    metaTimes.set(id, list);
  }
  let once = 0;
  let never = 0;
  let duplicates = 0;
  const neverIds: string[] = [];
  const neverByTenant = TENANTS.map(() => [] as string[]);
  for (const record of acked) {
    const count = metaTimes.get(record.messageId)?.length ?? 0;
    if (count === 1) once++;
    else if (count === 0) {
      never++;
      neverIds.push(record.messageId);
      neverByTenant[record.tenant]!.push(record.messageId);
    } else duplicates++;
  }

  // Order: within a conversation, A acknowledged before B was due must reach Meta before B.
  let orderViolations = 0;
  const byConversation = new Map<string, SentWebhook[]>();
  for (const record of acked) {
    const list = byConversation.get(record.conversationId) ?? [];
    list.push(record);
    byConversation.set(record.conversationId, list);
  }
  for (const list of byConversation.values()) {
    for (const later of list) {
      const laterAtMeta = metaTimes.get(later.messageId)?.[0];
      if (laterAtMeta === undefined) continue;
      const overtaken = list.some((earlier) => {
        const earlierAtMeta = metaTimes.get(earlier.messageId)?.[0];
        return (
          earlier !== later &&
          earlier.answeredAtMs! < later.dueAtMs &&
          earlierAtMeta !== undefined &&
          earlierAtMeta > laterAtMeta
        );
      });
      if (overtaken) orderViolations++;
    }
  }

  // Statuses: every delivered status the bridge acknowledged must be a Delivered event, and a Delivered receipt.
  const ackedIds = new Set(acked.map((record) => record.messageId));
  const wamidToId = new Map(harness.meta.sentMessages.map((m) => [m.wamid, m.bizOpaqueCallbackData ?? '']));
  const deliveredAcked = (harness.echo?.posts ?? []).filter(
    (post) => post.status === 'delivered' && post.acknowledged,
  );
  const { rows } = await harness.bridge.db.pool.query<{ wamid: string }>(
    `SELECT DISTINCT data->>'wamid' AS wamid FROM events WHERE type = 'Delivered'`,
  );
  const deliveredEvents = new Set(rows.map((row) => row.wamid));
  const statusesLost = deliveredAcked.filter((post) => !deliveredEvents.has(post.wamid)).length;
  const receiptCounts = new Map<string, number>();
  for (const receipt of harness.genesys.receipts) {
    const key = `${String(receipt.body.id)}:${String(receipt.body.status)}`;
    receiptCounts.set(key, (receiptCounts.get(key) ?? 0) + 1);
  }
  const wantDelivered = new Set(
    deliveredAcked.map((post) => wamidToId.get(post.wamid) ?? '').filter((id) => ackedIds.has(id)),
  );
  const receiptsLost = [...wantDelivered].filter((id) => !receiptCounts.has(`${id}:Delivered`)).length;
  const receiptsDuplicated = [...receiptCounts.values()].filter((count) => count > 1).length;
  const failedReceipts = neverIds.filter((id) => receiptCounts.has(`${id}:Failed`)).length;

  const legacy = await drainLegacyQueue(harness).catch((error: Error) => {
    notes.push(`legacy queue not read: ${error.message}`);
    return new Map<string, number>();
  });
  let legacyLost = 0;
  let legacyDuplicates = 0;
  for (const id of ackedIds) {
    const count = legacy.get(id) ?? 0;
    if (count === 0) legacyLost++;
    else legacyDuplicates += count - 1;
  }

  const answers = new Map<string, number>();
  for (const record of sent) {
    const key = record.status ? String(record.status) : (record.error ?? 'no answer').slice(0, 40);
    answers.set(key, (answers.get(key) ?? 0) + 1);
  }
  notes.unshift(
    `webhooks sent ${sent.length}: ${[...answers].map(([key, count]) => `${key} ×${count}`).join(', ')}`,
    ...(never
      ? [
          `of the ${never} acknowledged but never at Meta, ${failedReceipts} got a Failed receipt; last event of each: ${(
            await Promise.all(
              TENANTS.map((tenant, index) =>
                undeliveredOutcomes(harness.bridge.db.pool, tenant.tenantId, neverByTenant[index]!),
              ),
            )
          )
            .filter(Boolean)
            .join(', ')}`,
          `conversations of those never at Meta: ${[
            ...acked
              .filter((record) => neverIds.includes(record.messageId))
              .reduce(
                (counts, record) =>
                  counts.set(record.conversationId, (counts.get(record.conversationId) ?? 0) + 1),
                new Map<string, number>(),
              ),
          ]
            .map(([conversation, count]) => `${conversation} ×${count}`)
            .join(', ')}`,
        ]
      : []),
    ...(harness.statusesOn ? [] : ['no status webhooks from Meta in this run']),
  );
  const failures = [...(expectations.failures ?? [])];
  const silent = expectations.allowFailedWithReceipt ? never - failedReceipts : never;
  if (silent > 0)
    failures.push(
      `${silent} acknowledged webhooks never reached Meta${expectations.allowFailedWithReceipt ? ' and got no Failed receipt' : ''}`,
    );
  if (duplicates > 0 && !expectations.allowDuplicates)
    failures.push(`${duplicates} sent to Meta more than once`);
  if (orderViolations > 0) failures.push(`${orderViolations} order violations`);
  if (statusesLost > 0) failures.push(`${statusesLost} statuses lost`);
  if (receiptsLost > 0) failures.push(`${receiptsLost} receipts lost`);
  if (receiptsDuplicated > 0) failures.push(`${receiptsDuplicated} receipts duplicated`);
  if (legacyLost > 0) failures.push(`${legacyLost} missing from the legacy queue`);
  if (acked.length === 0) failures.push('nothing was acknowledged');
  return {
    failures,
    acknowledged: acked.length,
    reachedMetaOnce: once,
    never,
    duplicates,
    orderViolations,
    statusesLost,
    receiptsLost,
    receiptsDuplicated,
    legacyLost,
    legacyDuplicates,
    recoverySeconds,
    notes,
  };
};

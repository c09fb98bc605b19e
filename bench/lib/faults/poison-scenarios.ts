import { randomBytes, randomUUID } from 'node:crypto';
import { outboundStreamId } from '../../../src/events/schemas/stream-ids';
import { buildStatusWebhook, sendMetaStatusWebhook } from '../../../src/simulators/meta';
import { TENANTS, type FaultHarness } from './harness';
import { settle, sleep, withHarness, type Scenario } from './scenario';
import { isAck, tally } from './tally';

/** The public listener's body limit (src/http/app.ts): the largest webhook is just under it. */
const BODY_LIMIT = 1024 * 1024;

/** A signed text webhook whose body is `BODY_LIMIT - margin` bytes. */
const largestWebhook = (harness: FaultHarness, conversationId: string, margin = 64) => {
  const id = randomBytes(16).toString('hex');
  const empty = harness.webhook(0, 0, conversationId, { id, text: '' }).body.length;
  return harness.webhook(0, 0, conversationId, { id, text: 'x'.repeat(BODY_LIMIT - margin - empty) });
};

/**
 * Poison, one after another under load: the largest Genesys webhook the route accepts, a Meta batch with one
 * malformed status among valid ones, and an event that no longer decodes (inserted in SQL for a fresh stream).
 * None may hold up the normal messages around it.
 */
export const poison: Scenario = (context) =>
  withHarness(context, { roles: ['all'], label: 'faultspoison' }, async (harness) => {
    const notes: string[] = [];
    const failures: string[] = [];
    harness.traffic.start(context.rate);
    await sleep(context.scaled(10) * 1000);

    // 1. The largest webhook: it must be stored and sent (or failed with a receipt), and not block the others.
    context.progress('the largest Genesys webhook');
    const big = largestWebhook(harness, harness.conversations[0]![0]!);
    const bigAnswer = await harness.traffic.sendOne(big, 0, harness.conversations[0]![0]!);
    notes.push(`largest webhook (${big.body.length} bytes): HTTP ${bigAnswer.status || bigAnswer.error}`);
    await sleep(context.scaled(10) * 1000);

    // 2. A Meta batch: read statuses for two sent messages, one malformed status between them.
    context.progress('a Meta batch with one malformed status');
    const sentTwo = harness.meta.sentMessages
      .filter((m) => m.phoneNumberId === TENANTS[1]!.phoneNumberId)
      .slice(0, 2);
    let batchStatus = 0;
    if (sentTwo.length === 2) {
      const statuses = sentTwo.map((m) => {
        const body = buildStatusWebhook({
          wamid: m.wamid,
          status: 'read',
          recipientId: m.waId,
          phoneNumberId: m.phoneNumberId,
          ...(m.bizOpaqueCallbackData === undefined
            ? {}
            : { bizOpaqueCallbackData: m.bizOpaqueCallbackData }),
        }) as { entry: Array<{ changes: Array<{ value: { statuses: unknown[] } }> }> };
        return body.entry[0]!.changes[0]!.value.statuses[0];
      });
      const batch = buildStatusWebhook({
        wamid: sentTwo[0]!.wamid,
        status: 'read',
        recipientId: sentTwo[0]!.waId,
        phoneNumberId: TENANTS[1]!.phoneNumberId,
      }) as { entry: Array<{ changes: Array<{ value: { statuses: unknown[] } }> }> };
      batch.entry[0]!.changes[0]!.value.statuses = [
        statuses[0],
        { id: 12345, status: 'read', timestamp: 'not a time' },
        statuses[1],
      ];
      const answer = await sendMetaStatusWebhook(
        `${harness.bridge.url}/webhook/meta`,
        harness.bridge.config.META_APP_SECRET!,
        batch as { object: string; entry: unknown[] },
      ).catch(() => undefined);
      batchStatus = answer?.status ?? 0;
    } else {
      notes.push('fewer than two messages at Meta: no mixed batch sent');
    }
    await sleep(context.scaled(10) * 1000);

    // 3. An event that no longer decodes, for a fresh stream: the relay and consumers must step over it.
    context.progress('an event that no longer decodes');
    const poisonId = randomBytes(16).toString('hex');
    await harness.bridge.db.pool.query(
      `INSERT INTO events (stream_id, stream_position, event_id, type, version, tenant_id, conversation_id, occurred_at, data)
       VALUES ($1, 1, $2, 'WebhookReceived', 1, $3, $4, now(), $5)`,
      [
        outboundStreamId(TENANTS[0]!.tenantId, poisonId),
        randomUUID(),
        TENANTS[0]!.tenantId,
        harness.conversations[0]![0]!,
        JSON.stringify({ poison: 'this payload breaks the WebhookReceived schema' }),
      ],
    );
    const afterPoison = Date.now();
    await sleep(context.scaled(10) * 1000);
    await settle(harness, context, notes, 15_000);

    // What became of each.
    const atMeta = harness.meta.sentMessages.filter((m) => m.bizOpaqueCallbackData === big.messageId).length;
    const bigReceipt = harness.genesys.receipts
      .filter((r) => r.body.id === big.messageId)
      .map((r) => r.body.status);
    notes.push(`largest webhook: ${atMeta} send(s) at Meta, receipts ${JSON.stringify(bigReceipt)}`);
    if (!isAck(bigAnswer))
      failures.push(`the largest webhook was answered ${bigAnswer.status || bigAnswer.error}`);
    else if (atMeta === 0 && !bigReceipt.includes('Failed')) {
      failures.push('the largest webhook was acknowledged but neither sent nor failed with a receipt');
    }
    if (sentTwo.length === 2) {
      const { rows } = await harness.bridge.db.pool.query<{ wamid: string }>(
        `SELECT DISTINCT data->>'wamid' AS wamid FROM events WHERE type = 'Read' AND data->>'wamid' = ANY($1)`,
        [sentTwo.map((m) => m.wamid)],
      );
      notes.push(`mixed Meta batch: HTTP ${batchStatus}, ${rows.length} of 2 valid statuses applied`);
      if (rows.length < 2)
        failures.push(`mixed Meta batch (HTTP ${batchStatus}): ${2 - rows.length} valid statuses lost`);
    }
    const after = harness.traffic.sent.filter((r) => r.dueAtMs >= afterPoison && isAck(r));
    const afterAtMeta = after.filter((r) =>
      harness.meta.sentMessages.some((m) => m.bizOpaqueCallbackData === r.messageId),
    ).length;
    const dead = await harness.bridge.db.pool
      .query<{ count: string }>('SELECT count(*) FROM dead_letters')
      .then((result) => result.rows[0]!.count)
      .catch((error: Error) => `unknown (${error.message})`);
    const readyz = await fetch(`${harness.bridge.internalUrl}/readyz`).then(
      async (response) => `${response.status} ${(await response.text()).slice(0, 200)}`,
      (error: Error) => error.message,
    );
    notes.push(
      `after the undecodable event: ${afterAtMeta} of ${after.length} acknowledged webhooks reached Meta; dead letters ${dead}; /readyz ${readyz}`,
    );
    // The largest webhook was judged above (sent, or failed with a receipt: it is too long for WhatsApp); the
    // tally counts the traffic around it.
    const around = harness.traffic.sent.filter((record) => record.messageId !== big.messageId);
    return tally(harness, null, notes, { failures }, around);
  });

import { randomBytes, randomUUID } from 'node:crypto';
import type { BridgeProcess } from './bridge-process';
import { BENCH_INTEGRATION_ID } from './genesys-webhooks';

export const BENCH_TENANT = 'bench';
export const BENCH_PHONE_NUMBER_ID = '106540352242922';
export const BENCH_META_TOKEN = 'EAAJ-bench-whatsapp-token';

const post = async (bridge: BridgeProcess, path: string, payload: unknown): Promise<void> => {
  const response = await fetch(`${bridge.internalUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bridge.adminToken}` },
    body: JSON.stringify(payload),
  });
  if (response.status !== 201)
    throw new Error(`POST ${path}: HTTP ${response.status} ${await response.text()}`);
};

/** An OAuth client the Genesys simulator accepts: only a bench that measures calls to Genesys gives one. */
export interface BenchGenesysClient {
  clientId: string;
  clientSecret: string;
}

/**
 * Creates the bench tenant through POST /admin/tenants, as an operator would. Without `genesys` the tenant has no
 * OAuth client, as no outbound bench calls Genesys. Answers the webhook secret to sign with.
 */
export const createBenchTenant = async (
  bridge: BridgeProcess,
  genesys?: BenchGenesysClient,
): Promise<string> => {
  const webhookSecret = randomBytes(24).toString('hex');
  await post(bridge, '/admin/tenants', {
    tenantId: BENCH_TENANT,
    genesysIntegrationId: BENCH_INTEGRATION_ID,
    genesysWebhookSecret: webhookSecret,
    genesysRegion: 'usw2.pure.cloud',
    ...(genesys ? { genesysClientId: genesys.clientId, genesysClientSecret: genesys.clientSecret } : {}),
    whatsapp: { phoneNumberId: BENCH_PHONE_NUMBER_ID, accessToken: BENCH_META_TOKEN },
  });
  return webhookSecret;
};

/**
 * Links `count` new conversations through POST /admin/conversations (a few at a time) and waits until the
 * conversation_mappings projection holds every one: a message sent before its mapping is projected would be
 * recorded as MappingMissing instead of measuring the send path.
 */
export const linkConversations = async (
  bridge: BridgeProcess,
  count: number,
  timeoutMs = 120_000,
): Promise<string[]> => {
  const conversations = Array.from({ length: count }, () => randomUUID());
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let index = next++; index < count; index = next++) {
        await post(bridge, '/admin/conversations', {
          tenantId: BENCH_TENANT,
          conversationId: conversations[index],
          // Distinct customers, as in real traffic: 4477009 + six digits.
          waId: `4477009${String(index).padStart(6, '0')}`,
        });
      }
    }),
  );
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await bridge.db.pool.query<{ count: string }>(
      'SELECT count(*) FROM conversation_mappings WHERE tenant_id = $1',
      [BENCH_TENANT],
    );
    if (Number(rows[0]!.count) >= count) return conversations;
    if (Date.now() > deadline) throw new Error(`only ${rows[0]!.count} of ${count} mappings projected`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

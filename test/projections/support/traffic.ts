import { randomUUID } from 'node:crypto';
import { genesysTextWebhook, postGenesysWebhook } from '../../support/genesys-webhooks';
import type { TestPipeline } from '../../support/pipeline';

export const TENANT = 'acme';
// The integration id the shared fixture carries.
export const INTEGRATION = '73cb7fb7-c2db-4996-88f3-0a83a4fea1da';
export const SECRET = 'rebuild-webhook-secret-0001';

/** A signed Genesys outbound text webhook from the shared fixture, with its own message id. */
export const textWebhook = (conversationId: string, text: string) =>
  genesysTextWebhook({ tenantId: TENANT, conversationId, text });

export const postWebhook = async (pipeline: TestPipeline, body: string): Promise<number> =>
  (await postGenesysWebhook(pipeline.app, SECRET, body)).statusCode;

export const setUpTenant = async (pipeline: TestPipeline, conversations: number): Promise<string[]> => {
  await pipeline.addTenant({
    tenantId: TENANT,
    integrationId: INTEGRATION,
    region: 'usw2.pure.cloud',
    webhookSecret: SECRET,
  });
  const ids = Array.from({ length: conversations }, () => randomUUID());
  for (const [index, id] of ids.entries()) await pipeline.link(TENANT, id, `4477009001${10 + index}`);
  return ids;
};

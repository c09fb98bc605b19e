import { randomUUID } from 'node:crypto';
import { genesysSignature } from '../../../src/http/signatures';
import { fixtureBytes } from '../../support/fixtures';
import type { TestPipeline } from '../../support/pipeline';

export const TENANT = 'acme';
// The integration id the shared fixture carries.
export const INTEGRATION = '73cb7fb7-c2db-4996-88f3-0a83a4fea1da';
export const SECRET = 'rebuild-webhook-secret-0001';

/** A signed Genesys outbound text webhook from the shared fixture, with its own message id. */
export const textWebhook = (conversationId: string, text: string) => {
  const fixture = JSON.parse(fixtureBytes('genesys/outbound-text.json').toString()) as Record<
    string,
    unknown
  > & { channel: Record<string, unknown> };
  const messageId = randomUUID();
  const body = JSON.stringify({
    ...fixture,
    id: messageId,
    channel: { ...fixture.channel, messageId },
    conversationId,
    text,
  });
  return { body, messageId, streamId: `outbound-${TENANT}-${messageId}` };
};

export const postWebhook = async (pipeline: TestPipeline, body: string): Promise<number> =>
  (
    await pipeline.app.inject({
      method: 'POST',
      url: '/webhook/genesys',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': genesysSignature(SECRET, body) },
      payload: body,
    })
  ).statusCode;

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

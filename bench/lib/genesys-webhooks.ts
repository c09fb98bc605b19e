import { randomBytes } from 'node:crypto';
import { genesysSignature } from '../../src/http/signatures';
import { fixtureJson } from '../../test/support/fixtures';

/** The shared fixture's integration id: the bench tenant is created with it. */
export const BENCH_INTEGRATION_ID = '73cb7fb7-c2db-4996-88f3-0a83a4fea1da';

export interface SignedWebhook {
  body: string;
  headers: Record<string, string>;
  /** The Genesys message id (`id` and `channel.messageId`): what Meta gets back as biz_opaque_callback_data. */
  messageId: string;
}

interface TextFixture {
  channel: Record<string, unknown>;
  [field: string]: unknown;
}

/**
 * Signed outbound text webhooks in the shape of test/fixtures/genesys/outbound-text.json, each with a message id
 * of its own (a Genesys id is 32 hex digits: 8 for this run, 24 for the counter), so that every request is a new
 * message and a new stream rather than an idempotent repeat.
 */
export const webhookFactory = (secret: string) => {
  const fixture = fixtureJson<TextFixture>('genesys/outbound-text.json');
  const run = randomBytes(4).toString('hex');
  const time = new Date().toISOString();
  return (index: number, conversationId: string): SignedWebhook => {
    const messageId = `${run}${index.toString(16).padStart(24, '0')}`;
    const body = JSON.stringify({
      ...fixture,
      id: messageId,
      channel: { ...fixture.channel, id: BENCH_INTEGRATION_ID, messageId, time },
      conversationId,
      text: `Bench message ${index}`,
    });
    return {
      body,
      messageId,
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': genesysSignature(secret, body) },
    };
  };
};

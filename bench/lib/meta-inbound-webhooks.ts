import { randomBytes } from 'node:crypto';
import { buildInboundWebhook, signMetaWebhook } from '../../src/simulators/meta';
import { BENCH_PHONE_NUMBER_ID } from './bridge-admin';
import type { PacedRequest } from './paced-load';

export interface SignedInboundWebhook extends PacedRequest {
  /** The message's wamid: what Genesys receives as channel.messageId. */
  wamid: string;
}

/**
 * Signed Meta webhooks, each one text message of a customer to the bench tenant's number, built by the Meta
 * simulator (the shape of test/fixtures/meta/inbound-text.json). Every message has a wamid of its own (this run's
 * prefix and the counter), so each is a new InboundMessageReceived rather than an idempotent repeat.
 */
export const inboundWebhookFactory = (appSecret: string) => {
  const run = randomBytes(6).toString('base64url');
  return (index: number, waId: string): SignedInboundWebhook => {
    const wamid = `wamid.bench${run}${index.toString(36).padStart(8, '0')}`;
    const body = JSON.stringify(
      buildInboundWebhook({
        customer: { waId, name: `Bench customer ${waId}` },
        messages: [{ type: 'text', id: wamid, text: { body: `Bench inbound ${index}` } }],
        phoneNumberId: BENCH_PHONE_NUMBER_ID,
      }),
    );
    return {
      wamid,
      path: '/webhook/meta',
      body,
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signMetaWebhook(appSecret, body),
      },
    };
  };
};

/**
 * The shared Genesys outbound fixtures as the bridge's tests need them: the ReceiveWebhook command the HTTP layer
 * would issue for the fixture's exact bytes, and the legacy queue body expected for it, written out from the
 * fixture's JSON by hand (not through the code under test).
 */
import { createHmac } from 'node:crypto';
import { fixtureBytes, fixtureNames } from '../../support/fixtures';
import type { ReceiveWebhook } from '../../../src/commands/outbound-message/commands';
import { genesysWebhookSchema } from '../../../src/contracts/genesys/outbound-webhook';
import { toReceiveWebhook } from '../../../src/http/webhook-to-command';
import type { LegacyOutboundMessage } from '../../../src/bridges/amqp/legacy-outbound-message';

/** The fields of a Genesys webhook the expectation reads, as plain JSON. */
interface FixtureJson {
  id?: string;
  conversationId?: string;
  type: string;
  text?: string;
  channel: { messageId?: string };
  content?: {
    attachment?: {
      mediaType: string;
      url: string;
      mime?: string;
      filename?: string;
      contentSizeBytes?: number;
    };
  }[];
}

export interface FixtureWebhook {
  name: string;
  json: FixtureJson;
  command: ReceiveWebhook;
}

const TEST_WEBHOOK_SECRET = 'amqp-bridge-test-secret';

/** A ReceiveWebhook for any raw body, signed like Genesys does (base64 HMAC-SHA256). */
export const receiveWebhookFor = (body: string, receivedAt = new Date().toISOString()): ReceiveWebhook => {
  const signature = `sha256=${createHmac('sha256', TEST_WEBHOOK_SECRET).update(body).digest('base64')}`;
  return toReceiveWebhook(genesysWebhookSchema.parse(JSON.parse(body)), { body, signature, receivedAt });
};

/** Every `genesys/outbound-*.json` fixture, byte for byte. */
export const outboundFixtureWebhooks = (): FixtureWebhook[] =>
  fixtureNames('genesys', 'outbound-').map((name) => {
    const body = fixtureBytes(name).toString('utf8');
    return { name, json: JSON.parse(body) as FixtureJson, command: receiveWebhookFor(body) };
  });

/** What the legacy queue must carry for a fixture: CONTRACT.md's shape, values straight from the fixture. */
export const expectedLegacyBody = (json: FixtureJson, tenantId: string): LegacyOutboundMessage => {
  const attachment = json.content?.find((item) => item.attachment)?.attachment;
  return {
    conversationId: json.conversationId ?? null,
    messageId: json.channel.messageId ?? json.id!,
    type: json.type,
    text: json.text ?? null,
    tenantId,
    ...(attachment
      ? {
          attachment: {
            mediaType: attachment.mediaType,
            url: attachment.url,
            mime: attachment.mime ?? null,
            filename: attachment.filename ?? null,
            contentSizeBytes: attachment.contentSizeBytes ?? null,
          },
        }
      : {}),
  };
};

import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { genesysSignature } from '../../src/http/signatures';
import { fixtureBytes } from './fixtures';
import { outboundStreamId } from '../../src/events/schemas/stream-ids';

/**
 * A Genesys outbound text webhook built from the shared fixture, with its own message id, conversation and text
 * (so that tests stay apart), and the stream its message gets.
 */
export const genesysTextWebhook = ({
  tenantId,
  conversationId,
  text,
  messageId = randomUUID(),
}: {
  tenantId: string;
  conversationId: string;
  text: string;
  messageId?: string;
}) => {
  const fixture = JSON.parse(fixtureBytes('genesys/outbound-text.json').toString()) as Record<
    string,
    unknown
  > & {
    channel: Record<string, unknown>;
  };
  const body = JSON.stringify({
    ...fixture,
    id: messageId,
    channel: { ...fixture.channel, messageId },
    conversationId,
    text,
  });
  return { body, messageId, streamId: outboundStreamId(tenantId, messageId) };
};

/** POST /webhook/genesys signed with the integration's secret, as Genesys does. */
export const postGenesysWebhook = (app: FastifyInstance, secret: string, body: string) =>
  app.inject({
    method: 'POST',
    url: '/webhook/genesys',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': genesysSignature(secret, body) },
    payload: body,
  });

/** A Genesys typing Event (fixtures/genesys/outbound-event-typing.json) for a conversation, with its own message id. */
export const genesysTypingWebhook = ({
  conversationId,
  customerId,
  messageId = randomUUID().replaceAll('-', ''),
}: {
  conversationId: string;
  customerId: string;
  messageId?: string;
}) => {
  const fixture = JSON.parse(fixtureBytes('genesys/outbound-event-typing.json').toString()) as Record<
    string,
    unknown
  > & { channel: Record<string, unknown> & { to: Record<string, unknown> } };
  return JSON.stringify({
    ...fixture,
    id: messageId,
    channel: { ...fixture.channel, messageId, to: { ...fixture.channel.to, id: customerId } },
    conversationId,
  });
};

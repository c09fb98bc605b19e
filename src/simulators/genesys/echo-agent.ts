import { randomUUID } from 'node:crypto';
import type { Logger } from '../../infra/logger';
import type { RecordedInboundMessage } from './genesys-records';
import type { GenesysSimulator } from './genesys-simulator';
import { sendGenesysWebhook } from './genesys-webhook';
import { outboundTextWebhook } from './outbound-text-webhook';

export interface EchoAgentOptions {
  /** The bridge's `POST /webhook/genesys`. */
  webhookUrl: string;
  /** The integration's webhook secret: the echo is signed like any Genesys webhook. */
  webhookSecret: string;
  logger: Logger;
  /**
   * Resolves once the bridge can answer in the conversation (it links it from the simulator's answer, a moment
   * after): a person at a desktop sees the conversation only then. Default: at once.
   */
  linked?: (conversationId: string) => Promise<void>;
}

/** What the customer said, for the echo: the text, or the label of the button they pressed. */
const saidIn = (message: RecordedInboundMessage): string => {
  const { text, buttonResponse } = message.body as { text?: unknown; buttonResponse?: { text?: unknown } };
  if (typeof text === 'string') return text;
  return typeof buttonResponse?.text === 'string' ? buttonResponse.text : '';
};

/**
 * The sandbox's agent: answers every customer message the Genesys simulator receives with "Echo: …", sent to the
 * bridge as a signed outbound Genesys webhook in the customer's conversation, so the whole loop — customer,
 * bridge, Genesys, agent, bridge, customer — runs without anybody at a Genesys desktop. Sandbox mode only.
 * Returns the function that stops it.
 */
export const startEchoAgent = (genesys: GenesysSimulator, options: EchoAgentOptions): (() => void) =>
  genesys.onInboundMessage((message) => {
    const customerId = (message.body.channel as { from: { id: string } }).from.id;
    const said = saidIn(message);
    options.logger.info(
      { conversationId: message.conversationId, text: said },
      'Genesys simulator received a customer message',
    );
    const body = outboundTextWebhook({
      integrationId: message.integrationId,
      conversationId: message.conversationId,
      customerId,
      text: `Echo: ${said}`,
      messageId: randomUUID(),
      nickname: 'Echo Agent',
      originatingEntity: 'Bot',
    });
    // After the simulator's answer: the bridge links the conversation from that answer.
    setImmediate(() => {
      (options.linked ?? (async () => undefined))(message.conversationId)
        .then(() => sendGenesysWebhook(options.webhookUrl, options.webhookSecret, body))
        .then(
          (delivery) =>
            options.logger.info(
              { conversationId: message.conversationId, status: delivery.status, text: `Echo: ${said}` },
              'echo agent answered',
            ),
          (error: Error) => options.logger.warn({ err: error.message }, 'echo agent could not answer'),
        );
    });
  });

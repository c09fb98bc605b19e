/** An Open Messaging outbound text webhook body, shaped like Genesys' own (fixtures/genesys/outbound-text.json). */
export interface OutboundTextWebhook {
  integrationId: string;
  conversationId: string;
  /** The customer id the integration gave Genesys (`channel.to.id`). */
  customerId: string;
  text: string;
  messageId: string;
  /** Who wrote it, as Genesys names the sender. */
  nickname: string;
  originatingEntity: 'Human' | 'Bot';
}

export const outboundTextWebhook = (message: OutboundTextWebhook): string =>
  `${JSON.stringify(
    {
      id: message.messageId,
      channel: {
        id: message.integrationId,
        platform: 'Open',
        type: 'Private',
        messageId: message.messageId,
        to: { id: message.customerId, idType: 'Opaque' },
        from: { nickname: message.nickname, id: message.integrationId, idType: 'Opaque' },
        time: new Date().toISOString(),
      },
      conversationId: message.conversationId,
      direction: 'Outbound',
      originatingEntity: message.originatingEntity,
      type: 'Text',
      text: message.text,
    },
    null,
    2,
  )}\n`;

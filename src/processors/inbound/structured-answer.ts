/**
 * Which inbound messages are answers to a structured message: a pressed reply button or list row (the bridge sends
 * Genesys quick replies as those) and a template quick-reply button. Genesys takes such an answer as a structured
 * response naming the message it answers; the Meta message answered is `context.id`. Pure.
 */
import type { InboundStructuredResponse } from '../../clients/genesys';
import type { InboundMessageReceivedData } from '../../events/schemas/inbound-message-received';

export interface StructuredAnswer extends Pick<InboundStructuredResponse, 'buttonType' | 'text' | 'payload'> {
  /** The wamid of the business message whose button was pressed. */
  answers: string;
}

export const structuredAnswerOf = (
  message: Pick<InboundMessageReceivedData, 'content' | 'context'>,
): StructuredAnswer | undefined => {
  const answers = message.context?.replyTo;
  if (answers === undefined) return undefined;
  const { content } = message;
  switch (content.kind) {
    case 'interactive':
      // The row or button id is the Genesys quick reply payload the bridge sent (its text when it had none).
      return { answers, buttonType: 'QuickReply', text: content.title, payload: content.id };
    case 'button':
      // Meta leaves the payload out for buttons defined without one; Genesys then uses the text as the payload.
      return { answers, buttonType: 'Button', text: content.text, payload: content.payload ?? content.text };
    default:
      return undefined;
  }
};

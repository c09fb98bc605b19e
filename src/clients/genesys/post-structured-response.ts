import { readOpenMessagingAnswer, type OpenMessagingAnswer } from './open-messaging-answer';
import { postToOpenMessaging } from './open-messaging-post';
import type { InboundOpenMessage } from './post-inbound-message';

/**
 * A customer's answer to a structured message Genesys sent (quick replies, a list, template buttons): the button
 * the customer pressed, and the Genesys id of the message that offered it.
 */
export interface InboundStructuredResponse extends Omit<InboundOpenMessage, 'text' | 'attachments'> {
  /** `QuickReply` for Genesys quick replies (WhatsApp reply buttons or list rows), `Button` for template buttons. */
  buttonType: 'QuickReply' | 'Button';
  /** What the button said. */
  text: string;
  /** What the button carries back (the Genesys quick reply payload). */
  payload: string;
  /** The Genesys message id of the structured message answered. */
  originatingMessageId: string;
}

export interface PostStructuredResponseRequest {
  /** e.g. https://api.mypurecloud.com */
  apiUrl: string;
  accessToken: string;
  response: InboundStructuredResponse;
  timeoutMs: number;
}

/** The body of Genesys' OpenInboundStructuredResponseMessage (fixtures/genesys/inbound-structured-response-request.json). */
export const toOpenMessagingStructuredResponse = (
  response: InboundStructuredResponse,
): Record<string, unknown> => ({
  channel: {
    messageId: response.messageId,
    from: {
      id: response.from.id,
      idType: response.from.idType,
      ...(response.from.nickname !== undefined ? { nickname: response.from.nickname } : {}),
    },
    time: response.time,
  },
  buttonResponse: { type: response.buttonType, text: response.text, payload: response.payload },
  originatingMessageId: response.originatingMessageId,
});

/**
 * POST /api/v2/conversations/messages/{integrationId}/inbound/open/structured/response: the customer pressed a
 * button of a structured message, and Genesys shows (and routes on) the button, not a loose text. Answered 202
 * with the normalized message (its id); the conversation is the one the structured message was sent in.
 */
export const postStructuredResponse = async (
  request: PostStructuredResponseRequest,
): Promise<OpenMessagingAnswer> => {
  const what = 'Genesys structured response';
  const posted = await postToOpenMessaging(what, {
    apiUrl: request.apiUrl,
    integrationId: request.response.integrationId,
    endpoint: 'structured/response',
    accessToken: request.accessToken,
    body: toOpenMessagingStructuredResponse(request.response),
    timeoutMs: request.timeoutMs,
  });
  if (!posted.ok) return posted;
  return readOpenMessagingAnswer(what, posted.response);
};

import { readOpenMessagingAnswer, type OpenMessagingAnswer } from './open-messaging-answer';
import { postToOpenMessaging } from './open-messaging-post';

/** An attachment of an inbound message: a URL Genesys downloads (a presigned object-store URL). */
export interface InboundAttachment {
  mediaType: 'Image' | 'Video' | 'Audio' | 'File';
  url: string;
  mime: string;
  filename?: string;
}

export interface InboundOpenMessage {
  /** The WhatsApp message id: Genesys keeps it as the message's channel id (and drops repeats of it). */
  messageId: string;
  integrationId: string;
  from: { id: string; idType: 'Phone' | 'Opaque'; nickname?: string };
  /** ISO instant the customer sent it. */
  time: string;
  text: string;
  attachments?: InboundAttachment[];
}

export interface PostInboundMessageRequest {
  /** e.g. https://api.mypurecloud.com */
  apiUrl: string;
  accessToken: string;
  message: InboundOpenMessage;
  timeoutMs: number;
}

export type PostInboundMessageResult = OpenMessagingAnswer;

/** The Open Messaging body (Genesys "Inbound Open Messaging", fixtures/genesys/inbound-message-text-request.json). */
export const toOpenMessagingInbound = (message: InboundOpenMessage): Record<string, unknown> => ({
  channel: {
    messageId: message.messageId,
    platform: 'Open',
    type: 'Private',
    from: {
      id: message.from.id,
      idType: message.from.idType,
      ...(message.from.nickname !== undefined ? { nickname: message.from.nickname } : {}),
    },
    to: { id: message.integrationId },
    time: message.time,
  },
  direction: 'Inbound',
  type: 'Text',
  text: message.text,
  ...(message.attachments?.length
    ? {
        content: message.attachments.map((attachment) => ({
          contentType: 'Attachment',
          attachment: {
            mediaType: attachment.mediaType,
            url: attachment.url,
            mime: attachment.mime,
            ...(attachment.filename !== undefined ? { filename: attachment.filename } : {}),
          },
        })),
      }
    : {}),
});

/**
 * POST /api/v2/conversations/messages/{integrationId}/inbound/open/message?prefetchConversationId=true: hands a
 * customer's message to Genesys. The answer (202) carries the Genesys message id and, thanks to the prefetch flag,
 * the conversation the message went into.
 */
export const postInboundMessage = async (
  request: PostInboundMessageRequest,
): Promise<PostInboundMessageResult> => {
  const what = 'Genesys inbound message';
  const posted = await postToOpenMessaging(what, {
    apiUrl: request.apiUrl,
    integrationId: request.message.integrationId,
    endpoint: 'message?prefetchConversationId=true',
    accessToken: request.accessToken,
    body: toOpenMessagingInbound(request.message),
    timeoutMs: request.timeoutMs,
  });
  if (!posted.ok) return posted;
  return readOpenMessagingAnswer(what, posted.response);
};

import { discardBody } from '../http/read-capped';
import type { GenesysError } from './genesys-error';
import { postToOpenMessaging } from './open-messaging-post';

export interface PostReceiptRequest {
  /** e.g. https://api.mypurecloud.com */
  apiUrl: string;
  integrationId: string;
  accessToken: string;
  /** An Open Messaging receipt (fixtures/genesys/inbound-receipt-request-failed.json). */
  receipt: Record<string, unknown>;
  timeoutMs: number;
}

export type PostReceiptResult = { ok: true; httpStatus: number } | { ok: false; error: GenesysError };

/**
 * POST /api/v2/conversations/messages/{integrationId}/inbound/open/receipt (Genesys Open Messaging API): tells
 * Genesys an outbound message was delivered, read or failed. Genesys answers 202 while it processes the receipt.
 */
export const postReceipt = async (request: PostReceiptRequest): Promise<PostReceiptResult> => {
  const posted = await postToOpenMessaging('Genesys receipt', {
    apiUrl: request.apiUrl,
    integrationId: request.integrationId,
    endpoint: 'receipt',
    accessToken: request.accessToken,
    body: request.receipt,
    timeoutMs: request.timeoutMs,
  });
  if (!posted.ok) return posted;
  const { response } = posted;
  await discardBody(response);
  return { ok: true, httpStatus: response.status };
};

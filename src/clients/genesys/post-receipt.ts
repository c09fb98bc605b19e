import { discardBody } from '../http/read-capped';
import type { GenesysError } from './genesys-error';
import { genesysErrorFrom } from './genesys-answer';
import { genesysNetworkError } from './network-error';

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
  const what = 'Genesys receipt';
  const base = request.apiUrl.replace(/\/+$/, '');
  const url = `${base}/api/v2/conversations/messages/${encodeURIComponent(request.integrationId)}/inbound/open/receipt`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${request.accessToken}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify(request.receipt),
      signal: AbortSignal.timeout(request.timeoutMs),
      redirect: 'manual',
    });
  } catch (error) {
    return { ok: false, error: genesysNetworkError(what, error, request.timeoutMs) };
  }
  if (!response.ok)
    return { ok: false, error: await genesysErrorFrom(response, what, [request.accessToken]) };
  await discardBody(response);
  return { ok: true, httpStatus: response.status };
};

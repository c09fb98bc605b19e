import type { GenesysError } from './genesys-error';
import { genesysErrorFrom } from './genesys-answer';
import { genesysNetworkError } from './network-error';

export interface OpenMessagingPost {
  /** e.g. https://api.mypurecloud.com */
  apiUrl: string;
  integrationId: string;
  /** After `/inbound/open/`, e.g. `receipt` or `message?prefetchConversationId=true`. */
  endpoint: string;
  accessToken: string;
  body: unknown;
  timeoutMs: number;
}

/**
 * POST /api/v2/conversations/messages/{integrationId}/inbound/open/{endpoint} with the tenant's bearer token: the
 * one request shape every Open Messaging call shares. A non-2xx answer or a network failure comes back as a
 * GenesysError (never quoting the token); a 2xx answer is left to the caller to read.
 */
export const postToOpenMessaging = async (
  what: string,
  request: OpenMessagingPost,
): Promise<{ ok: true; response: Response } | { ok: false; error: GenesysError }> => {
  const base = request.apiUrl.replace(/\/+$/, '');
  const url = `${base}/api/v2/conversations/messages/${encodeURIComponent(request.integrationId)}/inbound/open/${request.endpoint}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${request.accessToken}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify(request.body),
      signal: AbortSignal.timeout(request.timeoutMs),
      redirect: 'manual',
    });
  } catch (error) {
    return { ok: false, error: genesysNetworkError(what, error, request.timeoutMs) };
  }
  if (!response.ok)
    return { ok: false, error: await genesysErrorFrom(response, what, [request.accessToken]) };
  return { ok: true, response };
};

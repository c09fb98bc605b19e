import { z } from 'zod';
import { discardBody } from '../http/read-capped';
import { withoutSecrets } from '../http/redact';
import type { GenesysError } from './genesys-error';
import { genesysErrorFrom } from './genesys-answer';
import { genesysNetworkError } from './network-error';

export interface RequestTokenRequest {
  /** e.g. https://login.mypurecloud.com (see urlFromTemplate). */
  loginUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
}

export type RequestTokenResult =
  { ok: true; accessToken: string; expiresIn: number } | { ok: false; error: GenesysError };

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().refine((type) => type.toLowerCase() === 'bearer', 'must be a bearer token'),
  expires_in: z.number().positive(),
});

/**
 * OAuth client credentials grant (Genesys developer center, "Client Credentials Grant"): POST /oauth/token on the
 * region's login host with HTTP Basic `clientId:clientSecret` and the form body `grant_type=client_credentials`.
 */
export const requestToken = async (request: RequestTokenRequest): Promise<RequestTokenResult> => {
  const what = 'Genesys token request';
  const secrets = [request.clientSecret];
  // RFC 6749 §2.3.1: id and secret are form-encoded before they are joined for Basic authentication.
  const basic = Buffer.from(
    `${encodeURIComponent(request.clientId)}:${encodeURIComponent(request.clientSecret)}`,
  ).toString('base64');
  let response: Response;
  try {
    response = await fetch(`${request.loginUrl.replace(/\/+$/, '')}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
      signal: AbortSignal.timeout(request.timeoutMs),
      redirect: 'manual',
    });
  } catch (error) {
    return { ok: false, error: genesysNetworkError(what, error, request.timeoutMs) };
  }
  if (!response.ok) {
    const error = await genesysErrorFrom(response, what, secrets);
    // Refused client credentials will not improve by asking again: a 401 here is final, not "get a new token".
    return { ok: false, error: error.kind === 'unauthorized' ? { ...error, kind: 'permanent' } : error };
  }
  let json: unknown;
  try {
    json = await response.json();
  } catch (error) {
    await discardBody(response);
    return { ok: false, error: genesysNetworkError(what, error, request.timeoutMs) };
  }
  const parsed = tokenResponseSchema.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      error: {
        kind: 'retryable',
        httpStatus: response.status,
        title: withoutSecrets(
          `${what}: unexpected answer (${parsed.error.issues[0]?.message ?? 'shape'})`,
          secrets,
        ),
      },
    };
  }
  return { ok: true, accessToken: parsed.data.access_token, expiresIn: parsed.data.expires_in };
};

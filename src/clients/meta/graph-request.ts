import { classifyNetworkFailure, describeNetworkFailure } from '../http/network-failure';
import { readTextCapped } from '../http/read-capped';
import { withoutSecrets } from '../http/redact';
import { parseRetryAfter } from '../http/retry-after';
import { parseGraphErrorBody } from './graph-error-body';
import { classifyMetaAnswer, type MetaError } from './meta-error';

export interface GraphPost {
  url: string;
  accessToken: string;
  body: string | FormData;
  /** Set for JSON bodies; FormData sets its own multipart boundary. */
  contentType?: string;
  timeoutMs: number;
}

export type GraphAnswer = { ok: true; httpStatus: number; json: unknown } | { ok: false; error: MetaError };

export interface GraphGet {
  url: string;
  accessToken: string;
  timeoutMs: number;
}

/**
 * One GET to the Graph API (a lookup), with the same answer handling as a POST. A GET changes nothing at Meta,
 * so callers may repeat it after any failure, an `unknown-outcome` included.
 */
export const getFromGraph = (request: GraphGet): Promise<GraphAnswer> => callGraph('GET', request);

/**
 * One POST to the Graph API. A 2xx answer is handed back parsed; every failure becomes a MetaError. The access
 * token goes into the Authorization header only and is scrubbed from anything Meta echoes back.
 */
export const postToGraph = (request: GraphPost): Promise<GraphAnswer> => callGraph('POST', request);

const callGraph = async (
  method: 'GET' | 'POST',
  request: GraphGet & Partial<GraphPost>,
): Promise<GraphAnswer> => {
  const scrub = (text: string) => withoutSecrets(text, [request.accessToken]);
  const signal = AbortSignal.timeout(request.timeoutMs);
  let response: Response;
  try {
    response = await fetch(request.url, {
      method,
      headers: {
        authorization: `Bearer ${request.accessToken}`,
        ...(request.contentType ? { 'content-type': request.contentType } : {}),
      },
      ...(request.body === undefined ? {} : { body: request.body }),
      signal,
      // Graph answers directly; a redirect would be unexpected and must not carry the token elsewhere.
      redirect: 'manual',
    });
  } catch (error) {
    return { ok: false, error: networkError(error, request.timeoutMs) };
  }

  let text: string;
  try {
    text = await readTextCapped(response);
  } catch (error) {
    // The status line arrived, the body did not: Meta acted (or not) as the status says, but on a 2xx we lost
    // the wamid, so the outcome is unknown.
    if (response.ok) return { ok: false, error: networkError(error, request.timeoutMs) };
    text = '';
  }

  if (response.ok) {
    try {
      return { ok: true, httpStatus: response.status, json: JSON.parse(text) as unknown };
    } catch {
      return {
        ok: false,
        error: {
          kind: 'unknown-outcome',
          httpStatus: response.status,
          title: 'Meta answered 2xx with a body that is not JSON',
        },
      };
    }
  }

  const graphError = parseGraphErrorBody(text)?.error;
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  const error: MetaError = {
    kind: classifyMetaAnswer(response.status, graphError?.code),
    httpStatus: response.status,
    title: graphError ? scrub(graphError.message) : `Meta answered HTTP ${response.status}`,
  };
  if (graphError) error.code = graphError.code;
  const details = graphError?.error_data?.details;
  if (details !== undefined) error.details = scrub(details);
  if (graphError?.fbtrace_id !== undefined) error.fbtraceId = graphError.fbtrace_id;
  if (retryAfterMs !== undefined) error.retryAfterMs = retryAfterMs;
  return { ok: false, error };
};

const networkError = (error: unknown, timeoutMs: number): MetaError => {
  const failure = classifyNetworkFailure(error);
  return {
    kind: failure === 'not-sent' ? 'retryable' : 'unknown-outcome',
    title:
      failure === 'not-sent'
        ? `Meta not reached (${describeNetworkFailure(error, timeoutMs)})`
        : `Meta may have received the request (${describeNetworkFailure(error, timeoutMs)})`,
  };
};

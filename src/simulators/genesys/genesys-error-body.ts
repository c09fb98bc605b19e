import { randomUUID } from 'node:crypto';

/** Codes Genesys puts in its error bodies for the statuses the simulator answers with. */
const codeForStatus: Record<number, string> = {
  400: 'bad.request',
  401: 'authentication.required',
  403: 'not.authorized',
  404: 'not.found',
  429: 'too.many.requests',
  500: 'internal.server.error',
  502: 'bad.gateway',
  503: 'service.unavailable',
  504: 'gateway.timeout',
};

/**
 * A Genesys Platform API error body: `{message, code, status, contextId, details, errors}` (the ErrorBody model of
 * the Platform API).
 */
export const genesysErrorBody = (
  status: number,
  message?: string,
  code?: string,
): Record<string, unknown> => ({
  message:
    message ??
    (status === 429 ? 'Rate limit exceeded the maximum. Retry the request later.' : `HTTP ${status}`),
  code: code ?? codeForStatus[status] ?? (status >= 500 ? 'internal.server.error' : 'bad.request'),
  status,
  contextId: randomUUID(),
  details: [],
  errors: [],
});

import { z } from 'zod';
import { readTextCapped } from '../http/read-capped';
import { withoutSecrets } from '../http/redact';
import { parseRetryAfter } from '../http/retry-after';
import type { GenesysError } from './genesys-error';

/**
 * Genesys Platform API errors carry `{message, code, status, contextId, details, errors}`; its OAuth endpoint
 * answers RFC 6749 style `{error, error_description}` (Genesys adds `description`). Either may be absent behind a
 * gateway, so every field is optional.
 */
const genesysErrorBodySchema = z.object({
  message: z.string().optional(),
  code: z.string().optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
  description: z.string().optional(),
});

const parseBody = (text: string): z.infer<typeof genesysErrorBodySchema> => {
  try {
    const parsed = genesysErrorBodySchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
};

/** Turns a non-2xx Genesys answer into a GenesysError; `what` names the request for the title. */
export const genesysErrorFrom = async (
  response: Response,
  what: string,
  secrets: readonly string[],
): Promise<GenesysError> => {
  const body = parseBody(await readTextCapped(response).catch(() => ''));
  const status = response.status;
  const kind: GenesysError['kind'] =
    status === 429
      ? 'rate-limited'
      : status === 401
        ? 'unauthorized'
        : status >= 500 || status === 408
          ? 'retryable'
          : 'permanent';
  const reason = body.message ?? body.error_description ?? body.description;
  const error: GenesysError = {
    kind,
    httpStatus: status,
    title: withoutSecrets(`${what}: Genesys answered HTTP ${status}${reason ? ` (${reason})` : ''}`, secrets),
  };
  const code = body.code ?? body.error;
  if (code !== undefined) error.code = withoutSecrets(code, secrets);
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  if (retryAfterMs !== undefined) error.retryAfterMs = retryAfterMs;
  return error;
};

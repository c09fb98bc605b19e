import type { z } from 'zod';
import { HttpError } from './errors';

/**
 * Validates a body with its zod schema, or answers 422 listing each issue's path and message — never the
 * submitted value, which may be a secret.
 */
export const parseBody = <S extends z.ZodType>(
  schema: S,
  body: unknown,
  message = 'The body does not match the expected shape',
): z.output<S> => {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new HttpError(422, 'SchemaMismatch', message, {
      issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    });
  }
  return parsed.data;
};

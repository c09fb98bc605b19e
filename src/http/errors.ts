import type { FastifyError, FastifyInstance } from 'fastify';

/**
 * Every error answer has one shape: `{error, message, …details}` — a code a machine can act on and a sentence a
 * person can read. Nothing in it comes from a secret or a stack trace.
 */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const errorSchema = {
  type: 'object',
  properties: { error: { type: 'string' }, message: { type: 'string' } },
  required: ['error', 'message'],
  additionalProperties: true,
} as const;

const fastifyCodes: Record<string, [number, string, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'PayloadTooLarge', 'The request body is larger than 1 MiB'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'UnsupportedMediaType', 'The body must be application/json'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'MalformedJson', 'The body is empty'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'MalformedJson', 'The body is not valid JSON'],
};

export const registerErrorHandler = (app: FastifyInstance) => {
  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    if (error instanceof HttpError) {
      return reply
        .code(error.statusCode)
        .send({ error: error.code, message: error.message, ...error.details });
    }
    const known = error.code ? fastifyCodes[error.code] : undefined;
    if (known) return reply.code(known[0]).send({ error: known[1], message: known[2] });
    if (error.validation) {
      return reply.code(400).send({ error: 'InvalidRequest', message: error.message });
    }
    if (error.statusCode && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ error: 'BadRequest', message: error.message });
    }
    request.log.error({ err: { message: error.message, stack: error.stack } }, 'request failed');
    return reply.code(500).send({ error: 'InternalError', message: 'The request could not be processed' });
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send({ error: 'NotFound', message: `No route ${request.method} ${request.url.split('?')[0]}` }),
  );
};

import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request body exactly as received, on routes that verify a signature over it. */
    rawBody?: Buffer;
  }
}

/**
 * Inside the calling plugin only: JSON bodies are kept as raw bytes (signatures are computed over the exact bytes,
 * and a re-serialized body would differ) and parsed later by the route, which answers malformed JSON itself.
 */
export const keepRawJsonBodies = (app: FastifyInstance) => {
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser(
    ['application/json', 'text/plain'],
    { parseAs: 'buffer' },
    (request, body, done) => {
      request.rawBody = body as Buffer;
      done(null, body);
    },
  );
};

export const parseJson = (raw: Buffer): { ok: true; value: unknown } | { ok: false } => {
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8')) };
  } catch {
    return { ok: false };
  }
};

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

/** A high surrogate with no low one after it, or a low surrogate with no high one before it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const isUnstorable = (text: string) => text.includes('\u0000') || LONE_SURROGATE.test(text);

/**
 * Whether a parsed body holds text PostgreSQL cannot keep in jsonb: U+0000, or an unpaired surrogate (valid as a
 * JSON escape, not as Unicode). Such a body, even signed, would fail its append on every retry and be answered
 * 5xx forever, so the routes refuse it as malformed instead. Walks without recursion: bodies nest deeply.
 */
export const hasUnstorableText = (value: unknown): boolean => {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === 'string') {
      if (isUnstorable(next)) return true;
    } else if (Array.isArray(next)) {
      pending.push(...next);
    } else if (next !== null && typeof next === 'object') {
      for (const [key, item] of Object.entries(next)) {
        if (isUnstorable(key)) return true;
        pending.push(item);
      }
    }
  }
  return false;
};

import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { HttpError } from './errors';

// Hashing first gives equal-length inputs to timingSafeEqual, so the comparison time says nothing about the token.
const digest = (value: string) => createHash('sha256').update(value).digest();

/** The bearer token of a request, or '' when there is none. */
export const bearerToken = (request: FastifyRequest): string => {
  const header = request.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
};

export const isAdminToken = (adminToken: string, token: string): boolean =>
  timingSafeEqual(digest(adminToken), digest(token));

/**
 * An onRequest hook: `Authorization: Bearer <token>` or 401. No token configured = nobody gets in (the internal
 * listener's /metrics is open when METRICS_TOKEN is unset, but it calls this only when it is set).
 */
export const requireBearerToken = (expectedToken: string | undefined, what = 'admin') => {
  return async (request: FastifyRequest) => {
    const token = bearerToken(request);
    if (!expectedToken || !token || !isAdminToken(expectedToken, token)) {
      throw new HttpError(401, 'Unauthorized', `A valid ${what} bearer token is required`);
    }
  };
};

/** `Authorization: Bearer <ADMIN_TOKEN>` or 401. */
export const requireAdminToken = (adminToken: string | undefined) => requireBearerToken(adminToken, 'admin');

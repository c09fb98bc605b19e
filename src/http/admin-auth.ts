import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { HttpError } from './errors';

// Hashing first gives equal-length inputs to timingSafeEqual, so the comparison time says nothing about the token.
const digest = (value: string) => createHash('sha256').update(value).digest();

/** An onRequest hook: `Authorization: Bearer <ADMIN_TOKEN>` or 401. No token configured = nobody gets in. */
export const requireAdminToken = (adminToken: string | undefined) => {
  const expected = adminToken === undefined ? undefined : digest(adminToken);
  return async (request: FastifyRequest) => {
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    if (!expected || !token || !timingSafeEqual(expected, digest(token))) {
      throw new HttpError(401, 'Unauthorized', 'A valid admin bearer token is required');
    }
  };
};
